"""Markdown parser for scraped articles, with exact source spans.

A line-based block parser (front matter, ATX and setext headings, bold lines used as headings,
lists with indented text under items, tables, block quotes, fenced code, thematic breaks and
embedded HTML) followed by inline stripping. A general Markdown library renders HTML but does not
give character offsets, which the accounting needs; this parser covers what scrapes contain.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from pipeline.align import Aligned, concat
from pipeline.models import Block, BlockKind, Document, Removal
from pipeline.parse.inline import strip_inline
from pipeline.parse.lines import Line, is_wrapped, join_lines, split_lines, standalone_title

ATX = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+|$)")
ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(?P<ch>=+|-+)[ \t]*$")
RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
LIST = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+•]|(?P<num>\d{1,9})[.)])(?:[ \t]+|$)")
QUOTE = re.compile(r"^ {0,3}>[ \t]?")
TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
HTML_BLOCK = re.compile(
    r"^ {0,3}<(?:!--|/?(?:iframe|div|figure|figcaption|script|style|section|img|video|audio|"
    r"embed|object|table|tr|td|th|tbody|thead|p|br|hr|span|a|center|noscript|form|input|button|"
    r"picture|source|svg|blockquote|details|summary|aside|nav|header|footer)\b)",
    re.I,
)
# A step marker in bold at the start of a line: "**A.** Stand ...", "**2)** ...", "**Step 3:** ...".
STEP_LEAD = re.compile(
    r"^[ \t]*\*\*(?P<n>[A-Za-z]|\d{1,2}|step\s*\d{1,2})[.):]?\*\*[.):]?\s+(?=\S)", re.I
)
BOLD_LEAD = re.compile(r"^(?P<mark>\*\*|__)(?P<name>[^*_\n]{1,80}?)(?P=mark)")
# A bold line is a heading; a bold sentence ("**Repeat 10 times.**") is only emphasis.
BOLD_LINE = re.compile(
    r"^[ \t]*(?P<mark>\*\*|__)(?P<text>[^*_\n].*?)(?<![.!?])(?P=mark)[ \t]*:?[ \t]*$"
)
FRONT_MATTER = {"---": "---", "+++": "+++"}


@dataclass(slots=True)
class _State:
    doc: Document
    lines: list[Line]
    blocks: list[Block] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)

    def remove(self, start: int, end: int, rule: str) -> None:
        if start < end:
            text = self.doc.text[start:end]
            self.removals.append(Removal(self.doc.source_id, (start, end), "markup", rule, text))

    def emit(
        self,
        kind: BlockKind,
        content: Aligned,
        span: tuple[int, int],
        *,
        level: int = 0,
        marker: str | None = None,
        number: int | None = None,
        bold: bool = False,
    ) -> None:
        lead_name = ""
        if m := BOLD_LEAD.match(content.text):
            rest = content.text[m.end() :].strip()
            if rest and rest not in (":", "."):
                lead_name = m.group("name").strip().rstrip(":").strip()
            elif not rest and not m.group("name").rstrip().endswith((".", "!", "?")):
                bold = True
        stripped, removed = strip_inline(content)
        stripped = stripped.strip()
        for start, end, rule in removed:
            self.remove(start, end, rule)
        if not stripped.text:  # nothing but syntax ("-", "**", an image): all of it markup
            pos = span[0]
            for start, end, _ in [*sorted(removed), (span[1], span[1], "")]:
                if start > pos and self.doc.text[pos:start].strip():
                    self.remove(pos, start, "md-empty-block")
                pos = max(pos, end)
            return
        self.blocks.append(
            Block(
                source_id=self.doc.source_id,
                index=len(self.blocks),
                kind=kind,
                content=stripped,
                span=span,
                level=level,
                marker=marker,
                number=number,
                bold=bold,
                lead=len(lead_name) if lead_name and stripped.text.startswith(lead_name) else 0,
            )
        )


def _starts_block(line: Line) -> bool:
    t = line.text
    return bool(
        ATX.match(t)
        or RULE.match(t)
        or FENCE.match(t)
        or LIST.match(t)
        or QUOTE.match(t)
        or HTML_BLOCK.match(t)
        or t.lstrip().startswith("|")
    )


def _front_matter(st: _State, i: int) -> int:
    """Skip YAML (---) or TOML (+++) front matter at the top of the file."""
    first = st.lines[i]
    fence = first.text.strip()
    if fence not in FRONT_MATTER:
        return i
    for j in range(i + 1, min(len(st.lines), i + 200)):
        if st.lines[j].text.strip() == FRONT_MATTER[fence]:
            st.remove(first.start, st.lines[j].end, "front-matter")
            return j + 1
    return i


def _heading(st: _State, line: Line) -> None:
    m = ATX.match(line.text)
    assert m is not None
    level = len(m.group("hashes"))
    text = line.text
    close = ATX_CLOSE.search(text)
    end = close.start() if close and close.start() >= m.end() else len(text)
    content = Aligned.from_source(text[m.end() : end], line.start + m.end()).strip()
    if close and close.start() >= m.end():
        st.remove(line.start + close.start(), line.end, "md-heading-marker")
    st.emit(
        BlockKind.HEADING,
        content,
        (line.start + line.indent, line.end),
        level=level,
        marker=m.group("hashes"),
    )


def _table(st: _State, i: int) -> int:
    while i < len(st.lines) and st.lines[i].text.lstrip().startswith("|"):
        line = st.lines[i]
        if TABLE_SEP.match(line.text):
            st.remove(line.start + line.indent, line.end, "md-table-rule")
        else:
            cells = [
                Aligned.from_source(m.group(0), line.start + m.start()).strip()
                for m in re.finditer(r"[^|]+", line.text)
            ]
            st.emit(
                BlockKind.TABLE_ROW,
                concat(cells, " | "),
                (line.start + line.indent, line.end),
            )
        i += 1
    return i


def _html_block(st: _State, i: int) -> int:
    j = i
    while j < len(st.lines) and not st.lines[j].blank:
        j += 1
    first, last = st.lines[i], st.lines[j - 1]
    content = join_lines([line.aligned(line.indent) for line in st.lines[i:j]])
    st.emit(BlockKind.PARAGRAPH, content, (first.start + first.indent, last.end))
    return j


def _fence(st: _State, i: int) -> int:
    m = FENCE.match(st.lines[i].text)
    assert m is not None
    fence = m.group("fence")
    j = i + 1
    while j < len(st.lines) and not st.lines[j].text.strip().startswith(fence):
        j += 1
    end = st.lines[min(j, len(st.lines) - 1)].end
    st.remove(st.lines[i].start, end, "md-code-block")
    return j + 1


def _paragraph(st: _State, i: int, *, level: int = 0) -> int:
    start = i
    j = i + 1
    while j < len(st.lines) and not st.lines[j].blank and not _starts_block(st.lines[j]):
        if SETEXT.match(st.lines[j].text):
            break
        j += 1
    lines = st.lines[start:j]
    if j < len(st.lines) and SETEXT.match(st.lines[j].text) and not st.lines[j].blank:
        underline = st.lines[j]
        ch = underline.text.strip()[0]
        st.remove(underline.start + underline.indent, underline.end, "md-setext-underline")
        content = join_lines([line.aligned(line.indent) for line in lines])
        st.emit(
            BlockKind.HEADING,
            content,
            (lines[0].start + lines[0].indent, lines[-1].end),
            level=1 if ch == "=" else 2,
            marker=ch,
        )
        return j + 1
    if len(lines) == 1 and BOLD_LINE.match(lines[0].text):
        line = lines[0]
        content = Aligned.from_source(line.text, line.start).strip()
        st.emit(
            BlockKind.HEADING,
            content,
            (line.start + line.indent, line.end),
            level=max(level, 4),
            bold=True,
        )
        return j
    # Hard-wrapped prose: a short title line between sentences is a heading of its own.
    runs: list[list[Line]] = [[]]
    leads = [k for k, line in enumerate(lines) if BOLD_LEAD.match(line.text.lstrip())]
    if len(leads) >= 2:
        # A field list ("**Target:** ...", "**Hold:** ..."): each bold lead-in starts a block.
        cuts = sorted({0, *leads, len(lines)})
        runs = [lines[a:b] for a, b in itertools.pairwise(cuts)]
    elif len(lines) > 2 and is_wrapped(lines):
        for k, line in enumerate(lines):
            if standalone_title(lines, k):
                st.emit(
                    BlockKind.HEADING,
                    line.aligned(line.indent),
                    (line.start + line.indent, line.end),
                    level=3,
                )
                runs.append([])
            else:
                runs[-1].append(line)
    elif len(lines) > 1 and not _continues_sentence(lines):
        # Scraped Markdown keeps the page's line breaks: unwrapped lines are separate blocks
        # ("![photo]", "Credit: ...", "**A.** Stand with ...", "**B.** Step ...").
        runs = [[line] for line in lines]
    else:
        runs = [lines]
    for run in runs:
        if not run:
            continue
        content = join_lines([line.aligned(line.indent) for line in run])
        span = (run[0].start + run[0].indent, run[-1].end)
        if len(run) == 1 and (step := STEP_LEAD.match(content.text)):
            # "**A.** Stand with ..." is a lettered step: the marker is list syntax.
            st.remove(*content.source_span(0, step.end()), "md-step-marker")
            content = content.slice(step.end(), len(content))
            span = (content.span[0], span[1])
            st.emit(BlockKind.LIST_ITEM, content, span, level=max(level, 1),
                    number=_ordinal(step.group("n")), marker=step.group("n"))  # fmt: skip
        elif len(run) == 1 and len(runs) > 1 and BOLD_LINE.match(run[0].text):
            st.emit(BlockKind.HEADING, content, span, level=max(level, 4), bold=True)
        else:
            st.emit(BlockKind.PARAGRAPH, content, span, level=level)
    st.blocks.sort(key=lambda b: b.span)
    return j


def _continues_sentence(lines: list[Line]) -> bool:
    """Lines that read as one sentence broken across lines: a line ends mid-sentence and the
    next goes on in lower case, or a line ends with a comma or a joining word."""
    for a, b in itertools.pairwise(lines):
        end = a.text.rstrip()
        start = b.text.lstrip()
        if start[:1].islower() or end.endswith((",", ";", " and", " or", " the", " a", " to")):
            return True
    return False


def _ordinal(token: str) -> int:
    """ "3" -> 3, "B" -> 2, "Step 4" -> 4."""
    digits = re.sub(r"\D", "", token)
    if digits:
        return int(digits)
    return ord(token.strip().upper()[0]) - ord("A") + 1


def _list(st: _State, i: int, depth_indents: list[int]) -> int:
    """A list item and the text under it; nested items and indented paragraphs follow."""
    line = st.lines[i]
    m = LIST.match(line.text)
    assert m is not None
    indent = len(m.group("indent").expandtabs(4))
    while depth_indents and depth_indents[-1] > indent:
        depth_indents.pop()
    if not depth_indents or depth_indents[-1] < indent:
        depth_indents.append(indent)
    depth = len(depth_indents)
    content_col = m.end()
    lines = [line.aligned(content_col)]
    j = i + 1
    while j < len(st.lines):
        nxt = st.lines[j]
        if nxt.blank or LIST.match(nxt.text) or ATX.match(nxt.text) or RULE.match(nxt.text):
            break
        if HTML_BLOCK.match(nxt.text) or nxt.text.lstrip().startswith("|"):
            break
        lines.append(nxt.aligned(nxt.indent))
        j += 1
    num = m.group("num")
    if len(lines) == 1 and (atx := ATX.match(lines[0].text)):
        # "3. ##### Back of the Neck Stretch": a heading inside a list item is a heading.
        st.remove(*lines[0].source_span(0, atx.end()), "md-heading-marker")
        st.emit(
            BlockKind.HEADING,
            lines[0].slice(atx.end(), len(lines[0].text)).strip(),
            (line.start + line.indent, line.end),
            level=len(atx.group("hashes")),
            marker=m.group("marker"),
            number=int(num) if num else None,
        )
        lines = []
    if lines:
        st.emit(
            BlockKind.LIST_ITEM,
            join_lines(lines),
            (line.start + line.indent, st.lines[j - 1].end),
            level=depth,
            marker=m.group("marker"),
            number=int(num) if num else None,
        )
    # Paragraphs indented under the item (after blank lines) belong to it.
    while True:
        k = j
        while k < len(st.lines) and st.lines[k].blank:
            k += 1
        if k >= len(st.lines) or k == j:
            return j
        under = st.lines[k]
        if under.indent < indent + 2 or LIST.match(under.text):
            return j
        j = _paragraph(st, k, level=depth + 1)


def parse_markdown(doc: Document) -> tuple[list[Block], list[Removal]]:
    """Blocks of a Markdown article and the markup removed from it."""
    st = _State(doc, split_lines(doc.text))
    i = 0
    while i < len(st.lines) and st.lines[i].blank:
        i += 1
    if i < len(st.lines):
        i = _front_matter(st, i)
    depth_indents: list[int] = []
    while i < len(st.lines):
        line = st.lines[i]
        text = line.text
        if line.blank:
            i += 1
            continue
        if not LIST.match(text) and line.indent == 0:
            depth_indents.clear()
        if FENCE.match(text):
            i = _fence(st, i)
        elif ATX.match(text):
            _heading(st, line)
            i += 1
        elif RULE.match(text):
            st.remove(line.start + line.indent, line.end, "md-thematic-break")
            i += 1
        elif LIST.match(text):
            i = _list(st, i, depth_indents)
        elif text.lstrip().startswith("|"):
            i = _table(st, i)
        elif HTML_BLOCK.match(text):
            i = _html_block(st, i)
        elif m := QUOTE.match(text):
            st.remove(line.start, line.start + m.end(), "md-blockquote-marker")
            content = Aligned.from_source(text[m.end() :], line.start + m.end()).strip()
            st.emit(BlockKind.PARAGRAPH, content, (line.start + m.end(), line.end))
            i += 1
        else:
            i = _paragraph(st, i)
    return st.blocks, st.removals
