"""Schemas and the validate stage: valid and invalid documents, every error with its path."""

from __future__ import annotations

import copy
import json
import tomllib
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from exercise_pipeline.schemas import load_schema, schema_dir
from exercise_pipeline.validate import check_document, validate

from .conftest import ROOT


def minimal_exercise(**overrides: Any) -> dict[str, Any]:
    exercise: dict[str, Any] = {
        "id": "knee-to-chest",
        "name": "Knee to Chest",
        "aliases": ["Knee-to-Chest Stretch"],
        "category": "stretch",
        "position": "supine",
        "difficulty": "beginner",
        "equipment": [],
        "target_areas": ["lower_back"],
        "dosage": {
            "hold_seconds": {"min": 5, "max": 5},
            "hold_breaths": None,
            "duration_seconds": None,
            "repetitions": {"min": 2, "max": 3},
            "sets": None,
            "per_side": True,
            "frequency": {"text": "twice a day", "per_day": {"min": 2, "max": 2}, "per_week": None},
        },
        "steps": ["Lie on your back.", "Pull one knee to your chest."],
        "description": [],
        "tips": [],
        "variations": [],
        "flags": [],
        "sources": [
            {
                "source_id": "003_x",
                "mention": "003_x#knee-to-chest-stretch",
                "name": "Knee-to-Chest Stretch",
                "span": [10, 200],
                "steps": ["Lie on your back."],
                "description": [],
                "tips": [],
                "fields": {"hold_seconds": {"min": 5, "max": 5}},
                "evidence": [
                    {"field": "hold_seconds", "span": [50, 70], "text": "Hold for 5 seconds."}
                ],
                "flags": [],
            }
        ],
        "conflicts": [],
    }
    exercise.update(overrides)
    return exercise


def document(*exercises: dict[str, Any]) -> dict[str, Any]:
    schema = load_schema("exercise.schema.json")
    return {
        "dataset": {
            "name": "exercise-library", "title": "T", "version": "1.0.0", "schema": schema["$id"],
            "schema_version": schema["version"], "generated": None, "license": None, "sources": [],
            "counts": {"exercises": len(exercises), "mentions": len(exercises), "sources": 0},
        },
        "exercises": list(exercises),
    }  # fmt: skip


def test_all_schemas_are_valid_2020_12_with_id_and_version() -> None:
    for path in sorted(schema_dir().glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].startswith("https://") and schema["version"]


def test_arrays_use_items_objects_never_tuples() -> None:
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert not isinstance(node.get("items"), list), node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_schema("exercise.schema.json"))


def test_schema_enums_match_the_vocabularies() -> None:
    fields = tomllib.loads(
        (ROOT / "exercise_pipeline" / "data" / "fields.toml").read_text(encoding="utf-8")
    )
    defs = load_schema("exercise.schema.json")["$defs"]
    assert defs["position"]["enum"] == list(fields["positions"])
    assert defs["equipment"]["enum"] == list(fields["equipment"])
    assert defs["target_area"]["enum"] == list(fields["body_areas"])
    assert defs["category"]["enum"] == list(fields["categories"])


def test_a_valid_document_passes() -> None:
    result = validate(document(minimal_exercise()))
    assert result.errors == ()
    assert result.publishable
    assert check_document(result.document) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"id": "Knee To Chest"}, "$.exercises[0].id"),
        ({"name": ""}, "$.exercises[0].name"),
        ({"position": "upside_down"}, "$.exercises[0].position"),
        ({"difficulty": "expert"}, "$.exercises[0].difficulty"),
        ({"equipment": ["trampoline"]}, "$.exercises[0].equipment[0]"),
        ({"steps": "Lie down."}, "$.exercises[0].steps"),
        ({"sources": []}, "$.exercises[0].sources"),
        ({"aliases": ["Knee to Chest"]}, "$.exercises[0].aliases"),
    ],
)
def test_an_invalid_record_is_dropped_and_reported_with_its_path(
    change: dict[str, Any], path: str
) -> None:
    good = minimal_exercise(id="bridge", sources=[])
    good["sources"] = copy.deepcopy(minimal_exercise()["sources"])
    good["sources"][0]["mention"] = "003_x#bridge"
    bad = minimal_exercise(**change)
    result = validate(document(bad, good))
    assert [e["id"] for e in result.document["exercises"]] == ["bridge"]
    assert result.dropped == (str(bad["id"]),)
    assert any(e.startswith(path) for e in result.record_errors), result.record_errors
    assert result.publishable


def test_every_error_of_a_document_is_listed() -> None:
    bad = minimal_exercise(id="Bad Id", position="upside_down", dosage={"hold_seconds": 5})
    problems = check_document(document(bad))
    paths = {p.split(":")[0] for p in problems}
    assert {"$.exercises[0].id", "$.exercises[0].position", "$.exercises[0].dosage"} <= paths


