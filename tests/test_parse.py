"""Parse stage: blocks with exact spans, for plain text, Markdown and HTML."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from exercise_pipeline.models import BlockKind, Document, Format, Parsed, SourceMeta
from exercise_pipeline.parse import parse
from exercise_pipeline.sources import RawFile, SourcesSettings, decode

from .conftest import CORPUS, RAW


def doc_of(text: str, fmt: Format, name: str = "t") -> Document:
    return Document(
        source_id=name, file=f"{name}.x", format=fmt, text=text, sha256="0" * 64,
        encoding="utf-8", encoding_reason="test", format_reason="test",
        meta=SourceMeta(source_id=name, file=f"{name}.x"),
    )  # fmt: skip


def parsed_file(path: Path) -> Parsed:
    return parse(decode(RawFile(path.name, path.read_bytes(), None), SourcesSettings()))


def assert_spans_exact(parsed: Parsed) -> None:
    """Every block's text maps back to the very characters it came from."""
    text = parsed.document.text
    for block in parsed.blocks:
        start, end = block.span
        assert 0 <= start < end <= len(text)
        for a, b in block.content.source_ranges(0, len(block.text)):
            assert start <= a <= b <= end, block
        # One-to-one runs reproduce the source, but for line breaks read as spaces.
        for k, (at, s, e) in enumerate(block.content.runs):
            nxt = (
                block.content.runs[k + 1][0] if k + 1 < len(block.content.runs) else len(block.text)
            )
            if e - s == nxt - at:
                pairs = zip(text[s:e], block.text[at:nxt], strict=True)
                assert all(x == y or (x.isspace() and y.isspace()) for x, y in pairs), block
    spans = [b.span for b in parsed.blocks]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "blocks overlap"
    for r in parsed.removals:
        assert text[r.span[0] : r.span[1]] == r.text


def all_articles() -> list[Path]:
    paths = sorted(RAW.glob("*.txt"))
    if (CORPUS / "dev").exists():
        paths += sorted((CORPUS / "dev").iterdir())
    return paths


@pytest.mark.parametrize("path", all_articles(), ids=lambda p: p.name)
def test_spans_are_exact_on_every_real_article(path: Path) -> None:
    assert_spans_exact(parsed_file(path))


def test_text_headings_lists_steps_and_ellipsis_continuations() -> None:
    text = (
        "6 Exercises for Back Pain\n\n1. Knee to Chest\n\nLie on your back.\n\n"
        "âStep 1: Lie down.\n\nâStep 3: Hold.\n\n"
        "• Wall Squats: Stand with back flat against a wall. Hold for five ...\n"
        "... to ten seconds.\n• Heel Slides: Lie flat.\n"
    )
    blocks = parse(doc_of(text, Format.TEXT)).blocks
    kinds = [(b.kind, b.text) for b in blocks]
    assert kinds[0] == (BlockKind.HEADING, "6 Exercises for Back Pain")
    assert kinds[1] == (BlockKind.HEADING, "Knee to Chest")
    assert blocks[1].number == 1
    assert kinds[2] == (BlockKind.PARAGRAPH, "Lie on your back.")
    assert [b.number for b in blocks if b.kind is BlockKind.STEP] == [1, 3]
    wall = next(b for b in blocks if b.text.startswith("Wall Squats"))
    assert wall.kind is BlockKind.LIST_ITEM
    assert wall.text.endswith("for five ... ... to ten seconds.")


def test_hard_wrapped_prose_is_joined_and_a_lone_name_line_is_a_heading() -> None:
    text = (
        "Here are some stretches you can do at home. Each one takes only a few\n"
        "minutes and can be done on the floor next to your bed every morning.\n"
        "Knee to Chest\n"
        "Lie on your back with your knees bent and your feet flat on the floor.\n"
        "Pull one knee towards your chest and hold it there for twenty seconds.\n"
    )
    blocks = parse(doc_of(text, Format.TEXT)).blocks
    assert [b.kind for b in blocks] == [BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.PARAGRAPH]
    assert blocks[0].text.endswith("every morning.")
    assert blocks[1].text == "Knee to Chest"
    assert blocks[2].text.startswith("Lie on your back") and blocks[2].text.endswith("seconds.")


