"""Figures about a built dataset: per source and per exercise, from the published documents.

Pure functions over ``exercises.json`` and ``removed.json`` (and ``conflicts.json`` for open
review items), so that the figures describe exactly what was published.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

JSON = Mapping[str, Any]


def source_stats(exercises: JSON, removed: JSON) -> list[dict[str, Any]]:
    """Per source: mentions, removals by reason, characters kept and dropped."""
    mentions = Counter(
        s["source_id"] for e in exercises.get("exercises", []) for s in e.get("sources", [])
    )
    removals: dict[str, Counter[str]] = {}
    for r in removed.get("removals", []):
        removals.setdefault(r["source_id"], Counter())[r["reason"]] += 1
    rows = []
    accounts = removed.get("sources", {})
    for source in exercises.get("dataset", {}).get("sources", []):
        sid = source["source_id"]
        acc = accounts.get(sid, {})
        by_reason = removals.get(sid, Counter())
        rows.append(
            {
                "source_id": sid,
                "format": source.get("format"),
                "encoding": source.get("encoding"),
                "encoding_confidence": source.get("encoding_confidence", 1.0),
                "mentions": mentions.get(sid, 0),
                "removals": sum(by_reason.values()),
                "removals_by_reason": dict(sorted(by_reason.items())),
                "characters": acc.get("characters", 0),
                "kept": acc.get("kept", 0),
                "dropped": acc.get("dropped", 0),
                "dropped_by_reason": dict(acc.get("dropped_by_reason", {})),
            }
        )
    return rows


def exercise_stats(exercises: JSON, conflicts: JSON | None = None) -> list[dict[str, Any]]:
    """Per exercise: sources, mentions, conflicts resolved in the record and open for review."""
    open_items = Counter[str]()
    for c in (conflicts or {}).get("conflicts", []):
        for exercise_id in set(c.get("exercise_ids", [])):
            open_items[exercise_id] += 1
    return [
        {
            "id": e["id"],
            "name": e["name"],
            "sources": len({s["source_id"] for s in e.get("sources", [])}),
            "mentions": len(e.get("sources", [])),
            "conflicts": len(e.get("conflicts", [])),
            "open_review_items": open_items.get(e["id"], 0),
        }
        for e in exercises.get("exercises", [])
    ]


def totals(sources: list[dict[str, Any]], exercises: list[dict[str, Any]]) -> dict[str, Any]:
    """Dataset-wide sums of the per-source and per-exercise figures."""
    characters = sum(s["characters"] for s in sources)
    dropped = sum(s["dropped"] for s in sources)
    return {
        "sources": len(sources),
        "exercises": len(exercises),
        "mentions": sum(s["mentions"] for s in sources),
        "removals": sum(s["removals"] for s in sources),
        "characters": characters,
        "kept": sum(s["kept"] for s in sources),
        "dropped": dropped,
        "dropped_share": round(dropped / characters, 4) if characters else 0.0,
        "exercises_with_conflicts": sum(1 for e in exercises if e["conflicts"]),
        "multi_source_exercises": sum(1 for e in exercises if e["sources"] > 1),
    }
