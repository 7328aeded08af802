"""Flat tables of the dataset for spreadsheet and dataframe users: one row per exercise.

The JSON dataset stays the reference; the tables drop per-source detail (spans, evidence) and
keep what an analyst filters on. Lists become "; "-joined strings in CSV (steps one per line)
and stay lists in Parquet. Ranges become ``*_min`` / ``*_max`` columns.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pyarrow as pa

JSON = Mapping[str, Any]

_RANGES = ("hold_seconds", "hold_breaths", "duration_seconds", "repetitions", "sets")
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
        (f"{r}_{end}", "number", f"{r.replace('_', ' ')}: {end}imum")
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


def _range(value: Any, end: str) -> float | None:
    return float(value[end]) if isinstance(value, Mapping) else None


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
            row[f"{r}_min"] = _range(dosage.get(r), "min")
            row[f"{r}_max"] = _range(dosage.get(r), "max")
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
            df[column] = df[column].astype("int64")
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
    """CSV (RFC 4180, UTF-8, LF line ends): lists joined with "; ", steps one per line; a text
    cell that a spreadsheet would run as a formula starts with "'" (see ``neutralise``)."""
    df = frame(doc).astype("object")
    for column, kind, _ in COLUMNS:
        if kind == "list":
            sep = "\n" if column == "steps" else "; "
            df[column] = df[column].map(lambda xs, sep=sep: neutralise(sep.join(xs)))
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


def table_schema() -> dict[str, Any]:
    """The Frictionless Table Schema of the CSV table."""
    fields = []
    for column, kind, description in COLUMNS:
        field: dict[str, Any] = {
            "name": column,
            "type": "string" if kind == "list" else kind,
            "description": description + ("; '; '-separated" if kind == "list" else ""),
        }
        if column == "steps":
            field["description"] = description + "; one per line"
        if column == "id":
            field["constraints"] = {
                "required": True,
                "unique": True,
                "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
            }
        if column == "name":
            field["constraints"] = {"required": True}
        if kind in ("number", "integer"):
            field.setdefault("constraints", {})["minimum"] = 0
        if kind == "boolean":
            field["trueValues"] = ["true"]
            field["falseValues"] = ["false"]
        fields.append(field)
    return {"fields": fields, "primaryKey": ["id"], "missingValues": [""]}
