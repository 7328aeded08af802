"""Accounting: every character lies in exactly one mention, section or removal — on real
articles, and on generated articles built from the kinds of pieces scraped pages contain."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.accounting import account
from pipeline.models import Format
from pipeline.runner import SourceResult

from .test_extract import extracted

PIECES = [
    "Knee to Chest", "1. Cat-Cow", "## Bridge", "**Dead Bug**",
    "• Wall Squats: Stand with your back to a wall.",
    "Lie on your back with your knees bent.", "Hold for 5 to 10 seconds.", "Repeat ten times.",
    "âStep 1: Lie down.", "Step 3: Relax.", "Pain O Soma also helps relieve stress.",
    "Read Also: Ten Tips For Back Pain", "Leave a Reply", "Author: Jane Doe", "Health Articles",
    "![img](http://x/y.png)", "[a link](http://x)", "<iframe src='x'></iframe>", "Letâs go.",
    "What are the causes of back pain?", "10 Exercises to Relieve Back Pain",
    "Hold this for five ...",
    "... to ten seconds.", "| Exercise | Reps |", "|---|---|", "| Bridge | 10 |", "---",
    "Tuesday, July 9, 2024", "HomeExclusiveBack", "Learn More", "  - nested item", "> quoted tip",
    "Call us: (555) 123-4567", "Sitting on Ball: Sit on a ball. Raise an arm.",
]  # fmt: skip
SEPARATORS = ["\n", "\n\n", "\n   ", "\r\n", " "]


@st.composite
def articles(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(parts), max_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.sampled_from([Format.TEXT, Format.MARKDOWN]))
def test_generated_articles_are_fully_accounted_for(text: str, fmt: Format) -> None:
    result = extracted(text, fmt)
    acc = account(result)
    assert acc.ok, acc.problems
    assert acc.kept + sum(acc.dropped.values()) == len(text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_generated_html_is_fully_accounted_for(text: str) -> None:
    body = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    nav, foot = "<nav><a href='/'>Home</a></nav>", "<footer>© x</footer>"
    html = f"<html><body>{nav}<main>{body}</main>{foot}</body></html>"
    acc = account(extracted(html, Format.HTML))
    assert acc.ok, acc.problems


def test_real_articles_are_fully_accounted_for(corpus: dict[str, SourceResult]) -> None:
    for source_id, result in corpus.items():
        assert result.account.ok, (source_id, result.account.problems)
        assert result.account.kept + sum(result.account.dropped.values()) == result.account.total
