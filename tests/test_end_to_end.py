"""The whole pipeline on the seed articles, against the gold written by reading them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from exercise_pipeline.runner import build
from exercise_pipeline.validate import check_document

from .conftest import CASES, RAW, case_files, load_case

FORBIDDEN = ("Pain O Soma", "Aspadol", "Read Also", "Leave a Reply", "Author:", "â")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    report = build(RAW, out, decisions_path=out / "none.json")
    assert report.result.exit_code == 0
    return out


def load(out: Path, name: str) -> dict[str, Any]:
    return json.loads((out / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_dataset_validates(built: Path) -> None:
    assert check_document(load(built, "exercises.json")) == []


def test_every_seed_mention_is_published_under_its_name(built: Path) -> None:
    data = load(built, "exercises.json")
    published = {s["mention"]: s["name"] for e in data["exercises"] for s in e["sources"]}
    seeds = [
        load_case(p)
        for p in case_files()
        if p.stem.startswith("00") and "seeds/" in load_case(p)["article"]
    ]
    expected = 0
    for case in seeds:
        for gold in case["mentions"]:
            if gold["name"] is None:
                continue
            expected += 1
            assert gold["name"] in published.values(), gold["name"]
    assert expected >= 40
    assert len(published) == expected


def test_no_list_title_or_section_heading_is_an_exercise(built: Path) -> None:
    data = load(built, "exercises.json")
    names = {n.lower() for e in data["exercises"] for n in [e["name"], *e["aliases"]]}
    for path in case_files():
        for heading in load_case(path)["not_exercises"]:
            assert heading.lower() not in names


def test_no_spam_link_bait_or_mojibake_is_published(built: Path) -> None:
    text = (built / "exercises.json").read_text(encoding="utf-8")
    for junk in FORBIDDEN:
        assert junk not in text, junk


def test_seed_duplicates_are_one_exercise(built: Path) -> None:
    data = load(built, "exercises.json")
    cluster = {s["mention"]: e["id"] for e in data["exercises"] for s in e["sources"]}
    gold = json.loads((CASES / "clusters.json").read_text(encoding="utf-8"))
    for group in gold["same"]:
        seeds = [k for k in group if k in cluster]
        assert len({cluster[k] for k in seeds}) <= 1, seeds


def test_every_character_is_accounted_for(built: Path) -> None:
    removed = load(built, "removed.json")
    for source_id, acc in removed["sources"].items():
        assert acc["kept"] + acc["dropped"] == acc["characters"], source_id
        assert acc["dropped"] == sum(acc["dropped_by_reason"].values())


def test_builds_are_byte_identical(built: Path, tmp_path: Path) -> None:
    build(RAW, tmp_path, decisions_path=tmp_path / "none.json")
    for name in ("exercises.json", "conflicts.json", "removed.json", "ids.json"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_source_date_epoch_is_the_only_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_generated(tmp_path / "a") is None
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert load_generated(tmp_path / "b") == "2023-11-14T22:13:20Z"


def load_generated(out: Path) -> object:
    build(RAW, out, decisions_path=out / "none.json")
    return load(out, "exercises.json")["dataset"]["generated"]


def test_seed_ids_survive_adding_the_dev_articles(tmp_path: Path) -> None:
    dev = sorted((CASES.parent.parent.parent / "shared" / "corpus" / "dev").glob("*"))
    if not dev:
        pytest.skip("dev corpus not found beside the repository")
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    out = tmp_path / "out"
    build(raw, out, decisions_path=tmp_path / "none.json")
    before = load(out, "exercises.json")
    seed_ids = {s["mention"]: e["id"] for e in before["exercises"] for s in e["sources"]}
    for path in dev:
        shutil.copy(path, raw / path.name)
    report = build(raw, out, decisions_path=tmp_path / "none.json")
    assert report.result.exit_code == 0
    after = load(out, "exercises.json")
    now = {s["mention"]: e["id"] for e in after["exercises"] for s in e["sources"]}
    assert len(now) > len(seed_ids)
    for mention, exercise_id in seed_ids.items():
        assert now[mention] == exercise_id, mention
    registry = load(out, "ids.json")
    assert set(seed_ids.values()) <= set(registry["ids"])
    # Dev duplicates joined seed exercises under the seed ids (glute bridges, knee to chest).
    joined = {
        e["id"] for e in after["exercises"] if len({s["source_id"] for s in e["sources"]}) > 1
    }
    assert {"knee-to-chest", "bridge"} <= joined
