"""A pytest plugin that writes ``tests/cases/shapes.json``: the role model's shape articles.

    make shapes     # .venv/bin/pytest -p tests.capture_shapes tests/test_extract.py ...

Every article that the extraction tests (``test_extract``, ``test_generalisation``,
``test_shapes``) extract is recorded with the mentions and references the rules give it,
by span; only the articles of tests that pass are kept, so their labels are what the tests
accept. A test marked ``@pytest.mark.exercises("Name", ...)`` states its article's exercises
instead: its article is kept with the rules' mentions of those names only, pass or fail, so
that a shape the rules get wrong can teach the model (the test then checks that it learned).
The training (``exercise_pipeline.extract.train``) reads the file; tests never read it.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

OUT = Path(__file__).resolve().parent / "cases" / "shapes.json"
ABOUT = (
    "Small articles written for one shape each (the extraction tests of tests/test_extract.py, "
    "tests/test_generalisation.py and tests/test_shapes.py), with the mentions and references "
    "their tests accept, by span into the article: training data for the role model beside the "
    "labelled real articles. Written by `make shapes` (tests/capture_shapes.py)."
)
_records: dict[str, list[dict[str, Any]]] = {}
_passed: set[str] = set()
_current: dict[str, str] = {}
_stated: dict[str, frozenset[str]] = {}  # the exercises a test's marker states


def pytest_configure(config: pytest.Config) -> None:
    from exercise_pipeline.extract import ExtractSettings

    from . import test_extract

    original = test_extract.extract

    def recording(cleaned: Any, settings: Any = None, **kw: Any) -> Any:
        result = original(cleaned, settings=ExtractSettings(roles="rules"))
        stated = _stated.get(_current.get("id", ""))
        mentions = [m for m in result.mentions if stated is None or m.name in stated]
        _records.setdefault(_current.get("id", ""), []).append(
            {
                "format": cleaned.document.format.value,
                "article": cleaned.document.text,
                "mentions": [{"name": m.name, "span": list(m.span)} for m in mentions],
                "references": [list(s.span) for s in result.sections if s.kind == "reference"],
            }
        )
        if settings is not None and settings.roles == "rules":
            return result
        return original(cleaned, settings=settings, **kw)

    test_extract.extract = recording  # type: ignore[assignment]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    _current["id"] = item.nodeid
    marker = item.get_closest_marker("exercises")
    if marker is not None:
        _stated[item.nodeid] = frozenset(marker.args)
    yield


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed:
        _passed.add(report.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    cases: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for nodeid in sorted(_records):
        if nodeid not in _passed and nodeid not in _stated:
            continue
        runs = _records[nodeid]
        for k, record in enumerate(runs):
            key = (record["format"], record["article"])
            if key in seen:
                continue
            seen.add(key)
            label = nodeid.split("::")[1] + (f" #{k + 1}" if len(runs) > 1 else "")
            cases.append({"label": label, **record})
    OUT.write_text(
        json.dumps({"about": ABOUT, "cases": cases}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
