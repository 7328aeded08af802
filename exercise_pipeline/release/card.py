"""The dataset card, ``README.md`` of every release: Hugging Face dataset-card YAML front matter
and the sections a consumer needs (what it is, how to load it, its fields from the JSON Schema,
its sources and licences, how it was made, its limits, and a health disclaimer).

The fields are read from the schema the release ships, so the card and the schema never
disagree; the figures from the dataset document itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from string import Template
from typing import Any

from exercise_pipeline import __version__
from exercise_pipeline.errors import PipelineError
from exercise_pipeline.licenses import NOASSERTION, dataset_license

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


# The card's layout: each $name is a section of ``sections``; a team's own wording goes in
# a template of its own (``publish --card-template FILE``), the same names available.
DEFAULT_TEMPLATE = """$front_matter

# $title $version

$summary

$date

## Health disclaimer

$disclaimer

## How to load it

$loading

## Fields

$fields

## Sources

$sources

$licence

## How it was made

$made

## Quality and limitations

$quality
"""


SECTIONS = (
    "front_matter", "title", "version", "summary", "date", "disclaimer", "loading", "fields",
    "sources", "licence", "made", "quality",
)  # fmt: skip


def check(template: str) -> None:
    """A card template names only sections the card has, keeps the health disclaimer, and
    opens with the front matter when it has it (checked before any work is done)."""
    if "$disclaimer" not in template and "${disclaimer}" not in template:
        raise PipelineError(
            "--card-template", "leaves out $disclaimer", "a card of this data keeps its warning"
        )
    if "$front_matter" in template and not template.lstrip().startswith("$front_matter"):
        raise PipelineError(
            "--card-template",
            "puts $front_matter after other text",
            "start with it: Hugging Face reads the YAML only at the top",
        )
    for m in Template.pattern.finditer(template):
        name = m.group("named") or m.group("braced")
        if m.group("invalid") is not None:
            raise PipelineError(
                "--card-template",
                f"has a lone $ at offset {m.start()}",
                "write $$ for a dollar sign",
            )
        if name is not None and name not in SECTIONS:
            raise PipelineError(
                "--card-template",
                f"names no section ${name}",
                "use " + ", ".join(f"${n}" for n in SECTIONS),
            )


def sections(
    dataset_doc: Mapping[str, Any],
    schema: JSON,
    *,
    created: str | None,
    review: Mapping[str, int] | None = None,
    evaluation: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Every section of the card, by the name a template uses (``$summary``, ...);
    ``evaluation``: the held-out figures of the pipeline on its labelled articles."""
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
    rows = ["| field | meaning |", "|---|---|"]
    for key, prop in record.items():
        rows.append(f"| `{key}` | {_describe(schema, prop)} |")
        if key == "dosage":  # the dose: one row per part, its unit in its name
            inner = _resolve(schema, prop)
            arms = [_resolve(schema, o) for o in inner.get("oneOf", [])]
            parts: JSON = inner.get("properties") or next(
                (o["properties"] for o in arms if "properties" in o), {}
            )
            rows += [f"| `{key}.{k}` | {_describe(schema, v)} |" for k, v in parts.items()]
    listed = [
        "| article | URL | licence | retrieved |",
        "|---|---|---|---|",
        *(
            f"| {s.get('title') or s['source_id']} | {s.get('url') or 'not recorded'} | "
            f"{s.get('license') or 'not recorded'} | {s.get('retrieved') or 'not recorded'} |"
            for s in sources
        ),
    ]
    unlicensed = sum(1 for s in sources if not s.get("license"))
    conflicted = sum(1 for e in exercises if e.get("conflicts"))
    stale = sum(1 for s in sources if s.get("stale"))
    flagged = sum(1 for e in exercises if "no_instructions" in e.get("flags", []))
    date = created[:10] if created else None
    open_items = dict(review or {})
    queue = (
        f"- {sum(open_items.values())} review items were open when it was built ("
        + ", ".join(f"{n} {kind}" for kind, n in sorted(open_items.items()) if n)
        + "): pairs that may be one exercise, values sources disagree on, unnamed step "
        "lists; a curator decides them with `pipeline review`."
        if sum(open_items.values())
        else "- No review item was open when it was built."
    )
    loading = "\n".join(
        [
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
            "steps and variations one per line, and an empty cell of a list column is an "
            "empty list). `datapackage.json` describes them with Table Schemas that "
            "`frictionless validate datapackage.json` checks (types, enums, the primary key, "
            "sizes and hashes); `SHA256SUMS` lets you check every file.",
        ]
    )
    return {
        "front_matter": "\n".join(["---", *json.dumps(front, indent=2).splitlines(), "---"]),
        "title": title,
        "version": version,
        "summary": f"{counts.get('exercises', len(exercises))} exercises merged from "
        f"{counts.get('mentions', 0)} descriptions in {counts.get('sources', len(sources))} "
        "scraped articles about exercises for back, neck and joint pain: one record per real "
        "exercise, with its name and aliases, steps, dose (hold, repetitions, sets, per side, "
        "frequency), position, equipment and target areas, every value traceable to the "
        "passage of the source it came from.",
        "date": f"Released {date}." if date else "The release records no date (none was given).",
        "disclaimer": DISCLAIMER,
        "loading": loading,
        "fields": "\n".join(rows),
        "sources": "\n".join(listed),
        "licence": f"Dataset licence: `{license_}` ({licensed.reason})."
        + (
            f" {unlicensed} of {len(sources)} sources record no licence: check the rights of "
            "each article before reusing its text."
            if unlicensed
            else ""
        ),
        "made": f"Built by exercise-pipeline {__version__} from the articles listed above: text "
        "repaired, spam, drug promotions and page furniture removed (every removal kept with "
        "its reason), exercise mentions extracted and merged by explained pair scores, with a "
        "curator's review decisions applied, and every record validated against the JSON "
        f"Schema ({meta.get('schema_version', 'see exercise.schema.json')}).",
        "quality": "\n".join(
            [
                f"- {conflicted} of {len(exercises)} exercises carry field values their sources "
                "disagree on (in each record's `conflicts`, with the value chosen and why).",
                f"- {flagged} of {len(exercises)} exercises have no instruction steps (named "
                "in a plan or a table with a dose only; flag `no_instructions`).",
                queue,
                f"- {stale} sources failed in the build and are carried from their last good "
                "result."
                if stale
                else "- Every source built in this release.",
                _measured(evaluation),
                "- Doses and steps are the sources' words, not clinical recommendations.",
            ]
        ),
    }


