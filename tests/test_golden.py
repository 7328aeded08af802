"""Golden cases on real articles: what must be extracted, kept and gone, and the bars."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluation import ExtractionScore, score_extraction
from pipeline.runner import SourceResult

from .conftest import article, case_files, load_case, run_file


@pytest.mark.parametrize("case_path", case_files(), ids=lambda p: p.stem)
def test_golden_article(case_path: Path) -> None:
    case = load_case(case_path)
    result = run_file(article(case["article"]))
    score = score_extraction(case, result.extraction)
    assert score.problems == []
    assert result.account.ok, result.account.problems


def test_bars_over_all_articles(corpus: dict[str, SourceResult]) -> None:
    total = ExtractionScore()
    for case_path in case_files():
        case = load_case(case_path)
        source_id = Path(case["article"]).stem
        total.add(score_extraction(case, corpus[source_id].extraction))
    report = (
        f"precision {total.precision:.3f} recall {total.recall:.3f} names {total.names:.3f} "
        f"fields {total.fields:.3f} sentences lost {total.sentences_lost}/{total.sentences_checked}"
    )
    assert total.expected >= 60, report
    assert total.recall >= 0.97, report
    assert total.precision >= 0.97, report
    assert total.names >= 0.95, report
    assert total.sentences_lost == 0, report
