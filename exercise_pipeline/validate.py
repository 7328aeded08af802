"""Validate stage: JSON Schema (Draft 2020-12, with format checking) plus dataset invariants.

Each exercise record is checked once, on its own: an invalid record is dropped, never
published, and every error is reported with its JSON path. The rest of the document (its
``dataset`` header, the list itself) is then checked without checking the records again; if it
fails, nothing is published. A compiled check (fastjsonschema) passes valid records quickly;
jsonschema's Draft202012Validator is the authority and reports every error of the others.
"""

from __future__ import annotations

import copy
import functools
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from exercise_pipeline.schemas import check, fast_check, json_path, load_schema

SCHEMA = "exercise.schema.json"


@dataclass(frozen=True, slots=True)
class ValidateSettings:
    """schema: the schema file in schema/ the dataset must satisfy."""

    schema: str = SCHEMA


@dataclass(frozen=True, slots=True)
class Validation:
    """The publishable document and every error found, each as ``JSON path: message``.

    record_errors: problems of exercise records, which were dropped (listed in ``dropped``).
    document_errors: problems of the document as a whole; when any, nothing may be published.
    """

    document: dict[str, Any]
    record_errors: tuple[str, ...]
    document_errors: tuple[str, ...]
    dropped: tuple[str, ...]

    @property
    def errors(self) -> tuple[str, ...]:
        return self.record_errors + self.document_errors

    @property
    def publishable(self) -> bool:
        return not self.document_errors


@functools.cache
def _record_validator(schema_name: str) -> Draft202012Validator:
    """A validator for one exercise record, sharing the dataset schema's $defs."""
    schema = copy.deepcopy(load_schema(schema_name))
    for key in ("properties", "required", "additionalProperties", "type"):
        schema.pop(key, None)
    schema["$ref"] = "#/$defs/exercise"
    return Draft202012Validator(schema, format_checker=FormatChecker())


@functools.cache
def _shell_validator(schema_name: str) -> Draft202012Validator:
    """A validator for the document around its records: the records are checked alone."""
    schema = copy.deepcopy(load_schema(schema_name))
    schema["properties"]["exercises"]["items"] = True
    return Draft202012Validator(schema, format_checker=FormatChecker())


def _errors(validator: Draft202012Validator, instance: object, where: str = "$") -> list[str]:
    errors = sorted(
        validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message)
    )
    return [f"{where}{json_path(e)[1:]}: {e.message}" for e in errors]


def _not_finite(value: object, path: str = "") -> list[str]:
    """Paths of NaN and infinite numbers, which JSON cannot hold (a schema's "number" takes
    them, and a renderer would write null or an invalid literal)."""
    if isinstance(value, float) and not math.isfinite(value):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _not_finite(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for n, v in enumerate(value) for p in _not_finite(v, f"{path}[{n}]")]
    return []


def invariants(exercise: dict[str, Any], where: str) -> list[str]:
    """Rules a schema cannot say: finite numbers, spans, alias/name overlap, conflict
    mentions."""
    problems = [f"{where}{path}: not a finite number" for path in _not_finite(exercise)]
    sources = [s for s in exercise.get("sources", []) if isinstance(s, dict)]
    keys = {s.get("mention") for s in sources}
    for n, src in enumerate(sources):
        span = src.get("span")
        if isinstance(span, list) and len(span) == 2 and span[0] >= span[1]:
            problems.append(f"{where}.sources[{n}].span: empty span [{span[0]}, {span[1]})")
    name = exercise.get("name")
    aliases = exercise.get("aliases", [])
    lowered = (
        [a.lower() for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
    )
    if isinstance(name, str) and name.lower() in lowered:
        problems.append(f"{where}.aliases: contains the canonical name")
    for n, c in enumerate(exercise.get("conflicts", [])):
        for v in c.get("values", []) if isinstance(c, dict) else []:
            stray = set(v.get("mentions", [])) - keys if isinstance(v, dict) else set()
            if stray:
                problems.append(f"{where}.conflicts[{n}]: mentions not in sources: {sorted(stray)}")
    return problems


def _duplicates(document: dict[str, Any]) -> tuple[Counter[object], Counter[object]]:
    exercises = [e for e in document.get("exercises", []) if isinstance(e, dict)]
    ids = Counter(e.get("id") for e in exercises)
    mentions = Counter(
        s.get("mention") for e in exercises for s in e.get("sources", []) if isinstance(s, dict)
    )
    return ids, mentions


def _record_problems(
    exercise: dict[str, Any],
    where: str,
    ids: Counter[object],
    mentions: Counter[object],
    schema: str,
) -> list[str]:
    problems = []
    if not fast_check(schema, "exercise")(exercise):
        problems = _errors(_record_validator(schema), exercise, where)
    problems += invariants(exercise, where)
    if ids[exercise.get("id")] > 1:
        problems.append(f"{where}.id: {exercise.get('id')!r} is not unique")
    for s in exercise.get("sources", []):
        if isinstance(s, dict) and mentions[s.get("mention")] > 1:
            problems.append(f"{where}.sources: mention {s.get('mention')!r} is in two exercises")
    return problems


def validate(document: dict[str, Any], *, settings: ValidateSettings | None = None) -> Validation:
    """Drop invalid exercise records, then check the whole document."""
    settings = settings or ValidateSettings()
    ids, mentions = _duplicates(document)
    record_errors: list[str] = []
    kept: list[dict[str, Any]] = []
    dropped: list[str] = []
    for n, exercise in enumerate(document.get("exercises", [])):
        problems = _record_problems(exercise, f"$.exercises[{n}]", ids, mentions, settings.schema)
        if problems:
            record_errors.extend(problems)
            dropped.append(str(exercise.get("id")))
        else:
            kept.append(exercise)
    result = dict(document)
    result["exercises"] = kept
    if isinstance(result.get("dataset"), dict):
        counts = dict(result["dataset"].get("counts", {}))
        counts["exercises"] = len(kept)
        counts["mentions"] = sum(len(e["sources"]) for e in kept)
        result["dataset"] = {**result["dataset"], "counts": counts}
    document_errors = _errors(_shell_validator(settings.schema), result)
    order = [str(e.get("id")) for e in kept]
    if order != sorted(order):
        document_errors.append("$.exercises: not sorted by id")
    return Validation(result, tuple(record_errors), tuple(document_errors), tuple(dropped))


def check_document(document: object, *, settings: ValidateSettings | None = None) -> list[str]:
    """Every error of a document as it stands (for ``pipeline validate FILE``)."""
    settings = settings or ValidateSettings()
    problems = [] if fast_check(settings.schema)(document) else check(document, settings.schema)
    if isinstance(document, dict) and isinstance(document.get("exercises"), list):
        ids, _ = _duplicates(document)
        for n, e in enumerate(document["exercises"]):
            if not isinstance(e, dict):
                continue
            where = f"$.exercises[{n}]"
            problems += invariants(e, where)
            if ids[e.get("id")] > 1:
                problems.append(f"{where}.id: {e.get('id')!r} is not unique")
    return problems
