"""Records -> the JSON documents consumers read (exercises, conflicts, removals, ids).

Pure functions: the field names here are the output contract of ../DESIGN.md and
schema/exercise.schema.json; publish only serialises what these return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from exercise_pipeline.decisions import value_to_json
from exercise_pipeline.errors import PipelineError
from exercise_pipeline.merge.ids import IdChange, IdRegistry, MentionRef
from exercise_pipeline.models import (
    Conflict,
    Decision,
    Document,
    Exercise,
    Fields,
    Mention,
    PairScore,
    Removal,
    Repair,
)
from exercise_pipeline.schemas import load_schema

JSON = dict[str, Any]
RANGE_FIELDS = ("hold_seconds", "hold_breaths", "duration_seconds", "repetitions", "sets")


def dosage_json(fields: Fields) -> JSON:
    out: JSON = {name: value_to_json(getattr(fields, name)) for name in RANGE_FIELDS}
    out["per_side"] = fields.per_side
    out["frequency"] = value_to_json(fields.frequency)
    return out


def given_fields_json(fields: Fields) -> JSON:
    """Only the fields a source gave (no nulls, no empty lists)."""
    out: JSON = {}
    for name in Fields.__slots__:
        value = getattr(fields, name)
        if value is None or value == ():
            continue
        out[name] = value_to_json(value)
    return out


def mention_json(m: Mention) -> JSON:
    out: JSON = {
        "source_id": m.source_id,
        "mention": m.key,
        "name": m.name,
        "span": list(m.span),
        "steps": list(m.steps),
        "description": list(m.description),
        "tips": list(m.tips),
        "fields": given_fields_json(m.fields),
        "evidence": [{"field": e.field, "span": list(e.span), "text": e.text} for e in m.evidence],
        "flags": list(m.flags),
    }
    if m.heading:
        out["heading"] = m.heading
    if m.alt_names:
        out["alt_names"] = list(m.alt_names)
    if m.variations:
        out["variations"] = list(m.variations)
    return out


def field_conflict_json(c: Conflict) -> JSON:
    return {
        "key": c.key,
        "field": c.field,
        "values": [
            {"value": value_to_json(v.value), "mentions": list(v.mentions)} for v in c.values
        ],
        "chosen": value_to_json(c.chosen),
        "rule": c.rule,
    }


def exercise_json(e: Exercise) -> JSON:
    return {
        "id": e.id,
        "name": e.name,
        "aliases": list(e.aliases),
        "category": e.fields.category,
        "position": e.fields.position,
        "difficulty": e.fields.difficulty,
        "equipment": list(e.fields.equipment),
        "target_areas": list(e.fields.target_areas),
        "dosage": dosage_json(e.fields),
        "steps": list(e.steps),
        "description": list(e.description),
        "tips": list(e.tips),
        "variations": list(e.variations),
        "flags": list(e.flags),
        "sources": [mention_json(m) for m in e.mentions],
        "conflicts": [field_conflict_json(c) for c in e.conflicts],
    }


def generated_at(environ: Mapping[str, str]) -> str | None:
    """Build time from SOURCE_DATE_EPOCH (reproducible builds), else None."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError, OSError) as exc:
        raise PipelineError(
            "SOURCE_DATE_EPOCH", f"{epoch!r} is not a time in seconds since 1970", "unset it"
        ) from exc


def source_json(doc: Document, *, stale: bool = False) -> JSON:
    entry: JSON = {
        "source_id": doc.source_id,
        "file": doc.file,
        "format": doc.format.value,
        "sha256": doc.sha256,
        "title": doc.meta.title,
        "url": doc.meta.url,
        "retrieved": doc.meta.retrieved,
        "license": doc.meta.license,
        "encoding": doc.encoding,
        "encoding_confidence": doc.encoding_confidence,
    }
    record = doc.meta.record
    if record is not None:
        entry["record"] = {
            "kind": record.kind,
            "id": record.id,
            "url": record.url,
            "fetched": record.fetched,
            "digest": record.digest,
        }
    if stale:
        entry["stale"] = True
    return entry


