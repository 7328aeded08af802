"""`pipeline stats` and progress reports: figures that add up to what was published."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exercise_pipeline.cli import main
from exercise_pipeline.runner import build, run
from exercise_pipeline.sources import SourcesSettings, load_manifest, read_raw

from .conftest import RAW


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    assert build(RAW, folder, decisions_path=folder / "none.json").result.exit_code == 0
    return folder


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_stats_json_adds_up_to_the_published_documents(out: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    exercises = load(out / "exercises.json")["exercises"]
    removed = load(out / "removed.json")
    assert stats["totals"]["exercises"] == len(exercises) == len(stats["exercises"])
    published = sum(len(e["sources"]) for e in exercises)
    assert stats["totals"]["mentions"] == published
    assert sum(s["mentions"] for s in stats["sources"]) == published
    for s in stats["sources"]:
        assert s["kept"] + s["dropped"] == s["characters"] > 0
        own = [r for r in removed["removals"] if r["source_id"] == s["source_id"]]
        assert s["removals"] == len(own) == sum(s["removals_by_reason"].values())
    by_id = {e["id"]: e for e in exercises}
    for row in stats["exercises"]:
        record = by_id[row["id"]]
        assert row["conflicts"] == len(record["conflicts"])
        assert row["sources"] == len({x["source_id"] for x in record["sources"]})
    assert stats["totals"]["multi_source_exercises"] == sum(
        1 for e in exercises if len({x["source_id"] for x in e["sources"]}) > 1
    )


def test_stats_prints_tables_per_source_and_per_exercise(out: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--out", str(out)])
    assert result.exit_code == 0
    assert "Sources" in result.output and "Exercises" in result.output
    for source in load(RAW / "sources.json")["sources"]:
        assert source["id"] in result.output
    assert "drug_promotion" in result.output  # removals by reason


def test_stats_without_a_build_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "run `pipeline build` first" in result.output


def test_progress_reports_files_and_mentions_as_they_are_done() -> None:
    manifest = load_manifest(RAW)
    files, _ = read_raw(RAW, manifest, SourcesSettings())
    calls: list[tuple[str, int, int, int]] = []
    result = run(files, manifest, progress=lambda *a: calls.append(a))
    sources = [c for c in calls if c[0] == "sources"]
    assert [c[1] for c in sources] == list(range(len(files) + 1))
    assert all(c[2] == len(files) for c in sources)
    found = [c[3] for c in sources]
    assert found == sorted(found) and found[0] == 0
    assert found[-1] == sum(len(s.extraction.mentions) for s in result.sources)
    assert [c[:3] for c in calls if c[0] == "merge"] == [("merge", 0, 1), ("merge", 1, 1)]
