"""Training the role model: labelled articles -> ``exercise_pipeline/data/roles.json``.

Labels come from four places: the labelled articles' gold file (``../shared/eval/gold.json``:
each article's exercise mentions with their names and a phrase of their instructions, and
headings that are not exercises), the golden cases in ``tests/cases/`` (names of the mentions
of real articles), the small articles written for one shape each
(``tests/cases/shapes.json``, with the exact mentions and references their tests accept), and
a curator's decisions (``reject``: not an exercise; ``rename``: an exercise). They are
converted to one role per candidate group of each article:

- ``exercise``: the group holds a labelled mention's instruction phrase and bears its name
  (or, for a shape article, is one of the mentions its test accepts);
- ``reference``: it bears a labelled name but not that mention's instructions;
- ``title``: a heading or bold line that is neither (list and section titles, questions);
- ``other``: any other candidate.

``python -m exercise_pipeline.extract.train --gold G --articles DIR...`` (``make train``) fits a
multinomial logistic regression (scikit-learn, the ``train`` extra) deterministically and
writes the model file; ``cross_validate`` scores it leave-one-source-out.
"""

from __future__ import annotations

import argparse
import difflib
import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercise_pipeline.clean import clean
from exercise_pipeline.evaluation import fold
from exercise_pipeline.extract import ExtractSettings, slugify
from exercise_pipeline.extract.roles import ROLES, Features, RoleModel, dump, features
from exercise_pipeline.extract.segment import candidates, clean_name, decide, group_blocks
from exercise_pipeline.extract.tables import superset_rows
from exercise_pipeline.merge.names import core
from exercise_pipeline.models import Block, BlockKind, Document, Format, SourceMeta
from exercise_pipeline.parse import parse
from exercise_pipeline.sources import RawFile, SourcesSettings, decode, sha256

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "roles.json"
SHAPES = "shapes.json"
C = 0.5  # inverse regularisation strength, chosen by leave-one-source-out on the labelled set


@dataclass(frozen=True, slots=True)
class Labels:
    """What is known of one article: its mentions' names and phrases, and non-exercises."""

    source_id: str
    mentions: tuple[tuple[tuple[str, ...], str | None], ...]  # (names, instruction phrase)
    not_exercises: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()  # mention slugs a curator rejected
    renamed: tuple[str, ...] = ()  # mention slugs a curator renamed (so: exercises)
    spans: tuple[tuple[int, int, str], ...] = ()  # exact mentions (start, end, name), if known
    references: tuple[tuple[int, int], ...] = ()  # exact references, if known
    # what the labeller left open (an "optional" mention, an "extra_ok" name: an exercise
    # or not, either is right): their groups teach nothing either way
    optional: tuple[tuple[tuple[str, ...], str | None], ...] = ()


@dataclass(frozen=True, slots=True)
class Example:
    source_id: str
    x: Features
    role: str


def load_labels(
    gold: Mapping[str, Any],
    cases: Iterable[Mapping[str, Any]] = (),
    decisions: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Labels]:
    """Labels per source id from the gold file, golden cases and curator decisions."""
    mentions: dict[str, list[tuple[tuple[str, ...], str | None]]] = {}
    optional: dict[str, list[tuple[tuple[str, ...], str | None]]] = {}
    nonex: dict[str, list[str]] = {}
    for m in gold.get("mentions", []):
        into = optional if m.get("status") == "optional" else mentions
        into.setdefault(m["source"], []).append((tuple(m["names"]), (m.get("keep") or [None])[0]))
    for source, extra in gold.get("extra_ok", {}).items():  # names any answer is right for
        optional.setdefault(source, []).extend(((name,), None) for name in extra)
    for n in gold.get("not_exercises", []):
        nonex.setdefault(n["source"], []).append(n["heading"])
    for case in cases:
        source = Path(case["article"]).stem
        known = {fold(n) for names, _ in mentions.get(source, []) for n in names}
        for m in case.get("mentions", []):
            if m.get("name") and fold(m["name"]) not in known:
                mentions.setdefault(source, []).append(((m["name"],), m.get("opening")))
        nonex.setdefault(source, []).extend(case.get("not_exercises", []))
    rejected: dict[str, list[str]] = {}
    renamed: dict[str, list[str]] = {}
    for d in decisions:
        for key in d.get("mentions", []):
            source, _, slug = key.partition("#")
            slug = re.sub(r"-\d+$", "", slug)  # "x-2", "unnamed-1": the ordinal of a repeat
            if d["kind"] == "reject":
                rejected.setdefault(source, []).append(slug)
            elif d["kind"] == "rename":
                renamed.setdefault(source, []).append(slug)
    sources = sorted(set(mentions) | set(optional) | set(nonex) | set(gold.get("sources", [])))
    return {
        s: Labels(
            s,
            tuple(mentions.get(s, [])),
            tuple(nonex.get(s, [])),
            tuple(rejected.get(s, [])),
            tuple(renamed.get(s, [])),
            optional=tuple(optional.get(s, [])),
        )
        for s in sources
    }


