"""Survivorship: one canonical record from a cluster of mentions, and its field conflicts.

Rules (each conflict records the rule that chose its value):

- name: the most common name after normalisation; among its spellings the most common, then
  one without a leading "The", then the shortest, then alphabetical. A curator's rename wins.
- aliases: every other name the sources use, case-insensitively distinct, sorted.
- steps, description, tips, variations: from the most complete clean version: no missing
  step, then the most steps, then the most text, then the smallest mention key.
- hold, breaths, duration, repetitions, sets, frequency, position, difficulty, category: the
  value most sources give ("majority"); on a tie, the canonical version's value
  ("canonical"), else the first by mention key ("first").
- equipment and target areas: the union of what sources say ("union"); per side: true when any
  source says so ("any").
- a curator's prefer decision overrides any of these ("curator").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from exercise_pipeline.merge.names import normalize
from exercise_pipeline.models import Conflict, ConflictValue, Fields, Mention

MAJORITY_FIELDS = (
    "hold_seconds",
    "hold_breaths",
    "duration_seconds",
    "repetitions",
    "sets",
    "frequency",
    "position",
    "difficulty",
    "category",
)
CONFLICT_FIELDS = (*MAJORITY_FIELDS[:-1], "equipment")
FIELD_NAMES = (*MAJORITY_FIELDS, "equipment")


@dataclass(frozen=True, slots=True)
class Preference:
    """A curator's choice for one field of the exercise holding ``mention``."""

    field: str
    value: object = None
    mention: str | None = None


_DISPLAY_NOISE = re.compile(r"^(?:the)\s+|\s+(?:exercises?)$", re.I)


def display_name(name: str) -> str:
    """A source's name as a canonical display name: no leading "The", no trailing "Exercise".

    >>> display_name("The Pelvic Tilt"), display_name("Glute Bridges Exercise")
    ('Pelvic Tilt', 'Glute Bridges')
    """
    shorter = _DISPLAY_NOISE.sub("", name).strip()
    return shorter[:1].upper() + shorter[1:] if shorter else name


def canonical_name(mentions: Sequence[Mention]) -> str:
    names = [display_name(m.name) for m in mentions if m.name]
    counts = Counter(normalize(n) for n in names)
    best = min(counts, key=lambda n: (-counts[n], len(n), n))
    spellings = Counter(n for n in names if normalize(n) == best)

    def rank(name: str) -> tuple[int, int, int, str]:
        capitals = sum(1 for w in name.split() if w[:1].isupper())
        return (-spellings[name], -capitals, len(name), name)

    return min(spellings, key=rank)


def aliases(mentions: Sequence[Mention], name: str) -> tuple[str, ...]:
    seen = {name.lower()}
    out = []
    for alias in sorted({n for m in mentions for n in (m.name, *m.alt_names) if n}):
        if alias.lower() not in seen:
            seen.add(alias.lower())
            out.append(alias)
    return tuple(out)


def canonical_mention(mentions: Sequence[Mention]) -> Mention:
    def rank(m: Mention) -> tuple[bool, bool, int, int, str]:
        return (
            "missing_step" in m.flags,
            "unnamed" in m.flags,
            -len(m.steps),
            -sum(len(s) for s in m.steps),
            m.key,
        )

    return min(mentions, key=rank)


def _freeze(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(value)
    return value


def merge_fields(
    exercise_id: str,
    mentions: Sequence[Mention],
    canonical: Mention,
    preferences: Sequence[Preference] = (),
) -> tuple[Fields, tuple[Conflict, ...]]:
    """The merged fields and a conflict for each field where sources disagree."""
    prefs = {p.field: p for p in preferences}
    by_key = {m.key: m for m in mentions}
    chosen: dict[str, object] = {}
    conflicts: list[Conflict] = []
    for name in (*MAJORITY_FIELDS, "equipment"):
        given = [(m.key, _freeze(getattr(m.fields, name))) for m in mentions]
        given = [(k, v) for k, v in given if v not in (None, ())]
        values: dict[object, list[str]] = {}
        for key, value in sorted(given):
            values.setdefault(value, []).append(key)
        if name == "equipment":
            union = tuple(sorted({e for _, v in given for e in v}))  # type: ignore[attr-defined]
            value, rule = union, "union"
        elif not values:
            value, rule = None, "none"
        else:
            top = max(len(v) for v in values.values())
            leaders = [v for v, keys in values.items() if len(keys) == top]
            mine = _freeze(getattr(canonical.fields, name))
            if len(leaders) == 1:
                value, rule = leaders[0], "majority"
            elif mine in leaders:
                value, rule = mine, "canonical"
            else:
                value, rule = leaders[0], "first"
        pref = prefs.get(name)
        if pref is not None:
            if pref.mention is not None and pref.mention in by_key:
                value = _freeze(getattr(by_key[pref.mention].fields, name))
            else:
                value = _freeze(pref.value)
            rule = "curator"
        chosen[name] = value
        if name in CONFLICT_FIELDS and len(values) > 1:
            conflicts.append(
                Conflict(
                    key=f"field:{exercise_id}:{name}",
                    kind="field",
                    mentions=tuple(sorted(k for k, _ in given)),
                    exercise_ids=(exercise_id,),
                    field=name,
                    values=tuple(ConflictValue(v, tuple(keys)) for v, keys in values.items()),
                    chosen=value,
                    rule=rule,
                )
            )
    per_side = True if any(m.fields.per_side for m in mentions) else None
    targets = tuple(sorted({t for m in mentions for t in m.fields.target_areas}))
    fields = Fields(
        hold_seconds=chosen["hold_seconds"],  # type: ignore[arg-type]
        hold_breaths=chosen["hold_breaths"],  # type: ignore[arg-type]
        duration_seconds=chosen["duration_seconds"],  # type: ignore[arg-type]
        repetitions=chosen["repetitions"],  # type: ignore[arg-type]
        sets=chosen["sets"],  # type: ignore[arg-type]
        per_side=per_side,
        frequency=chosen["frequency"],  # type: ignore[arg-type]
        position=chosen["position"],  # type: ignore[arg-type]
        equipment=chosen["equipment"],  # type: ignore[arg-type]
        category=chosen["category"],  # type: ignore[arg-type]
        target_areas=targets,
        difficulty=chosen["difficulty"],  # type: ignore[arg-type]
    )
    return fields, tuple(conflicts)
