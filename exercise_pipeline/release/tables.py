"""Flat tables of the dataset for spreadsheet and dataframe users: one row per exercise, and
the dataset as JSON Lines for streaming readers.

The JSON dataset stays the reference; the tables drop per-source detail (spans, evidence) and
keep what an analyst filters on. Lists are Frictionless ``list`` fields in CSV (joined with
"; ", steps and variations one per line) and lists in Parquet. Ranges become ``*_min`` /
``*_max`` columns; counts (repetitions, sets, breaths, mentions, conflicts) are integers (a
fractional count is refused, naming the exercise). The Table Schemas read their enums and
the id's pattern from the JSON Schema, so that the two never disagree.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

from exercise_pipeline.errors import PipelineError
from exercise_pipeline.publish import in_record_order

JSON = Mapping[str, Any]

_RANGES = ("hold_seconds", "hold_breaths", "duration_seconds", "repetitions", "sets")
_COUNTS = ("hold_breaths", "repetitions", "sets")  # whole numbers of something


def _kind(dose: str) -> str:
    return "integer" if dose in _COUNTS else "number"


# (column, Table Schema type, description); list columns are marked with "list".
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "string", "Stable exercise id"),
    ("name", "string", "Canonical display name"),
    ("aliases", "list", "Other names the sources use"),
    ("steps", "list", "Instruction steps of the canonical version"),
    ("category", "string", "Kind of exercise (stretch, strength, mobility, ...)"),
    ("position", "string", "Starting position (supine, prone, seated, standing, ...)"),
    ("difficulty", "string", "Level as a source labels it (beginner, intermediate, advanced)"),
    ("equipment", "list", "Equipment needed"),
    ("target_areas", "list", "Body areas worked"),
    *(
        (f"{r}_{end}", _kind(r), f"{r.replace('_', ' ')}: {end}imum")
        for r in _RANGES
        for end in ("min", "max")
    ),
    ("per_side", "boolean", "Done on each side in turn"),
    ("frequency", "string", "How often, as the sources say it"),
    ("source_ids", "list", "Sources that describe the exercise"),
    ("mention_count", "integer", "Mentions merged into the exercise"),
    ("conflict_count", "integer", "Fields on which sources disagree"),
    ("flags", "list", "Quality flags"),
    ("variations", "list", "Progressions and regressions of the canonical version"),
)
# A list column's delimiter in CSV: sentences one per line, names and codes "; "-joined.
DELIMITERS = {"steps": "\n", "variations": "\n"}
_ENUMS = {"category": "category", "position": "position", "difficulty": "difficulty"}


def _delimiter(column: str) -> str:
    return DELIMITERS.get(column, "; ")


def _count(value: Any, end: str, column: str, exercise: str) -> int | float | None:
    if not isinstance(value, Mapping):
        return None
    x = float(value[end])
    if column in _COUNTS:
        if not x.is_integer():
            raise PipelineError(
                f"exercise {exercise}",
                f"dosage.{column}.{end} is {x}, not a whole number of {column}",
                "correct the source or record a decision; the tables type counts as integers",
            )
        return int(x)
    return x


def rows(doc: JSON) -> list[dict[str, Any]]:
    """One flat row per exercise, in id order."""
    out = []
    for e in doc.get("exercises", []):
        dosage = e.get("dosage") or {}
        row: dict[str, Any] = {
            "id": e["id"],
            "name": e["name"],
            "aliases": list(e.get("aliases", [])),
            "steps": list(e.get("steps", [])),
            "category": e.get("category"),
            "position": e.get("position"),
            "difficulty": e.get("difficulty"),
            "equipment": list(e.get("equipment", [])),
            "target_areas": list(e.get("target_areas", [])),
        }
        for r in _RANGES:
            row[f"{r}_min"] = _count(dosage.get(r), "min", r, e["id"])
            row[f"{r}_max"] = _count(dosage.get(r), "max", r, e["id"])
        frequency = dosage.get("frequency")
        row["per_side"] = dosage.get("per_side")
        row["frequency"] = frequency.get("text") if isinstance(frequency, Mapping) else None
        row["source_ids"] = sorted({s["source_id"] for s in e.get("sources", [])})
        row["mention_count"] = len(e.get("sources", []))
        row["conflict_count"] = len(e.get("conflicts", []))
        row["flags"] = list(e.get("flags", []))
        row["variations"] = list(e.get("variations", []))
        out.append(row)
    return out


def frame(doc: JSON) -> pd.DataFrame:
    """The flat table with explicit dtypes, so that empty columns keep their type."""
    df = pd.DataFrame(rows(doc), columns=[c for c, _, _ in COLUMNS])
    for column, kind, _ in COLUMNS:
        if kind == "number":
            df[column] = df[column].astype("float64")
        elif kind == "integer":
            df[column] = df[column].astype("Int64")  # nullable: no dose is no value
        elif kind == "boolean":
            df[column] = df[column].astype("boolean")
        elif kind == "string":
            df[column] = df[column].astype("string")
    return df


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula, made inert with a leading "'".

    >>> neutralise("=1+1"), neutralise("@SUM(A1)"), neutralise("Lie down")
    ("'=1+1", "'@SUM(A1)", 'Lie down')
    """
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def csv_bytes(doc: JSON) -> bytes:
    """CSV (RFC 4180, UTF-8, LF line ends): lists joined with "; ", steps and variations one
    per line; a text cell that a spreadsheet would run as a formula starts with "'" (see
    ``neutralise``)."""
    df = frame(doc).astype("object")
    for column, kind, _ in COLUMNS:
        if kind == "list":
            sep = _delimiter(column)
            df[column] = df[column].map(lambda xs, sep=sep: neutralise(sep.join(xs)))
        elif kind == "integer":
            df[column] = df[column].map(lambda x: "" if pd.isna(x) else str(int(x)))
        elif kind == "string":
            df[column] = df[column].map(lambda x: x if pd.isna(x) else neutralise(str(x)))
        elif kind == "number":
            df[column] = df[column].map(lambda x: "" if pd.isna(x) else _number(x))
        elif kind == "boolean":
            df[column] = df[column].map(lambda x: "" if pd.isna(x) else str(bool(x)).lower())
    buffer = io.StringIO()
    df.to_csv(buffer, index=False, lineterminator="\n", na_rep="")
    return buffer.getvalue().encode("utf-8")


