"""HTML parser: the article body as blocks, everything else as accounted removals.

libxml2's HTML parser gives the element tree (``parse.tree``); a small tokenizer over the source
gives every text node's exact offsets (entities decoded, each mapped back to its ``&...;``), and
the two are matched in document order. The article body is the tightest element holding most of
the page's paragraph text outside navigation, headers, footers, asides, forms and related-article
blocks. Body elements become blocks (headings, paragraphs, list items, table rows); text outside
it is removed with the reason of the region it sits in, and tags, scripts and styles as markup.
"""

from __future__ import annotations

import bisect
import dataclasses
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from exercise_pipeline.align import Aligned, concat
from exercise_pipeline.models import Block, BlockKind, Document, Removal
from exercise_pipeline.parse.tree import (
    COMMENT,
    RUBY,
    SCRIPT,
    STYLE,
    TEMPLATE,
    TEXT,
    Element,
    Text,
    Tree,
)

# The markup of a page, one alternative per kind, all behind one "<". Possessive quantifiers
# where an alternative can match in one way only (attribute text, quoted values): nothing
# to backtrack into, and half the time of the plain form.
TOKEN = re.compile(
    r"""
    <(?:
      (?P<comment>!--.*?(?:-->|\Z))
    | (?P<cdata>!\[CDATA\[.*?(?:\]\]>|\Z))
    | (?P<decl>![^>]*+>)
    | (?P<pi>\?[^>]*+>)
    | (?P<raw>(?P<rawname>script|style|noscript|template|textarea|svg|math)\b
        (?:[^>"']++|"[^"]*+"|'[^']*+')*+>.*?(?:</(?P=rawname)\s*>|\Z))
    | (?P<tag>/?[A-Za-z][^\s/>]*(?:[^>"']++|"[^"]*+"|'[^']*+')*+>)
    )
    """,
    re.S | re.I | re.X,
)
ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_ENTITY_OR_CR = re.compile(rf"{ENTITY.pattern}|\r\n?")
SKIP_STRINGS = frozenset({COMMENT, SCRIPT, STYLE})  # kinds of text node that are never text
_VISIBLE = frozenset({TEXT, TEMPLATE, RUBY})  # the others
SKIP_TAGS = {"script", "style", "noscript", "template", "textarea", "svg", "math", "head", "title"}
SKIP_TAGS |= {"select", "option", "button", "input", "iframe", "object", "embed", "canvas"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "thead", "tfoot", "tr", "td", "th", "ul", "caption", "html",
}  # fmt: skip
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
TEXT_TAGS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "blockquote", "pre"}

# Regions that are page furniture, by tag and by words in class or id: (reason, rule).
FURNITURE_TAGS = {
    "nav": ("navigation", "html-nav"),
    "header": ("page_furniture", "html-header"),
    "footer": ("page_furniture", "html-footer"),
    "aside": ("page_furniture", "html-aside"),
    "form": ("comment_form", "html-form"),
}
FURNITURE_WORDS = {
    "nav": "navigation", "navbar": "navigation", "menu": "navigation", "breadcrumb": "navigation",
    "breadcrumbs": "navigation", "pagination": "navigation", "skip": "navigation",
    "header": "page_furniture", "footer": "page_furniture", "sidebar": "page_furniture",
    "widget": "page_furniture", "banner": "page_furniture", "cookie": "page_furniture",
    "advert": "page_furniture", "ads": "page_furniture", "promo": "page_furniture",
    "newsletter": "page_furniture", "subscribe": "page_furniture", "share": "page_furniture",
    "sharing": "page_furniture", "social": "page_furniture", "meta": "page_furniture",
    "tags": "page_furniture", "button": "page_furniture", "toc": "page_furniture",
    "related": "related_list", "recommended": "related_list", "popular": "related_list",
    "comments": "comment_form", "comment": "comment_form", "respond": "comment_form",
    "reply": "comment_form",
    "author": "byline", "byline": "byline", "bio": "byline",
}  # fmt: skip
_WORDS = re.compile(r"[a-z]+")
# One of those words as a whole word of letters somewhere in class, id or role.
_FURNITURE_WORD = re.compile(rf"(?<![a-z])(?:{'|'.join(sorted(FURNITURE_WORDS))})(?![a-z])")


