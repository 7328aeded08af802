"""The dataset card, ``README.md`` of every release: Hugging Face dataset-card YAML front matter
and the sections a consumer needs (what it is, how to load it, its fields from the JSON Schema,
its sources and licences, how it was made, its limits, and a health disclaimer).

The fields are read from the schema the release ships, so the card and the schema never
disagree; the figures from the dataset document itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pipeline import __version__
from pipeline.licenses import NOASSERTION, dataset_license

JSON = dict[str, Any]

DISCLAIMER = (
    "These are exercises described by web articles for people with pain, collected and "
    "merged by a program. They are not medical advice, have not been checked by a clinician, "
    "and may be wrong, incomplete or unsuitable for a given person. Do not use them to "
    "diagnose or treat anyone; anyone in pain should see a qualified health professional "
    "before starting an exercise, and stop if it hurts."
)


def _size(n: int) -> str:
    for limit, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return label
    return "100K<n<1M"


def _resolve(schema: JSON, prop: JSON) -> JSON:
    while "$ref" in prop:
        prop = {**schema["$defs"][prop["$ref"].rsplit("/", 1)[-1]], **{
            k: v for k, v in prop.items() if k != "$ref"}}  # fmt: skip
    return prop


def _describe(schema: JSON, prop: JSON) -> str:
    """A property's description, with its type or the values it may take."""
    prop = _resolve(schema, prop)
    options = [_resolve(schema, o) for o in prop.get("oneOf", []) + prop.get("anyOf", [])]
    parts = [prop.get("description") or next((o["description"] for o in options
                                              if o.get("description")), "")]  # fmt: skip
    enum = prop.get("enum") or [v for o in options for v in o.get("enum", [])]
    if enum:
        parts.append("one of: " + ", ".join(f"`{v}`" for v in enum if v is not None))
    kinds = [prop["type"]] if "type" in prop else [o["type"] for o in options if "type" in o]
    names = [k for kind in kinds for k in (kind if isinstance(kind, list) else [kind])]
    if names and not enum:
        parts.append(f"({' or '.join(dict.fromkeys(names))})")
    elif "null" in names:
        parts.append("(or null)")
    return " ".join(p for p in parts if p).replace("|", "\\|")


