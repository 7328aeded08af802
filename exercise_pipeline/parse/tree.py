"""The element tree of an HTML page, built from libxml2's HTML parser events (through lxml).

The parser recovers from broken markup; its events (the ones beautifulsoup4's lxml builder
receives) become plain nodes that hold what the article finder asks about. Each text node
knows the element it sits in and its kind (bs4's string classes: text, comment, script, style,
template, ruby); each element knows its children in order and its place in document order, so
the text under an element is a slice of one list, and a sum under it two lookups in a running
total. bs4 builds the same tree from the same events at 4.4 times the cost (2.69 s for the 110
bench pages against 0.61 s; trafilatura's whole extraction of them takes 2.1 s).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import cast

from lxml import etree

TEXT, COMMENT, SCRIPT, STYLE, TEMPLATE, RUBY = (
    "text", "comment", "script", "style", "template", "ruby",
)  # fmt: skip
# Elements whose text is of a kind of its own, wherever it sits below them (innermost wins).
_CONTAINERS = {"script": SCRIPT, "style": STYLE, "template": TEMPLATE, "rt": RUBY, "rp": RUBY}
_NO_ATTRS: dict[str, str] = {}


class Text:
    """A text node: its characters, the element it sits in, its kind and document position;
    ``hidden`` when it sits anywhere below an element of the tree's hidden names."""

    __slots__ = ("hidden", "kind", "parent", "pos", "text")

    def __init__(self, text: str, parent: Element, kind: str, pos: int, hidden: bool) -> None:
        self.text, self.parent, self.kind, self.pos = text, parent, kind, pos
        self.hidden = hidden

    def __repr__(self) -> str:
        return f"Text({self.text!r})"


class Element:
    """An element: name, attributes, children in order, and ``nodes[first:end]`` of its tree
    being itself and everything below it. ``holds_block`` says an element named in the
    tree's block names sits somewhere below it. ``memo`` is the caller's, one per element,
    made on first use (``memo_of``): most elements are never asked about."""

    __slots__ = ("attrs", "children", "end", "first", "holds_block", "memo", "name", "parent")

    def __init__(self, name: str, attrs: dict[str, str], parent: Element | None, first: int):
        self.name, self.attrs, self.parent = name, attrs, parent
        self.children: list[Element | Text] = []
        self.first = self.end = first
        self.holds_block = False
        self.memo: dict[str, object] | None = None

    def __repr__(self) -> str:
        return f"<{self.name}>"

    def memo_of(self) -> dict[str, object]:
        if self.memo is None:
            self.memo = {}
        return self.memo

    def get(self, attr: str) -> str | None:
        return self.attrs.get(attr)

    @property
    def parents(self) -> Iterator[Element]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def elements(self) -> list[Element]:
        """The child elements, in order."""
        return [c for c in self.children if isinstance(c, Element)]