_Inline = list[Text | None]  # text nodes in order; None for a <br> or a cell boundary


@dataclass(slots=True)
class _Ctx:
    doc: Document
    tree: Tree
    located: dict[int, Aligned]  # by text node position
    blocks: list[Block] = field(default_factory=list)
    kept: set[int] = field(default_factory=set)  # positions of text nodes inside kept blocks

    def emit(
        self,
        kind: BlockKind,
        strings: _Inline,
        *,
        level: int = 0,
        number: int | None = None,
        marker: str | None = None,
        bold: bool = False,
        lead: str = "",
        content: Aligned | None = None,
    ) -> None:
        """A block of these inline strings; its text is theirs unless ``content`` is given
        (a table row's cells between " | ")."""
        if content is None:
            content = self.content(strings)
        if not content.text:
            return
        for s in strings:
            if s is not None:
                self.kept.add(s.pos)
        self.blocks.append(
            Block(
                source_id=self.doc.source_id,
                index=len(self.blocks),
                kind=kind,
                content=content,
                span=content.span,
                level=level,
                marker=marker,
                number=number,
                bold=bold,
                lead=len(lead) if lead and content.text.startswith(lead) else 0,
            )
        )

    def content(self, strings: _Inline) -> Aligned:
        """The aligned text of inline strings; a ``None`` (a <br>) is the renderer's space."""
        parts: list[Aligned] = []
        for s in strings:
            located = None if s is None else self.located.get(s.pos)
            if located is not None:
                parts.append(located)
            elif (s is None or not s.text.strip()) and parts and parts[-1].text != " ":
                # a <br>, or white space between inline elements: "<span>Split
                # Squat</span>\n  <span>8-10 reps</span>" is "Split Squat 8-10 reps"
                parts.append(Aligned(" ", ()))
        return _collapse(_join(parts))

    def emit_row(self, cells: list[_Inline], *, level: int) -> None:
        """A table row: its cells' texts between " | ", as a Markdown table's row reads; an
        empty cell before a full one keeps its column as "–" ("| – | Goblet squat | 3x10")."""
        texts = [self.content(cell) for cell in cells]
        while texts and not texts[-1].text:
            texts.pop()
        row = concat(texts, " | ", sep_from_gap=False, keep_empty=True, empty="–")
        strings = [s for cell in cells for s in cell]
        self.emit(BlockKind.TABLE_ROW, strings, level=level, content=row)


def _is_bold(s: Text) -> bool:
    return s.parent.name in ("strong", "b")


def _split_at_breaks(run: _Inline) -> list[_Inline]:
    """Text separated by a blank line (<br><br>), or a line break before a bold label, is a
    paragraph of its own: "<strong>Purpose:</strong> ...<br><br><strong>Action:</strong> ..."."""
    pieces: list[_Inline] = [[]]
    pending_break = 0
    for s in run:
        if s is None:
            pending_break += 1
            pieces[-1].append(s)
            continue
        if not s.text.strip():
            pieces[-1].append(s)
            continue
        if pending_break >= 2 or (pending_break and _is_bold(s)):
            pieces.append([])
        pending_break = 0
        pieces[-1].append(s)
    return [p for p in pieces if p]


def _lead_of_strings(strings: _Inline) -> str:
    """The bold lead-in of a run of inline strings, as _lead_text for an element."""
    texts = [s for s in strings if s is not None and s.text.strip()]
    if len(texts) < 2 or not _is_bold(texts[0]):
        return ""
    name = " ".join(texts[0].text.split()).rstrip(":").strip()
    rest = " ".join(" ".join(t.text.split()) for t in texts[1:]).strip()
    return name if name and rest and rest not in (":", ".") else ""


