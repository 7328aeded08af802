"""Command line: a thin layer over the library. Results go to stdout, messages to stderr.

Exit status: 0 success; 1 the work was done but with errors (a bad source, a dropped record);
2 nothing was done (bad usage, invalid input that stops the command).
"""

from __future__ import annotations

import errno
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from exercise_pipeline import __version__
from exercise_pipeline.cli.common import (
    DECISIONS_OPTION,
    EXECUTOR_OPTION,
    IDS_OPTION,
    JOBS_OPTION,
    OUT_OPTION,
    RAW_OPTION,
    SCHEDULER_OPTION,
    cache_options,
    configure_logging,
    err,
    progress_bar,
)
from exercise_pipeline.errors import PipelineError

if TYPE_CHECKING:
    from exercise_pipeline.runner import BuildReport

log = logging.getLogger("exercise_pipeline")


_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run it again",
    errno.EDQUOT: "the disk quota is used up: free some space and run it again",
    errno.EROFS: "the file system is read-only: write somewhere else (--out, --releases)",
    errno.EACCES: "permission denied: check the owner and mode of the folder",
    errno.EPERM: "permission denied: check the owner and mode of the folder",
    errno.EFBIG: "the file is over the size limit of this system or process",
}


class Commands(click.Group):
    """The command group: a failing disk or runaway nesting is a message and exit status 2,
    never a traceback. Outputs are switched as one generation, so the last good one stays."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # `pipeline review list | head`: the reader left
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:
            where = exc.filename or "a file"
            hint = _HINTS.get(exc.errno or 0, "check the disk and the folder")
            log.error("%s: cannot be written or read: %s (%s)", where, exc.strerror or exc, hint)
            sys.exit(2)
        except RecursionError:
            log.error("an input is nested too deeply to be processed")
            sys.exit(2)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print progress details and debug messages.")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn scraped exercise articles into a clean, canonical, schema-checked dataset.

    A session: `pipeline add ARTICLE --url URL` records an article in raw/; `pipeline build`
    rebuilds the dataset into output/ (only new or changed articles are re-extracted);
    `pipeline review list` shows what to decide; `pipeline publish --version X.Y.Z` writes a
    release others can pin; `pipeline diff` and `pipeline stats` describe datasets.
    """
    configure_logging(quiet, verbose)
    ctx.obj = {"quiet": quiet, "verbose": verbose}


def _summary(report: BuildReport, out: Path) -> None:
    from rich.table import Table

    result = report.result
    table = Table(title="Sources", show_lines=False)
    for column in ("source", "format", "mentions", "kept chars", "dropped chars", "top reasons"):
        table.add_column(
            column, justify="right" if "chars" in column or column == "mentions" else "left"
        )
    for s in result.sources:
        acc = s.account
        reasons = sorted(acc.dropped.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        table.add_row(
            s.document.source_id,
            s.document.format.value,
            str(len(s.extraction.mentions)),
            str(acc.kept),
            str(sum(acc.dropped.values())),
            ", ".join(f"{k} {v}" for k, v in reasons),
        )
    err.print(table)
    merged = result.merge
    err.print(
        f"{len(result.validation.document['exercises'])} exercises from "
        f"{sum(len(s.extraction.mentions) for s in result.sources)} mentions in "
        f"{len(result.sources)} sources ({report.processed} extracted, {report.reused} from "
        f"the cache); {len(merged.conflicts)} conflicts to review; "
        + (
            f"{merged.candidate_pairs} candidate pairs ({merged.kept_pairs} scores kept from "
            f"the cache, {merged.candidate_pairs - merged.kept_pairs} scored)."
            if merged.kept_pairs
            else f"{merged.candidate_pairs} candidate pairs scored."
        )
    )
    for change in merged.id_changes:
        err.print(f"id {change.old} -> {change.new or '(removed)'}: {change.reason}")
    if report.written:
        err.print(f"wrote {', '.join(p.name for p in report.written)} in {out}")
    else:
        err.print(f"{out}: already up to date")
    if merged.conflicts and result.publishable:
        where = "" if out == Path("output") else f" --out {out}"
        err.print(
            f"{len(merged.conflicts)} items to review: `pipeline review serve{where}` (or open "
            f"{out / 'review.html'} in a browser, or `pipeline review list{where}`)",
            markup=False,
            soft_wrap=True,
        )


@main.command("build")
@RAW_OPTION
@OUT_OPTION
@DECISIONS_OPTION
@IDS_OPTION
@cache_options
@JOBS_OPTION
@EXECUTOR_OPTION
@SCHEDULER_OPTION
@click.pass_context
def build_cmd(
    ctx: click.Context, raw_dir: Path, out_dir: Path, decisions_path: Path,
    ids_path: Path | None, cache_dir: Path, no_cache: bool, jobs: int, executor: str,
    scheduler: str | None,
) -> None:  # fmt: skip
    """Build the dataset from the articles in RAW into OUT.

    Writes exercises.json (the dataset), conflicts.json and review.html (the review queue),
    removed.json (everything taken out of the sources, with reasons) and ids.json (the id
    registry), atomically. Per-source work is cached by content hash in --cache-dir, so a
    rebuild after adding an article extracts only that article, in --jobs processes. A bad
    article is reported and the others still build (exit status 1).
    """
    from exercise_pipeline.runner import build

    quiet = ctx.obj["quiet"]
    try:
        with progress_bar(not quiet) as progress:
            report = build(
                raw_dir, out_dir, decisions_path=decisions_path, ids_path=ids_path,
                cache_dir=None if no_cache else cache_dir, progress=progress,
                stale_dir=cache_dir, jobs=jobs, executor=executor, scheduler=scheduler,
            )  # fmt: skip
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    for error in report.result.errors:
        log.error("%s", error)
    if not quiet:
        _summary(report, out_dir)
    sys.exit(report.result.exit_code)


@main.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_cmd(file: Path) -> None:
    """Check FILE (an exercises.json) against schema/exercise.schema.json.

    Lists every error with its JSON path; exit status 0 when valid, 1 when not.
    """
    from exercise_pipeline.validate import check_document

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"{file}: not valid JSON: {exc}", err=True)
        sys.exit(1)
    except RecursionError:
        click.echo(f"{file}: nested too deeply to be read as a dataset", err=True)
        sys.exit(2)
    try:
        problems = check_document(document)
    except RecursionError:
        click.echo(f"{file}: nested too deeply to be checked", err=True)
        sys.exit(2)
    for problem in problems:
        click.echo(f"{file}: {problem}")
    if problems:
        click.echo(f"{file}: {len(problems)} error(s)", err=True)
        sys.exit(1)
    count = len(document.get("exercises", [])) if isinstance(document, dict) else 0
    click.echo(f"{file}: valid ({count} exercises)")


def _register() -> None:
    from exercise_pipeline.cli import release, review, sources

    main.add_command(sources.add_cmd)
    main.add_command(sources.remove_cmd)
    main.add_command(release.publish_cmd)
    main.add_command(release.diff_cmd)
    main.add_command(release.stats_cmd)
    main.add_command(review.review_group)


_register()
