"""HTML parser: the article body as blocks, everything else as accounted removals.

beautifulsoup4 with the lxml parser gives the element tree; a small tokenizer over the source
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

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import (
    CData,
    Comment,
    Declaration,
    Doctype,
    ProcessingInstruction,
    Script,
    Stylesheet,
    TemplateString,
)

from exercise_pipeline.align import Aligned, concat
from exercise_pipeline.models import Block, BlockKind, Document, Removal

TOKEN = re.compile(
    r"""
    (?P<comment><!--.*?(?:-->|\Z))
  | (?P<cdata><!\[CDATA\[.*?(?:\]\]>|\Z))
  | (?P<decl><![^>]*>)
  | (?P<pi><\?[^>]*>)
  | (?P<raw><(?P<rawname>script|style|noscript|template|textarea|svg|math)\b
        (?:[^>"']|"[^"]*"|'[^']*')*>.*?(?:</(?P=rawname)\s*>|\Z))
  | (?P<tag></?[A-Za-z][^\s/>]*(?:[^>"']|"[^"]*"|'[^']*')*>)
    """,
    re.S | re.I | re.X,
)
ENTITY = re.compile(r"&(?:#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
SKIP_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction, Script, Stylesheet)
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


@dataclass(slots=True)
class _Ctx:
    doc: Document
    located: dict[int, Aligned]
    blocks: list[Block] = field(default_factory=list)
    kept: set[int] = field(default_factory=set)  # ids of strings inside kept blocks

    def emit(
        self,
        kind: BlockKind,
        strings: list[NavigableString | None],
        *,
        level: int = 0,
        number: int | None = None,
        marker: str | None = None,
        bold: bool = False,
        lead: str = "",
    ) -> None:
        parts: list[Aligned] = []
        for s in strings:
            if s is None:  # a <br> or cell boundary: the renderer's space
                if parts and parts[-1].text != " ":
                    parts.append(Aligned(" ", ()))
                continue
            located = self.located.get(id(s))
            if located is not None:
                parts.append(located)
        content = _collapse(_join(parts))
        if not content.text:
            return
        for s in strings:
            if s is not None:
                self.kept.add(id(s))
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


def _split_at_breaks(run: list[NavigableString | None]) -> list[list[NavigableString | None]]:
    """Text separated by a blank line (<br><br>), or a line break before a bold label, is a
    paragraph of its own: "<strong>Purpose:</strong> ...<br><br><strong>Action:</strong> ..."."""
    pieces: list[list[NavigableString | None]] = [[]]
    pending_break = 0
    for s in run:
        if s is None:
            pending_break += 1
            pieces[-1].append(s)
            continue
        if not s.strip():
            pieces[-1].append(s)
            continue
        bold = isinstance(s.parent, Tag) and s.parent.name in ("strong", "b")
        if pending_break >= 2 or (pending_break and bold):
            pieces.append([])
        pending_break = 0
        pieces[-1].append(s)
    return [p for p in pieces if p]


def _lead_of_strings(strings: list[NavigableString | None]) -> str:
    """The bold lead-in of a run of inline strings, as _lead_text for an element."""
    texts = [s for s in strings if s is not None and s.strip()]
    if len(texts) < 2 or not (
        isinstance(texts[0].parent, Tag) and texts[0].parent.name in ("strong", "b")
    ):
        return ""
    name = " ".join(texts[0].split()).rstrip(":").strip()
    rest = " ".join(" ".join(t.split()) for t in texts[1:]).strip()
    return name if name and rest and rest not in (":", ".") else ""


def _lead_text(tag: Tag) -> str:
    """A bold lead-in: the element opens with <strong>/<b> and goes on with more text."""
    children = [c for c in tag.children if not (isinstance(c, NavigableString) and not c.strip())]
    first = children[0] if children else None
    if not isinstance(first, Tag) or first.name not in ("strong", "b"):
        return ""
    whole = " ".join(tag.get_text().split())
    bold = " ".join(first.get_text().split())
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
    aligned = Aligned.from_source(text, start)
    edits = []
    for m in ENTITY.finditer(text):
        decoded = html.unescape(m.group())
        if decoded != m.group():
            edits.append((m.start(), m.end(), decoded))
    return aligned.replace(edits)


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    kind: str  # text | tag | comment | raw | decl
    rule: str


def tokenize(source: str) -> list[_Token]:
    """Split HTML source into markup and text tokens with exact offsets."""
    tokens: list[_Token] = []
    pos = 0
    for m in TOKEN.finditer(source):
        if m.start() > pos:
            tokens.append(_Token(pos, m.start(), "text", "text"))
        if m.group("comment") is not None:
            tokens.append(_Token(m.start(), m.end(), "comment", "html-comment"))
        elif m.group("raw") is not None:
            rule = f"html-{m.group('rawname').lower()}"
            tokens.append(_Token(m.start(), m.end(), "raw", rule))
        elif m.group("tag") is not None:
            tokens.append(_Token(m.start(), m.end(), "tag", "html-tag"))
        else:
            tokens.append(_Token(m.start(), m.end(), "decl", "html-declaration"))
        pos = m.end()
    if pos < len(source):
        tokens.append(_Token(pos, len(source), "text", "text"))
    return tokens


def _in_skipped(s: NavigableString) -> bool:
    """Inside a script, style, form control or the like: not article text."""
    return s.parent is not None and _skipped_tag(s.parent)


# Per-tag memos, kept in the tag's own __dict__ (``getattr`` on a bs4 Tag searches its
# children for a tag of that name): asked for every text node, an answer about an element
# holds for every node under it, so each element is looked at once.
_SKIPPED, _ZONE = "_pipeline_skipped", "_pipeline_zone"


def _skipped_tag(tag: Tag) -> bool:
    chain: list[Tag] = []
    node: Tag | None = tag
    found = False
    while node is not None:
        known = node.__dict__.get(_SKIPPED)
        if known is not None:
            found = known
            break
        chain.append(node)
        if node.name in SKIP_TAGS:
            found = True
            break
        node = node.parent
    for seen in chain:
        seen.__dict__[_SKIPPED] = found
    return found


def _strings(root: Tag) -> Iterator[NavigableString]:
    """Text nodes in document order, leaving out comments, scripts, styles and the like."""
    for s in root.descendants:
        if not isinstance(s, NavigableString) or isinstance(s, SKIP_STRINGS):
            continue
        if isinstance(s, TemplateString):
            continue
        if _in_skipped(s):
            continue
        yield s


def _locate(soup: BeautifulSoup, tokens: list[_Token], source: str) -> dict[int, Aligned]:
    """Map each text node of the tree to its aligned source text, matching in order."""
    pieces = [_decode_text(source[t.start : t.end], t.start) for t in tokens if t.kind == "text"]
    stream = concat(pieces)
    located: dict[int, Aligned] = {}
    pos = 0
    for s in _strings(soup):
        text = str(s)
        if not text.strip():
            continue
        found = stream.text.find(text, pos)
        if found < 0 and "\n" in text:
            text = text.replace("\n", "\r\n")
            found = stream.text.find(text, pos)
        if found < 0:
            continue
        located[id(s)] = stream.slice(found, found + len(text))
        pos = found + len(text)
    return located


# A class that names a part of a widget ("modal-header", "card-footer", "accordion-button")
# says where in that widget an element sits, not that it is page furniture.
_COMPONENTS = frozenset({"modal", "card", "panel", "accordion", "collapse", "dialog", "tab"})


def _class_words(tag: Tag) -> set[str]:
    words: set[str] = set()
    for attr in ("class", "id", "role"):
        value = tag.get(attr)
        if isinstance(value, list):
            value = " ".join(value)
        for token in (value or "").lower().split():
            parts = _WORDS.findall(token)
            if parts and parts[0] not in _COMPONENTS:
                words.update(parts)
    return words


def furniture_of(tag: Tag) -> tuple[str, str] | None:
    """The (reason, rule) if this element is a page-furniture region itself."""
    if tag.name in FURNITURE_TAGS:
        return FURNITURE_TAGS[tag.name]
    if tag.get("role") in ("navigation", "banner", "contentinfo", "complementary"):
        return "navigation", f"html-role-{tag.get('role')}"
    for word in sorted(_class_words(tag)):
        if word in FURNITURE_WORDS:
            return FURNITURE_WORDS[word], f"html-class-{word}"
    return None


def _zone(s: NavigableString | Tag, main: Tag | None) -> tuple[str, str] | None:
    """The furniture region a node sits in, looking up to the article body; None inside it."""
    return _zone_from(s.parent, main) if s.parent is not None else _outside(main)


def _outside(main: Tag | None) -> tuple[str, str] | None:
    return None if main is None else ("page_furniture", "html-outside-article")


def _zone_from(tag: Tag, main: Tag | None) -> tuple[str, str] | None:
    """``_zone`` of whatever sits directly in ``tag``, memoised per element and body."""
    chain: list[Tag] = []
    node: Tag | None = tag
    zone = _outside(main)
    while node is not None:
        if node is main:
            zone = None
            break
        memo: dict[int, tuple[str, str] | None] | None = node.__dict__.get(_ZONE)
        if memo is not None and id(main) in memo:
            zone = memo[id(main)]
            break
        chain.append(node)
        if node.name not in ("html", "body", "[document]"):
            hit = furniture_of(node)
            if hit and not _holds_the_article(node, hit):
                zone = hit
                break
        node = node.parent
    for seen in chain:
        seen.__dict__.setdefault(_ZONE, {})[id(main)] = zone
    return zone


def _holds_the_article(tag: Tag, hit: tuple[str, str]) -> bool:
    """A layout wrapper named by class ("page-content-sidebar-section"), or a ``<header>``,
    that holds most of the page's paragraph text is the article's container, not furniture
    (a page whose poses all sit in its ``<header>``)."""
    if not (hit[1].startswith("html-class-") or hit[1] == "html-header"):
        return False
    root = tag
    while isinstance(root.parent, Tag):
        root = root.parent
    total = _paragraph_text(root, root)
    return total > 0 and _paragraph_text(tag, root) >= 0.5 * total


_MEMO = "_pipeline_paragraph_text"  # per-document memo, kept on the parse tree's root


def _paragraph_text(tag: Tag, root: Tag) -> int:
    """Characters of paragraph and list text under ``tag``, computed once per tag: asked for
    every furniture ancestor of every text node, it made one real page take 285 s. Tags
    compare by structure, so the memo is keyed by identity and keeps the tag alive."""
    memo: dict[int, tuple[Tag, int]] | None = getattr(root, _MEMO, None)
    if memo is None:
        memo = {}
        setattr(root, _MEMO, memo)
    hit = memo.get(id(tag))
    if hit is None:
        hit = (tag, sum(len(p.get_text(" ", strip=True)) for p in tag.find_all(["p", "li"])))
        memo[id(tag)] = hit
    return hit[1]


def _text_len(tag: Tag) -> int:
    return sum(len(s.strip()) for s in tag.find_all(string=True) if not isinstance(s, SKIP_STRINGS))


def find_main(soup: BeautifulSoup) -> Tag | None:
    """The article body: where paragraph text outside furniture concentrates."""
    scores: dict[int, float] = {}
    tags: dict[int, Tag] = {}
    for el in soup.find_all(TEXT_TAGS):
        if _zone(el, None) is not None or any(p.name in TEXT_TAGS for p in el.parents):
            continue
        length = _text_len(el)
        links = sum(_text_len(a) for a in el.find_all("a"))
        weight = length * (1 - links / length) if length else 0.0
        for p in el.parents:
            if isinstance(p, Tag):
                scores[id(p)] = scores.get(id(p), 0.0) + weight
                tags[id(p)] = p
    if not scores:
        return soup.body
    best = max(tags.values(), key=lambda t: (scores[id(t)], -len(list(t.parents))))
    while True:
        children = [c for c in best.find_all(True, recursive=False) if id(c) in scores]
        top = max(children, key=lambda t: scores[id(t)], default=None)
        if top is None or scores[id(top)] < 0.85 * scores[id(best)] or top.name in TEXT_TAGS:
            return best
        best = top


def _walk(ctx: _Ctx, el: Tag, main: Tag, depth: int = 0) -> None:
    """Emit leaf blocks under ``el``; inline runs between block children become paragraphs."""
    run: list[NavigableString | None] = []

    def flush() -> None:
        for piece in _split_at_breaks(run):
            if any(s is not None and s.strip() for s in piece):
                ctx.emit(BlockKind.PARAGRAPH, piece, level=depth, lead=_lead_of_strings(piece))
        run.clear()

    for child in el.children:
        if isinstance(child, NavigableString):
            if not isinstance(child, SKIP_STRINGS):
                run.append(child)
        elif isinstance(child, Tag):
            if child.name in SKIP_TAGS or _zone(child, main) is not None:
                continue
            if furniture_of(child) is not None:
                continue
            if child.name == "br":
                run.append(None)
            elif child.name in BLOCK_TAGS or child.find(BLOCK_TAGS):
                flush()
                _block(ctx, child, main, depth)
            else:
                run.extend(_inline(child))
    flush()


def _inline(tag: Tag) -> list[NavigableString | None]:
    out: list[NavigableString | None] = []
    for s in tag.descendants:
        if isinstance(s, Tag) and s.name == "br":
            out.append(None)
        elif (
            isinstance(s, NavigableString)
            and not isinstance(s, SKIP_STRINGS)
            and not _in_skipped(s)
        ):
            out.append(s)
    return out


def _only_bold(tag: Tag) -> bool:
    """A paragraph whose whole text is bold reads as a heading."""
    text = tag.get_text().strip()
    bold = "".join(b.get_text() for b in tag.find_all(["strong", "b"])).strip()
    return bool(text) and bold == text and len(text) <= 90


def _block(ctx: _Ctx, el: Tag, main: Tag, depth: int) -> None:
    name = el.name
    if name in HEADINGS:
        ctx.emit(BlockKind.HEADING, _inline(el), level=HEADINGS[name], marker=name)
    elif name == "li":
        _list_item(ctx, el, main, depth)
    elif name == "tr":
        cells: list[NavigableString | None] = []
        for cell in el.find_all(["td", "th"], recursive=False):
            cells.extend([*_inline(cell), None])
        ctx.emit(BlockKind.TABLE_ROW, cells, level=depth)
    elif name in ("p", "dt", "dd", "figcaption", "pre", "caption", "summary") and not el.find(
        BLOCK_TAGS
    ):
        if _only_bold(el):
            ctx.emit(BlockKind.HEADING, _inline(el), level=4, bold=True)
        else:
            pieces = _split_at_breaks(_inline(el))
            for n, piece in enumerate(pieces):
                lead = _lead_text(el) if n == 0 and len(pieces) == 1 else _lead_of_strings(piece)
                ctx.emit(BlockKind.PARAGRAPH, piece, level=depth, lead=lead)
    elif name in ("hr",):
        return
    else:
        _walk(ctx, el, main, depth + (1 if name in ("ul", "ol") else 0))


def _list_item(ctx: _Ctx, li: Tag, main: Tag, depth: int) -> None:
    parent = li.parent
    number = None
    if isinstance(parent, Tag) and parent.name == "ol":
        start = parent.get("start")
        first = int(start) if isinstance(start, str) and start.isdigit() else 1
        number = first + list(parent.find_all("li", recursive=False)).index(li)
    marker = f"{number}." if number is not None else "-"
    level = max(depth, 1)
    if not li.find(BLOCK_TAGS):
        ctx.emit(
            BlockKind.LIST_ITEM, _inline(li), level=level, number=number, marker=marker,
            bold=_only_bold(li), lead=_lead_text(li),
        )  # fmt: skip
        return
    # An item holding paragraphs or nested lists: its first text is the item, the rest follows.
    first_done = False
    run: list[NavigableString | None] = []
    for child in li.children:
        if isinstance(child, Tag) and (child.name in BLOCK_TAGS or child.find(BLOCK_TAGS)):
            if run and any(s is not None and s.strip() for s in run):
                ctx.emit(BlockKind.LIST_ITEM, run, level=level, number=number, marker=marker)
                first_done = True
            run = []
            if not first_done and child.name == "p":
                ctx.emit(BlockKind.LIST_ITEM, _inline(child), level=level, number=number,
                         marker=marker)  # fmt: skip
                first_done = True
            else:
                _block(ctx, child, main, level + 1 if child.name in ("p", "div") else level)
        elif isinstance(child, NavigableString):
            if not isinstance(child, SKIP_STRINGS):
                run.append(child)
        elif isinstance(child, Tag) and child.name not in SKIP_TAGS:
            run.extend(_inline(child))
    if run and any(s is not None and s.strip() for s in run):
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
    soup: BeautifulSoup,
    located: dict[int, Aligned],
    kept: set[int],
    main: Tag | None,
    block_spans: list[tuple[int, int]],
) -> list[Removal]:
    """Everything outside the kept blocks: markup, and text labelled by its region."""
    by_start: dict[int, _Label] = {}
    for s in _strings(soup):
        where = located.get(id(s))
        if where is None or not where.text.strip():
            continue
        start = where.source_ranges(0, len(where.text))[0][0]
        if id(s) in kept:
            by_start[start] = ("keep", "")
        else:
            by_start[start] = _zone(s, main) or ("page_furniture", "html-unplaced-text")
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
    removals: list[Removal] = []
    for t, lab in zip(tokens, labels, strict=True):
        if lab is not None and lab[0] == "keep":
            # Text the tree dropped from a kept node (a stray "<?"): markup, not content.
            for start, end in _uncovered(t, block_spans, doc.text):
                removals.append(
                    Removal(doc.source_id, (start, end), "markup", "html-unparsed-text",
                            doc.text[start:end])
                )  # fmt: skip
            continue
        if lab is None:
            continue
        reason, rule = lab
        start, end = t.start, t.end
        if removals and (removals[-1].reason, removals[-1].rule) == lab:
            prev = removals[-1]
            if not doc.text[prev.span[1] : start].strip():
                start = prev.span[0]
                removals.pop()
        removals.append(Removal(doc.source_id, (start, end), reason, rule, doc.text[start:end]))
    return removals


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
    soup = BeautifulSoup(doc.text, "lxml")
    tokens = tokenize(doc.text)
    located = _locate(soup, tokens, doc.text)
    main = find_main(soup)
    ctx = _Ctx(doc, located)
    if main is not None:
        if main.find("h1") is None:
            titles = [h for h in soup.find_all("h1") if _zone(h, None) is None]
            if len(titles) == 1:
                ctx.emit(BlockKind.HEADING, _inline(titles[0]), level=1, marker="h1")
        _walk(ctx, main, main)
    blocks = sorted(ctx.blocks, key=lambda b: b.span)
    blocks = [_reindex(b, i) for i, b in enumerate(blocks)]
    spans = [b.span for b in blocks]
    return blocks, _removals(doc, tokens, soup, located, ctx.kept, main, spans)


def _reindex(block: Block, index: int) -> Block:
    return dataclasses.replace(block, index=index)