def _lead_text(tree: Tree, tag: Element) -> str:
    """A bold lead-in: the element opens with <strong>/<b> and goes on with more text."""
    children = [c for c in tag.children if not (isinstance(c, Text) and not c.text.strip())]
    first = children[0] if children else None
    if not isinstance(first, Element) or first.name not in ("strong", "b"):
        return ""
    whole = " ".join(tree.get_text(tag).split())
    bold = " ".join(tree.get_text(first).split())
    rest = whole[len(bold) :].strip() if whole.startswith(bold) else ""
    name = bold.rstrip(":").strip()
    return name if name and rest and rest not in (":", ".") else ""


def _join(parts: list[Aligned]) -> Aligned:
    """Concatenate text-node pieces; a sourceless " " stands for a renderer-added space."""
    out: list[Aligned] = []
    pending_space = False
    for part in parts:
        if not part.runs:
            pending_space = True
            continue
        if pending_space and out:
            out.append(concat([out.pop(), part], " ", sep_from_gap=False))
        else:
            out.append(part)
        pending_space = False
    return concat(out)


_SPACE_RUN = re.compile(r"\s+")


def _collapse(content: Aligned) -> Aligned:
    """HTML white-space collapsing: any run of white space reads as one space."""
    edits = [
        (m.start(), m.end(), " ") for m in _SPACE_RUN.finditer(content.text) if m.group() != " "
    ]
    return content.replace(edits).strip()


def _decode_text(text: str, start: int) -> Aligned:
    """Source text as the parser reads it: entities decoded, and CR LF or a lone CR as LF."""
    aligned = Aligned.from_source(text, start)
    if "&" not in text and "\r" not in text:
        return aligned
    edits = []
    for m in _ENTITY_OR_CR.finditer(text):
        decoded = "\n" if m.group()[0] == "\r" else html.unescape(m.group())
        if decoded != m.group():
            edits.append((m.start(), m.end(), decoded))
    return aligned.replace(edits)


class _Token(NamedTuple):
    start: int
    end: int
    kind: str  # text | tag | comment | raw | decl
    rule: str


def tokenize(source: str) -> list[_Token]:
    """Split HTML source into markup and text tokens with exact offsets."""
    tokens: list[_Token] = []
    append = tokens.append
    pos = 0
    for m in TOKEN.finditer(source):
        start, end = m.span()
        if start > pos:
            append(_Token(pos, start, "text", "text"))
        group = m.lastgroup
        if group == "tag":
            append(_Token(start, end, "tag", "html-tag"))
        elif group == "raw":
            append(_Token(start, end, "raw", f"html-{m.group('rawname').lower()}"))
        elif group == "comment":
            append(_Token(start, end, "comment", "html-comment"))
        else:
            append(_Token(start, end, "decl", "html-declaration"))
        pos = end
    if pos < len(source):
        append(_Token(pos, len(source), "text", "text"))
    return tokens


def _strings(tree: Tree, root: Element) -> Iterator[Text]:
    """Text nodes in document order, leaving out comments, scripts, styles and the like."""
    for s in tree.descendants(root):
        if type(s) is Text and s.kind in (TEXT, RUBY) and not s.hidden:
            yield s


def _stream(source: str, tokens: list[_Token]) -> Aligned:
    """The text tokens joined, as the parser reads them: ``concat`` of their ``_decode_text``,
    built in one pass (text tokens are never adjacent, so no two of their runs merge)."""
    text: list[str] = []
    runs: list[tuple[int, int, int]] = []
    at = 0
    for t in tokens:
        if t.kind != "text":
            continue
        piece = source[t.start : t.end]
        if "&" in piece or "\r" in piece:
            decoded = _decode_text(piece, t.start)
            runs.extend((at + r[0], r[1], r[2]) for r in decoded.runs)
            piece = decoded.text
        else:
            runs.append((at, t.start, t.end))
        text.append(piece)
        at += len(piece)
    return Aligned("".join(text), tuple(runs))


