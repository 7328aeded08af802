"""HTML throughput beside the peers, in one process and one run, on pages read from disk.

    .venv/bin/python benchmarks/throughput.py             # ../shared/bench/pages + dev HTML
    .venv/bin/python benchmarks/throughput.py PAGES_DIR [--runs 3] [--repeat 1,10,100]

The pipeline's per-document work (decode, parse, clean, extract, account) is timed beside
trafilatura.extract, resiliparse (main content), justext, readability-lxml and raw lxml
(parse + text_content) on the same pages: CPU seconds, median of --runs, then documents and
megabytes per second and the ratio to trafilatura. Nothing is fetched. The 110 pages of
``../shared/bench/pages`` are trafilatura's own test cache (``tests/cache/`` of
github.com/adbar/trafilatura); any folder of ``.html`` files will do. The peers are the
``bench`` extra (``make bench`` installs them). Last, the pipeline on one page repeated 1x,
10x and 100x inside one body: flat seconds per MB means no step worse than linear.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exercise_pipeline.errors import SourceError  # noqa: E402
from exercise_pipeline.runner import Settings, process  # noqa: E402
from exercise_pipeline.sources import RawFile, SourcesSettings, decode  # noqa: E402

SHARED = ROOT.parent / "shared"
Page = tuple[str, bytes]


def pipeline_tool() -> Callable[[Page], object]:
    settings, sources = Settings(), SourcesSettings()

    def run(page: Page) -> object:
        try:
            return process(decode(RawFile(page[0], page[1], None), sources), settings)
        except SourceError as exc:  # counted like a page a peer returns nothing for
            return exc

    return run


def peers() -> dict[str, Callable[[Page], object]]:
    """The peers that are installed, by name."""
    tools: dict[str, Callable[[Page], object]] = {}
    try:
        import trafilatura

        tools["trafilatura"] = lambda page: trafilatura.extract(page[1])
    except ImportError:
        pass
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from resiliparse.parse.html import HTMLTree

        def resiliparse(page: Page) -> object:
            text = bytes_to_str(page[1], detect_encoding(page[1]))
            return extract_plain_text(HTMLTree.parse(text), main_content=True)

        tools["resiliparse"] = resiliparse
    except ImportError:
        pass
    try:
        import justext

        stoplist = justext.get_stoplist("English")

        def just(page: Page) -> object:
            try:
                paragraphs = justext.justext(page[1], stoplist)
            except Exception:  # a peer failing on a page: counted, not fatal
                return None
            return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

        tools["justext"] = just
    except ImportError:
        pass
    try:
        from readability import Document

        def readable(page: Page) -> object:
            try:
                return Document(page[1].decode("utf-8", "replace")).summary()
            except Exception:
                return None

        tools["readability-lxml"] = readable
    except ImportError:
        pass
    import lxml.html

    def raw_lxml(page: Page) -> object:
        try:
            return lxml.html.fromstring(page[1]).text_content()
        except Exception:
            return None

    tools["raw lxml"] = raw_lxml
    return tools


def cpu_seconds(tool: Callable[[Page], object], pages: list[Page], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.process_time()
        for page in pages:
            tool(page)
        times.append(time.process_time() - start)
    return statistics.median(times)


def table(title: str, pages: list[Page], runs: int) -> None:
    megabytes = sum(len(p[1]) for p in pages) / 1e6
    print(f"\n{title}: {len(pages)} pages, {megabytes:.1f} MB, CPU s median of {runs}")
    print(f"  {'tool':<18} {'seconds':>8} {'docs/s':>8} {'MB/s':>7} {'vs trafilatura':>15}")
    results = {"pipeline": cpu_seconds(pipeline_tool(), pages, runs)}
    for name, tool in peers().items():
        results[name] = cpu_seconds(tool, pages, runs)
    base = results.get("trafilatura")
    for name, seconds in results.items():
        ratio = f"{base / seconds:.2f}x" if base else "-"
        print(f"  {name:<18} {seconds:8.2f} {len(pages) / seconds:8.1f} "
              f"{megabytes / seconds:7.2f} {ratio:>15}")  # fmt: skip


def repeated(page: bytes, times: int) -> bytes:
    """The page with its body's content repeated ``times`` times inside one body."""
    match = re.search(rb"(<body[^>]*>)(.*)(</body>)", page, re.S | re.I)
    if not match:
        return page * times
    head, body, tail = page[: match.end(1)], match.group(2), page[match.start(3) :]
    return head + body * times + tail


def scaling(page: Page, factors: list[int]) -> None:
    print(f"\npipeline on {page[0]} repeated in one body (flat s/MB: linear)")
    tool = pipeline_tool()
    for n in factors:
        big = (page[0], repeated(page[1], n))
        seconds = cpu_seconds(tool, [big], 1)
        megabytes = len(big[1]) / 1e6
        print(f"  {n:>4}x {megabytes:7.2f} MB {seconds:8.2f} s {seconds / megabytes:6.2f} s/MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="?", type=Path, default=SHARED / "bench" / "pages")
    parser.add_argument(
        "--dev", type=Path, nargs="*", default=None,
        help="HTML articles timed on their own [default: the dev corpus's]",
    )  # fmt: skip
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", default="1,10,100", help="scaling factors")
    args = parser.parse_args()
    paths = sorted(p for p in args.pages.iterdir() if p.suffix in (".html", ".htm"))
    if not paths:
        sys.exit(
            f"{args.pages}: no .html pages (see this script's docstring for where to get some)"
        )
    pages = [(p.name, p.read_bytes()) for p in paths]
    table(f"{args.pages}", pages, args.runs)
    dev = args.dev if args.dev is not None else sorted((SHARED / "corpus" / "dev").glob("*.html"))
    if dev:
        table("dev HTML articles", [(p.name, p.read_bytes()) for p in dev], args.runs)
    # A page of about 20 KB, so that 100 copies stay a size real articles reach.
    sized = min(pages, key=lambda p: abs(len(p[1]) - 20_000))
    scaling(sized, [int(n) for n in args.repeat.split(",")])


if __name__ == "__main__":
    main()
