"""Golden cases on real articles: what must be extracted, kept and gone, and the bars."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise_pipeline.evaluation import ExtractionScore, score_extraction
from exercise_pipeline.runner import SourceResult

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


def _markdown_to_html(text: str) -> str:
    import markdown

    return "<html><body>" + markdown.markdown(text, extensions=["tables"]) + "</body></html>"


@pytest.mark.parametrize(
    "name", ["001_drtimfoo-lumbar-routine.md", "004_vpa-ab-exercises-back-pain.md"]
)
def test_markdown_and_its_html_rendering_give_the_same_mentions(name: str) -> None:
    from exercise_pipeline.runner import Settings, process
    from exercise_pipeline.sources import RawFile, SourcesSettings, decode

    path = article(f"dev/{name}")
    text = path.read_text(encoding="utf-8")
    html = _markdown_to_html(text)
    as_md = process(decode(RawFile(name, text.encode(), None), SourcesSettings()), Settings())
    as_html = process(
        decode(RawFile(name.replace(".md", ".html"), html.encode(), None), SourcesSettings()),
        Settings(),
    )
    assert as_html.document.format.value == "html"

    def view(result: SourceResult) -> list[tuple[object, ...]]:
        return [
            (m.name, m.steps, m.description, m.tips, m.fields, m.flags)
            for m in result.extraction.mentions
        ]

    assert len(as_md.extraction.mentions) >= 5
    assert view(as_md) == view(as_html)