def _locate(strings: list[Text], tokens: list[_Token], source: str) -> dict[int, Aligned]:
    """Map each text node to its aligned source text, matching in order."""
    stream = _stream(source, tokens)
    found_at: list[tuple[int, int]] = []
    nodes: list[int] = []
    pos = 0
    for s in strings:
        text = s.text
        if not text.strip():
            continue
        found = stream.text.find(text, pos)
        if found < 0:
            continue
        found_at.append((found, found + len(text)))
        nodes.append(s.pos)
        pos = found + len(text)
    return dict(zip(nodes, stream.slices(found_at), strict=True))


# A class that names a part of a widget ("modal-header", "card-footer", "accordion-button")
# says where in that widget an element sits, not that it is page furniture.
_COMPONENTS = frozenset({"modal", "card", "panel", "accordion", "collapse", "dialog", "tab"})


def _class_words(tag: Element) -> set[str]:
    words: set[str] = set()
    for attr in ("class", "id", "role"):
        for token in (tag.get(attr) or "").lower().split():
            parts = _WORDS.findall(token)
            if parts and parts[0] not in _COMPONENTS:
                words.update(parts)
    return words


def furniture_of(tag: Element) -> tuple[str, str] | None:
    """The (reason, rule) if this element is a page-furniture region itself."""
    if tag.name in FURNITURE_TAGS:
        return FURNITURE_TAGS[tag.name]
    if tag.get("role") in ("navigation", "banner", "contentinfo", "complementary"):
        return "navigation", f"html-role-{tag.get('role')}"
    if not tag.attrs:
        return None
    named = " ".join(tag.attrs[a] for a in ("class", "id", "role") if a in tag.attrs)
    if not _FURNITURE_WORD.search(named.lower()):  # most elements: no such word at all
        return None
    for word in sorted(_class_words(tag)):
        if word in FURNITURE_WORDS:
            return FURNITURE_WORDS[word], f"html-class-{word}"
    return None


def _zone(tree: Tree, s: Text | Element, main: Element | None) -> tuple[str, str] | None:
    """The furniture region a node sits in, looking up to the article body; None inside it."""
    return _zone_from(tree, s.parent, main) if s.parent is not None else _outside(main)


def _outside(main: Element | None) -> tuple[str, str] | None:
    return None if main is None else ("page_furniture", "html-outside-article")


_Zone = tuple[str, str] | None
# A per-element memo: asked for every text node, an answer about an element holds for every
# node under it, so each element is looked at once.
_ZONE = "zone"


def _zone_from(tree: Tree, tag: Element, main: Element | None) -> _Zone:
    """``_zone`` of whatever sits directly in ``tag``, memoised per element and body."""
    chain: list[Element] = []
    node: Element | None = tag
    zone = _outside(main)
    key = -1 if main is None else main.first
    while node is not None:
        if node is main:
            zone = None
            break
        memo = node.memo.get(_ZONE) if node.memo else None
        if isinstance(memo, dict) and key in memo:
            zone = memo[key]
            break
        chain.append(node)
        if node.name not in ("html", "body", "[document]"):
            hit = furniture_of(node)
            if hit and not _holds_the_article(tree, node, hit):
                zone = hit
                break
        node = node.parent
    for seen in chain:
        memo = seen.memo_of().setdefault(_ZONE, {})
        assert isinstance(memo, dict)
        memo[key] = zone
    return zone


def _holds_the_article(tree: Tree, tag: Element, hit: tuple[str, str]) -> bool:
    """A layout wrapper named by class ("page-content-sidebar-section"), or a ``<header>``,
    that holds most of the page's paragraph text is the article's container, not furniture
    (a page whose poses all sit in its ``<header>``)."""
    if not (hit[1].startswith("html-class-") or hit[1] == "html-header"):
        return False
    total = _paragraph_text(tree, tree.root)
    return total > 0 and _paragraph_text(tree, tag) >= 0.5 * total


