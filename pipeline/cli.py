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

from pipeline import __version__, review
from pipeline.errors import PipelineError
from pipeline.models import Decision
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


# --- review ----------------------------------------------------------------------------------

OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("output"),
    show_default=True, help="Folder of the last build (its conflicts.json is the queue).",
)  # fmt: skip
DECISIONS_OPTION = click.option(
    "--decisions", "decisions_path", type=click.Path(path_type=Path),
    default=Path("review/decisions.json"), show_default=True, help="The decisions file.",
)  # fmt: skip
NOTE_OPTION = click.option("--note", default=None, help="Why (kept with the decision).")


def _queue(out_dir: Path) -> review.Queue:
    try:
        return review.load_queue(out_dir)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)


def _detail(c: dict[str, Any]) -> str:
    if c["kind"] == "merge" and c.get("pair"):
        return f"score {c['pair']['score']:.3f}"
    if c["kind"] == "field":
        values = " | ".join(_short(v["value"]) for v in c.get("values", []))
        return f"{c.get('field')}: {values}"
    first = (c.get("texts") or [None])[0] or {}
    return f"{len(first.get('steps', []))} steps, no name"


def _short(value: object) -> str:
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        return (
            f"{value['min']}" if value["min"] == value["max"] else f"{value['min']}-{value['max']}"
        )
    if isinstance(value, dict) and "text" in value:
        return str(value["text"])
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


@main.group("review")
def review_group() -> None:
    """Review the queue of the last build and record decisions that stick on every build.

    `list` shows open conflicts, `show KEY` one of them side by side; `same`, `different`,
    `rename`, `prefer` and `reject` record a decision in review/decisions.json. Run
    `pipeline build` to apply them; output/review.html shows the same queue in a browser.
    """


