"""Command line: exit codes, messages naming the input, help on every command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from exercise_pipeline import __version__
from exercise_pipeline.cli import main

from .conftest import RAW


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, cmd in sorted(group.commands.items()):
        if isinstance(cmd, click.Group):
            found += commands(cmd, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", commands(main), ids=lambda p: " ".join(p) or "pipeline")
def test_every_command_has_useful_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    command = main
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    assert command.help and len(command.help.split()) >= 5, path


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    shutil.copytree(RAW, tmp_path / "raw")
    return tmp_path


def test_build_then_validate(workdir: Path) -> None:
    out = workdir / "out"
    args = [
        "-q",
        "build",
        "--raw",
        str(workdir / "raw"),
        "--out",
        str(out),
        "--decisions",
        str(workdir / "none.json"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "conflicts.json",
        "exercises.json",
        "generation.json",
        "ids.json",
        "removed.json",
        "review.html",
    ]
    checked = CliRunner().invoke(main, ["validate", str(out / "exercises.json")])
    assert checked.exit_code == 0
    assert "valid" in checked.output


def test_bad_articles_are_named_and_the_rest_still_builds(workdir: Path) -> None:
    (workdir / "raw" / "empty.txt").write_bytes(b"")
    (workdir / "raw" / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(200)))
    out = workdir / "out"
    args = [
        "build",
        "--raw",
        str(workdir / "raw"),
        "--out",
        str(out),
        "--decisions",
        str(workdir / "x.json"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "empty.txt: is empty" in result.output
    assert "photo.html: is binary" in result.output
    data = json.loads((out / "exercises.json").read_text(encoding="utf-8"))
    assert len(data["exercises"]) > 20


def test_invalid_decisions_stop_the_build_with_the_entry_named(workdir: Path) -> None:
    decisions = workdir / "decisions.json"
    bad = {
        "decisions": [
            {"kind": "same", "mentions": ["a#b"]},
            {"kind": "merge", "mentions": ["a#b", "c#d"]},
        ]
    }
    decisions.write_text(json.dumps(bad), encoding="utf-8")
    out = workdir / "out"
    args = [
        "build",
        "--raw",
        str(workdir / "raw"),
        "--out",
        str(out),
        "--decisions",
        str(decisions),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "decisions.json" in result.output
    assert "$.decisions[0]" in result.output and "$.decisions[1].kind" in result.output
    assert not out.exists()


def test_validate_lists_every_error_and_fails(tmp_path: Path) -> None:
    doc = {"dataset": {"name": "Bad Name"}, "exercises": [{"id": "X Y"}]}
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "$.dataset" in result.output and "$.exercises[0]" in result.output
    path.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "not valid JSON" in result.output


def test_a_missing_raw_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build", "--raw", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "nope: is not a folder" in result.output


def test_version_and_help_import_no_stage() -> None:
    """The command line imports the stages (and rich, jsonschema, bs4...) only for the
    command that runs, so --version and --help start fast (timed in benchmarks/run.py)."""
    import subprocess
    import sys

    code = (
        "import sys; from exercise_pipeline.cli import main\n"
        "try: main(['--help'])\nexcept SystemExit: pass\n"
        "print(' '.join(n for n, m in sys.modules.items() if type(m).__name__ != '_LazyModule'))"
    )  # a module the LazyLoader registered is not loaded until it is used
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.splitlines()[-1].split())
    heavy = {"exercise_pipeline.runner", "exercise_pipeline.parse", "exercise_pipeline.merge",
             "exercise_pipeline.review", "rich", "jsonschema", "bs4", "pandas", "rapidfuzz",
             "ftfy"}  # fmt: skip
    assert "exercise_pipeline.cli" in loaded and not heavy & loaded, heavy & loaded