def test_markdown_structures_and_markup_removals() -> None:
    text = (
        "---\ntitle: Back care\n---\n\n# Routine\n\n![photo](http://x/y.jpg)\n\n**Wiper**\n\n"
        "Lie on your back. See [the guide](http://x) for more.\n\n"
        "1. Bring both knees up;\n   keep them together\n\n   Keep breathing.\n"
        "2. Lower them to one side.\n\n| Hold | Reps |\n|---|---|\n| 30 s | 10 |\n"
    )
    parsed = parse(doc_of(text, Format.MARKDOWN))
    assert_spans_exact(parsed)
    kinds = [(b.kind, b.text) for b in parsed.blocks]
    assert (BlockKind.HEADING, "Routine") in kinds
    assert (BlockKind.HEADING, "Wiper") in kinds
    assert (BlockKind.PARAGRAPH, "Lie on your back. See the guide for more.") in kinds
    items = [b for b in parsed.blocks if b.kind is BlockKind.LIST_ITEM]
    assert [(b.number, b.text) for b in items] == [
        (1, "Bring both knees up; keep them together"),
        (2, "Lower them to one side."),
    ]
    assert (BlockKind.PARAGRAPH, "Keep breathing.") in kinds
    assert [b.text for b in parsed.blocks if b.kind is BlockKind.TABLE_ROW] == [
        "Hold | Reps",
        "30 s | 10",
    ]
    rules = {r.rule for r in parsed.removals}
    assert {"front-matter", "md-image", "md-link", "md-emphasis", "md-table-rule"} <= rules
    assert all(r.reason == "markup" for r in parsed.removals)


def test_markdown_dev_article_blocks() -> None:
    path = CORPUS / "dev" / "001_drtimfoo-lumbar-routine.md"
    if not path.exists():
        pytest.skip("dev corpus not found")
    parsed = parsed_file(path)
    headings = [b.text for b in parsed.blocks if b.kind is BlockKind.HEADING]
    assert headings[:3] == ["Wiper", "Knee To Chest", "Lumbar Twist"]
    assert "Resources" in headings
    assert not any("squarespace" in b.text or "**" in b.text for b in parsed.blocks)


def test_html_dev_article_keeps_the_body_and_drops_the_page() -> None:
    path = CORPUS / "dev" / "011_goldsgym-beginner-strength-workout.html"
    if not path.exists():
        pytest.skip("dev corpus not found")
    parsed = parsed_file(path)
    texts = [b.text for b in parsed.blocks]
    h3 = [b.text for b in parsed.blocks if b.kind is BlockKind.HEADING and b.level == 3]
    assert h3[:3] == ["Warm-up", "Squats", "Push-ups"]
    assert any(t.startswith("Instructions: Stand with feet shoulder-width apart.") for t in texts)
    joined = "\n".join(texts)
    for furniture in (
        "Find a Gym",
        "Share this post",
        "ALL RIGHTS RESERVED",
        "NREUM",
        "Explore Our Latest News",
    ):
        assert furniture not in joined
    reasons = {r.reason for r in parsed.removals}
    assert {"markup", "navigation", "page_furniture"} <= reasons
    assert any(r.rule == "html-nav" for r in parsed.removals)


def test_html_lists_tables_and_entities() -> None:
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><article><h2>Dead Bug</h2>"
        "<p>Lie on your back &amp; lift your <b>arms</b>.</p><ol start='3'><li>Exhale</li>"
        "<li><p>Lower one leg</p><p>Keep the back flat</p></li></ol>"
        "<table><tr><th>Hold</th><td>5&#8211;10 s</td></tr></table></article>"
        "<footer>© Gym</footer></body></html>"
    )
    parsed = parse(doc_of(html, Format.HTML))
    assert_spans_exact(parsed)
    got = [(b.kind, b.text, b.number) for b in parsed.blocks]
    assert got == [
        (BlockKind.HEADING, "Dead Bug", None),
        (BlockKind.PARAGRAPH, "Lie on your back & lift your arms.", None),
        (BlockKind.LIST_ITEM, "Exhale", 3),
        (BlockKind.LIST_ITEM, "Lower one leg", 4),
        (BlockKind.PARAGRAPH, "Keep the back flat", None),
        (BlockKind.TABLE_ROW, "Hold | 5–10 s", None),  # cells between " | ", as in Markdown
    ]
    amp = parsed.blocks[1]
    k = amp.text.index("&")
    assert parsed.document.text[slice(*amp.content.source_span(k, k + 1))] == "&amp;"
    by_reason = {r.reason for r in parsed.removals}
    assert {"navigation", "page_furniture", "markup"} <= by_reason


