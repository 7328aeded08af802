"""Locate and apply the JSON Schemas in ``schema/`` (shipped inside the wheel as ``_schema``)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

_PACKAGE = Path(__file__).resolve().parent


def schema_dir() -> Path:
    """The schema folder: inside an installed wheel, else the repository's ``schema/``."""
    for candidate in (_PACKAGE / "_schema", _PACKAGE.parent / "schema"):
        if (candidate / "exercise.schema.json").exists():
            return candidate
    raise FileNotFoundError(f"no schema folder next to {_PACKAGE}")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    with (schema_dir() / name).open(encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


@functools.cache
def record_order() -> tuple[str, ...]:
    """An exercise record's keys in the order the schema lists them (id, name, aliases, ...)."""
    return tuple(load_schema("exercise.schema.json")["$defs"]["exercise"]["properties"])


@functools.cache
def validator(name: str) -> Draft202012Validator:
    """A Draft 2020-12 validator with format checking (dates, URIs) for a schema file."""
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def json_path(error: ValidationError) -> str:
    """The JSON path of an error's instance, e.g. ``$.exercises[3].name``."""
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def check(instance: object, name: str) -> list[str]:
    """Every schema error of ``instance``, each as ``<json path>: <message>``, in a stable order.

    The compiled check passes a valid instance (a manifest of 10,000 sources in milliseconds,
    not seconds); jsonschema reports the errors of one that is not. ``instance`` is JSON data
    (dicts, lists, str, numbers, bool, None): fastjsonschema takes a tuple for an array, which
    jsonschema does not."""
    if fast_check(name)(instance):
        return []
    errors = sorted(
        validator(name).iter_errors(instance),
        key=lambda e: (list(map(str, e.absolute_path)), e.message),
    )
    return [f"{json_path(e)}: {e.message}" for e in errors]


@functools.cache
def fast_check(name: str, definition: str | None = None) -> Callable[[object], bool]:
    """A compiled yes/no check of a schema file (or of one of its ``$defs``), for the fast
    path: fastjsonschema decides that an instance is valid; jsonschema, the authority, then
    reports every error of one that is not. Formats are checked by jsonschema's own checkers,
    so both agree on them too (tested on the golden records and their mutations)."""
    schema = load_schema(name)
    if definition is not None:
        schema = {**schema, "$ref": f"#/$defs/{definition}"}
        for key in ("properties", "required", "additionalProperties", "type"):
            schema.pop(key, None)
    checker = FormatChecker()
    formats = {fmt: functools.partial(_conforms, checker, fmt) for fmt in checker.checkers}
    compiled = fastjsonschema.compile(schema, formats=formats, use_default=False)

    def valid(instance: object) -> bool:
        try:
            compiled(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return valid


def _conforms(checker: FormatChecker, fmt: str, value: object) -> bool:
    return checker.conforms(value, fmt)
