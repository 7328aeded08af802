"""`pipeline add` at scale: adding a folder of near-duplicate articles, and adding one article
to a corpus of N sources, with the near-duplicate signatures kept in the cache.

    .venv/bin/python benchmarks/ingest.py [--sources N] [--batch M]

A scratch copy of raw/ gets M files (default 300: copies of the real dev articles, a line
apart, so that most are near-duplicates of each other) in one `pipeline add`, then is filled
to N sources, then gets one more article. Each `add` runs as a user runs it (a new process),
timed as wall-clock seconds. Reads ../shared/corpus/dev; fetches nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev"
PIPELINE = [sys.executable, "-m", "exercise_pipeline"]


def copies(folder: Path, count: int, start: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    articles = sorted(DEV.glob("*"))
    for n in range(start, start + count):
        src = articles[n % len(articles)]
        data = src.read_bytes() + f"\n\nCopy {n}.\n".encode()
        (folder / f"copy{n:05d}{src.suffix}").write_bytes(data)


def add(work: Path, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [*PIPELINE, "add", *args, "--raw", "raw", "--cache-dir", ".cache"],
        cwd=work, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"add failed ({done.returncode}): {done.stderr[-2000:]}")
    summary = next((x for x in done.stderr.splitlines() if "near-duplicates" in x), "")
    return elapsed, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=300)
    args = parser.parse_args()
    if not DEV.is_dir():
        raise SystemExit(f"{DEV} not found: the dev corpus lives in ../shared")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        shutil.copytree(ROOT / "raw", work / "raw")
        copies(work / "batch", args.batch, 0)
        batch_s, summary = add(work, "batch")
        rest = max(0, args.sources - args.batch - 5)
        copies(work / "rest", rest, args.batch)
        fill_s, _ = add(work, "rest")
        one = work / "one.md"
        one.write_text("# Side plank\n\nLie on your side and lift your hips for 20 seconds.\n")
        sources = len(list((work / "raw").glob("*"))) - 1
        one_s, _ = add(work, str(one))
    print("pipeline add (wall-clock s, a new process each, signatures in the cache)")
    print(f"  {args.batch} files (copies of the dev articles)   {batch_s:7.2f} s")
    print(f"    {summary.removeprefix('warning: ')[:160]}")
    print(f"  {rest} more files                          {fill_s:7.2f} s")
    print(f"  1 file to {sources} sources                    {one_s:7.2f} s")


if __name__ == "__main__":
    main()
