"""Benchmarks: quality against the golden files and speed, printed as figures.

    .venv/bin/python benchmarks/run.py            # extraction, merging, per-stage timings
    .venv/bin/python benchmarks/run.py --sizes 10000,100000   # also synthetic merge scaling

Run from the repository root; the dev corpus is read from ../shared/corpus/dev.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise_pipeline.evaluation import (  # noqa: E402
    ExtractionScore,
    key_collision_clusters,
    score_clusters,
    score_extraction,
    token_set_clusters,
)
from exercise_pipeline.merge import MergeSettings, merge  # noqa: E402
from exercise_pipeline.merge.blocking import TfIdf, candidate_pairs, instruction_tokens  # noqa: E402
from exercise_pipeline.models import Mention  # noqa: E402
from exercise_pipeline.runner import Settings, SourceResult, process  # noqa: E402
from exercise_pipeline.sources import RawFile, SourcesSettings, decode  # noqa: E402

CASES = ROOT / "tests" / "cases"
CORPUS = ROOT.parent / "shared" / "corpus"


def article(relative: str) -> Path:
    if relative.startswith("seeds/"):
        return ROOT / "raw" / relative.removeprefix("seeds/")
    return CORPUS / relative


def load_cases() -> list[dict[str, object]]:
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CASES.glob("*.json"))]
    return [c for c in cases if "article" in c]


def run_corpus(cases: list[dict[str, object]]) -> tuple[list[SourceResult], dict[str, float]]:
    timings = {"decode": 0.0, "parse+clean+extract": 0.0}
    results = []
    for case in cases:
        path = article(str(case["article"]))
        data = path.read_bytes()
        t0 = time.perf_counter()
        doc = decode(RawFile(path.name, data, None), SourcesSettings())
        t1 = time.perf_counter()
        results.append(process(doc, Settings()))
        t2 = time.perf_counter()
        timings["decode"] += t1 - t0
        timings["parse+clean+extract"] += t2 - t1
    return results, timings


def extraction_figures(cases: list[dict[str, object]], results: list[SourceResult]) -> None:
    total = ExtractionScore()
    print("extraction by article (expected / extracted / matched, names, fields)")
    for case, result in zip(cases, results, strict=True):
        s = score_extraction(case, result.extraction)
        total.add(s)
        print(
            f"  {result.document.source_id:42s} {s.expected:3d} {s.extracted:3d} {s.matched:3d}"
            f"  names {s.names:.3f}  fields {s.fields:.3f}  problems {len(s.problems)}"
        )
    print(
        f"  ALL: mentions {total.expected}, precision {total.precision:.3f}, recall "
        f"{total.recall:.3f}, names right {total.names:.3f}, fields right {total.fields:.3f} "
        f"({total.fields_right}/{total.fields_checked}), sentences lost "
        f"{total.sentences_lost}/{total.sentences_checked}"
    )
    for problem in total.problems:
        print("   -", problem)


def merge_figures(results: list[SourceResult]) -> None:
    gold = json.loads((CASES / "clusters.json").read_text(encoding="utf-8"))
    mentions = [m for r in results for m in r.extraction.mentions]
    named = [m for m in mentions if m.name]
    keys = [m.key for m in named]
    t0 = time.perf_counter()
    merged = merge(mentions)
    elapsed = time.perf_counter() - t0
    n = len(named)
    print(
        f"merging {n} named mentions: {merged.candidate_pairs} candidate pairs "
        f"(all pairs {n * (n - 1) // 2}), {len(merged.exercises)} exercises, "
        f"{len(merged.conflicts)} review items, {elapsed * 1000:.0f} ms"
    )
    for label, clusters in (
        ("pipeline", merged.clusters),
        ("key collision (fingerprint)", key_collision_clusters(named)),
        ("rapidfuzz token_set_ratio >= 80", token_set_clusters(named)),
    ):
        s = score_clusters(gold, clusters, keys)
        print(
            f"  {label:32s} precision {s.precision:.3f} recall {s.recall:.3f} F1 {s.f1:.3f}"
            f"  (tp {s.tp}, fp {s.fp}, fn {s.fn})"
        )


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def perturb(name: str, rng: random.Random) -> str:
    """The same name as another site might write it: case, plural, a typo, hyphens, a generic
    word added. (No word is dropped: "Reverse Curl Up" without "Reverse" is another exercise.)"""
    words = name.split()
    choice = rng.randrange(6)
    if choice == 0:
        return name.lower()
    if choice == 1 and words:
        words[-1] = words[-1] + "s"
    elif choice == 2 and len(name) > 6:
        k = rng.randrange(1, len(name) - 1)
        return name[:k] + rng.choice(_LETTERS) + name[k + 1 :]
    elif choice == 3:
        return name.replace(" ", "-") if " " in name else name.replace("-", " ")
    elif choice == 4:
        words.append(rng.choice(["Stretch", "Exercise", "Pose"]))
    return " ".join(words)


def synthetic(mentions: list[Mention], size: int, seed: int = 7) -> tuple[list[Mention], list[str]]:
    """Copies of the real mentions with perturbed names, and the real key each one copies."""
    rng = random.Random(seed)
    base = [m for m in mentions if m.name]
    out, origin = [], []
    for i in range(size):
        m = base[i % len(base)]
        name = perturb(m.name, rng)
        out.append(replace(m, key=f"syn{i:06d}#{i}", source_id=f"syn{i:06d}", name=name))
        origin.append(m.key)
    return out, origin


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def synthetic_quality(clusters: tuple[tuple[str, ...], ...], origin: dict[str, str]) -> str:
    """Pairwise precision and recall against the golden clusters of the copied mentions;
    pairs the gold calls ambiguous are left out, as in the golden test."""
    gold = json.loads((CASES / "clusters.json").read_text(encoding="utf-8"))
    label: dict[str, object] = {k: n for n, c in enumerate(gold["same"]) for k in c}
    truth: dict[str, object] = {key: label.get(real, real) for key, real in origin.items()}
    ambiguous = {
        frozenset((label.get(a, a), label.get(b, b)))
        for a, b in (x["pair"] for x in gold["ambiguous"])
    }
    joint: dict[tuple[int, object], int] = {}
    for c, members in enumerate(clusters):
        for key in members:
            joint[(c, truth[key])] = joint.get((c, truth[key]), 0) + 1
    tp = sum(_pairs(n) for n in joint.values())
    predicted = sum(_pairs(len(c)) for c in clusters)
    for c in range(len(clusters)):  # pairs across labels the gold calls ambiguous are not scored
        here = [(t, n) for (cc, t), n in joint.items() if cc == c]
        for x, (t1, n1) in enumerate(here):
            for t2, n2 in here[x + 1 :]:
                if frozenset((t1, t2)) in ambiguous:
                    predicted -= n1 * n2
    sizes: dict[object, int] = {}
    for t in truth.values():
        sizes[t] = sizes.get(t, 0) + 1
    actual = sum(_pairs(n) for n in sizes.values())
    return f"pairwise precision {tp / predicted:.3f}, recall {tp / actual:.3f}"


def scaling(results: list[SourceResult], sizes: list[int]) -> None:
    mentions = [m for r in results for m in r.extraction.mentions]
    settings = MergeSettings()
    print("merge scaling on synthetic mentions (real ones with perturbed names)")
    for size in sizes:
        data, copied = synthetic(mentions, size)
        t0 = time.perf_counter()
        tfidf = TfIdf.fit([instruction_tokens(m) for m in data])
        pairs = candidate_pairs(data, tfidf, max_block=settings.max_block, window=settings.window)
        t1 = time.perf_counter()
        merged = merge(data, settings=settings)
        t2 = time.perf_counter()
        print(
            f"  {size:7d} mentions: {len(pairs):9d} candidate pairs ({len(pairs) / size:.1f} per "
            f"mention), blocking {t1 - t0:6.1f} s, full merge {t2 - t1:6.1f} s, "
            f"{len(merged.exercises)} exercises, "
            + synthetic_quality(
                merged.clusters, dict(zip([m.key for m in data], copied, strict=True))
            )
        )


def incremental_figures() -> None:
    """Whole builds of the seeds: from scratch, from the cache, and after adding one article."""
    import shutil
    import tempfile

    from exercise_pipeline.ingest import add_articles
    from exercise_pipeline.runner import build

    dev = CORPUS / "dev" / "011_goldsgym-beginner-strength-workout.html"
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(shutil.copytree(ROOT / "raw", Path(tmp) / "raw"))
        cache, out, none = Path(tmp) / "cache", Path(tmp) / "out", Path(tmp) / "none.json"
        build(raw, out, decisions_path=none)  # warm-up: vocabularies and lexicons load once
        timings = []
        for label, cache_dir in (("no cache", None), ("cold cache", cache), ("warm cache", cache)):
            t0 = time.perf_counter()
            report = build(raw, out, decisions_path=none, cache_dir=cache_dir)
            timings.append(
                f"{label} {time.perf_counter() - t0:.2f} s ({report.processed} extracted)"
            )
        if dev.exists():
            add_articles(raw, [dev])
            t0 = time.perf_counter()
            report = build(raw, out, decisions_path=none, cache_dir=cache)
            timings.append(
                f"after adding one article {time.perf_counter() - t0:.2f} s "
                f"({report.processed} extracted, {report.reused} reused)"
            )
    print("builds of raw/: " + "; ".join(timings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="", help="synthetic merge sizes, e.g. 10000,100000")
    args = parser.parse_args()
    cases = load_cases()
    t0 = time.perf_counter()
    results, timings = run_corpus(cases)
    total = time.perf_counter() - t0
    chars = sum(len(r.document.text) for r in results)
    print(
        f"{len(results)} articles, {chars} characters: per-source work {total:.2f} s "
        f"({chars / total / 1000:.0f} k chars/s; "
        + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
        + ")"
    )
    extraction_figures(cases, results)
    merge_figures(results)
    incremental_figures()
    if args.sizes:
        scaling(results, [int(s) for s in args.sizes.split(",") if s])


if __name__ == "__main__":
    main()
