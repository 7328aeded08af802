"""``pipeline add`` and ``pipeline remove``: record articles in raw/ with their metadata and
sha256, and retire them on purpose."""

from __future__ import annotations

import datetime
import logging
import sys
from pathlib import Path

import click

from exercise_pipeline.cli.common import OUT_OPTION, RAW_OPTION, cache_options, err
from exercise_pipeline.errors import PipelineError

log = logging.getLogger("exercise_pipeline")


@click.command("add")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="Where the article was published, http(s) [default: what it states].")
@click.option(
    "--title",
    help="The article's title [default: what it states (a Title: header, front matter, "
    "<title>), else its first heading].",
)
@click.option("--license", "license_", help="The article's license, e.g. CC-BY-4.0.")
@click.option("--retrieved", help="When it was retrieved, YYYY-MM-DD.")
@click.option("--id", "source_id", help="The source id [default: the file's stem].")
@click.option(
    "--replace", metavar="ID", help="Replace source ID's article with PATH (keeps the id)."
)
@click.option(
    "--show-duplicates",
    is_flag=True,
    help="List every near-duplicate pair, not a summary of their groups.",
)
@RAW_OPTION
@cache_options
@click.pass_context
def add_cmd(
    ctx: click.Context, paths: tuple[Path, ...], url: str | None, title: str | None,
    license_: str | None, retrieved: str | None, source_id: str | None, replace: str | None,
    show_duplicates: bool, raw_dir: Path, cache_dir: Path, no_cache: bool,
) -> None:  # fmt: skip
    """Copy article files (or the articles in folders) into RAW and record them.

    Each article gets a stable source id and an entry in RAW/sources.json with its sha256.
    An exact duplicate, an empty, binary or unreadable file is refused with the reason and
    nothing is written for it; an article whose text is nearly the same as one in RAW is
    added with a warning. Nothing is overwritten unless --replace names the source.
    Then run `pipeline build`: only the new articles are extracted.
    """
    from rich.table import Table

    from exercise_pipeline.cache import SqliteCache
    from exercise_pipeline.ingest import add_articles
    from exercise_pipeline.runner import CACHE_FILE

    store = None if no_cache else SqliteCache(cache_dir / CACHE_FILE)
    try:
        report = add_articles(
            raw_dir, list(paths), title=title, url=url, license=license_, retrieved=retrieved,
            source_id=source_id, replace=replace, store=store, show_duplicates=show_duplicates,
        )  # fmt: skip
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    finally:
        if store is not None:
            store.close()
    for problem in report.refused:
        log.error("%s", problem)
    for warning in report.warnings:
        log.warning("%s", warning)
    done = [*report.added, *report.replaced]
    if done and not ctx.obj["quiet"]:
        table = Table(title=f"Recorded in {raw_dir / 'sources.json'}")
        for column in ("source id", "file", "format", "title", "sha256"):
            table.add_column(column)
        for meta in done:
            fmt = meta.format.value if meta.format else ""
            table.add_row(
                meta.source_id, meta.file, fmt, meta.title or "", (meta.sha256 or "")[:12]
            )
        err.print(table)
        verb = "replaced" if report.replaced else "added"
        err.print(f"{len(done)} article(s) {verb}; run `pipeline build` to extract them")
    if not done:
        sys.exit(2)
    sys.exit(1 if report.refused else 0)


@click.command("remove")
@click.argument("source")
@click.option("--reason", required=True, help="Why it is removed: recorded in RAW/sources.json.")
@click.option("--date", help="When, YYYY-MM-DD [default: today].")
@RAW_OPTION
@OUT_OPTION
@click.option(
    "--cache-dir", type=click.Path(path_type=Path), default=Path(".cache"), show_default=True,
    help="Cache of per-source work: the source's rows are deleted.",
)  # fmt: skip
@click.pass_context
def remove_cmd(
    ctx: click.Context, source: str, reason: str, date: str | None, raw_dir: Path,
    out_dir: Path, cache_dir: Path,
) -> None:  # fmt: skip
    """Retire SOURCE (a source id or file name) on purpose.

    SOURCE may also be a source the last build in OUT published whose file is gone already
    (renamed or deleted by hand). Its file leaves RAW, its manifest entry moves to the
    manifest's "removed" list with the reason, and its rows leave the cache; the next
    `pipeline build` retires the exercise ids only it held (id map: removed).
    A source that merely fails or disappears is never retired: builds keep its last good
    exercises, marked stale, and its ids.
    """
    from exercise_pipeline.cache import SqliteCache
    from exercise_pipeline.ingest import remove_source
    from exercise_pipeline.runner import CACHE_FILE, load_registry

    today = date or datetime.date.today().isoformat()
    try:
        registry = load_registry(out_dir / "ids.json")
        published = frozenset(ref.source_id for ref in registry.mentions.values())
        removed = remove_source(raw_dir, source, reason=reason, date=today, published=published)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    if (cache_dir / CACHE_FILE).exists():
        with SqliteCache(cache_dir / CACHE_FILE) as cache:
            cache.forget(removed.source_id)
    if not ctx.obj["quiet"]:
        err.print(
            f"removed source {removed.source_id} ({removed.file}): {removed.reason}; "
            "run `pipeline build` to retire its exercises",
            highlight=False,
        )