@review_group.command("list")
@click.option("--kind", type=click.Choice(review.KINDS), help="Only conflicts of this kind.")
@click.option("--exercise", help="Only conflicts touching this exercise (id or part of its name).")
@click.option("--stale", is_flag=True, help="List decisions that no longer match anything.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@OUT_OPTION
@DECISIONS_OPTION
def review_list(
    kind: str | None, exercise: str | None, stale: bool, as_json: bool, out_dir: Path,
    decisions_path: Path,
) -> None:  # fmt: skip
    """List the open conflicts of the last build as a table (or the stale decisions)."""
    queue = _queue(out_dir)
    if stale:
        lines = review.stale_decisions(queue, decisions_path)
        if as_json:
            click.echo(json.dumps(lines, indent=2))
        for line in lines if not as_json else []:
            click.echo(line)
        if not lines:
            click.echo("no stale decisions", err=True)
        return
    selected = queue.select(kind=kind, exercise=exercise)
    if as_json:
        click.echo(json.dumps(selected, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(selected)} open conflict(s)")
    for column in ("key", "kind", "exercises", "detail"):
        table.add_column(column, overflow="fold")
    for c in selected:
        table.add_row(c["key"], c["kind"], ", ".join(c.get("exercise_names", [])), _detail(c))
    Console(width=max(120, Console().width)).print(table)


@review_group.command("show")
@click.argument("key")
@OUT_OPTION
def review_show(key: str, out_dir: Path) -> None:
    """Show one conflict side by side: names, steps, fields, scores, source passages, and the
    commands that decide it. KEY is a conflict key, a unique part of one, or a mention key."""
    queue = _queue(out_dir)
    try:
        c = queue.find(key)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    console = Console(width=max(120, Console().width))
    console.print(f"[bold]{c['kind']}[/bold] {c['key']}", markup=True, highlight=False)
    if c.get("pair"):
        pair = c["pair"]
        scores = Table(title=f"score {pair['score']:.3f} ({pair['outcome']})")
        for column in ("component", "value", "weight"):
            scores.add_column(column)
        for comp in pair["components"]:
            scores.add_row(comp["name"], f"{comp['value']:.3f}", f"{comp['weight']:.2f}")
        console.print(scores)
        for reason in pair.get("against", []):
            console.print(f"evidence against: {reason}", highlight=False)
    if c["kind"] == "field":
        chosen = _short(c.get("chosen"))
        console.print(f"field {c['field']}: chose {chosen} ({c.get('rule')})", highlight=False)
    sides = Table(show_lines=True)
    texts = [t for t in c.get("texts", []) if t]
    for t in texts:
        sides.add_column(f"{t.get('name') or '(no name)'}\n{t['mention']}", overflow="fold")
    columns = [_side_cells(t) for t in texts]
    for row in zip(*columns, strict=True):
        sides.add_row(*row)
    console.print(sides, markup=False, highlight=False)
    for command in c.get("commands", []):
        click.echo(command)


def _side_cells(t: dict[str, Any]) -> list[str]:
    """One side of `review show`: fields, steps, evidence, source passage with context."""
    return [
        "\n".join(f"{k}: {_short(v)}" for k, v in sorted(t["fields"].items())),
        "\n".join(f"{n}. {s}" for n, s in enumerate(t["steps"], 1)),
        "\n".join(x["text"] for x in t.get("evidence", [])),
        _passage_text(t.get("passage")),
    ]


def _passage_text(p: dict[str, str] | None) -> str:
    if not p:
        return ""
    return f"...{p['before'][-120:]}[[{p['text']}]]{p['after'][:120]}..."


def _record(decision: Decision, out_dir: Path, decisions_path: Path) -> None:
    queue = _queue(out_dir)
    problems = review.check(decision, queue)
    if problems:
        for p in problems:
            log.error("%s", p)
        log.error("nothing recorded (see `pipeline review list`)")
        sys.exit(2)
    try:
        added = review.append_decision(decisions_path, decision)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    what = f"{decision.kind} {' '.join(decision.mentions)}"
    if added:
        click.echo(f"recorded in {decisions_path}: {what}; run `pipeline build` to apply it")
    else:
        click.echo(f"already in {decisions_path}: {what}")


def _decision_command(kind: str, doc: str) -> Any:
    @review_group.command(kind, help=doc)
    @click.argument("first")
    @click.argument("second")
    @NOTE_OPTION
    @OUT_OPTION
    @DECISIONS_OPTION
    def command(
        first: str, second: str, note: str | None, out_dir: Path, decisions_path: Path
    ) -> None:
        _record(review.make_decision(kind, [first, second], note=note), out_dir, decisions_path)

    return command


_decision_command("same", "Record that two mentions are the same exercise (they will be merged).")
_decision_command(
    "different", "Record that two mentions are different exercises (they will stay apart)."
)


@review_group.command("rename")
@click.argument("mention")
@click.argument("name")
@NOTE_OPTION
@OUT_OPTION
@DECISIONS_OPTION
def review_rename(
    mention: str, name: str, note: str | None, out_dir: Path, decisions_path: Path
) -> None:
    """Name the exercise MENTION belongs to NAME (also names an unnamed step list)."""
    _record(
        review.make_decision("rename", [mention], name=name, note=note), out_dir, decisions_path
    )


@review_group.command("prefer")
@click.argument("mention")
@click.option("--field", type=click.Choice(review.FIELDS), help="The field to decide.")
@click.option("--value", help='A value for --field, as JSON: \'{"min": 5, "max": 5}\' or supine.')
@NOTE_OPTION
@OUT_OPTION
@DECISIONS_OPTION
def review_prefer(
    mention: str, field: str | None, value: str | None, note: str | None, out_dir: Path,
    decisions_path: Path,
) -> None:  # fmt: skip
    """Prefer MENTION's value of --field for its exercise (or --value instead of it); without
    --field, prefer MENTION's version for the steps and every field it gives."""
    try:
        decision = review.make_decision(
            "prefer", [mention], field=field, value=value,
            source=None if value is not None else mention, note=note,
        )  # fmt: skip
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    _record(decision, out_dir, decisions_path)


@review_group.command("reject")
@click.argument("mention")
@NOTE_OPTION
@OUT_OPTION
@DECISIONS_OPTION
def review_reject(mention: str, note: str | None, out_dir: Path, decisions_path: Path) -> None:
    """Record that MENTION is not an exercise (or is junk); it leaves the dataset."""
    _record(review.make_decision("reject", [mention], note=note), out_dir, decisions_path)