class Tree:
    """A parsed page: the document node (named ``[document]``) and every node in order."""

    def __init__(
        self, text: str, *, block_names: Collection[str] = (), hidden_names: Collection[str] = ()
    ) -> None:
        builder = _Builder(frozenset(block_names), frozenset(hidden_names))
        # lxml types a target for bytes and str; fed a str, it sends str.
        parser = etree.HTMLParser(target=cast("etree.ParserTarget", builder), recover=True)
        try:
            parser.feed(text[1:] if text.startswith("\ufeff") else text)
            parser.close()
        except etree.XMLSyntaxError:  # no document at all: empty or white space only
            pass
        builder.close()
        self.root, self.nodes = builder.root, builder.nodes
        self._sums: dict[str, list[int]] = {}

    def descendants(self, el: Element) -> list[Element | Text]:
        return self.nodes[el.first + 1 : el.end]

    def find_all(self, el: Element, names: Collection[str]) -> list[Element]:
        """Elements below ``el`` with one of these names, in document order."""
        below = self.nodes[el.first + 1 : el.end]
        return [n for n in below if type(n) is Element and n.name in names]

    def find(self, el: Element, names: Collection[str]) -> Element | None:
        below = self.nodes[el.first + 1 : el.end]
        return next((n for n in below if type(n) is Element and n.name in names), None)

    def strings(self, el: Element, kinds: Collection[str] = (TEXT,)) -> list[Text]:
        return [n for n in self.nodes[el.first + 1 : el.end] if type(n) is Text and n.kind in kinds]

    def get_text(self, el: Element, sep: str = "", *, strip: bool = False) -> str:
        """The text under ``el`` (text nodes only: no comments, scripts, styles, templates)."""
        texts = (s.text for s in self.strings(el))
        if strip:
            return sep.join(t for t in (t.strip() for t in texts) if t)
        return sep.join(texts)

    def sum_under(self, el: Element, name: str, value: Callable[[Element | Text], int]) -> int:
        """The sum of ``value`` over the nodes strictly below ``el``: a running total over the
        document, made once per ``name``, makes each call two lookups."""
        total = self._sums.get(name)
        if total is None:
            total = [0]
            for node in self.nodes:
                total.append(total[-1] + value(node))
            self._sums[name] = total
        return total[el.end] - total[el.first + 1]


class _Builder:
    """The parser's events (as beautifulsoup4's lxml builder receives them) made into nodes.
    Events, not lxml's own tree: libxml2 builds no tree deeper than 256 elements, its events
    go as deep as the page does. Called for every node of every page, so kept to plain steps:
    what costs is the nodes made here, not libxml2 (0.13 s of parsing for the 110 bench pages)."""

    def __init__(self, block_names: frozenset[str], hidden_names: frozenset[str]) -> None:
        self.root = Element("[document]", _NO_ATTRS, None, 0)
        self.nodes: list[Element | Text] = [self.root]
        self.block_names, self.hidden_names = block_names, hidden_names
        self.hiding = 0  # open elements of the hidden names
        self.open = self.root
        self.kind = TEXT  # the text kind inside the open element
        self.kinds: list[str] = []  # the kinds inside the elements it sits in, innermost last
        self.pending: list[str] = []  # text read since the last node

    def _text(self, kind: str | None = None) -> None:
        pending = self.pending
        if pending:
            nodes = self.nodes
            text = pending[0] if len(pending) == 1 else "".join(pending)
            node = Text(text, self.open, kind or self.kind, len(nodes), self.hiding > 0)
            self.pending = []
            self.open.children.append(node)
            nodes.append(node)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if self.pending:
            self._text()
        nodes = self.nodes
        # lxml hands each element a new dict, or an empty mapping of its own when it has none
        el = Element(tag, attrib or _NO_ATTRS, self.open, len(nodes))
        self.open.children.append(el)
        nodes.append(el)
        self.open = el
        self.kinds.append(self.kind)
        self.kind = _CONTAINERS.get(tag, self.kind)
        if tag in self.hidden_names:
            self.hiding += 1

    def end(self, tag: str) -> None:
        if self.pending:
            self._text()
        done = self.open
        if done.parent is None:  # an end with nothing open: libxml2 never sends one
            return
        done.end = len(self.nodes)
        self.open = done.parent
        self.kind = self.kinds.pop()
        if done.name in self.hidden_names:
            self.hiding -= 1
        if done.holds_block or done.name in self.block_names:
            self.open.holds_block = True

    def data(self, text: str) -> None:
        self.pending.append(text)

    def comment(self, text: str) -> None:
        self._text()
        self.pending.append(text)
        self._text(COMMENT)

    def pi(self, target: str, data: str | None = None) -> None:
        self._text()
        self.pending.append(f"{target} {data}" if data else target)
        self._text(COMMENT)

    def doctype(self, *args: object) -> None:
        self._text()

    def close(self) -> None:
        self._text()
        while self.open.parent is not None:
            self.end(self.open.name)
        self.root.end = len(self.nodes)