def dataset_json(
    meta: Mapping[str, Any],
    documents: Sequence[Document],
    exercises: Sequence[Exercise],
    *,
    version: str,
    generated: str | None,
    stale: frozenset[str] = frozenset(),
) -> JSON:
    schema = load_schema("exercise.schema.json")
    return {
        "name": meta.get("name", "exercise-library"),
        "title": meta.get("title", "Exercise library"),
        "version": version,
        "schema": schema["$id"],
        "schema_version": schema["version"],
        "generated": generated,
        "license": meta.get("license"),
        "sources": [
            source_json(d, stale=d.source_id in stale)
            for d in sorted(documents, key=lambda d: d.source_id)
        ],
        "counts": {
            "exercises": len(exercises),
            "mentions": sum(len(e.mentions) for e in exercises),
            "sources": len(documents),
        },
    }


def exercises_document(
    meta: Mapping[str, Any],
    documents: Sequence[Document],
    exercises: Sequence[Exercise],
    *,
    version: str,
    generated: str | None,
    stale: frozenset[str] = frozenset(),
) -> JSON:
    dataset = dataset_json(
        meta, documents, exercises, version=version, generated=generated, stale=stale
    )
    return {
        "dataset": dataset,
        "exercises": [exercise_json(e) for e in sorted(exercises, key=lambda e: e.id)],
    }


def pair_json(p: PairScore) -> JSON:
    return {
        "a": p.a,
        "b": p.b,
        "score": p.score,
        "outcome": p.outcome,
        "components": [
            {"name": c.name, "value": c.value, "weight": c.weight} for c in p.components
        ],
        "against": list(p.against),
    }


CONTEXT = 240  # characters of source shown before and after a mention in the review queue
PASSAGE = 2000  # at most this much of a mention's own source text


def passage_json(text: str, span: tuple[int, int]) -> JSON:
    """A mention's source text with context, as the article has it (before cleaning)."""
    start, end = span
    shown = text[start : min(end, start + PASSAGE)]
    return {
        "before": text[max(0, start - CONTEXT) : start],
        "text": shown + ("…" if end - start > PASSAGE else ""),
        "after": text[end : end + CONTEXT],
    }


def _mention_brief(
    m: Mention | None, texts: Mapping[str, str], field: str | None = None
) -> JSON | None:
    if m is None:
        return None
    out: JSON = {
        "mention": m.key,
        "source_id": m.source_id,
        "name": m.name,
        "span": list(m.span),
        "steps": list(m.steps),
        "description": list(m.description),
        "tips": list(m.tips),
        "flags": list(m.flags),
        "fields": given_fields_json(m.fields),
    }
    if m.source_id in texts:
        out["passage"] = passage_json(texts[m.source_id], m.span)
    if field is not None:
        out["evidence"] = [
            {"span": list(e.span), "text": e.text} for e in m.evidence if e.field == field
        ]
    return out


def resolve_commands(c: Conflict) -> list[str]:
    """The exact commands that record each possible decision on a conflict."""
    if c.kind == "merge":
        a, b = c.mentions
        return [f"pipeline review same {a} {b}", f"pipeline review different {a} {b}"]
    if c.kind == "unnamed":
        (a,) = c.mentions
        return [f'pipeline review rename {a} "NAME"', f"pipeline review reject {a}"]
    if c.kind == "name":  # two records, one name: tell them apart, or say they are one
        a, b = c.mentions
        return [f'pipeline review rename {a} "NAME"', f'pipeline review rename {b} "NAME"',
                f"pipeline review different {a} {b}", f"pipeline review same {a} {b}"]  # fmt: skip
    cmds = []
    for v in c.values:
        cmds.append(f"pipeline review prefer {v.mentions[0]} --field {c.field}")
    return cmds


