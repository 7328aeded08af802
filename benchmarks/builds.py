"""Whole builds as a user runs them: a corpus of N copies of the 16 labelled articles (the
seeds in raw/ and ../shared/corpus/dev), built from scratch, rebuilt from the cache, and
rebuilt after one more article; wall seconds, CPU seconds and peak memory of the command.

    .venv/bin/python benchmarks/builds.py                  # 1x and 10x
    .venv/bin/python benchmarks/builds.py --factors 1,10,100 --jobs 1

Each build is ``pipeline build`` in a fresh process, in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev"


def articles() -> list[Path]:
    return sorted((ROOT / "raw").glob("*.txt")) + sorted(DEV.iterdir() if DEV.exists() else [])


def corpus(folder: Path, copies: int) -> float:
    """``copies`` copies of each article under their own names; megabytes written."""
    folder.mkdir(parents=True)
    size = 0
    for k in range(copies):
        for path in articles():
            target = folder / f"c{k:03d}_{path.name}"
            shutil.copyfile(path, target)
            size += target.stat().st_size
    return size / 1e6


def timed_build(work: Path, jobs: int | None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB) of one `pipeline build` of work/raw into work/out."""
    command = [str(ROOT / ".venv" / "bin" / "pipeline"), "-q", "build", "--raw", str(work / "raw"),
               "--out", str(work / "out"), "--decisions", str(work / "none.json"),
               "--cache-dir", str(work / "cache")]  # fmt: skip
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"build failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024  # the largest child so far, in MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", default="1,10", help="copies of the 16 articles")
    parser.add_argument("--jobs", type=int, default=None, help="build --jobs [default: cores]")
    args = parser.parse_args()
    print(f"builds of N copies of the {len(articles())} labelled articles "
          f"(--jobs {args.jobs or os.cpu_count()}); wall s / CPU s")  # fmt: skip
    print(f"  {'copies':>6} {'articles':>8} {'MB':>6} {'full':>14} {'per article':>11} "
          f"{'cached':>12} {'+1 article':>12} {'peak MB':>8}")  # fmt: skip
    for copies in (int(n) for n in args.factors.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            megabytes = corpus(work / "raw", copies)
            full = timed_build(work, args.jobs)
            cached = timed_build(work, args.jobs)
            shutil.copyfile(articles()[0], work / "raw" / "zz_one_more.txt")
            added = timed_build(work, args.jobs)
        n = copies * len(articles())
        peak = max(full[2], cached[2], added[2])
        print(f"  {copies:>6} {n:>8} {megabytes:6.1f} {full[0]:6.1f} / {full[1]:5.1f} "
              f"{full[0] / n:9.3f} s {cached[0]:5.1f} / {cached[1]:4.1f} "
              f"{added[0]:5.1f} / {added[1]:4.1f} {peak:8.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