def _paragraph_text(tree: Tree, tag: Element) -> int:
    """Characters of paragraph and list text under ``tag``: a running total over the page
    (asked for every furniture ancestor of every text node, a walk per question made one
    real page take 285 s)."""

    def own(node: Element | Text) -> int:
        if type(node) is Element and node.name in ("p", "li"):
            return len(tree.get_text(node, " ", strip=True))
        return 0

    return tree.sum_under(tag, "paragraph_text", own)


def _text_len(tree: Tree, tag: Element) -> int:
    def own(node: Element | Text) -> int:
        return len(node.text.strip()) if type(node) is Text and node.kind in _VISIBLE else 0

    return tree.sum_under(tag, "text_len", own)


def find_main(tree: Tree) -> Element | None:
    """The article body: where paragraph text outside furniture concentrates."""
    scores: dict[int, float] = {}
    tags: dict[int, Element] = {}
    for el in tree.find_all(tree.root, TEXT_TAGS):
        if _zone(tree, el, None) is not None or any(p.name in TEXT_TAGS for p in el.parents):
            continue
        length = _text_len(tree, el)
        links = sum(_text_len(tree, a) for a in tree.find_all(el, ("a",)))
        weight = length * (1 - links / length) if length else 0.0
        for p in el.parents:
            scores[p.first] = scores.get(p.first, 0.0) + weight
            tags[p.first] = p
    if not scores:
        return tree.find(tree.root, ("body",))
    best = max(tags.values(), key=lambda t: (scores[t.first], -sum(1 for _ in t.parents)))
    while True:
        children = [c for c in best.elements() if c.first in scores]
        top = max(children, key=lambda t: scores[t.first], default=None)
        if top is None or scores[top.first] < 0.85 * scores[best.first] or top.name in TEXT_TAGS:
            return best
        best = top


def _walk(ctx: _Ctx, el: Element, main: Element, depth: int = 0) -> None:
    """Emit leaf blocks under ``el``; inline runs between block children become paragraphs."""
    run: _Inline = []

    def flush() -> None:
        for piece in _split_at_breaks(run):
            if any(s is not None and s.text.strip() for s in piece):
                ctx.emit(BlockKind.PARAGRAPH, piece, level=depth, lead=_lead_of_strings(piece))
        run.clear()

    for child in el.children:
        if isinstance(child, Text):
            if child.kind not in SKIP_STRINGS:
                run.append(child)
            continue
        if child.name in SKIP_TAGS or _zone(ctx.tree, child, main) is not None:
            continue
        if furniture_of(child) is not None:
            continue
        if child.name == "br":
            run.append(None)
        elif child.name in BLOCK_TAGS or child.holds_block:
            flush()
            _block(ctx, child, main, depth)
        else:
            run.extend(_inline(ctx.tree, child))
    flush()


def _inline(tree: Tree, tag: Element) -> _Inline:
    out: _Inline = []
    for s in tree.descendants(tag):
        if isinstance(s, Element):
            if s.name == "br":
                out.append(None)
        elif s.kind not in SKIP_STRINGS and not s.hidden:
            out.append(s)
    return out


def _only_bold(tree: Tree, tag: Element) -> bool:
    """A paragraph whose whole text is bold reads as a heading."""
    text = tree.get_text(tag).strip()
    bold = "".join(tree.get_text(b) for b in tree.find_all(tag, ("strong", "b"))).strip()
    return bool(text) and bold == text and len(text) <= 90


def _block(ctx: _Ctx, el: Element, main: Element, depth: int) -> None:
    name, tree = el.name, ctx.tree
    if name in HEADINGS:
        ctx.emit(BlockKind.HEADING, _inline(tree, el), level=HEADINGS[name], marker=name)
    elif name == "li":
        _list_item(ctx, el, main, depth)
    elif name == "tr":
        cells = [_inline(tree, cell) for cell in el.elements() if cell.name in ("td", "th")]
        ctx.emit_row(cells, level=depth)
    elif (
        name in ("p", "dt", "dd", "figcaption", "pre", "caption", "summary") and not el.holds_block
    ):
        if _only_bold(tree, el):
            ctx.emit(BlockKind.HEADING, _inline(tree, el), level=4, bold=True)
        else:
            pieces = _split_at_breaks(_inline(tree, el))
            for n, piece in enumerate(pieces):
                if n == 0 and len(pieces) == 1:
                    lead = _lead_text(tree, el)
                else:
                    lead = _lead_of_strings(piece)
                ctx.emit(BlockKind.PARAGRAPH, piece, level=depth, lead=lead)
    elif name in ("hr",):
        return
    else:
        _walk(ctx, el, main, depth + (1 if name in ("ul", "ol") else 0))


