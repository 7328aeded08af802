"""The 16 labelled articles (the seeds and ../shared/corpus/dev) built together and scored by
the labeller's own scorer (../shared/eval/score.py): the bars of the quality issue."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from exercise_pipeline.runner import build

from .conftest import CORPUS, RAW

EVAL = CORPUS.parent / "eval"


def test_the_labelled_articles_meet_the_bars(tmp_path: Path) -> None:
    if not (EVAL / "score.py").exists() or not (CORPUS / "dev").is_dir():
        pytest.skip("the labelled articles live in ../shared beside the repository")
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in [*RAW.glob("*.txt"), *(CORPUS / "dev").iterdir()]:
        shutil.copyfile(path, raw / path.name)
    report = build(raw, tmp_path / "out", decisions_path=tmp_path / "none.json", cache_dir=None)
    assert report.result.exit_code in (0, 1)  # unlisted files are warned about, not refused
    out = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(EVAL / "gold.json"),
         str(tmp_path / "out" / "exercises.json")],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    summary = next(line for line in out.splitlines() if line.startswith("SUMMARY"))
    figures = dict(re.findall(r"(\w+)=([\d.]+)", summary))
    assert float(figures["recall"]) >= 0.97, out
    assert float(figures["precision"]) >= 0.97, out
    assert float(figures["mergeP"]) >= 0.98, out
    assert float(figures["mergeF1"]) >= 0.93, out
    assert figures["nonex"] == "0", out
    pairs = re.search(r"kept=(\d+)/(\d+)", summary)
    assert pairs is not None and pairs.group(1) == pairs.group(2), out  # every phrase kept


def test_real_pages_about_other_things_give_no_exercise(tmp_path: Path) -> None:
    # the 110 non-exercise web pages of the throughput benchmark (trafilatura's test pages:
    # news, shops, forums, cycling and car-seat pages among them): every rule the unseen
    # batches brought must leave them without a single exercise
    pages = CORPUS.parent / "bench" / "pages"
    if not pages.is_dir():
        pytest.skip("the benchmark pages live in ../shared/bench/pages beside the repository")
    report = build(pages, tmp_path / "out", decisions_path=tmp_path / "none.json", cache_dir=None)
    assert report.result.exit_code in (0, 1)
    dataset = json.loads((tmp_path / "out" / "exercises.json").read_text(encoding="utf-8"))
    assert len(report.result.sources) >= 100
    assert [e["name"] for e in dataset["exercises"]] == []