def test_markdown_block_structure_is_commonmark() -> None:
    text = (
        "---\n\nIntro line.\n\n    indented code\n\n"
        "> **Tip:** keep your back flat\nand breathe.\n\n"
        "- Outer item\n  - Inner item\n\n    Under the inner item.\n\n"
        "[guide]: http://example.com/guide\n\n"
        "See the [guide][guide].\n\n"
        '<div class="note">\nHold for *ten* seconds.\n</div>\n\n'
        "Stand tall.\n2. Then sit: an ordered list interrupts a paragraph only at 1.\n\n"
        "• Ear toward shoulder\n• Hold 20 seconds\n"
    )
    parsed = parse(doc_of(text, Format.MARKDOWN))
    assert_spans_exact(parsed)
    blocks = [(b.kind, b.text, b.level) for b in parsed.blocks]
    assert blocks == [
        (BlockKind.PARAGRAPH, "Intro line.", 0),  # an unclosed "---" is a thematic break
        (BlockKind.PARAGRAPH, "Tip: keep your back flat and breathe.", 0),  # lazy continuation
        (BlockKind.LIST_ITEM, "Outer item", 1),
        (BlockKind.LIST_ITEM, "Inner item", 2),
        (BlockKind.PARAGRAPH, "Under the inner item.", 3),
        (BlockKind.PARAGRAPH, "See the guide.", 0),
        (BlockKind.PARAGRAPH, "Hold for ten seconds.", 0),  # an HTML block's text
        (BlockKind.PARAGRAPH, "Stand tall.", 0),
        (BlockKind.PARAGRAPH, "2. Then sit: an ordered list interrupts a paragraph only at 1.", 0),
        (BlockKind.LIST_ITEM, "Ear toward shoulder", 1),
        (BlockKind.LIST_ITEM, "Hold 20 seconds", 1),
    ]
    removed = {r.text: r.rule for r in parsed.removals}
    assert removed["---"] == "md-thematic-break"
    assert removed[">"] == "md-blockquote-marker"
    assert removed["indented code"] == "md-code-block"
    assert removed["[guide]: http://example.com/guide"] == "md-link-reference"
    markers = [b.marker for b in parsed.blocks if b.kind is BlockKind.LIST_ITEM]
    assert markers == ["-", "-", "•", "•"]


@pytest.mark.parametrize(
    ("text", "blocks"),
    [
        ("> \xa0\n> Stand tall.", [(BlockKind.PARAGRAPH, "Stand tall.")]),
        ("> Stand tall.\n> \xa0", [(BlockKind.PARAGRAPH, "Stand tall.")]),
        ("\xa0\nBridge\n===", [(BlockKind.HEADING, "Bridge")]),
        ("1. \xa0\n   Stand up.", [(BlockKind.LIST_ITEM, "Stand up.")]),
        ("\u3000\nStand tall\nand breathe.", [(BlockKind.PARAGRAPH, "Stand tall and breathe.")]),
        ("# Squats\n\n- #\n\nStand up.", [(BlockKind.HEADING, "Squats"),
                                        (BlockKind.PARAGRAPH, "Stand up.")]),
        ("# #\n\n## Bridge ##", [(BlockKind.HEADING, "Bridge")]),
        ("- | Hold | Reps |\n  |---|---|", [(BlockKind.TABLE_ROW, "Hold | Reps")]),
        ("| 5 \\| 10 reps |\n|---|", [(BlockKind.TABLE_ROW, "5 | 10 reps")]),
        ("Do 3 sets of\n2. reps\x00", [(BlockKind.PARAGRAPH, "Do 3 sets of"),
                                     (BlockKind.PARAGRAPH, "2. reps\x00")]),
    ],
)  # fmt: skip
def test_markdown_edge_lines_keep_their_text_and_spans(
    text: str, blocks: list[tuple[BlockKind, str]]
) -> None:
    """Unicode white space at a paragraph's edge (markdown-it-py strips it from the content),
    empty headings, tables that start an item, escaped pipes and NULs."""
    parsed = parse(doc_of(text, Format.MARKDOWN))
    assert_spans_exact(parsed)
    assert [(b.kind, b.text) for b in parsed.blocks] == blocks
    spans = sorted(r.span for r in parsed.removals)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "removals overlap"