def card(dataset_doc: Mapping[str, Any], schema: JSON, *, created: str | None) -> str:
    """The dataset card of a release (``created``: its date, when one was given)."""
    meta: JSON = dataset_doc.get("dataset", {})
    version = str(meta.get("version", ""))
    exercises = dataset_doc.get("exercises", [])
    counts = meta.get("counts", {})
    sources: list[JSON] = meta.get("sources", [])
    licensed = dataset_license(meta)
    license_ = licensed.license
    title = str(meta.get("title") or meta.get("name") or "Exercise dataset")
    front = {
        "pretty_name": title,
        "license": license_.lower() if license_ != NOASSERTION and " " not in license_ else "other",
        "language": ["en"],
        "size_categories": [_size(len(exercises))],
        "task_categories": ["other"],
        "source_datasets": ["original"],
        "configs": [{"config_name": "default",
                     "data_files": [{"split": "train", "path": "exercises.parquet"}]}],
    }  # fmt: skip
    record = schema["$defs"]["exercise"]["properties"]
    rows = []
    for key, prop in record.items():
        rows.append(f"| `{key}` | {_describe(schema, prop)} |")
        if key == "dosage":  # the dose: one row per part, its unit in its name
            inner = _resolve(schema, prop)
            arms = [_resolve(schema, o) for o in inner.get("oneOf", [])]
            parts: JSON = inner.get("properties") or next(
                (o["properties"] for o in arms if "properties" in o), {}
            )
            rows += [f"| `{key}.{k}` | {_describe(schema, v)} |" for k, v in parts.items()]
    fields = "\n".join(rows)
    listed = "\n".join(
        f"| {s.get('title') or s['source_id']} | {s.get('url') or 'not recorded'} | "
        f"{s.get('license') or 'not recorded'} | {s.get('retrieved') or 'not recorded'} |"
        for s in sources
    )
    unlicensed = sum(1 for s in sources if not s.get("license"))
    conflicted = sum(1 for e in exercises if e.get("conflicts"))
    stale = sum(1 for s in sources if s.get("stale"))
    date = created[:10] if created else None
    lines = [
        "---",
        *json.dumps(front, indent=2).splitlines(),  # JSON is YAML: no YAML writer needed
        "---",
        "",
        f"# {front['pretty_name']} {version}",
        "",
        f"{counts.get('exercises', len(exercises))} exercises merged from "
        f"{counts.get('mentions', 0)} descriptions in {counts.get('sources', len(sources))} "
        "scraped articles about exercises for back, neck and joint pain: one record per real "
        "exercise, with its name and aliases, steps, dose (hold, repetitions, sets, per side, "
        "frequency), position, equipment and target areas, every value traceable to the "
        "passage of the source it came from.",
        "",
        f"Released {date}." if date else "The release records no date (none was given).",
        "",
        "## Health disclaimer",
        "",
        DISCLAIMER,
        "",
        "## How to load it",
        "",
        "```python",
        "import pandas as pd",
        'df = pd.read_parquet("exercises.parquet")           # one row per exercise',
        "",
        "from datasets import load_dataset",
        'ds = load_dataset("parquet", data_files="exercises.parquet")  # the flat table',
        'lines = load_dataset("json", data_files="exercises.jsonl")  # the full records',
        "",
        "import duckdb",
        "duckdb.sql(\"SELECT id, name, steps FROM 'exercises.parquet'\")",
        "",
        "import json",
        'records = json.load(open("exercises.json"))["exercises"]',
        "```",
        "",
        "`exercises.json` is the dataset with its provenance and is checked against "
        "`exercise.schema.json` (`pipeline validate exercises.json`); `exercises.jsonl` "
        "holds the same records one per line; `exercises.csv` and `exercises.parquet` are "
        "flat tables of it (counts are integers; in the CSV a list is joined with `; `, "
        "steps and variations one per line, and an empty cell of a list column is an empty "
        "list). `datapackage.json` describes them with Table Schemas that "
        "`frictionless validate datapackage.json` checks (types, enums, the primary key, "
        "sizes and hashes); `SHA256SUMS` lets you check every file.",
        "",
        "## Fields",
        "",
        "| field | meaning |",
        "|---|---|",
        fields,
        "",
        "## Sources",
        "",
        "| article | URL | licence | retrieved |",
        "|---|---|---|---|",
        listed,
        "",
        f"Dataset licence: `{license_}` ({licensed.reason})."
        + (
            f" {unlicensed} of {len(sources)} sources record no licence: check the rights of "
            "each article before reusing its text."
            if unlicensed
            else ""
        ),
        "",
        "## How it was made",
        "",
        f"Built by exercise-pipeline {__version__} from the articles listed above: text "
        "repaired, spam, drug promotions and page furniture removed (every removal kept with "
        "its reason), exercise mentions extracted and merged by explained pair scores, with a "
        "curator's review decisions applied, and every record validated against the JSON "
        f"Schema ({meta.get('schema_version', 'see exercise.schema.json')}).",
        "",
        "## Quality and limitations",
        "",
        f"- {conflicted} of {len(exercises)} exercises carry field values their sources "
        "disagree on (in each record's `conflicts`, with the value chosen and why).",
        f"- {stale} sources failed in the build and are carried from their last good result."
        if stale
        else "- Every source built in this release.",
        "- Extraction and merging are rules and small models checked on labelled articles; "
        "articles unlike those can give missed or wrongly merged exercises.",
        "- Doses and steps are the sources' words, not clinical recommendations.",
        "",
    ]
    return "\n".join(lines)
