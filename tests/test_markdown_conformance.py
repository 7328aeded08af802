"""Markdown held to CommonMark: the pipeline's blocks against markdown-it-py's block structure.

For every Markdown article of raw/ and ../shared/corpus/dev, and every block-structure example of
the CommonMark spec and of the GFM tables extension, the leaf blocks markdown-it-py finds (with
the front-matter plugin, a closed front matter only) are the reference, by kind and line range.
The pipeline must agree with each one:

- a heading is one HEADING, a table row one TABLE_ROW on its line, a list item's first paragraph
  one LIST_ITEM over its lines;
- a paragraph (or an HTML block) may be refined by the scrape rules, never crossed: its blocks
  (paragraphs, bold-line or title-line headings, "•" and "**A.**" items) split its lines in order;
- code, thematic breaks and front matter are removed markup, not blocks;
- nothing else: no block outside a reference block, no character outside a block or a removal.

The spec examples come from markdown-it-py's source distribution (``tests/fetch_specs.py``,
run by ``make test``).
"""

from __future__ import annotations

import bisect
import itertools
import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file
from mdit_py_plugins.front_matter import front_matter_plugin

from exercise_pipeline.models import BlockKind, Document, Format, Parsed
from exercise_pipeline.parse import parse
from exercise_pipeline.parse.lines import split_lines
from exercise_pipeline.sources import RawFile, SourcesSettings, decode

from .conftest import CORPUS, RAW, ROOT
from .test_parse import assert_spans_exact, doc_of

SPECS = Path(os.environ.get("PIPELINE_SPECS", ROOT / ".venv" / "share" / "specs"))
BLOCK_SECTIONS = {
    "Tabs", "Precedence", "Thematic breaks", "ATX headings", "Setext headings",
    "Indented code blocks", "Fenced code blocks", "HTML blocks", "Link reference definitions",
    "Paragraphs", "Blank lines", "Block quotes", "List items", "Lists",
}  # fmt: skip
CONTAINERS = {"blockquote_open", "bullet_list_open", "ordered_list_open", "thead_open",
              "tbody_open"}  # fmt: skip
MARKUP = {"fence", "code_block", "hr", "front_matter"}
# What each reference kind may become in the pipeline.
ALLOWED = {
    "heading": {BlockKind.HEADING},
    "item": {BlockKind.LIST_ITEM},
    "row": {BlockKind.TABLE_ROW},
    # the scrape rules refine paragraphs: bold lines are headings, "•" lines items, and
    # lines of pipe-separated cells without a delimiter row are table rows
    "paragraph": {BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM, BlockKind.TABLE_ROW},
    "html": {BlockKind.PARAGRAPH},
    "markup": set(),
}


@dataclass(frozen=True)
class Leaf:
    kind: str
    start: int  # first line
    end: int  # one past the last line


def reference(text: str) -> list[Leaf]:
    """markdown-it-py's leaf blocks of a text, by kind and line range."""
    src = "\n".join(line.text for line in split_lines(text))
    tokens = MarkdownIt("commonmark").enable("table").use(front_matter_plugin).parse(src)
    if tokens and tokens[0].type == "front_matter":
        lines = src.split("\n")  # as split_lines split them: CR and LF only
        assert tokens[0].map is not None
        if lines[tokens[0].map[1] - 1].strip() != "---" or tokens[0].map[1] == 1:
            tokens = MarkdownIt("commonmark").enable("table").parse(src)
    leaves: list[Leaf] = []
    items: list[list[int]] = []  # [line of the marker, leaves seen]
    for tok in tokens:
        if tok.type == "list_item_open":
            assert tok.map is not None
            items.append([tok.map[0], 0])
        elif tok.type == "list_item_close":
            items.pop()
        elif tok.map is None or tok.type in CONTAINERS:
            continue
        else:
            first = items and items[-1][1] == 0 and items[-1][0] == tok.map[0]
            if items:
                items[-1][1] += 1
            start, end = tok.map
            if tok.type == "paragraph_open":
                leaves.append(Leaf("item" if first else "paragraph", start, end))
            elif tok.type == "heading_open":
                leaves.append(Leaf("heading", start, end))
            elif tok.type == "table_open":
                leaves.append(Leaf("row", start, start + 1))
                leaves.append(Leaf("markup", start + 1, start + 2))
            elif tok.type == "tr_open" and tok.map[0] != leaves[-2].start:
                leaves.append(Leaf("row", start, end))
            elif tok.type == "html_block":
                leaves.append(Leaf("html", start, end))
            elif tok.type in MARKUP:
                leaves.append(Leaf("markup", start, end))
    return leaves


