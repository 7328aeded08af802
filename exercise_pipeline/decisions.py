"""Review decisions: ``review/decisions.json`` <-> Decision records, validated as a whole.

Every problem of a decisions file is reported at once, each naming the entry (its index and
kind) and what is wrong, so that a curator can fix the file in one pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from exercise_pipeline.errors import DecisionError
from exercise_pipeline.models import Decision, Frequency, Range
from exercise_pipeline.schemas import check
from exercise_pipeline.vocab import load

SCHEMA = "decisions.schema.json"
RANGE_FIELDS = ("hold_seconds", "hold_breaths", "duration_seconds", "repetitions", "sets")


def range_from_json(value: object) -> Range | None:
    """A range from ``{"min": a, "max": b}``, ``[a, b]`` or a single number."""
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        lo, hi = value["min"], value["max"]
    elif isinstance(value, list) and len(value) == 2:
        lo, hi = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        lo = hi = value
    else:
        return None
    if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (lo, hi)):
        return None
    if lo < 0 or hi < lo:
        return None
    return Range(float(lo), float(hi))


def _frequency_from_json(value: object) -> Frequency | None:
    if not isinstance(value, dict) or not isinstance(value.get("text"), str):
        return None
    per_day = range_from_json(value["per_day"]) if value.get("per_day") is not None else None
    per_week = range_from_json(value["per_week"]) if value.get("per_week") is not None else None
    return Frequency(value["text"], per_day, per_week)


def value_from_json(field: str, value: object) -> tuple[object, str | None]:
    """The typed value of a prefer decision, or a problem description."""
    fields = load("fields")
    if field in RANGE_FIELDS:
        r = range_from_json(value)
        return (r, None) if r else (None, 'must be {"min": n, "max": n} with 0 <= min <= max')
    if field == "frequency":
        f = _frequency_from_json(value)
        return (f, None) if f else (None, 'must be {"text": ..., "per_day": range or null}')
    if field == "position":
        ok = value in fields["positions"]
        return (value, None) if ok else (None, f"must be one of {sorted(fields['positions'])}")
    if field == "category":
        ok = value in fields["categories"]
        return (value, None) if ok else (None, f"must be one of {sorted(fields['categories'])}")
    if field == "equipment":
        if isinstance(value, list) and all(v in fields["equipment"] for v in value):
            return tuple(sorted(set(value))), None
        return None, f"must be a list of {sorted(fields['equipment'])}"
    return None, f"cannot be given as a value for {field}; prefer a source instead"


def parse_decisions(doc: object, where: str) -> tuple[Decision, ...]:
    """Decision records from a decisions document; DecisionError lists every problem."""
    problems = check(doc, SCHEMA)
    if problems:
        raise DecisionError(where, "invalid decisions file:\n  " + "\n  ".join(problems), "")
    assert isinstance(doc, dict)
    decisions: list[Decision] = []
    errors: list[str] = []
    for n, entry in enumerate(doc["decisions"]):
        value = entry.get("value")
        if entry["kind"] == "prefer" and "value" in entry:
            value, problem = value_from_json(entry["field"], entry["value"])
            if problem:
                errors.append(f"$.decisions[{n}] (prefer {entry['field']}): value {problem}")
        decisions.append(
            Decision(
                kind=entry["kind"],
                mentions=tuple(entry["mentions"]),
                name=entry.get("name"),
                field=entry.get("field"),
                value=value,
                source=entry.get("source"),
                note=entry.get("note"),
            )
        )
    seen: dict[frozenset[str], str] = {}
    for n, d in enumerate(decisions):
        if d.kind in ("same", "different"):
            key = frozenset(d.mentions)
            other = "different" if d.kind == "same" else "same"
            if seen.get(key) == other:
                errors.append(f"$.decisions[{n}] ({d.kind}): contradicts an earlier {other!r}")
            seen[key] = d.kind
    if errors:
        raise DecisionError(where, "invalid decisions file:\n  " + "\n  ".join(errors), "")
    return tuple(decisions)


def load_decisions(path: Path) -> tuple[Decision, ...]:
    """Decisions from a file; a missing file means no decisions yet."""
    if not path.exists():
        return ()
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DecisionError(
            str(path), f"cannot be read as JSON: {exc}", "fix or remove it"
        ) from exc
    return parse_decisions(doc, str(path))


def value_to_json(value: object) -> Any:
    """A field value as JSON (ranges as {"min", "max"}, tuples as lists)."""
    if isinstance(value, Range):
        return {"min": _number(value.low), "max": _number(value.high)}
    if isinstance(value, Frequency):
        return {
            "text": value.text,
            "per_day": value_to_json(value.per_day),
            "per_week": value_to_json(value.per_week),
        }
    if isinstance(value, tuple | list):
        return [value_to_json(v) for v in value]
    return value


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def decisions_json(decisions: Iterable[Decision]) -> dict[str, Any]:
    """The decisions document to write back."""
    out = []
    for d in decisions:
        entry: dict[str, Any] = {"kind": d.kind, "mentions": list(d.mentions)}
        if d.name is not None:
            entry["name"] = d.name
        if d.field is not None:
            entry["field"] = d.field
        if d.value is not None:
            entry["value"] = value_to_json(d.value)
        if d.source is not None:
            entry["source"] = d.source
        if d.note:
            entry["note"] = d.note
        out.append(entry)
    return {"version": 1, "decisions": out}
