"""Safety of what a build reads and writes (issue 11, first part): ids and versions matched
as whole strings, CSV cells a spreadsheet would run made inert, symbolic links that leave the
repository refused."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from exercise_pipeline.publish import publish
from exercise_pipeline.release.tables import csv_bytes
from exercise_pipeline.runner import build
from exercise_pipeline.schemas import load_schema

from .conftest import RAW
from .test_release import Session


@pytest.mark.parametrize(
    ("definition", "value"), [("slug", "knee-to-chest\n"), ("mention_key", "s#a\n")]
)
def test_schema_patterns_match_the_whole_string(definition: str, value: str) -> None:
    schema = load_schema("exercise.schema.json")
    sub = {"$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    validator = Draft202012Validator(sub)
    assert not validator.is_valid(value)
    assert validator.is_valid(value.rstrip("\n"))


def test_a_version_or_an_id_with_a_final_newline_is_refused(tmp_path: Path) -> None:
    s = Session(tmp_path)
    refused = s.run("publish", "--version", "0.2.0\n", ok=False)
    assert refused.exit_code == 2 and "is not a semantic version" in refused.output
    article = tmp_path / "a.md"
    article.write_text(
        "# Cobra\n\nLie face down and press up. Hold 10 seconds.\n", encoding="utf-8"
    )
    added = s.run("add", str(article), "--id", "abc\n", ok=False)
    assert added.exit_code == 2
    assert not (s.raw / "abc\n.md").exists()


def test_csv_cells_that_would_run_as_formulas_start_with_a_quote() -> None:
    doc = {
        "exercises": [
            {
                "id": "x", "name": "=HYPERLINK(\"http://evil\")", "aliases": ["@SUM(A1)"],
                "steps": ["+cmd|' /C calc'!A0", "Lie down."], "category": None, "position": None,
                "equipment": [], "target_areas": [], "dosage": {}, "sources": [],
                "conflicts": [], "flags": [],
            }
        ]
    }  # fmt: skip
    (row,) = csv.DictReader(io.StringIO(csv_bytes(doc).decode("utf-8")))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["aliases"] == "'@SUM(A1)"
    assert row["steps"].startswith("'+cmd")


def test_a_symbolic_link_out_of_the_repository_is_refused(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    raw = Path(shutil.copytree(RAW, tmp_path / "repo" / "raw"))
    secret = tmp_path_factory.mktemp("elsewhere") / "secret.md"
    secret.write_text(
        "# Private Stretch\n\nLie down and reach. Hold 10 seconds.\n", encoding="utf-8"
    )
    (raw / "linked.md").symlink_to(secret)
    (raw / "inside.md").symlink_to(raw / "000_996aa0c67327b4d0.txt")  # inside: allowed
    report = build(raw, tmp_path / "out", decisions_path=tmp_path / "none.json", cache_dir=None)
    assert report.result.exit_code == 1
    problems = [(e.where, e.problem) for e in report.result.errors]
    assert any("linked.md" in where and "symbolic link" in why for where, why in problems)
    names = {e["name"] for e in report.result.files["exercises.json"]["exercises"]}
    assert "Private Stretch" not in names
    assert "inside" in {r.document.source_id for r in report.result.sources}


def test_review_commands_print_no_terminal_escapes_from_articles(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from exercise_pipeline.cli import main

    s = Session(tmp_path)
    s.run("build")
    path = s.out / "conflicts.json"
    queue = json.loads(path.read_text(encoding="utf-8"))
    hostile = "\x1b]0;owned\x07\x1b[2J"
    first = queue["conflicts"][0]
    first["exercise_names"] = [hostile + n for n in first.get("exercise_names", ["x"])]
    others = {p.name: p.read_bytes() for p in s.out.iterdir() if p.name != "generation.json"}
    publish({**others, "conflicts.json": queue}, s.out)  # as one generation, as a build would
    for args in (["review", "list"], ["review", "show", first["key"]]):
        result = CliRunner().invoke(main, [*args, "--out", str(s.out)])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
