"""A synthetic crawl built as a WARC: build time, peak memory and output size on the local
executor and on a Dask LocalCluster, and whether both give the same bytes.

    .venv/bin/python benchmarks/crawl.py [--records N] [--workers W] [--executors local,dask]

The crawl is made reproducibly from real pages: trafilatura's 110 test pages in
../shared/bench/pages (no exercises), the real exercise articles (the seeds in raw/ and
../shared/corpus/dev), and copies of those articles with one sentence added, as `response`
records of one gzipped WARC, plus a redirect and a 404 every hundred records. Each build runs
as a user runs it (`pipeline build --raw DIR --no-cache`, a new process), timed wall-clock;
peak memory is that of the build process and its children (the Dask workers): the largest
resident set of any one of them, as the kernel reports it. Fetches nothing.
"""

from __future__ import annotations

import argparse
import io
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PIPELINE = [sys.executable, "-m", "exercise_pipeline"]


def pages() -> list[tuple[str, bytes, str]]:
    """(url, payload, content type) of every real page the crawl is made from."""
    out = []
    for path in sorted((SHARED / "bench" / "pages").glob("*.html")):
        out.append((f"https://{path.stem}/", path.read_bytes(), "text/html"))
    articles = sorted(ROOT.glob("raw/*.txt")) + sorted((SHARED / "corpus" / "dev").glob("*"))
    for path in articles:
        media = "text/html" if path.suffix == ".html" else "text/markdown"
        media = "text/plain" if path.suffix == ".txt" else media
        out.append((f"https://articles.example/{path.stem}", path.read_bytes(), media))
    return out


def write_warc(path: Path, records: int) -> int:
    """A gzipped WARC of ``records`` responses (real pages, then copies of the articles)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    base = pages()
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(records):
            url, body, media = base[n % len(base)]
            status = "200 OK"
            if n >= len(base):  # a copy: another URL, one sentence more
                url = f"{url}?copy={n}"
                body = body + f"\n\nCopy {n} of this page.\n".encode()
            if n % 100 == 99:
                status, body = ("301 Moved Permanently", b"") if n % 200 == 99 else (
                    "404 Not Found", b"<p>gone</p>")  # fmt: skip
            http = StatusAndHeaders(status, [("Content-Type", media)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2026-11-20T10:00:00Z"},
                )
            )
    return path.stat().st_size


def build(raw: Path, out: Path, executor: str, workers: int) -> tuple[float, float]:
    """Wall-clock seconds and peak resident MB of one build (its process and children)."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [*PIPELINE, "--quiet", "build", "--raw", str(raw), "--out", str(out), "--no-cache",
         "--decisions", str(out.parent / "none.json"), "--executor", executor,
         "--jobs", str(workers)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"build failed ({done.returncode}): {done.stderr[-2000:]}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return elapsed, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--executors", default="local,dask")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        (work / "raw").mkdir()
        size = write_warc(work / "raw" / "crawl-00000.warc.gz", args.records)
        print(f"crawl: {args.records} records, {size / 1e6:.1f} MB gzipped WARC")
        print(f"{'executor':<10} {'workers':>7} {'build s':>8} {'records/s':>10} {'peak MB':>8}"
              f" {'output MB':>9}")  # fmt: skip
        outputs = {}
        for executor in args.executors.split(","):
            out = work / f"out-{executor}"
            seconds, peak = build(work / "raw", out, executor, args.workers)
            files = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}
            outputs[executor] = files
            total = sum(len(v) for v in files.values()) / 1e6
            print(f"{executor:<10} {args.workers:>7} {seconds:>8.1f} "
                  f"{args.records / seconds:>10.1f} {peak:>8.0f} {total:>9.1f}")  # fmt: skip
        if len(outputs) > 1:
            same = len({tuple(sorted(v.items())) for v in outputs.values()}) == 1
            print(f"same bytes on every executor: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