def test_pipe_rows_without_a_delimiter_row_are_table_rows() -> None:
    md = (
        "### Day 1\n\n| Psoas Hold | 2 - 4 reps, each side | 30 - 60 seconds |\n"
        "| Butterfly | | 5 mins |\n\nA line with a | bar is prose.\n"
    )
    result = parse(doc_of(md, Format.MARKDOWN))
    rows = [(b.kind, b.text) for b in result.blocks]
    assert rows == [
        (BlockKind.HEADING, "Day 1"),
        (BlockKind.TABLE_ROW, "Psoas Hold | 2 - 4 reps, each side | 30 - 60 seconds"),
        (BlockKind.TABLE_ROW, "Butterfly | 5 mins"),  # an empty cell, as in a GFM table
        (BlockKind.PARAGRAPH, "A line with a | bar is prose."),
    ]
    assert_spans_exact(result)


def test_heading_attributes_are_markup_not_title() -> None:
    # Pandoc's and kramdown's "{#id}" / "{.class key=value}" after an ATX heading's text
    md = (
        "## Summary {#summary}\n\nText.\n\n### Tips ## {.aside lang=en}\n\n- a\n\n"
        "## Sets {of} three\n"
    )
    result = parse(doc_of(md, Format.MARKDOWN))
    assert [(b.kind, b.text) for b in result.blocks] == [
        (BlockKind.HEADING, "Summary"),
        (BlockKind.PARAGRAPH, "Text."),
        (BlockKind.HEADING, "Tips"),
        (BlockKind.LIST_ITEM, "a"),
        (BlockKind.HEADING, "Sets {of} three"),  # braces that hold no attributes stay
    ]
    removed = [r.text for r in result.removals if r.rule == "md-heading-attributes"]
    assert removed == [" {#summary}", " {.aside lang=en}"]
    assert_spans_exact(result)


def test_a_header_that_holds_the_article_is_kept_and_a_banner_header_is_not() -> None:
    poses = "".join(
        f"<h1>{n}. {name}</h1><div><p>Sit on the mat and {cue}. Breathe slowly and hold the "
        "pose for five breaths before you release it.</p></div>"
        for n, (name, cue) in enumerate(
            (("Padmasana", "cross your legs"), ("Nagasana", "lift your chest")), 1
        )
    )
    html = (
        "<html><body><nav><a href='/'>Home</a></nav><header>" + poses + "</header>"
        "<footer>© Studio</footer></body></html>"
    )
    parsed = parse(doc_of(html, Format.HTML))
    assert_spans_exact(parsed)
    assert [b.text for b in parsed.blocks if b.kind is BlockKind.HEADING] == [
        "1. Padmasana",
        "2. Nagasana",
    ]
    banner = (
        "<html><body><header><p>Studio News</p></header><main><h2>Cobra</h2><p>Lie face down "
        "and press your chest up. Hold for ten seconds and lower slowly.</p></main></body></html>"
    )
    texts = [b.text for b in parse(doc_of(banner, Format.HTML)).blocks]
    assert "Studio News" not in texts and texts[0] == "Cobra"


def test_heading_attributes_take_the_unnumbered_mark_and_never_backtrack() -> None:
    blocks = parse(doc_of("## Cat-Cow Stretch {-}\n\nText.\n", Format.MARKDOWN)).blocks
    assert blocks[0].text == "Cat-Cow Stretch"
    # no closing brace, so no attributes: the pattern must not try every split of the 40
    # pairs (it took 13 s at 25 pairs, doubling with each)
    heading = "## Plank {" + ' k="v"' * 40 + " !\n"
    blocks = parse(doc_of(heading, Format.MARKDOWN)).blocks
    assert blocks[0].text.startswith("Plank {")


def test_html_white_space_between_inline_elements_is_a_space() -> None:
    html = (
        "<html><body><main><h2>Routine</h2>"
        '<div class="ex"><span class="name">Split Squat</span>\n      '
        '<span class="spec">8-10 reps / side</span></div>'
        "<p><b>Calf</b><i>Raise</i> stays one word: no space between them</p>"
        "</main></body></html>"
    )
    parsed = parse(doc_of(html, Format.HTML))
    assert_spans_exact(parsed)
    texts = [b.text for b in parsed.blocks]
    assert "Split Squat 8-10 reps / side" in texts
    assert "CalfRaise stays one word: no space between them" in texts
