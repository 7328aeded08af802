"""Leave-one-source-out figures: what a new article gets, not what the labelled ones get.

    .venv/bin/python benchmarks/loso.py [--gold ../shared/eval/gold.json]

Builds the 16 labelled articles (the seeds in raw/ and ../shared/corpus/dev) three ways and
scores each dataset with the labeller's own scorer (../shared/eval/score.py):

- rules: the hand-written evidence against its threshold (written while reading these
  articles: an in-sample figure);
- model, in-sample: the shipped role model, trained on all 16;
- model, leave-one-source-out: each article extracted by a model trained on all the other
  labelled articles (the other real ones and the shape articles of tests/cases/shapes.json).

It also holds out each shape article in turn and counts those whose mentions come out
exactly as their tests accept.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise_pipeline.clean import clean  # noqa: E402
from exercise_pipeline.document import exercises_document  # noqa: E402
from exercise_pipeline.extract import ExtractSettings, extract  # noqa: E402
from exercise_pipeline.extract.roles import RoleModel  # noqa: E402
from exercise_pipeline.extract.train import (  # noqa: E402
    SHAPES,
    cross_validate,
    examples,
    find_articles,
    read_document,
    training_set,
)
from exercise_pipeline.merge import MergeSettings, merge  # noqa: E402
from exercise_pipeline.merge.fit import fit, labelled_from  # noqa: E402
from exercise_pipeline.models import Document, Format, Mention  # noqa: E402
from exercise_pipeline.parse import parse  # noqa: E402
from exercise_pipeline.sources import load_manifest  # noqa: E402

SHARED = ROOT.parent / "shared"


def documents(folders: list[Path], sources: set[str]) -> dict[str, Document]:
    return {s: read_document(p) for s, p in find_articles(folders, sources).items()}


def mentions_of(
    doc: Document, settings: ExtractSettings, model: RoleModel | None
) -> tuple[Mention, ...]:
    return extract(clean(parse(doc)), settings=settings, model=model).mentions


def figures(report: str) -> dict[str, float]:
    """The scorer's SUMMARY line as numbers: recall, precision, mergeP, mergeF1, ..."""
    line = next(ln for ln in report.splitlines() if "SUMMARY" in ln)
    out = {}
    for key, value in re.findall(r"(\w+)=([0-9.]+)(?=\s|$)", line):
        out[key] = float(value)
    return out


def score(gold: Path, docs: dict[str, Document], mentions: list[Mention]) -> str:
    merged = merge(mentions)
    dataset = exercises_document(
        load_manifest(ROOT / "raw").dataset,
        list(docs.values()),
        merged.exercises,
        version="0.0.0",
        generated=None,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exercises.json"
        path.write_text(json.dumps(dataset), encoding="utf-8")
        out = subprocess.run(
            [sys.executable, str(gold.parent / "score.py"), str(gold), str(path)],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
    keep = ("extraction recall", "extraction precision", "merge pairwise", "SUMMARY")
    return "\n".join(f"    {ln}" for ln in out.splitlines() if ln.startswith(keep))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=SHARED / "eval" / "gold.json")
    parser.add_argument(
        "--write", type=Path, help="Also write the held-out figures to this JSON file (the "
        "dataset card quotes exercise_pipeline/data/evaluation.json)."
    )  # fmt: skip
    args = parser.parse_args()
    if not args.gold.exists():
        print(f"{args.gold} not found: the labelled articles live in ../shared beside the repo")
        return
    folders = [ROOT / "raw", SHARED / "corpus" / "dev"]
    articles, labels = training_set(args.gold, folders, ROOT / "tests" / "cases", None)
    docs = documents(folders, set(articles))
    data = examples(articles, labels, threshold=ExtractSettings().threshold)
    rules = ExtractSettings(roles="rules")
    print(f"Role model, {len(articles)} labelled articles, {len(data)} candidate groups")
    print("  rules alone (written reading these articles: in-sample)")
    print(score(args.gold, docs, [m for d in docs.values() for m in mentions_of(d, rules, None)]))
    print("  shipped model (trained on all of them: in-sample)")
    model = ExtractSettings()
    print(score(args.gold, docs, [m for d in docs.values() for m in mentions_of(d, model, None)]))
    print("  model, leave-one-source-out (trained without the article it extracts)")
    held_out = cross_validate(data)
    loso = [m for s, d in docs.items() for m in mentions_of(d, model, held_out.get(s))]
    report = score(args.gold, docs, loso)
    print(report)
    if args.write:
        found = figures(report)
        evaluation = {
            "about": "Leave-one-source-out figures of the shipped role model on the labelled "
            "articles (seeds and ../shared/corpus/dev, labels ../shared/eval/gold.json), as "
            "../shared/eval/score.py gives them; written by benchmarks/loso.py --write.",
            "labelled_articles": len(docs),
            "extraction": {"recall": found["recall"], "precision": found["precision"]},
            "merge": {"precision": found["mergeP"], "f1": found["mergeF1"]},
        }
        args.write.write_text(json.dumps(evaluation, indent=1) + "\n", encoding="utf-8")
    cases = json.loads((ROOT / "tests" / "cases" / SHAPES).read_text(encoding="utf-8"))["cases"]
    exact = {"rules": 0, "model, leave-one-source-out": 0}
    for n, case in enumerate(cases):
        source = f"shape-{n + 1:03d}"
        want = [m["name"] for m in case["mentions"]]
        doc = replace(
            next(iter(docs.values())),
            source_id=source,
            format=Format(case["format"]),
            text=case["article"],
        )
        exact["rules"] += [m.name for m in mentions_of(doc, rules, None)] == want
        got = mentions_of(doc, model, held_out.get(source))  # none: it has no candidates
        exact["model, leave-one-source-out"] += [m.name for m in got] == want
    for how, k in exact.items():
        print(f"  shape articles extracted exactly, {how}: {k}/{len(cases)}")
    merge_weights(args.gold, [m for d in docs.values() for m in mentions_of(d, model, None)])


def merge_weights(gold_path: Path, mentions: list[Mention]) -> None:
    """Hand weights beside weights fitted by logistic regression, both leave-one-source-out."""
    data = labelled_from(json.loads(gold_path.read_text(encoding="utf-8")), mentions)
    pairs = data.pairs
    print(f"Merge weights, {len(pairs)} labelled pairs ({sum(p.same for p in pairs)} same)")
    for name, settings_for in (
        ("hand weights", dict.fromkeys(data.sources, MergeSettings())),
        ("fitted, leave-one-source-out", data.leave_one_source_out()),
    ):
        r = data.held_out(settings_for)
        figures = f"P={r.precision:.3f} R={r.recall:.3f} F1={r.f1:.3f}"
        print(f"  {name}: pairwise {figures} (tp={r.tp} fp={r.fp} fn={r.fn})")
    fitted = fit(list(pairs))
    shown = ", ".join(f"{k} {w:+.2f}" for k, w in fitted.weights)
    print(f"  fitted on all: {shown}, intercept {fitted.intercept:+.2f}")


if __name__ == "__main__":
    main()
