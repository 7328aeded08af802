"""Review: the queue of open conflicts, and recording a curator's decisions.

The queue is ``output/conflicts.json`` from the last build; decisions go to
``review/decisions.json`` (validated against ``schema/decisions.schema.json``) and apply on
every later build before survivorship. Recording a decision checks it first: the mentions it
names must exist in the last build, and a value must fit its field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercise_pipeline.conflicts import CONFLICT_KINDS, DECIDABLE_FIELDS
from exercise_pipeline.decisions import (
    decisions_json,
    load_decisions,
    parse_decisions,
    value_from_json,
    value_to_json,
)
from exercise_pipeline.errors import DecisionError, PipelineError
from exercise_pipeline.locks import writing
from exercise_pipeline.models import Decision
from exercise_pipeline.publish import read_output, render_json, write_atomic

JSON = dict[str, Any]
KINDS = CONFLICT_KINDS


@dataclass(frozen=True, slots=True)
class Queue:
    """The review queue of the last build."""

    conflicts: tuple[JSON, ...]
    mention_keys: frozenset[str]
    stale: tuple[JSON, ...]

    def select(self, *, kind: str | None = None, exercise: str | None = None) -> list[JSON]:
        """Open conflicts of one kind and/or touching one exercise (id or name, any case)."""
        out = []
        for c in self.conflicts:
            if kind and c["kind"] != kind:
                continue
            if exercise:
                wanted = exercise.lower()
                ids = [i.lower() for i in c.get("exercise_ids", [])]
                names = [n.lower() for n in c.get("exercise_names", [])]
                if wanted not in ids and not any(wanted in n for n in names):
                    continue
            out.append(c)
        return out

    def find(self, key: str) -> JSON:
        """A conflict by its key, a unique part of it, or a mention key it involves."""
        exact = [c for c in self.conflicts if c["key"] == key]
        if exact:
            return exact[0]
        hits = [c for c in self.conflicts if key in c["key"] or key in c["mentions"]]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise PipelineError(key, "matches no open conflict", "see `pipeline review list`")
        shown = ", ".join(c["key"] for c in hits[:5])
        raise PipelineError(key, f"matches {len(hits)} conflicts ({shown}, ...)", "be more precise")


def load_queue(out_dir: Path) -> Queue:
    path = out_dir / "conflicts.json"
    if not path.exists():
        raise PipelineError(str(path), "does not exist", "run `pipeline build` first")
    try:
        doc = json.loads(read_output(out_dir, path.name).decode("utf-8"))
    except (OSError, ValueError) as exc:  # unreadable, not JSON, not of its generation
        raise PipelineError(
            str(path), f"cannot be read: {exc}", "rebuild with `pipeline build`"
        ) from exc
    return Queue(
        conflicts=tuple(doc.get("conflicts", [])),
        mention_keys=frozenset(doc.get("mention_keys", [])),
        stale=tuple(doc.get("stale_decisions", [])),
    )


FIELDS = DECIDABLE_FIELDS


def make_decision(
    kind: str,
    mentions: Sequence[str],
    *,
    name: str | None = None,
    field: str | None = None,
    value: str | None = None,
    source: str | None = None,
    note: str | None = None,
) -> Decision:
    """A Decision from command-line words; ``value`` is JSON text (``{"min": 5, "max": 5}``)."""
    typed: object = None
    if value is not None:
        if field is None:
            raise DecisionError("--value", "needs --field", "say which field the value is for")
        try:
            raw = json.loads(value)
        except json.JSONDecodeError:
            raw = value  # a bare word: supine, stretch
        typed, problem = value_from_json(field, raw)
        if problem:
            raise DecisionError(f"--value {value}", f"for {field} {problem}", "")
    return Decision(
        kind=kind,
        mentions=tuple(mentions),
        name=name,
        field=field,
        value=typed,
        source=source,
        note=note,
    )


def check(decision: Decision, queue: Queue) -> list[str]:
    """What is wrong with a decision against the last build (empty when it may be recorded)."""
    problems = []
    for key in [*decision.mentions, *([decision.source] if decision.source else [])]:
        if key not in queue.mention_keys:
            problems.append(f"{key}: no such mention in the last build")
    if decision.kind in ("same", "different") and len(set(decision.mentions)) < 2:
        problems.append(f"{decision.kind} needs two different mentions")
    if decision.kind == "rename" and not (decision.name and decision.name.strip()):
        problems.append("rename needs a name")
    if decision.field is not None and decision.field not in FIELDS:
        problems.append(f"{decision.field}: not a field (one of {', '.join(FIELDS)})")
    return problems


def record(decision: Decision, queue: Queue, path: Path) -> bool:
    """Check a decision against the last build and append it: the one path every way of
    deciding takes (the CLI, the review server). False if it was there already; a
    DecisionError naming every problem if it may not be recorded."""
    problems = check(decision, queue)
    if problems:
        raise DecisionError(describe(decision), "; ".join(problems), "see `pipeline review list`")
    return append_decision(path, decision)


def apply_decisions(source: Path, queue: Queue, path: Path) -> list[Decision]:
    """Append the decisions of a file (the static page's export) to the decisions file:
    the file is validated as a decisions file, every decision checked against the last
    build, and nothing is appended unless all of them pass (a DecisionError lists every
    problem). Returns the decisions that were new."""
    decisions = load_decisions(source)
    problems = [f"{describe(d)}: {p}" for d in decisions for p in check(d, queue)]
    if problems:
        raise DecisionError(str(source), "; ".join(problems), "nothing was recorded")
    with writing(path):
        existing = list(load_decisions(path))
        new = [d for d in dict.fromkeys(decisions) if d not in existing]
        if new:
            _write_decisions(path, [*existing, *new])
        return new


def append_decision(path: Path, decision: Decision) -> bool:
    """Add a decision to the decisions file (created if missing); False if already there.

    The file is validated before and after, and replaced atomically, under its write lock:
    decisions recorded at the same moment are all kept.
    """
    with writing(path):
        existing = list(load_decisions(path))
        if decision in existing:
            return False
        _write_decisions(path, [*existing, decision])
        return True


def _write_decisions(path: Path, decisions: Sequence[Decision]) -> None:
    """Replace the decisions file atomically (under the caller's write lock), with what
    loads again: the document is validated before it is written."""
    doc = decisions_json(decisions)
    parse_decisions(doc, str(path))
    write_atomic(path, render_json(doc))


def decision_key(decision: Decision) -> str:
    """A decision's stable key: its kind, its mentions and (for prefer) its field, joined by
    ":" ("rename:001_f9fe001670b5d609#unnamed-1"); what ``review undo KEY`` takes."""
    return ":".join(
        [decision.kind, *decision.mentions, *([decision.field] if decision.field else [])]
    )


def describe(decision: Decision) -> str:
    """What a decision says, in words: 'rename 001_…#unnamed-1 to "Knee to Chest"'."""
    text = f"{decision.kind} {' and '.join(decision.mentions)}"
    if decision.kind == "rename":
        text += f" to {json.dumps(decision.name, ensure_ascii=False)}"
    elif decision.kind == "prefer":
        value = json.dumps(value_to_json(decision.value), ensure_ascii=False)
        text += f": {decision.field} = {decision.source or value}"
    return text


def undo_decisions(path: Path, key: str | None = None) -> list[Decision]:
    """Take decisions out of the decisions file, under its write lock: the last one, or every
    one whose key is ``key`` or that names the mention ``key``. Returns what was taken out
    (nothing: nothing matched, and the file is left alone)."""
    with writing(path):
        existing = list(load_decisions(path))
        if key is None:
            gone = existing[-1:]
        else:
            gone = [d for d in existing if key == decision_key(d) or key in d.mentions]
        if gone:
            _write_decisions(path, [d for d in existing if d not in gone])
        return gone


def stale_lines(stale: Iterable[JSON]) -> list[str]:
    return [f"{d['kind']} {' '.join(d['mentions'])}" for d in stale]


def stale_decisions(queue: Queue, decisions_path: Path) -> list[str]:
    """Decisions that no longer match anything: reported by the last build, and any in the
    decisions file that name a mention the last build does not have."""
    lines = stale_lines(queue.stale)
    for d in load_decisions(decisions_path):
        gone = [
            k
            for k in (*d.mentions, *([d.source] if d.source else []))
            if k not in queue.mention_keys
        ]
        line = f"{d.kind} {' '.join(d.mentions)}"
        if gone and line not in lines:
            lines.append(line)
    return [f"stale: {line}" for line in lines]