_ARROW = {
    "string": pa.string(),
    "list": pa.list_(pa.string()),
    "number": pa.float64(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
}


def arrow_schema() -> pa.Schema:
    """The Parquet table's schema, fixed, so that it is the same in every release (a column
    that is empty in every row keeps its type)."""
    return pa.schema([pa.field(c, _ARROW[kind]) for c, kind, _ in COLUMNS])


def parquet_bytes(doc: JSON) -> bytes:
    """Parquet (pandas and pyarrow, zstd): lists stay lists; the same dataset gives the same
    bytes."""
    buffer = io.BytesIO()
    frame(doc).to_parquet(
        buffer, engine="pyarrow", index=False, compression="zstd", schema=arrow_schema()
    )
    return buffer.getvalue()


def _enum(schema: JSON, name: str) -> list[str]:
    return list(schema["$defs"][name]["enum"])


def table_schema(schema: JSON) -> dict[str, Any]:
    """The Frictionless Table Schema of the CSV table, its enums and the id pattern read
    from the JSON Schema."""
    fields = []
    for column, kind, description in COLUMNS:
        field: dict[str, Any] = {"name": column, "type": kind, "description": description}
        if kind == "list":
            field["delimiter"] = _delimiter(column)
            field["itemType"] = "string"
            field["description"] += (
                "; one per line" if field["delimiter"] == "\n" else "; '; '-separated"
            ) + " (an empty cell is an empty list: lists are never null)"
        if column == "id":
            field["constraints"] = {
                "required": True,
                "unique": True,
                "pattern": schema["$defs"]["slug"]["pattern"].removesuffix("(?!\\n)$") + "$",
            }
        if column == "name":
            field["constraints"] = {"required": True}
        if column in _ENUMS:
            field["constraints"] = {"enum": _enum(schema, _ENUMS[column])}
        if kind in ("number", "integer"):
            field.setdefault("constraints", {})["minimum"] = 0
        if kind == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}


def jsonl_bytes(doc: JSON, schema: JSON) -> bytes:
    """``exercises.jsonl``: one exercise per line, as in ``exercises.json`` (its keys in the
    schema's order, those of nested objects sorted)."""
    order = list(schema["$defs"]["exercise"]["properties"])
    lines = [
        json.dumps(e, ensure_ascii=False, allow_nan=False)
        for e in in_record_order(doc, order).get("exercises", [])
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def jsonl_schema(schema: JSON) -> dict[str, Any]:
    """The Table Schema frictionless checks ``exercises.jsonl`` against: every top-level
    property, its JSON type, the enums of the scalar ones, a required and unique id."""
    record = schema["$defs"]["exercise"]
    fields = []
    for key, prop in record["properties"].items():
        ref = prop.get("$ref", "")
        arms = [a.get("$ref", a.get("type")) for a in prop.get("oneOf", [])]
        kind = prop.get("type")
        if kind == "array":
            field: dict[str, Any] = {"name": key, "type": "array"}
        elif ref.endswith("/slug") or kind == "string":
            field = {"name": key, "type": "string"}
        elif key in _ENUMS and f"#/$defs/{_ENUMS[key]}" in arms:
            field = {"name": key, "type": "string"}
            field["constraints"] = {"enum": _enum(schema, _ENUMS[key])}
        else:
            field = {"name": key, "type": "object"}
        if key in record.get("required", []) and key in ("id", "name"):
            field.setdefault("constraints", {})["required"] = True
        if key == "id":
            field["constraints"]["unique"] = True
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"]}
