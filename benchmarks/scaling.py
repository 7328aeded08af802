"""Time per megabyte of the per-source stages (decode, parse, clean, extract, account) as one
article grows, for the shapes that used to be quadratic: one paragraph of plain text, the same
as Markdown, as HTML, and many short lines. Flat seconds per MB means linear.

    .venv/bin/python benchmarks/scaling.py                    # 10 KB to 1 MB
    .venv/bin/python benchmarks/scaling.py --max-bytes 5000000

The text is real: sentences of the seed articles in raw/, repeated to the size asked.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise_pipeline.errors import SourceError  # noqa: E402
from exercise_pipeline.runner import Settings, process  # noqa: E402
from exercise_pipeline.sources import RawFile, SourcesSettings, decode  # noqa: E402


def sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "raw").glob("*.txt")))
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 20]


def grow(parts: list[str], size: int, sep: str) -> str:
    out: list[str] = []
    total, k = 0, 0
    while total < size:
        out.append(parts[k % len(parts)])
        total += len(out[-1]) + len(sep)
        k += 1
    return sep.join(out)


def shapes(size: int, parts: list[str]) -> dict[str, tuple[str, str]]:
    paragraph = grow(parts, size, " ")
    return {
        "one paragraph (text)": ("a.txt", "Back exercises\n\n" + paragraph + "\n"),
        "one paragraph (Markdown)": ("a.md", "# Back exercises\n\n" + paragraph + "\n"),
        "one paragraph (HTML)": (
            "a.html",
            f"<!DOCTYPE html><html><body><h1>Back exercises</h1><p>{paragraph}</p></body></html>",
        ),
        "short lines (text)": ("b.txt", grow([w for s in parts for w in s.split()], size, "\n")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-bytes", type=int, default=1_000_000)
    args = parser.parse_args()
    # past the per-source limit on purpose: the benchmark measures the stages, not the guard
    settings = Settings(sources=SourcesSettings(max_bytes=args.max_bytes + 1_000_000))
    parts = sentences()
    sizes = [s for s in (10_000, 100_000, 1_000_000, 5_000_000) if s <= args.max_bytes]
    for name, text in shapes(2_000, parts).values():  # load vocabularies and dictionaries once
        process(decode(RawFile(name, text.encode(), None), settings.sources), settings)
    print(f"{'shape':28} {'size':>9} {'seconds':>9} {'s/MB':>8} {'mentions':>9}")
    for size in sizes:
        for shape, (name, text) in shapes(size, parts).items():
            data = text.encode()
            start = time.process_time()
            try:
                result = process(decode(RawFile(name, data, None), settings.sources), settings)
            except SourceError as exc:  # over a per-source limit: refused, as a build would
                took = time.process_time() - start
                print(f"{shape:28} {len(data):>9,} {took:>9.2f} refused: {exc.problem}")
                continue
            took = time.process_time() - start
            print(
                f"{shape:28} {len(data):>9,} {took:>9.2f} {took / (len(data) / 1e6):>8.2f} "
                f"{len(result.extraction.mentions):>9}",
                flush=True,
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