def _names_part(name: str, names: Sequence[str]) -> bool:
    """Whether a name is a shorter form of one of ``names``: its core's words all in one of
    theirs ("Knee-to-Chest", "Nerve Flossing" for "Sciatic Nerve Flossing")."""
    words = set(core(name).split())
    return bool(words) and any(words <= set(core(n).split()) for n in names)


def _similar(a: str, names: Sequence[str]) -> float:
    fa = fold(a)
    return max((difflib.SequenceMatcher(None, fa, fold(n)).ratio() for n in names), default=0.0)


def label_groups(blocks: list[Block], labels: Labels, *, threshold: float) -> list[Example]:
    """The features and the labelled role of every candidate group of one article."""
    groups = group_blocks(blocks)
    decide(blocks, groups, threshold=threshold)
    named = [g for g in groups if g.head is not None]
    xs = features(candidates(blocks, named), threshold=threshold)
    nonex = {fold(h) for h in labels.not_exercises}
    out: list[Example] = []
    for g, x in zip(named, xs, strict=True):
        assert g.head is not None
        head = blocks[g.head]
        name = clean_name(g.name)
        said = fold(" ".join([head.text, *(blocks[k].text for k in g.body)]))
        slug = slugify(name)
        role = "other"
        start = head.span[0]
        for a, b, exact in labels.spans:
            if a <= start < b and _similar(name, [exact]) >= 0.6:
                role = "exercise"
        if role == "other" and any(a <= start < b for a, b in labels.references):
            role = "reference"
        for names, phrase in labels.mentions:
            similar = _similar(name, names)
            if phrase and fold(phrase) in said and similar >= 0.6:
                role = "exercise"
                break
            if role == "other" and (similar >= 0.8 or _names_part(name, names)):
                role = "reference"  # "Nerve Flossing" in a table, for "Sciatic Nerve Flossing"
        if role == "other" and (
            fold(head.text) in nonex or head.kind is BlockKind.HEADING or head.bold
        ):
            role = "title"
        if slug in labels.rejected:
            role = "other"
        elif slug in labels.renamed:
            role = "exercise"
        elif role == "other" and any(
            (phrase and fold(phrase) in said and _similar(name, names) >= 0.6)
            or _similar(name, names) >= 0.8
            for names, phrase in labels.optional
        ):
            continue  # an optional mention: no label either way
        out.append(Example(labels.source_id, x, role))
    return out


def shape_cases(path: Path) -> tuple[dict[str, list[Block]], dict[str, Labels]]:
    """The small shape articles of the tests, with the mentions their tests accept."""
    articles: dict[str, list[Block]] = {}
    labels: dict[str, Labels] = {}
    for n, case in enumerate(json.loads(path.read_text(encoding="utf-8"))["cases"]):
        source = f"shape-{n + 1:03d}"
        doc = Document(
            source_id=source, file=f"{source}.x", format=Format(case["format"]),
            text=case["article"], sha256=sha256(case["article"].encode()), encoding="utf-8",
            encoding_reason="case", format_reason="case",
            meta=SourceMeta(source_id=source, file=f"{source}.x"),
        )  # fmt: skip
        articles[source] = superset_rows(clean(parse(doc)).blocks)  # as extract reads them
        labels[source] = Labels(
            source,
            (),
            spans=tuple((m["span"][0], m["span"][1], m["name"]) for m in case["mentions"]),
            references=tuple((a, b) for a, b in case["references"]),
        )
    return articles, labels


def read_document(path: Path) -> Document:
    """One labelled article file, decoded as a build decodes it (no manifest entry)."""
    return decode(RawFile(path.name, path.read_bytes(), None), SourcesSettings())


