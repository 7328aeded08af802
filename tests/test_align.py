"""Aligned text: every character keeps pointing at the source it came from."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from exercise_pipeline.align import Aligned, concat

texts = st.text(alphabet="ab &;\n.xyz", min_size=1, max_size=40)


@given(texts, st.integers(0, 1000), st.data())
def test_identity_slices_point_at_their_source(text: str, start: int, data: st.DataObject) -> None:
    a = Aligned.from_source(text, start)
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    assert a.slice(i, j).text == text[i:j]
    assert a.source_span(i, j) == (start + i, start + j)


@given(texts, st.data())
def test_replacements_keep_untouched_text_aligned(text: str, data: st.DataObject) -> None:
    source = "PREFIX" + text
    a = Aligned.from_source(text, 6)
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    new = data.draw(st.text(alphabet="QZ", max_size=3))
    b = a.replace([(i, j, new)])
    assert b.text == text[:i] + new + text[j:]
    # Text before the edit still maps one to one onto the source.
    for k in range(i):
        assert source[b.source_span(k, k + 1)[0]] == b.text[k]
    # Everything maps inside the original span.
    if b.text:
        lo, hi = b.span
        assert 6 <= lo <= hi <= 6 + len(text)


_EDITS = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 4), st.text("QZ", max_size=2)))


def _edited(text: str, start: int, edits: list[tuple[int, int, str]]) -> Aligned:
    """``text`` at ``start`` with the edits that do not overlap made (deletions, insertions,
    replacements), then again from its second character after a sourceless space."""
    a = Aligned.from_source(text, start)
    spans, last = [], -1
    for i, n, new in sorted(edits):
        if i > last and i + n <= len(text):
            spans.append((i, i + n, new))
            last = i + n
    return concat([a.replace(spans), a.slice(1, len(text))], " ")


@given(texts, _EDITS)
def test_source_start_is_where_the_source_ranges_begin(
    text: str, edits: list[tuple[int, int, str]]
) -> None:
    """The one-step answer equals the first source range, after deletions, insertions and
    replacements alike (runs of no text or no source are skipped by both)."""
    b = _edited(text, 7, edits)
    if b.source_ranges(0, len(b.text)):
        assert b.source_start == b.source_ranges(0, len(b.text))[0][0]


@given(texts, _EDITS, st.lists(st.integers(0, 45), max_size=12))
def test_slices_in_one_pass_are_the_slices_one_by_one(
    text: str, edits: list[tuple[int, int, str]], cuts: list[int]
) -> None:
    b = _edited(text, 3, edits)
    points = sorted(set(cuts))
    ranges = list(zip(points[::2], points[1::2], strict=False))
    assert b.slices(ranges) == [b.slice(i, j) for i, j in ranges]


@given(texts)
def test_strip_is_idempotent_and_aligned(text: str) -> None:
    a = Aligned.from_source(text, 3).strip()
    assert a.text == text.strip()
    assert a.strip() == a
    if a.text:
        start, end = a.span
        assert ("   " + text)[start:end] == a.text


def test_entity_replacement_maps_to_the_whole_entity() -> None:
    a = Aligned.from_source("Gold&#039;s Gym", 100)
    b = a.replace([(4, 10, "'")])
    assert b.text == "Gold's Gym"
    assert b.source_span(4, 5) == (104, 110)
    assert b.source_ranges(0, len(b.text)) == [(100, 115)]


def test_deleted_markup_leaves_a_gap_in_the_source_ranges() -> None:
    a = Aligned.from_source("**Bold** text", 0).delete([(0, 2), (6, 8)])
    assert a.text == "Bold text"
    assert a.source_ranges(0, len(a.text)) == [(2, 6), (8, 13)]


def test_concat_maps_a_joining_space_to_the_line_break() -> None:
    joined = concat([Aligned.from_source("Hold for", 0), Aligned.from_source("ten", 12)], " ")
    assert joined.text == "Hold for ten"
    assert joined.source_span(8, 9) == (8, 12)
    sourceless = concat(
        [Aligned.from_source("a", 0), Aligned.from_source("b", 9)], " ", sep_from_gap=False
    )
    assert sourceless.source_ranges(0, 3) == [(0, 1), (9, 10)]