def test_format_checking_is_on() -> None:
    doc = document(minimal_exercise())
    doc["dataset"]["sources"] = [
        {
            "source_id": "a", "file": "a.txt", "format": "text", "sha256": "0" * 64, "title": None,
            "url": "not a url", "retrieved": "2024-13-45", "license": None, "encoding": "utf-8",
        }
    ]  # fmt: skip
    problems = check_document(doc)
    assert any("retrieved" in p for p in problems), problems
    assert any(".url" in p for p in problems), problems


MUTATIONS: list[Any] = [
    "<delete>", None, "", -1, 1.5, "upside_down", [], {}, "not a uri", "2024-13-45", True,
    "<extra key>", "<duplicate item>",
]  # fmt: skip


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*path, k))
    elif isinstance(value, list):
        for k, v in enumerate(value):
            out += _paths(v, (*path, k))
    return out


def _mutated(record: dict[str, Any], path: tuple[Any, ...], mutation: Any) -> dict[str, Any]:
    record = copy.deepcopy(record)
    parent: Any = record
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if mutation == "<delete>":
        del parent[last]
    elif mutation == "<extra key>":
        if isinstance(parent[last], dict):
            parent[last]["unexpected"] = 1
        else:
            parent[last] = {"unexpected": 1}
    elif mutation == "<duplicate item>":
        if isinstance(parent[last], list) and parent[last]:
            parent[last].append(copy.deepcopy(parent[last][0]))
        else:
            parent[last] = [parent[last], parent[last]]
    else:
        parent[last] = mutation
    return record


def test_the_fast_check_agrees_with_jsonschema_on_every_golden_and_mutated_record() -> None:
    """fastjsonschema only ever says "valid" where jsonschema finds no error, and the other
    way round, on the committed records and a mutation at every place in each of them."""
    from exercise_pipeline.schemas import fast_check
    from exercise_pipeline.validate import _errors, _record_validator

    records = json.loads((ROOT / "output" / "exercises.json").read_text())["exercises"]
    fast = fast_check("exercise.schema.json", "exercise")
    authority = _record_validator("exercise.schema.json")
    checked = invalid = 0
    for n, record in enumerate(records):
        assert fast(record) and not _errors(authority, record)
        for k, path in enumerate(_paths(record)):
            mutated = _mutated(record, path, MUTATIONS[(n + k) % len(MUTATIONS)])
            errors = _errors(authority, mutated)
            assert fast(mutated) == (not errors), (path, errors)
            checked += 1
            invalid += bool(errors)
    assert checked > 1000 and invalid > checked // 3


_DECISIONS = {
    "version": 1,
    "decisions": [
        {"kind": "same", "mentions": ["a#bird-dog", "b#bird-dog-2"], "decided": "2026-11-20"},
        {"kind": "different", "mentions": ["a#plank", "b#side-plank"], "note": "two"},
        {"kind": "rename", "mentions": ["a#cat"], "name": "Cat-Cow"},
        {"kind": "prefer", "mentions": ["a#plank"], "field": "hold_seconds", "source": "a#plank"},
        {"kind": "reject", "mentions": ["c#read-more"]},
    ],
}


@pytest.mark.parametrize("name", ["sources.schema.json", "decisions.schema.json"])
def test_the_fast_check_agrees_with_jsonschema_on_manifests_and_decisions(name: str) -> None:
    """``schemas.check`` takes the compiled check's "valid" for an answer: it must agree with
    jsonschema on the committed manifest, a decisions file of every kind, and a mutation at
    every place in each."""
    from exercise_pipeline.schemas import check, fast_check, validator

    if name == "sources.schema.json":
        doc = json.loads((ROOT / "raw" / "sources.json").read_text(encoding="utf-8"))
    else:
        doc = copy.deepcopy(_DECISIONS)
    fast = fast_check(name)
    assert fast(doc) and not check(doc, name)
    checked = invalid = 0
    for k, where in enumerate(_paths(doc)):
        mutated = _mutated(copy.deepcopy(doc), where, MUTATIONS[k % len(MUTATIONS)])
        errors = list(validator(name).iter_errors(mutated))
        assert fast(mutated) == (not errors), (where, [e.message for e in errors])
        assert bool(check(mutated, name)) == bool(errors)
        checked += 1
        invalid += bool(errors)
    assert checked > 20 and invalid > checked // 4


def test_a_record_with_a_number_json_cannot_hold_is_dropped() -> None:
    doc = json.loads((ROOT / "output" / "exercises.json").read_text())
    doc["exercises"][0]["dosage"]["hold_seconds"] = {"min": float("nan"), "max": float("inf")}
    result = validate(doc)
    assert doc["exercises"][0]["id"] in result.dropped
    assert any("hold_seconds.min: not a finite number" in e for e in result.record_errors)
    assert any("hold_seconds.max: not a finite number" in e for e in result.record_errors)