def _item_numbers(ol: Element) -> dict[int, int]:
    """Each ``<li>`` child's place in its list, by node position: counted once per list."""
    numbers = ol.memo.get("items") if ol.memo else None
    if not isinstance(numbers, dict):
        items = [c for c in ol.elements() if c.name == "li"]
        numbers = {li.first: k for k, li in enumerate(items)}
        ol.memo_of()["items"] = numbers
    return numbers


def _list_item(ctx: _Ctx, li: Element, main: Element, depth: int) -> None:
    parent, tree = li.parent, ctx.tree
    number = None
    if parent is not None and parent.name == "ol":
        start = parent.get("start")
        first = int(start) if isinstance(start, str) and start.isdigit() else 1
        number = first + _item_numbers(parent)[li.first]
    marker = f"{number}." if number is not None else "-"
    level = max(depth, 1)
    if not li.holds_block:
        ctx.emit(
            BlockKind.LIST_ITEM, _inline(tree, li), level=level, number=number, marker=marker,
            bold=_only_bold(tree, li), lead=_lead_text(tree, li),
        )  # fmt: skip
        return
    # An item holding paragraphs or nested lists: its first text is the item, the rest follows.
    first_done = False
    run: _Inline = []
    for child in li.children:
        if isinstance(child, Element) and (child.name in BLOCK_TAGS or child.holds_block):
            if run and any(s is not None and s.text.strip() for s in run):
                ctx.emit(BlockKind.LIST_ITEM, run, level=level, number=number, marker=marker)
                first_done = True
            run = []
            if not first_done and child.name == "p":
                ctx.emit(BlockKind.LIST_ITEM, _inline(tree, child), level=level, number=number,
                         marker=marker)  # fmt: skip
                first_done = True
            else:
                _block(ctx, child, main, level + 1 if child.name in ("p", "div") else level)
        elif isinstance(child, Text):
            if child.kind not in SKIP_STRINGS:
                run.append(child)
        elif child.name not in SKIP_TAGS:
            run.extend(_inline(tree, child))
    if run and any(s is not None and s.text.strip() for s in run):
        kind = BlockKind.PARAGRAPH if first_done else BlockKind.LIST_ITEM
        ctx.emit(kind, run, level=level, number=number, marker=marker)


_Label = tuple[str, str]  # (reason, rule), or ("keep", "") for text in kept blocks