def _measured(evaluation: Mapping[str, Any] | None) -> str:
    """What the extraction and merging are known to get, and what they are not."""
    caveat = (
        "Articles unlike the labelled ones give missed or wrongly merged exercises: on "
        "public articles no one had tuned the pipeline to, recall and precision were well "
        "below these (see the pipeline's CHANGELOG)."
    )
    if not evaluation:
        return "- Extraction and merging are rules and small models. " + caveat
    ext, mer = evaluation["extraction"], evaluation["merge"]
    return (
        f"- Extraction and merging are rules and small models; on the "
        f"{evaluation['labelled_articles']} labelled articles, each held out of the model's "
        f"training, extraction recall is {ext['recall']:.2f} and precision "
        f"{ext['precision']:.2f} by mention, merging pairwise precision {mer['precision']:.2f} "
        f"and F1 {mer['f1']:.2f}. " + caveat
    )


def card(
    dataset_doc: Mapping[str, Any],
    schema: JSON,
    *,
    created: str | None,
    review: Mapping[str, int] | None = None,
    evaluation: Mapping[str, Any] | None = None,
    template: str | None = None,
) -> str:
    """The dataset card of a release (``created``: its date, when one was given; ``review``:
    the open review items by kind; ``template``: a team's layout, ``$name`` per section)."""
    parts = sections(dataset_doc, schema, created=created, review=review, evaluation=evaluation)
    if template is not None:  # the built-in one is known good
        check(template)
    return Template(template or DEFAULT_TEMPLATE).substitute(parts).rstrip("\n") + "\n"


def shipped_evaluation() -> dict[str, Any] | None:
    """``exercise_pipeline/data/evaluation.json``: this version's held-out figures, if any."""
    found = resources.files("exercise_pipeline.data").joinpath("evaluation.json")
    return json.loads(found.read_text(encoding="utf-8")) if found.is_file() else None
