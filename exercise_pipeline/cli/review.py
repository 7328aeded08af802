"""``pipeline review``: the review queue and the decisions that stick on every build."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from exercise_pipeline.cli.common import lazy_module, terminal_safe, wide_console
from exercise_pipeline.conflicts import CONFLICT_KINDS, DECIDABLE_FIELDS
from exercise_pipeline.errors import PipelineError

if TYPE_CHECKING:
    from exercise_pipeline import review
    from exercise_pipeline.models import Decision
else:
    review = lazy_module("exercise_pipeline.review")

log = logging.getLogger("exercise_pipeline")


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


@click.group("review")
def review_group() -> None:
    """Review the queue of the last build and record decisions that stick on every build.

    `serve` opens the queue as a local web app that records decisions at a click; `list`
    shows open conflicts, `show KEY` one of them side by side; `same`, `different`, `rename`,
    `prefer` and `reject` record a decision in review/decisions.json, `undo` takes one back.
    Run `pipeline build` to apply them; output/review.html shows the same queue offline.
    """


@review_group.command("list")
@click.option("--kind", type=click.Choice(CONFLICT_KINDS), help="Only conflicts of this kind.")
@click.option("--exercise", help="Only conflicts touching this exercise (id or part of its name).")
@click.option("--stale", is_flag=True, help="List decisions that no longer match anything.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--keys", "keys_only", is_flag=True, help="Print the keys only, one per line.")
@OUT_OPTION
@DECISIONS_OPTION
def review_list(
    kind: str | None, exercise: str | None, stale: bool, as_json: bool, keys_only: bool,
    out_dir: Path, decisions_path: Path,
) -> None:  # fmt: skip
    """List the open conflicts of the last build as a table (or the stale decisions)."""
    from rich.table import Table

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
    if keys_only:
        for c in terminal_safe(selected):
            click.echo(c["key"])
        return
    table = Table(title=f"{len(selected)} open conflict(s)")
    # Keys are never cut or wrapped (they are typed back); the other columns wrap.
    width = max((len(c["key"]) for c in selected), default=3)
    table.add_column("key", no_wrap=True, min_width=width)
    for column in ("kind", "exercises", "detail"):
        table.add_column(column, overflow="fold")
    for c in terminal_safe(selected):
        table.add_row(c["key"], c["kind"], ", ".join(c.get("exercise_names", [])), _detail(c))
    wide_console().print(table)


@review_group.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0: any free one).")  # fmt: skip
@click.option("--raw", "raw_dir", type=click.Path(path_type=Path), default=Path("raw"),
              show_default=True, help="Articles, for the page's rebuild button.")  # fmt: skip
@click.option("--cache-dir", type=click.Path(path_type=Path), default=Path(".cache"),
              show_default=True, help="Cache of per-source work, for rebuilds.")  # fmt: skip
@OUT_OPTION
@DECISIONS_OPTION
def review_serve(
    port: int, raw_dir: Path, cache_dir: Path, out_dir: Path, decisions_path: Path
) -> None:
    """Serve the review queue as a local web app on 127.0.0.1: buttons and keys (j/k next and
    previous, s same, d different, r reject, u undo, / filter) record decisions through the
    same checks as these commands, and "Rebuild" applies them. Only this machine, and only
    the page itself, can use it (its Host, Origin and a per-run token are checked)."""
    from exercise_pipeline.review.server import ReviewApp, make_server

    app = ReviewApp(out_dir, decisions_path, raw_dir, cache_dir)
    try:
        app.queue()
        server = make_server(app, port)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    except OSError as exc:
        log.error("port %d: %s (choose another with --port, or --port 0)", port, exc.strerror)
        sys.exit(2)
    click.echo(f"reviewing {out_dir} at http://127.0.0.1:{server.server_address[1]}/ "
               "(Ctrl-C to stop)")  # fmt: skip
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()


@review_group.command("apply")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@OUT_OPTION
@DECISIONS_OPTION
def review_apply(file: Path, out_dir: Path, decisions_path: Path) -> None:
    """Record the decisions in FILE (exported from output/review.html): each is checked as
    `same`, `rename` and the others check theirs, and none is recorded unless all pass."""
    try:
        new = review.apply_decisions(file, _queue(out_dir), decisions_path)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    for d in new:
        click.echo(f"recorded in {decisions_path}: {review.describe(d)}")
    click.echo(f"{len(new)} new decision(s) from {file}; run `pipeline build` to apply them")


@review_group.command("learn")
@click.option(
    "--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
    help="Labelled articles: their mentions and clusters (gold.json).",
)  # fmt: skip
@click.option(
    "--articles", type=click.Path(exists=True, file_okay=False, path_type=Path),
    multiple=True, required=True, help="A folder holding labelled articles.",
)  # fmt: skip
@click.option(
    "--raw", "raw_dir", type=click.Path(path_type=Path), default=Path("raw"),
    show_default=True, help="Articles of the dataset, to count what the queue loses.",
)  # fmt: skip
@click.option("--cache-dir", type=click.Path(path_type=Path), default=Path(".cache"),
              show_default=True, help="Cache of per-source work.")  # fmt: skip
@OUT_OPTION
@DECISIONS_OPTION
def review_learn(
    gold: Path, articles: tuple[Path, ...], raw_dir: Path, cache_dir: Path, out_dir: Path,
    decisions_path: Path,
) -> None:  # fmt: skip
    """Refit the pair-score weights on labelled articles plus the curator's same/different
    decisions, and keep them beside the decisions (review/merge_weights.json), where every
    later build reads them: a team's judgement travels with its dataset. Prints held-out
    pairwise precision and recall before and after, and how many queued items the new
    weights decide. Needs scikit-learn (the `train` extra)."""
    from exercise_pipeline.review.learn import learn

    try:
        report = learn(gold, list(articles), decisions_path, raw_dir=raw_dir, out_dir=out_dir,
                       cache_dir=cache_dir)  # fmt: skip
    except ImportError as exc:
        log.error("review learn needs scikit-learn (%s): pip install 'exercise-pipeline[train]'",
                  exc.name)  # fmt: skip
        sys.exit(2)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    for line in report.lines():
        click.echo(line)


@review_group.command("undo")
@click.argument("key", required=False)
@DECISIONS_OPTION
def review_undo(key: str | None, decisions_path: Path) -> None:
    """Take back the last decision, or the decisions of KEY: a decision's key (as
    `review same` and the others print it) or a mention key (every decision naming it)."""
    try:
        gone = review.undo_decisions(decisions_path, key)
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    if not gone:
        log.error("%s: no decision %s", decisions_path, f"matches {key}" if key else "to undo")
        sys.exit(2)
    for d in gone:
        click.echo(f"removed from {decisions_path}: {review.describe(d)}")
    click.echo("run `pipeline build` to apply it")


@review_group.command("show")
@click.argument("key")
@OUT_OPTION
def review_show(key: str, out_dir: Path) -> None:
    """Show one conflict side by side: names, steps, fields, scores, source passages, and the
    commands that decide it. KEY is a conflict key, a unique part of one, or a mention key."""
    from rich.table import Table

    queue = _queue(out_dir)
    try:
        c = terminal_safe(queue.find(key))
    except PipelineError as exc:
        log.error("%s", exc)
        sys.exit(2)
    console = wide_console()
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
    try:
        added = review.record(decision, queue, decisions_path)
    except PipelineError as exc:
        log.error("%s; nothing recorded", exc)
        sys.exit(2)
    what = f"{review.describe(decision)} (key {review.decision_key(decision)})"
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
@click.option("--field", type=click.Choice(DECIDABLE_FIELDS), help="The field to decide.")
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
