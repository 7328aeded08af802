"""Shared fixtures: the real articles (seeds in raw/, dev corpus in ../shared/corpus/dev)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exercise_pipeline.merge import MergeResult, merge
from exercise_pipeline.runner import Settings, SourceResult, process
from exercise_pipeline.sources import RawFile, SourcesSettings, decode

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
CORPUS = ROOT.parent / "shared" / "corpus"
CASES = ROOT / "tests" / "cases"


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """A scratch copy of raw/ (the seed articles and their manifest) to add to and build."""
    return Path(shutil.copytree(RAW, tmp_path / "raw"))


def case_files() -> list[Path]:
    """The golden cases of real articles (other case files hold clusters, repairs, spam)."""
    return sorted(p for p in CASES.glob("*.json") if "article" in load_case(p))


def load_case(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def article(relative: str) -> Path:
    """A golden case's article: seeds from raw/ (the corpus, byte for byte), dev from ../shared."""
    if relative.startswith("seeds/"):
        return RAW / relative.removeprefix("seeds/")
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"{path} not found: the dev corpus lives in ../shared/corpus beside the repo")
    return path


def run_file(path: Path) -> SourceResult:
    raw = RawFile(path.name, path.read_bytes(), None)
    return process(decode(raw, SourcesSettings()), Settings())


@pytest.fixture(scope="session")
def corpus() -> dict[str, SourceResult]:
    """Every golden-case article processed once: source id -> result."""
    results = {}
    for case in case_files():
        result = run_file(article(load_case(case)["article"]))
        results[result.document.source_id] = result
    return results


@pytest.fixture(scope="session")
def merged(corpus: dict[str, SourceResult]) -> MergeResult:
    mentions = [m for r in corpus.values() for m in r.extraction.mentions]
    return merge(mentions)


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, driven by Playwright (skipped where it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield b
        b.close()
