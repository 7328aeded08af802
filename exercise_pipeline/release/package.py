"""The files of a release, rendered in memory: the dataset, its schema, flat tables, a
Frictionless Data Package (v2) descriptor, the changelog and SHA256SUMS.

Every file is a pure function of the dataset and the release inputs, so the same release
renders to the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from exercise_pipeline.licenses import NOASSERTION, dataset_license
from exercise_pipeline.publish import DATASET, render_dataset, render_json
from exercise_pipeline.release import tables
from exercise_pipeline.release.card import card, shipped_evaluation

JSON = Mapping[str, Any]

JSONL = "exercises.jsonl"
SCHEMA = "exercise.schema.json"
CSV = "exercises.csv"
PARQUET = "exercises.parquet"
ID_MAP = "id_map.json"
DESCRIPTOR = "datapackage.json"
CHANGELOG = "CHANGELOG.md"
CARD = "README.md"  # the dataset card
SUMS = "SHA256SUMS"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
KEYWORDS = ("exercise", "physiotherapy", "rehabilitation", "stretching", "back pain")


def _facts(data: bytes) -> dict[str, Any]:
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def _licenses(meta: JSON) -> list[dict[str, str]]:
    found = dataset_license(meta)
    if found.license == NOASSERTION:
        return [{"name": NOASSERTION, "title": f"No licence asserted: {found.reason}"}]
    if " " in found.license:  # an expression ("MIT OR CC0-1.0") is not one licence name
        return [{"name": "other", "title": f"{found.license} ({found.reason})"}]
    return [
        {
            "name": found.license,
            "path": f"https://spdx.org/licenses/{found.license}.html",
            "title": found.reason[0].upper() + found.reason[1:],
        }
    ]


def _sources(dataset: JSON) -> list[dict[str, str]]:
    out = []
    for s in dataset.get("sources", []):
        entry = {"title": s.get("title") or s["file"]}
        if s.get("url"):
            entry["path"] = s["url"]
        out.append(entry)
    return out


def descriptor(
    dataset_doc: JSON, files: Mapping[str, bytes], schema: JSON, *, created: str | None
) -> JSON:
    """``datapackage.json`` for the rendered files (which must include the five data files).

    Frictionless checks what it can read: the CSV against its Table Schema (types, enums,
    the primary key) and the JSON Lines against one for each record's top-level fields; the
    whole record is the JSON Schema's, which ``pipeline validate`` checks."""
    meta = dataset_doc["dataset"]
    package: dict[str, Any] = {
        "$schema": PROFILE,
        "name": meta["name"],
        "title": meta.get("title") or meta["name"],
        "version": meta["version"],
        "keywords": list(KEYWORDS),
        "licenses": _licenses(meta),
        "sources": _sources(meta),
        "resources": [
            {
                "name": "exercises",
                "title": "Exercises (canonical records with provenance)",
                "description": "The dataset: one record per exercise with its sources, "
                "conflicts and provenance, valid against the JSON Schema.",
                "path": DATASET,
                "type": "json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                **_facts(files[DATASET]),
                "jsonSchema": SCHEMA,
            },
            {
                "name": "exercises-lines",
                "title": "Exercises as JSON Lines",
                "description": "The records of exercises.json, one per line, keys in the "
                "schema's order (id, name, aliases, ...): for streaming readers and "
                "`datasets.load_dataset('json', ...)`.",
                "path": JSONL,
                "type": "table",
                "format": "jsonl",
                "mediatype": "application/jsonl",
                "encoding": "utf-8",
                **_facts(files[JSONL]),
                "schema": tables.jsonl_schema(schema),
            },
            {
                "name": "exercises-table",
                "title": "Exercises as a flat table (CSV)",
                "description": "One row per exercise; lists joined with '; ', steps and "
                "variations one per line; counts are integers. Per-source detail stays in "
                "exercises.json.",
                "path": CSV,
                "type": "table",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                **_facts(files[CSV]),
                "schema": tables.table_schema(schema),
            },
            {
                "name": "exercises-parquet",
                "title": "Exercises as a flat table (Parquet)",
                "description": "The same columns as the CSV table; list columns are lists.",
                "path": PARQUET,
                "type": "file",
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                **_facts(files[PARQUET]),
            },
            {
                "name": "id-map",
                "title": "Id map",
                "description": "Every id change since the first release: old id, new id "
                "(null when removed) and the reason (merged, split, removed).",
                "path": ID_MAP,
                "type": "json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                **_facts(files[ID_MAP]),
            },
        ],
    }
    if meta.get("description"):
        package["description"] = meta["description"]
    if meta.get("homepage"):
        package["homepage"] = meta["homepage"]
    if created:
        package["created"] = created
    return package


def sha256sums(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum -c`` input: one ``<hex>  <name>`` line per file, sorted by name."""
    lines = [f"{hashlib.sha256(files[n]).hexdigest()}  {n}\n" for n in sorted(files)]
    return "".join(lines).encode()


def release_files(
    dataset_doc: JSON,
    schema: bytes,
    *,
    id_map: Sequence[JSON],
    changelog: str,
    created: str | None = None,
    review: Mapping[str, int] | None = None,
    card_template: str | None = None,
) -> dict[str, bytes]:
    """Every file of the release folder, by name (``review``: the open review items by
    kind, for the card; ``card_template``: a team's layout of the card)."""
    schema_doc = json.loads(schema)
    files = {
        DATASET: render_dataset(dataset_doc),
        JSONL: tables.jsonl_bytes(dataset_doc, schema_doc),
        SCHEMA: schema,
        CSV: tables.csv_bytes(dataset_doc),
        PARQUET: tables.parquet_bytes(dataset_doc),
        ID_MAP: render_json({"id_map": list(id_map)}),
        CHANGELOG: changelog.encode(),
        CARD: card(
            dataset_doc,
            schema_doc,
            created=created,
            review=review,
            evaluation=shipped_evaluation(),
            template=card_template,
        ).encode(),
    }
    files[DESCRIPTOR] = render_json(descriptor(dataset_doc, files, schema_doc, created=created))
    files[SUMS] = sha256sums(files)
    return files