def disagreements(parsed: Parsed) -> list[str]:
    """Where the pipeline's blocks differ from markdown-it-py's, in words (empty: agreement)."""
    text = parsed.document.text
    starts = [0]
    for k, ch in enumerate(text):
        if ch == "\n" or (ch == "\r" and text[k + 1 : k + 2] != "\n"):
            starts.append(k + 1)

    def line_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos) - 1

    leaves = reference(text)
    problems: list[str] = []
    owned: dict[int, list[tuple[int, int, BlockKind]]] = {}
    for block in parsed.blocks:
        first, last = line_of(block.span[0]), line_of(block.span[1] - 1)
        home = [k for k, leaf in enumerate(leaves) if leaf.start <= first and last < leaf.end]
        if len(home) != 1:
            problems.append(f"{block.kind.value} {block.text[:40]!r} (lines {first}-{last}) "
                            "is in no CommonMark block")  # fmt: skip
            continue
        leaf = leaves[home[0]]
        if block.kind not in ALLOWED[leaf.kind]:
            problems.append(f"{block.kind.value} {block.text[:40]!r} in a CommonMark {leaf.kind}")
        owned.setdefault(home[0], []).append((first, last, block.kind))
    for k, leaf in enumerate(leaves):
        mine = owned.get(k, [])
        if leaf.kind in ("heading", "item", "row") and len(mine) > 1:
            problems.append(f"CommonMark {leaf.kind} at line {leaf.start} is {len(mine)} blocks")
        elif leaf.kind in ("item", "row") and mine and mine[0][:2] != (leaf.start, leaf.end - 1):
            problems.append(f"CommonMark {leaf.kind} at lines {leaf.start}-{leaf.end - 1} is "
                            f"a block at lines {mine[0][0]}-{mine[0][1]}")  # fmt: skip
        elif leaf.kind == "heading" and mine and mine[0][0] != leaf.start:
            problems.append(f"CommonMark heading at line {leaf.start} starts at {mine[0][0]}")
        for (_, a_last, _), (b_first, _, _) in itertools.pairwise(mine):
            if b_first <= a_last:
                problems.append(f"blocks share line {b_first} of one CommonMark {leaf.kind}")
    covered = [False] * len(text)
    for span in [b.span for b in parsed.blocks] + [r.span for r in parsed.removals]:
        for pos in range(*span):
            covered[pos] = True
    lost = [pos for pos, ch in enumerate(text) if not covered[pos] and not ch.isspace()]
    if lost:
        problems.append(f"{len(lost)} character(s) in no block or removal, first at {lost[0]}")
    return problems


def markdown_articles() -> list[Path]:
    """The real articles that read as Markdown (the seeds in raw/ are plain text today)."""
    paths = sorted(RAW.glob("*.*")) + sorted((CORPUS / "dev").glob("*"))
    return [p for p in paths if p.suffix != ".json" and _read(p).format is Format.MARKDOWN]


def _read(path: Path) -> Document:
    return decode(RawFile(path.name, path.read_bytes(), None), SourcesSettings())


def spec_examples() -> list[tuple[str, str]]:
    if not (SPECS / "commonmark.json").exists():
        return [("missing", "")]
    examples = json.loads((SPECS / "commonmark.json").read_text(encoding="utf-8"))
    cases = [
        (f"commonmark-{e['example']}-{e['section']}", e["markdown"])
        for e in examples
        if e["section"] in BLOCK_SECTIONS
    ]
    for line, title, markdown, _ in read_fixture_file(SPECS / "gfm-tables.md"):
        cases.append((f"gfm-tables-line-{line}-{title}", markdown))
    return cases


@pytest.mark.parametrize("path", markdown_articles(), ids=lambda p: p.name)
def test_real_markdown_articles_agree_with_commonmark(path: Path) -> None:
    parsed = parse(_read(path))
    assert disagreements(parsed) == []
    assert_spans_exact(parsed)


SPEC_EXAMPLES = spec_examples()


@pytest.mark.parametrize(("name", "markdown"), SPEC_EXAMPLES, ids=[n for n, _ in SPEC_EXAMPLES])
def test_spec_examples_agree_with_commonmark(name: str, markdown: str) -> None:
    assert name != "missing", f"no spec examples in {SPECS}: run `make test` (tests/fetch_specs.py)"
    parsed = parse(doc_of(markdown, Format.MARKDOWN))
    assert disagreements(parsed) == []
    assert_spans_exact(parsed)


def test_the_comparison_sees_a_disagreement() -> None:
    """A block that crosses two CommonMark blocks, or a heading split in two, is reported."""
    text = "# Title\n\nOne line.\nAnother line.\n"
    parsed = parse(doc_of(text, Format.MARKDOWN))
    assert disagreements(parsed) == []
    one, two = parsed.blocks[1], parsed.blocks[2]
    merged = Parsed(parsed.document, (replace(one, span=(0, two.span[1])),), parsed.removals)
    assert any("in no CommonMark block" in p for p in disagreements(merged))
    split = Parsed(parsed.document, (parsed.blocks[0], parsed.blocks[0]), parsed.removals)
    assert any("is 2 blocks" in p for p in disagreements(split))
    assert any("no block or removal" in p for p in disagreements(split))


MARKDOWN_PIECES = [
    "# ", "## ", "> ", "- ", "* ", "1. ", "2) ", "    ", "  ", "\t", "```", "~~~", "---", "***",
    "===", "| a | b |", "|---|---|", "<div>", "</div>", "<!-- c -->", "[r]: http://x", "[r]",
    "**Bold**", "**Hold:** 20 s", "• ", "+++", "Lie on your back.", "knee", "![i](http://x)",
    "\n", "\n", "\n\n", "\r\n", "\xa0", "\u3000", "\x0c", "\u2028", "\x85", "\\|", "\x00",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=30).map("".join))
@example("- ===\n\xa0")  # an item's last line of Unicode white space is still the item's
@example("- knee\n\u3000")
def test_any_markdown_agrees_with_commonmark_and_keeps_exact_spans(markdown: str) -> None:
    parsed = parse(doc_of(markdown, Format.MARKDOWN))
    assert disagreements(parsed) == []
    assert_spans_exact(parsed)
