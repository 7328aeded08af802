"""Accounting: every character lies in exactly one mention, section or removal — on real
articles, and on generated articles built from the kinds of pieces scraped pages contain."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise_pipeline.accounting import account
from exercise_pipeline.models import Extraction, Format
from exercise_pipeline.runner import SourceResult

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


def reference_account(extraction: Extraction) -> tuple[int, int, dict[str, int], int]:
    """Character by character, the plain way: (in mentions, in sections, dropped by reason,
    unaccounted) for a source without accounting problems."""
    text = extraction.cleaned.document.text
    labels: list[str | None] = [None] * len(text)
    for r in extraction.cleaned.removals:
        for k in range(*r.span):
            labels[k] = "removed:" + r.reason
    owner = {b: "mention" for m in extraction.mentions for b in m.blocks}
    owner |= {b: "section" for s in extraction.sections for b in s.blocks}
    for block in extraction.cleaned.blocks:
        for k in range(*block.span):
            if labels[k] is None:
                labels[k] = owner[block.index]
    previous, lost = "section", 0
    for k, ch in enumerate(text):
        label = labels[k]
        if label is None:
            if ch.isspace():
                labels[k] = previous
            else:
                lost += 1
        elif not label.startswith("removed:"):
            previous = label
    counts = Counter(labels)
    dropped = {k[8:]: v for k, v in counts.items() if k and k.startswith("removed:")}
    return counts["mention"], counts["section"], dropped, lost


def _compare(extraction: Extraction) -> None:
    acc = account(extraction)
    mention, section, dropped, lost = reference_account(extraction)
    assert (acc.mention, acc.section, acc.dropped) == (mention, section, dropped)
    assert acc.ok == (lost == 0)


def test_span_accounting_equals_the_character_reference_on_real_articles(
    corpus: dict[str, SourceResult],
) -> None:
    for result in corpus.values():
        _compare(result.extraction)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles(), st.sampled_from([Format.TEXT, Format.MARKDOWN, Format.HTML]))
def test_span_accounting_equals_the_character_reference_on_generated_articles(
    text: str, fmt: Format
) -> None:
    _compare(extracted(text, fmt))


@settings(max_examples=60, deadline=None)
@given(articles(), st.data())
def test_text_in_no_block_or_removal_is_unaccounted_as_in_the_reference(
    text: str, data: st.DataObject
) -> None:
    """Drop some removals so that characters are left over: both count them alike."""
    extraction = extracted(text, Format.MARKDOWN)
    removals = extraction.cleaned.removals
    keep = data.draw(st.lists(st.booleans(), min_size=len(removals), max_size=len(removals)))
    kept = tuple(r for r, k in zip(removals, keep, strict=True) if k)
    _compare(replace(extraction, cleaned=replace(extraction.cleaned, removals=kept)))