def article_blocks(path: Path) -> tuple[str, list[Block]]:
    """Source id and cleaned blocks of one article file, as ``extract`` reads them."""
    doc = read_document(path)
    return doc.source_id, superset_rows(clean(parse(doc)).blocks)


def examples(
    articles: Mapping[str, list[Block]], labels: Mapping[str, Labels], *, threshold: float
) -> list[Example]:
    out: list[Example] = []
    for source in sorted(articles):
        if source in labels:
            out.extend(label_groups(articles[source], labels[source], threshold=threshold))
    return out


def fit(data: Sequence[Example], *, c: float = C) -> RoleModel:
    """A multinomial logistic regression on standardised features (deterministic)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = sorted({f for e in data for f in e.x})
    x = np.array([[e.x.get(f, 0.0) for f in names] for e in data], dtype=float)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    y = [e.role for e in data]
    classes = [r for r in ROLES if r in set(y)]
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    clf.fit((x - mean) / scale, y)
    order = [list(clf.classes_).index(r) for r in classes]
    coef = clf.coef_ if len(classes) > 2 else np.vstack([-clf.coef_[0], clf.coef_[0]])
    intercept = (
        clf.intercept_ if len(classes) > 2 else np.array([-clf.intercept_[0], clf.intercept_[0]])
    )
    model = RoleModel(
        features=tuple(names),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        classes=tuple(classes),
        coef=tuple(tuple(float(v) for v in coef[k]) for k in order),
        intercept=tuple(float(intercept[k]) for k in order),
    )
    return RoleModel.from_json(json.loads(dump(model)))  # exactly what the file will hold


def cross_validate(data: Sequence[Example], *, c: float = C) -> dict[str, RoleModel]:
    """Leave-one-source-out: per source, a model fitted on every other source's examples."""
    sources = sorted({e.source_id for e in data})
    return {s: fit([e for e in data if e.source_id != s], c=c) for s in sources}


def find_articles(folders: Sequence[Path], sources: Iterable[str]) -> dict[str, Path]:
    """The file of each labelled source id in the given folders (first folder wins)."""
    wanted = set(sources)
    found: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.stem in wanted and path.stem not in found:
                found[path.stem] = path
    return found


def training_set(
    gold_path: Path,
    folders: Sequence[Path],
    cases_dir: Path | None,
    decisions_path: Path | None,
    *,
    shapes: bool = True,
) -> tuple[dict[str, list[Block]], dict[str, Labels]]:
    """Blocks and labels of every labelled article: the real ones found in ``folders`` and
    (``shapes``) the small shape articles of ``cases_dir/shapes.json``."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    cases = []
    if cases_dir is not None and cases_dir.is_dir():
        for p in sorted(cases_dir.glob("*.json")):
            data = json.loads(p.read_text(encoding="utf-8"))
            if isinstance(data, dict) and "article" in data:
                cases.append(data)
    decisions: list[dict[str, Any]] = []
    if decisions_path is not None and decisions_path.is_file():
        decisions = json.loads(decisions_path.read_text(encoding="utf-8")).get("decisions", [])
    labels = load_labels(gold, cases, decisions)
    paths = find_articles(folders, labels)
    missing = sorted(set(gold.get("sources", [])) - set(paths))
    if missing:
        log.warning("labelled sources without an article file: %s", ", ".join(missing))
    articles = dict(article_blocks(path) for _, path in sorted(paths.items()))
    if shapes and cases_dir is not None and (cases_dir / SHAPES).is_file():
        more, more_labels = shape_cases(cases_dir / SHAPES)
        articles.update(more)
        labels = {**labels, **more_labels}
    return articles, labels


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--articles", type=Path, nargs="+", required=True)
    parser.add_argument("--cases", type=Path, default=Path("tests/cases"))
    parser.add_argument("--decisions", type=Path, default=Path("review/decisions.json"))
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    articles, labels = training_set(args.gold, args.articles, args.cases, args.decisions)
    data = examples(articles, labels, threshold=ExtractSettings().threshold)
    model = fit(data)
    args.out.write_text(dump(model), encoding="utf-8")
    counts = {r: sum(e.role == r for e in data) for r in ROLES}
    log.info("%s: %d groups from %d articles %s", args.out, len(data), len(articles), counts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
