"""The page tree read from libxml2 (parse.tree) against beautifulsoup4 over the same parser, the
reference it replaced: the same elements and text nodes, in the same order, of the same kinds."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import (
    Doctype,
    PreformattedString,
    RubyParenthesisString,
    RubyTextString,
    Script,
    Stylesheet,
    TemplateString,
)

from exercise_pipeline.models import Block, BlockKind
from exercise_pipeline.parse.html import BLOCK_TAGS, parse_html
from exercise_pipeline.parse.tree import COMMENT, RUBY, SCRIPT, STYLE, TEMPLATE, TEXT, Element, Tree
from exercise_pipeline.sources import RawFile, SourcesSettings, decode

from .conftest import CORPUS

PAGES = CORPUS.parent / "bench" / "pages"


def _kind(s: NavigableString) -> str:
    for cls, kind in (
        (Script, SCRIPT), (Stylesheet, STYLE), (TemplateString, TEMPLATE),
        (RubyTextString, RUBY), (RubyParenthesisString, RUBY), (PreformattedString, COMMENT),
    ):  # fmt: skip
        if isinstance(s, cls):
            return kind
    return TEXT


def reference(text: str) -> list[tuple[str, ...]]:
    """Elements (name and attributes) and text nodes (text, parent, kind) as bs4 reads them."""
    out: list[tuple[str, ...]] = []
    for node in BeautifulSoup(text, "lxml").descendants:
        if isinstance(node, Tag):
            attrs = {k: " ".join(v) if isinstance(v, list) else v for k, v in node.attrs.items()}
            out.append(("element", node.name, _attrs(attrs)))
        elif not isinstance(node, Doctype):  # a declaration before the tree: markup
            assert node.parent is not None
            out.append(("text", _blank(str(node)), node.parent.name, _kind(node)))
    return out


def _blank(text: str) -> str:
    """bs4 keeps a run of ASCII white space (outside <pre>) as one space or newline."""
    if text.strip(" \t\n\r\f"):
        return text
    return "\n" if "\n" in text else " "


def _attrs(attrs: dict[str, str]) -> str:
    """Attributes as words: bs4 splits the words of class and the like into lists."""
    return repr(sorted((k, " ".join(v.split())) for k, v in attrs.items()))


def read(text: str) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    tree = Tree(text)
    for node in tree.descendants(tree.root):
        if isinstance(node, Element):
            out.append(("element", node.name, _attrs(node.attrs)))
        else:
            out.append(("text", _blank(node.text), node.parent.name, node.kind))
    return out


def _pages() -> list[Path]:
    pages = sorted(CORPUS.glob("dev/*.htm*")) + sorted(PAGES.glob("*.html"))[::5]
    return pages or [Path("missing")]


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_the_tree_is_the_tree_beautifulsoup_builds(path: Path) -> None:
    if not path.exists():
        pytest.skip("the real pages live in ../shared beside the repository")
    text = decode(RawFile(path.name, path.read_bytes(), None), SourcesSettings()).text
    assert read(text) == reference(text)


@pytest.mark.parametrize(
    "html",
    [
        "<p>a<!-- c -->b<script>s</script><b>x</b> &amp;<template><i>t</i></template></p>",
        "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby><style>p {}</style>",
        "<table><tr><td>one<td>two</table><p>unclosed <b>bold <i>both</p>tail",
        "<!DOCTYPE html><?xml x?><![CDATA[data]]><p>after</p>",
    ],
)
def test_the_tree_keeps_kinds_and_order_on_odd_markup(html: str) -> None:
    assert read(html) == reference(html)


def test_positions_and_ranges_follow_document_order() -> None:
    tree = Tree("<div><p>one <b>two</b></p><p>three</p></div>", block_names=BLOCK_TAGS)
    div = tree.find(tree.root, ("div",))
    assert div is not None and div.holds_block
    first, second = tree.find_all(div, ("p",))
    assert not first.holds_block
    assert tree.get_text(div, "|") == "one |two|three"
    assert [n.pos for n in tree.strings(div)] == sorted(n.pos for n in tree.strings(div))
    assert first.end <= second.first and div.end == len(tree.nodes)


def test_an_empty_page_is_a_tree_with_no_nodes() -> None:
    for text in ("", "   \n"):
        tree = Tree(text)
        assert tree.nodes == [tree.root] and tree.root.children == []


def test_a_page_nested_thousands_deep_is_read_without_recursion() -> None:
    html = "<div>" * 5000 + "<p>Hold the stretch.</p>" + "</div>" * 5000
    assert "Hold the stretch." in [b.text for b in parse_html_blocks(html)]


def test_text_with_lone_carriage_returns_is_located() -> None:
    """libxml2 reads CR LF and a lone CR as LF; the offsets still point into the source."""
    html = "<p>Lie on your back.\rBend your knees.\r\n</p><p>Hold 30 seconds.</p>"
    blocks = parse_html_blocks(html)
    assert [b.text for b in blocks] == ["Lie on your back. Bend your knees.", "Hold 30 seconds."]
    assert html[blocks[0].span[0] : blocks[0].span[1]] == "Lie on your back.\rBend your knees."
    assert all(b.kind is BlockKind.PARAGRAPH for b in blocks)


def parse_html_blocks(html: str) -> list[Block]:
    raw = RawFile("page.html", html.encode(), None)
    return parse_html(decode(raw, SourcesSettings()))[0]


def test_list_items_are_numbered_by_their_place_even_when_alike() -> None:
    """bs4 found an item's place by comparing tags by content, so two "Squat" items were
    both number 1; each is numbered by its own place."""
    blocks = parse_html_blocks('<ol start="3"><li>Squat</li><li>Squat</li><li>Lunge</li></ol>')
    assert [(b.text, b.number) for b in blocks] == [("Squat", 3), ("Squat", 4), ("Lunge", 5)]
