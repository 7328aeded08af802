"""Command line: a thin layer over the library. Results go to stdout, messages to stderr.

Exit status: 0 success; 1 the work was done but with errors (a bad source, a dropped record);
2 nothing was done (bad usage, invalid input that stops the command).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline import __version__
from pipeline.errors import PipelineError
from pipeline.runner import BuildReport, build
from pipeline.validate import check_document

log = logging.getLogger("pipeline")
err = Console(stderr=True)


def _configure_logging(quiet: bool, verbose: bool) -> None:
    """Plain one-line messages on stderr (``error: raw/a.txt: is empty``), easy to grep."""
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.addLevelName(logging.WARNING, "warning")
    logging.addLevelName(logging.ERROR, "error")
    logging.addLevelName(logging.INFO, "info")
    logging.addLevelName(logging.DEBUG, "debug")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
@click.option("-q", "--quiet", is_flag=True, help="Only print errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print progress details and debug messages.")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """Turn scraped exercise articles into a clean, canonical, schema-checked dataset.

    Typical use: `pipeline build` after adding articles to raw/, then `pipeline validate
    output/exercises.json`.
    """
    _configure_logging(quiet, verbose)
    ctx.obj = {"quiet": quiet, "verbose": verbose}


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True, disable=not enabled) as bar:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def _summary(report: BuildReport, out: Path) -> None:
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
        f"{len(result.sources)} sources; {len(merged.conflicts)} conflicts to review; "
        f"{merged.candidate_pairs} candidate pairs scored."
    )
    for change in merged.id_changes:
        err.print(f"id {change.old} -> {change.new or '(removed)'}: {change.reason}")
    if report.written:
        err.print(f"wrote {', '.join(p.name for p in report.written)} in {out}")
    else:
        err.print(f"{out}: already up to date")


@main.command("build")
@click.option(
    "--raw",
    "raw_dir",
    type=click.Path(path_type=Path),
    default=Path("raw"),
    show_default=True,
    help="Folder of article files (and sources.json).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder the dataset is published to.",
)
@click.option(
    "--decisions",
    "decisions_path",
    type=click.Path(path_type=Path),
    default=Path("review/decisions.json"),
    show_default=True,
    help="Review decisions applied on every build.",
)
@click.option(
    "--ids",
    "ids_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Id registry of the last publication [default: OUT/ids.json].",
)
@click.pass_context
def build_cmd(
    ctx: click.Context, raw_dir: Path, out_dir: Path, decisions_path: Path, ids_path: Path | None
) -> None:
    """Build the dataset from the articles in RAW into OUT.

    Writes exercises.json (the dataset), conflicts.json (the review queue), removed.json
    (everything taken out of the sources, with reasons) and ids.json (the id registry),
    atomically. A bad article is reported and the others still build (exit status 1).
    """
    quiet = ctx.obj["quiet"]
    try:
        with _progress(not quiet) as progress:
            report = build(
                raw_dir, out_dir, decisions_path=decisions_path, ids_path=ids_path,
                progress=progress,
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
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        click.echo(f"{file}: not valid JSON: {exc}", err=True)
        sys.exit(1)
    problems = check_document(document)
    for problem in problems:
        click.echo(f"{file}: {problem}")
    if problems:
        click.echo(f"{file}: {len(problems)} error(s)", err=True)
        sys.exit(1)
    count = len(document.get("exercises", [])) if isinstance(document, dict) else 0
    click.echo(f"{file}: valid ({count} exercises)")
