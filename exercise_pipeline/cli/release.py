"""``pipeline publish``, ``pipeline diff`` and ``pipeline stats``: releases and their figures."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from exercise_pipeline.cli.common import (
    DECISIONS_OPTION,
    IDS_OPTION,
    JOBS_OPTION,
    OUT_OPTION,
    RAW_OPTION,
    cache_options,
    err,
    lazy_module,
    progress_bar,
    wide_console,
)
from exercise_pipeline.errors import PipelineError

if TYPE_CHECKING:
    from rich.console import Console

    from exercise_pipeline import publish, stats
    from exercise_pipeline.release import diff
    from exercise_pipeline.release.diff import DatasetDiff
else:
    stats = lazy_module("exercise_pipeline.stats")
    publish = lazy_module("exercise_pipeline.publish")
    diff = lazy_module("exercise_pipeline.release.diff")

log = logging.getLogger("exercise_pipeline")
_LISTED = 25  # items listed per kind of change before "... and N more"


def print_diff(diff: DatasetDiff, console: Console, *, old: str, new: str) -> None:
    """The difference as a summary table and the changed ids, kind by kind."""
    from rich.table import Table

    table = Table(title=f"{old} → {new}")
    for column in ("", "old", "new"):
        table.add_column(column, justify="left" if not column else "right")
    for what, a, b in diff.counts:
        table.add_row(what, str(a), str(b))
    console.print(table)
    for kind, items in diff.sections():
        console.print(f"{kind.lower()} ({len(items)}):", highlight=False)
        for item in items[:_LISTED]:
            head, *rest = item.split("\n")  # a steps diff: its lines under the item
            console.print(f"  {head}", highlight=False, markup=False)
            for line in rest:
                console.print(f"      {line}", highlight=False, markup=False)
        if len(items) > _LISTED:
            console.print(f"  ... and {len(items) - _LISTED} more", highlight=False)
    bump, why = diff.bump()
    console.print(f"semantic version: {bump or 'no'} change ({why})", highlight=False)


@click.command("publish")
@click.option("--version", "version", help="The release version X.Y.Z [default: dry run].")
@click.option(
    "--releases", "releases_dir", type=click.Path(path_type=Path), default=Path("releases"),
    show_default=True, help="Folder of release folders, one per version.",
)  # fmt: skip
@click.option("--date", help="Release date YYYY-MM-DD [default: SOURCE_DATE_EPOCH, else none].")
@click.option(
    "--allow-smaller-bump", is_flag=True,
    help="Publish even if --version bumps less than the changes call for.",
)  # fmt: skip
@click.option(
    "--require-licenses", is_flag=True,
    help="Refuse to publish while a source records no SPDX licence.",
)  # fmt: skip
@click.option(
    "--card-template", type=click.Path(path_type=Path, dir_okay=False),
    help="The dataset card's layout: a text with $summary, $fields, $quality, ... [default: "
    "the built-in card].",
)  # fmt: skip
@RAW_OPTION
@OUT_OPTION
@DECISIONS_OPTION
@IDS_OPTION
@cache_options
@JOBS_OPTION
@click.pass_context
def publish_cmd(
    ctx: click.Context, version: str | None, releases_dir: Path, date: str | None,
    allow_smaller_bump: bool, require_licenses: bool, card_template: Path | None,
    raw_dir: Path, out_dir: Path, decisions_path: Path,
    ids_path: Path | None, cache_dir: Path, no_cache: bool, jobs: int,
) -> None:  # fmt: skip
    """Publish a release of the dataset built from RAW into RELEASES/VERSION.

    The release folder holds exercises.json, its JSON Schema, CSV and Parquet tables, a
    Frictionless datapackage.json (sizes and sha256 of every resource), the id map, a
    CHANGELOG.md entry generated from the difference to the previous release, and SHA256SUMS.
    Publishing is refused when the dataset does not validate, a source fails, the version
    does not increase, or an id vanished without an id-map entry. Without --version, shows
    the difference and the version the changes call for, and writes nothing.
    """
    from exercise_pipeline.release.publishing import publish_release  # pandas, pyarrow: only here

    quiet = ctx.obj["quiet"]
    try:
        with progress_bar(not quiet) as progress:
            report = publish_release(
                raw_dir, out_dir, releases_dir, version=version, decisions_path=decisions_path,
                ids_path=ids_path, cache_dir=None if no_cache else cache_dir, date=date,
                allow_smaller_bump=allow_smaller_bump, require_licenses=require_licenses,
                card_template=card_template, progress=progress, jobs=jobs,
            )  # fmt: skip
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    plan = report.plan
    if not quiet:
        print_diff(plan.diff, err, old=plan.previous or "(no release)", new=version or "build")
    for warning in plan.warnings:
        log.warning("%s", warning)
    for problem in plan.problems:
        log.error("%s", problem)
    if plan.problems:
        log.error("nothing published")
        sys.exit(2)
    if report.folder is None:
        click.echo(f"proposed version: {plan.proposed}; publish with --version {plan.proposed}")
        return
    for name in sorted(plan.files):
        click.echo(f"{report.folder / name}")
    if not quiet:
        err.print(
            f"published {plan.version} in {report.folder} ({report.processed} sources "
            f"extracted, {report.reused} from the cache)",
            highlight=False,
        )


def _dataset(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]] | None]:
    """An exercises.json (a file, or a release or output folder) and the id map beside it."""
    file = path / "exercises.json" if path.is_dir() else path
    try:
        doc = json.loads(publish.read_output(file.parent, file.name).decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PipelineError(str(file), f"cannot be read as a dataset: {exc}", "") from exc
    records = doc.get("exercises") if isinstance(doc, dict) else None
    well_formed = (
        isinstance(records, list)
        and isinstance(doc.get("dataset", {}), dict)
        and all(
            isinstance(r, dict) and isinstance(r.get("id"), str) and "name" in r for r in records
        )
    )
    if not well_formed:
        raise PipelineError(
            str(file), "is not an exercises.json dataset", "check it with `pipeline validate`"
        )
    id_map = None
    for name in ("id_map.json", "ids.json"):
        beside = file.parent / name
        if beside.exists():
            try:
                id_map = json.loads(beside.read_text(encoding="utf-8"))["id_map"]
                if not all(isinstance(e, dict) and "old" in e for e in id_map):
                    raise TypeError("entries must be objects with 'old' and 'new'")
            except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
                raise PipelineError(str(beside), f"is not an id map: {exc}", "") from exc
            break
    return doc, id_map


@click.command("diff")
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def diff_cmd(old: Path, new: Path, as_json: bool) -> None:
    """Show what changed from dataset OLD to NEW: exercises added, removed, merged (old id →
    new id), renamed, fields changed, and the semantic-version bump that calls for.

    OLD and NEW are exercises.json files or folders holding one (a release, output/).
    """
    try:
        old_doc, _ = _dataset(old)
        new_doc, id_map = _dataset(new)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    changes = diff.diff_datasets(old_doc, new_doc, id_map=id_map)
    if as_json:
        click.echo(json.dumps(changes.as_json(), indent=2, ensure_ascii=False))
    else:
        print_diff(changes, wide_console(), old=str(old), new=str(new))


@click.command("stats")
@OUT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def stats_cmd(out_dir: Path, as_json: bool) -> None:
    """Figures of the dataset in OUT: per source (mentions, removals by reason, characters kept
    and dropped) and per exercise (sources, mentions, conflicts)."""
    from rich.table import Table

    names = ("exercises.json", "removed.json", "conflicts.json")
    try:
        raw = publish.read_outputs(out_dir, names)  # one generation, never a mix
        docs: dict[str, Any] = {n: json.loads(raw[n].decode("utf-8")) for n in names}
    except (OSError, ValueError) as exc:
        log.error("%s: cannot be read (%s); run `pipeline build` first", out_dir, exc)
        sys.exit(2)
    per_source = stats.source_stats(docs["exercises.json"], docs["removed.json"])
    per_exercise = stats.exercise_stats(docs["exercises.json"], docs["conflicts.json"])
    total = stats.totals(per_source, per_exercise)
    if as_json:
        doc = {"totals": total, "sources": per_source, "exercises": per_exercise}
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    console = wide_console()
    table = Table(title="Sources")
    numbers = ("mentions", "removals", "kept", "dropped")
    for column in ("source", "format", "encoding", *numbers, "by reason"):
        table.add_column(column, justify="right" if column in numbers else "left")
    for s in per_source:
        reasons = ", ".join(f"{k} {v}" for k, v in s["removals_by_reason"].items())
        sure = s["encoding_confidence"]
        encoding = f"{s['encoding']}" + ("" if sure >= 1 else f" ({sure:.2f})")
        table.add_row(
            s["source_id"], s["format"], encoding, str(s["mentions"]), str(s["removals"]),
            str(s["kept"]), str(s["dropped"]), reasons,
        )  # fmt: skip
    console.print(table)
    table = Table(title="Exercises")
    for column in ("id", "name", "sources", "mentions", "conflicts", "open review items"):
        table.add_column(column, justify="left" if column in ("id", "name") else "right")
    for e in per_exercise:
        table.add_row(
            e["id"], e["name"], str(e["sources"]), str(e["mentions"]), str(e["conflicts"]),
            str(e["open_review_items"]),
        )  # fmt: skip
    console.print(table)
    console.print(
        f"{total['exercises']} exercises ({total['multi_source_exercises']} from several "
        f"sources, {total['exercises_with_conflicts']} with conflicts) from {total['mentions']} "
        f"mentions in {total['sources']} sources; {total['dropped']} of {total['characters']} "
        f"characters dropped ({total['dropped_share']:.1%}) in {total['removals']} removals.",
        highlight=False,
    )