def _uncovered(token: _Token, spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Non-blank parts of a text token that no block covers."""
    out: list[tuple[int, int]] = []
    pos = token.start
    k = bisect.bisect_left(spans, (token.start, token.start)) - 1
    for start, end in spans[max(k, 0) :]:
        if start >= token.end:
            break
        if end <= pos:
            continue
        if start > pos and text[pos:start].strip():
            out.append((pos, start))
        pos = max(pos, end)
    if pos < token.end and text[pos : token.end].strip():
        out.append((pos, token.end))
    return out


def _removals(
    doc: Document,
    tokens: list[_Token],
    tree: Tree,
    strings: list[Text],
    located: dict[int, Aligned],
    kept: set[int],
    main: Element | None,
    block_spans: list[tuple[int, int]],
) -> list[Removal]:
    """Everything outside the kept blocks: markup, and text labelled by its region."""
    by_start: dict[int, _Label] = {}
    for s in strings:
        where = located.get(s.pos)
        if where is None or not where.text.strip():
            continue
        start = where.source_start
        if s.pos in kept:
            by_start[start] = ("keep", "")
        else:
            by_start[start] = _zone(tree, s, main) or ("page_furniture", "html-unplaced-text")
    starts = sorted(by_start)
    head = _head_range(doc.text, tokens)
    labels: list[_Label | None] = []
    for t in tokens:
        if head[0] <= t.start < head[1]:
            labels.append(("markup", "html-head"))
        elif t.kind != "text":
            labels.append(("markup", t.rule))
        elif not doc.text[t.start : t.end].strip():
            labels.append(None)
        else:
            k = bisect.bisect_left(starts, t.start)
            inside = [by_start[s] for s in starts[k : k + 8] if s < t.end]  # sorted: a prefix
            keep = ("keep", "") in inside
            labels.append(("keep", "") if keep else (inside[0] if inside else UNPLACED))
    # Markup between two texts of one furniture region belongs to that region.
    last_text: tuple[int, _Label] | None = None
    for k, lab in enumerate(labels):
        if lab is None or lab[0] == "markup":
            continue
        if last_text is not None and last_text[1] == lab and lab[0] != "keep":
            for j in range(last_text[0] + 1, k):
                if labels[j] is not None:
                    labels[j] = lab
        last_text = (k, lab)
    # [start, end, reason, rule], a removal's text cut once at the end: extended in place,
    # a long run of markup costs what it is long.
    spans: list[list[Any]] = []
    text = doc.text
    for t, lab in zip(tokens, labels, strict=True):
        if lab is None:
            continue
        if lab[0] == "keep":
            # Text the tree dropped from a kept node (a stray "<?"): markup, not content.
            for start, end in _uncovered(t, block_spans, text):
                spans.append([start, end, "markup", "html-unparsed-text"])
            continue
        last = spans[-1] if spans else None
        if last and last[2:] == [*lab] and not text[last[1] : t.start].strip():
            last[1] = t.end
            continue
        spans.append([t.start, t.end, lab[0], lab[1]])
    return [Removal(doc.source_id, (a, b), why, rule, text[a:b]) for a, b, why, rule in spans]


UNPLACED = ("page_furniture", "html-unplaced-text")
_HEAD_OPEN = re.compile(r"<head\b", re.I)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.I)


def _head_range(source: str, tokens: list[_Token]) -> tuple[int, int]:
    """Offsets of the ``<head>`` element (metadata, title, scripts): one markup removal."""
    start = end = -1
    for t in tokens:
        if t.kind != "tag":
            continue
        if start < 0 and _HEAD_OPEN.match(source, t.start):
            start = t.start
        elif start >= 0 and _HEAD_CLOSE.match(source, t.start):
            end = t.end
            break
    return (start, end) if start >= 0 and end > start else (-1, -1)


def parse_html(doc: Document) -> tuple[list[Block], list[Removal]]:
    """Blocks of the article body and the removals for everything else on the page."""
    tree = Tree(doc.text, block_names=BLOCK_TAGS, hidden_names=SKIP_TAGS)
    tokens = tokenize(doc.text)
    strings = list(_strings(tree, tree.root))
    located = _locate(strings, tokens, doc.text)
    main = find_main(tree)
    ctx = _Ctx(doc, tree, located)
    if main is not None:
        if tree.find(main, ("h1",)) is None:
            titles = [h for h in tree.find_all(tree.root, ("h1",)) if _zone(tree, h, None) is None]
            if len(titles) == 1:
                ctx.emit(BlockKind.HEADING, _inline(tree, titles[0]), level=1, marker="h1")
        _walk(ctx, main, main)
    blocks = sorted(ctx.blocks, key=lambda b: b.span)
    blocks = [_reindex(b, i) for i, b in enumerate(blocks)]
    spans = [b.span for b in blocks]
    return blocks, _removals(doc, tokens, tree, strings, located, ctx.kept, main, spans)


def _reindex(block: Block, index: int) -> Block:
    """The block at its place in source order (most are there already)."""
    return block if block.index == index else dataclasses.replace(block, index=index)