def conflict_json(
    c: Conflict,
    mentions: Mapping[str, Mention],
    texts: Mapping[str, str],
    exercise_names: Mapping[str, str],
) -> JSON:
    out: JSON = {
        "key": c.key,
        "kind": c.kind,
        "mentions": list(c.mentions),
        "exercise_ids": list(c.exercise_ids),
        "exercise_names": [exercise_names.get(i, i) for i in c.exercise_ids],
        "commands": resolve_commands(c),
    }
    if c.kind == "field":
        out.update(field_conflict_json(c))
    if c.pair is not None:
        out["pair"] = pair_json(c.pair)
    out["texts"] = [_mention_brief(mentions.get(k), texts, c.field) for k in c.mentions]
    return out


def decision_json(d: Decision) -> JSON:
    out: JSON = {"kind": d.kind, "mentions": list(d.mentions)}
    for name in ("name", "field", "source", "note"):
        if getattr(d, name) is not None:
            out[name] = getattr(d, name)
    if d.value is not None:
        out["value"] = value_to_json(d.value)
    return out


def conflicts_document(
    conflicts: Iterable[Conflict],
    mentions: Mapping[str, Mention],
    *,
    version: str,
    texts: Mapping[str, str] | None = None,
    exercise_names: Mapping[str, str] | None = None,
    stale: Sequence[Decision] = (),
) -> JSON:
    """The review queue: every open conflict with both sides, the evidence and the commands
    that resolve it; every current mention key (what decisions may name); stale decisions."""
    texts = texts or {}
    names = exercise_names or {}
    items = [
        conflict_json(c, mentions, texts, names) for c in sorted(conflicts, key=lambda c: c.key)
    ]
    counts: dict[str, int] = {}
    for item in items:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    return {
        "version": version,
        "counts": counts,
        "conflicts": items,
        "mention_keys": sorted(mentions),
        "stale_decisions": [decision_json(d) for d in stale],
    }


def removal_json(r: Removal) -> JSON:
    return {
        "source_id": r.source_id,
        "span": list(r.span),
        "reason": r.reason,
        "rule": r.rule,
        "text": r.text,
    }


def repair_json(r: Repair) -> JSON:
    return {
        "source_id": r.source_id,
        "span": list(r.span),
        "fixer": r.fixer,
        "before": r.before,
        "after": r.after,
    }


def removed_document(
    removals: Iterable[Removal],
    accounts: Mapping[str, JSON],
    *,
    version: str,
    repairs: Iterable[Repair] = (),
) -> JSON:
    """The cleaning audit: characters kept and dropped per source, every removal with its
    reason and rule, and every text repair with the fixer that made it."""
    ordered = sorted(removals, key=lambda r: (r.source_id, r.span))
    return {
        "version": version,
        "sources": {k: accounts[k] for k in sorted(accounts)},
        "removals": [removal_json(r) for r in ordered],
        "repairs": [
            repair_json(r) for r in sorted(repairs, key=lambda r: (r.source_id, r.span, r.fixer))
        ],
    }


def ids_document(registry: IdRegistry) -> JSON:
    return {
        "ids": sorted(registry.used),
        "mentions": {
            k: {"id": ref.id, "source_id": ref.source_id, "span": list(ref.span)}
            for k, ref in sorted(registry.mentions.items())
        },
        "id_map": [{"old": c.old, "new": c.new, "reason": c.reason} for c in registry.history],
    }


def registry_from_json(doc: Mapping[str, Any]) -> IdRegistry:
    """The id registry of a previous build (``output/ids.json``)."""
    mentions = {
        k: MentionRef(v["id"], v["source_id"], (v["span"][0], v["span"][1]))
        for k, v in doc.get("mentions", {}).items()
    }
    history = tuple(IdChange(c["old"], c["new"], c["reason"]) for c in doc.get("id_map", []))
    return IdRegistry(frozenset(doc.get("ids", [])), mentions, history)
