"""Markdown parser for scraped articles, with exact source spans.

Block structure is CommonMark, with GFM tables and YAML front matter, as ``markdown-it-py``
parses it: headings, paragraphs, lists and their items, block quotes, code, thematic breaks,
HTML blocks, tables and link reference definitions are its tokens. Each leaf token's line map
names its source lines; the content markdown-it-py gives for each line is a suffix of that line,
so every Block keeps its exact span, and container markup (block quote ``>``, list markers) is
accounted for as removed markup. On top of CommonMark, the rules of scraped Markdown refine a
paragraph (never cross its lines): a bold line is a heading, each bold lead-in of a field list
starts a block, unwrapped lines are blocks of their own, "**A.**" is a lettered step, "•" starts
a list item, a short title line inside hard-wrapped prose is a heading. Inline markup is then
stripped by ``strip_inline``, which reports every character it removes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from exercise_pipeline.align import Aligned, concat
from exercise_pipeline.models import Block, BlockKind, Document, Removal
from exercise_pipeline.parse.inline import strip_inline
from exercise_pipeline.parse.lines import (
    Line,
    is_title_like,
    is_wrapped,
    join_lines,
    split_lines,
    standalone_title,
)

_MD_PLAIN = MarkdownIt("commonmark").enable("table")
_MD = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)

# Container markup before a line's content: block quote markers, list markers, indentation.
_LEAD = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")
ATX = re.compile(r"(?P<hashes>#{1,6})(?:[ \t]+|$)")
# The closing sequence of an ATX heading, in the text after the opening one ("Title ##",
# or "#" alone: "# #" is an empty heading).
ATX_CLOSE = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
# Pandoc's and kramdown's heading attributes at the end of an ATX heading ("## Notes {#notes}",
# "## Tips ## {.aside lang=en}"): markup, not part of the title.
_ATTR = r"(?:[#.][\w:.-]+|-|[\w-]+=(?:\"[^\"]*\"|[^\s}\"]+))"  # "{-}": unnumbered
TASK_BOX = re.compile(r"\[[ xX]\][ \t]+(?=\S)")
ATX_ATTRS = re.compile(rf"[ \t]+\{{[ \t]*{_ATTR}(?:[ \t]+{_ATTR})*[ \t]*\}}[ \t]*$")
# "•" is no CommonMark list marker, but scraped text uses it for one.
BULLET = re.compile(r"^[ \t]*•(?:[ \t]+|$)")
# A table cell: up to an unescaped "|" ("5 \\| 10" is one cell).
_CELL = re.compile(r"(?:\\.|[^|\\])+")
# A line of table cells between pipes: "| a | b |".
_PIPE_ROW = re.compile(r"^[ \t]*\|(?:(?:\\.|[^|\\])*\|){2,}[ \t]*$")
# A line break inside a table cell ("Chin ups<br>Goblet squat"): GFM cells hold one line.
_CELL_BREAK = re.compile(r"(?<![ \t])[ \t]*<br[ \t]*/?>[ \t]*", re.I)
# TOML front matter, which the front-matter plugin (YAML only) leaves alone.
TOML_FENCE = "+++"
# A step marker in bold at the start of a line: "**A.** Stand ...", "**2)** ...", "**Step 3:** ...".
STEP_LEAD = re.compile(
    r"^[ \t]*\*\*(?P<n>[A-Za-z]|\d{1,2}|step\s*\d{1,2})[.):]?\*\*[.):]?\s+(?=\S)", re.I
)
BOLD_LEAD = re.compile(r"^(?P<mark>\*\*|__)(?P<name>[^*_\n]{1,80}?)(?P=mark)")
# A bold line is a heading; a bold sentence ("**Repeat 10 times.**") is only emphasis.
BOLD_LINE = re.compile(
    r"^[ \t]*(?P<mark>\*\*|__)(?P<text>[^*_\n].*?)(?<![.!?])(?P=mark)[ \t]*:?[ \t]*$"
)
# An italic line that ends with a colon labels what follows as a bold one does ("*Dead Bug:*"
# over its bullets); an italic line without one is only emphasis ("*Use the chair for support*").
ITALIC_LABEL = re.compile(
    r"^[ \t]*(?P<mark>[*_])(?P<text>[^*_\s][^*_\n]{0,60}?)(?::(?P=mark)|(?P=mark)[ \t]*:)[ \t]*$"
)


def _label_line(text: str) -> bool:
    """A line in emphasis that heads what follows: bold, or italic ending with a colon."""
    return bool(BOLD_LINE.match(text) or ITALIC_LABEL.match(text))


@dataclass(slots=True)
class _Item:
    """An open list item: its marker, the line the marker is on, how many lists deep it is."""

    marker: str
    number: int | None
    line: int
    depth: int
    children: int = 0


@dataclass(slots=True)
class _State:
    doc: Document
    lines: list[Line]
    blocks: list[Block] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)
    # an empty ATX heading's level and the line after it, where a scrape may have put its
    # title ("#####   " / "Clam")
    empty_heading: tuple[int, int] | None = None

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

    def prefix(self, n: int, at: int, keep: int | None = None) -> None:
        """Line ``n``'s content starts at column ``at``: what comes before it is container
        markup, removed, except from column ``keep`` on (a list item's own marker)."""
        line = self.lines[n]
        self.covered.add(n)
        end = at if keep is None else min(at, keep)
        for m in re.finditer(r"\S+", line.text[:end]):
            rule = "md-blockquote-marker" if set(m.group()) == {">"} else "md-list-marker"
            self.remove(line.start + m.start(), line.start + m.end(), rule)

    def content_lines(
        self, first: int, texts: list[str], keep: int | None = None, end: int | None = None
    ) -> list[Line]:
        """Source lines from ``first`` on, each from the column where its content starts; on
        the first line, markup from column ``keep`` on is the block's own (a list marker).

        markdown-it-py strips the content of a paragraph as a whole, so lines of Unicode
        white space (a scraped "&nbsp;") at its start or end are missing from ``texts``: the
        content lines are matched to the source lines they are suffixes of, and the lines
        left over hold only white space (and container markup, removed)."""
        spare = 0 if end is None else max(end - first - len(texts), 0)
        skip = next(
            (
                k
                for k in range(spare + 1)
                if _suffixes(self.lines[first + k : first + k + len(texts)], texts)
            ),
            0,  # content rewritten (a tab in a container): matched line by line below
        )
        for n in range(first, first + skip):
            self.prefix(n, len(self.lines[n].text), keep if n == first else None)
        out = []
        for n, content in enumerate(texts, start=first + skip):
            line = self.lines[n]
            at = _content_start(line.text, content)
            self.prefix(n, at, keep if n == first else None)
            out.append(Line(line.start + at, line.end, line.text[at:]))
        return out

    def rest_of(self, first: int, end: int) -> None:
        """Lines of a block past its content (white space only): their markup is removed."""
        for n in range(first, end):
            if n not in self.covered:
                self.prefix(n, len(self.lines[n].text))


def _comparable(text: str) -> str:
    return text.rstrip().replace("\0", "\ufffd")  # markdown-it-py reads a NUL as U+FFFD


def _suffixes(lines: list[Line], texts: list[str]) -> bool:
    return len(lines) == len(texts) and all(
        _comparable(line.text).endswith(t.strip()) for line, t in zip(lines, texts, strict=True)
    )


def _content_start(text: str, content: str) -> int:
    """Where ``content`` (a suffix of the line but for trailing white space) starts."""
    body, wanted = _comparable(text), content.strip()
    at = len(body) - len(wanted)
    if wanted and at >= 0 and body.endswith(wanted):
        return at
    return _lead(text)  # content markdown-it-py rewrote (a tab expanded in a container)


def _quoted(text: str) -> int:
    """Column after block quote markers and indentation (not list markers: "- - -" is a
    thematic break, "--|--" a delimiter row)."""
    return len(text) - len(text.lstrip(" \t>"))


def _lead(text: str) -> int:
    """Column where a line's content starts after container markup."""
    m = _LEAD.match(text)
    return m.end() if m else 0


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


def _span(lines: list[Line]) -> tuple[int, int]:
    return (lines[0].start + lines[0].indent, lines[-1].end)


def _joined(lines: list[Line]) -> Aligned:
    return join_lines([line.aligned(line.indent) for line in lines])


# A line that ends in a hard line break: "<br>", a backslash or two spaces (CommonMark).
def _hard_break(text: str) -> bool:
    """Whether a line ends in a hard line break: "<br>", a backslash or two spaces
    (CommonMark); string tests, linear in the line however many spaces it holds."""
    line = text.rstrip("\r\n")
    if line.endswith(("  ", "\\")):
        return True
    tail = line.rstrip().lower()
    return tail.endswith(("<br>", "<br/>", "<br />"))


def _broken(lines: list[Line]) -> bool:
    """Whether every line but the last ends in a hard line break: the writer broke each
    line ("Towel shoulder stretch <br>"), none of them wrapped."""
    return all(_hard_break(line.text) for line in lines[:-1])


# A heading that is only a picture, in emphasis or not.
_PICTURE_ONLY = re.compile(r"(?:\*\*|__|\*|_)?!\[[^\]\n]*\]\([^)\n]*\)(?:\*\*|__|\*|_)?")
_IMAGE_LINE = re.compile(r"^\s*!\[[^\]\n]*\]\([^)\n]*\)\s*$")


def _prose(st: _State, lines: list[Line], *, level: int) -> None:
    """A CommonMark paragraph, refined by the rules of scraped Markdown."""
    images = [k for k, line in enumerate(lines) if _IMAGE_LINE.match(line.text)]
    if images and len(lines) > 1:
        # A picture's line and the line right under it (its caption or credit: "Credit:
        # Shot by ...") are blocks of their own, whatever text runs on after them.
        cuts = sorted({0, len(lines), *(c for k in images for c in (k, k + 1, k + 2))})
        for a, b in itertools.pairwise(cuts):
            if a < b <= len(lines):
                _prose(st, lines[a:b], level=level)
        return
    if all(_PIPE_ROW.match(line.text) for line in lines):
        # "| Psoas Hold | 2 - 4 reps | 30 s |" lines with no delimiter row: a table that a
        # scrape or a hand lost the "|---|" line of; each line is a row, as in a GFM table
        for line in lines:
            cells = [
                Aligned.from_source(m.group(0), line.start + m.start()).strip()
                for m in _CELL.finditer(line.text)
            ]
            _rows(st, cells, (line.start + line.indent, line.end), level=level)
        return
    bullets = [k for k, line in enumerate(lines) if BULLET.match(line.text)]
    if bullets:
        cuts = sorted({0, *bullets, len(lines)})
        for a, b in itertools.pairwise(cuts):
            run = lines[a:b]
            if not (m := BULLET.match(run[0].text)):
                _prose(st, run, level=level)
                continue
            first = Line(run[0].start + m.end(), run[0].end, run[0].text[m.end() :])
            span = (run[0].start + run[0].indent, run[-1].end)
            content = _joined([first, *run[1:]])
            st.emit(BlockKind.LIST_ITEM, content, span, level=level + 1, marker="•")
        return
    if len(lines) == 1 and _label_line(lines[0].text):
        st.emit(BlockKind.HEADING, _joined(lines), _span(lines), level=max(level, 4), bold=True)
        return
    runs: list[tuple[bool, list[Line]]] = [(False, [])]  # (a title line, its lines)
    leads = [k for k, line in enumerate(lines) if BOLD_LEAD.match(line.text.lstrip())]
    if len(leads) >= 2:
        # A field list ("**Target:** ...", "**Hold:** ..."): each bold lead-in starts a block.
        cuts = sorted({0, *leads, len(lines)})
        runs = [(False, lines[a:b]) for a, b in itertools.pairwise(cuts)]
    elif len(lines) > 2 and not _broken(lines) and is_wrapped(lines):
        # Hard-wrapped prose: a short title line between sentences is a heading of its own.
        for k, line in enumerate(lines):
            if standalone_title(lines, k):
                runs += [(True, [line]), (False, [])]
            else:
                runs[-1][1].append(line)
    elif len(lines) > 1 and not _continues_sentence(lines):
        # Scraped Markdown keeps the page's line breaks: unwrapped lines are separate blocks
        # ("![photo]", "Credit: ...", "**A.** Stand with ...", "**B.** Step ...").
        runs = [(False, [line]) for line in lines]
    else:
        runs = [(False, lines)]
    several = sum(1 for _, run in runs if run) > 1
    for title, run in runs:
        if not run:
            continue
        content, span = _joined(run), _span(run)
        if title:
            st.emit(BlockKind.HEADING, content, span, level=3)
        elif len(run) == 1 and (step := STEP_LEAD.match(content.text)):
            # "**A.** Stand with ..." is a lettered step: the marker is list syntax.
            st.remove(*content.source_span(0, step.end()), "md-step-marker")
            content = content.slice(step.end(), len(content))
            st.emit(BlockKind.LIST_ITEM, content, (content.span[0], span[1]), level=max(level, 1),
                    number=_ordinal(step.group("n")), marker=step.group("n"))  # fmt: skip
        elif len(run) == 1 and several and _label_line(run[0].text):
            st.emit(BlockKind.HEADING, content, span, level=max(level, 4), bold=True)
        else:
            st.emit(BlockKind.PARAGRAPH, content, span, level=level)


def _heading(st: _State, tok: Token, inline: Token, item: _Item | None) -> None:
    assert tok.map is not None
    first, end = tok.map
    marker, number = (item.marker, item.number) if item else (tok.markup, None)
    keep = _marker_at(st, first, item)
    if tok.markup.startswith("#"):  # ATX: "## Title ##"
        line = st.lines[first]
        at = _lead(line.text)
        m = ATX.match(line.text, at)
        if m is None:  # container markup _LEAD does not know: the content says where it is
            lines = st.content_lines(first, [inline.content], keep)
            st.emit(BlockKind.HEADING, _joined(lines), _span(lines), level=len(tok.markup))
            return
        st.prefix(first, at, keep)
        start = line.start + (at if keep is None else keep)
        rest = line.text[m.end() :]
        attrs = ATX_ATTRS.search(rest)
        if attrs:
            st.remove(line.start + m.end() + attrs.start(), line.end, "md-heading-attributes")
            rest = rest[: attrs.start()]
        close = ATX_CLOSE.search(rest)
        stop = close.start() if close else len(rest)
        content = Aligned.from_source(rest[:stop], line.start + m.end()).strip()
        if not content.text:  # "#", "## ##": an empty heading is markup
            st.remove(start, line.end, "md-empty-block")
            if item is None and at == 0:  # at the top level, not in a block quote
                st.empty_heading = (end, len(tok.markup))
            return
        if item is None and at == 0 and _PICTURE_ONLY.fullmatch(content.text):
            st.empty_heading = (end, len(tok.markup))  # "##### **![](photo.jpg)**" / "Bridge"
        if item is not None:
            st.remove(line.start + at, line.start + m.end(), "md-heading-marker")
        if close:
            end_of = line.start + m.end() + len(rest)
            st.remove(line.start + m.end() + close.start(), end_of, "md-heading-marker")
        st.emit(BlockKind.HEADING, content, (start, line.end), level=len(tok.markup),
                marker=marker if item else tok.markup, number=number)  # fmt: skip
        return
    # Setext: the text lines, then the "===" or "---" underline.
    lines = st.content_lines(first, inline.content.split("\n"), keep, end - 1)
    st.rest_of(first, end - 1)
    under = st.lines[end - 1]
    at = _lead(under.text)
    if tok.markup == "-":  # "---" reads as list markers to _LEAD
        at = _quoted(under.text)
    st.prefix(end - 1, at)
    st.remove(under.start + at, under.end, "md-setext-underline")
    head = st.lines[first]  # from its first line, even one of white space only
    start = head.start + (keep if keep is not None else head.indent)
    st.emit(BlockKind.HEADING, _joined(lines), (start, lines[-1].end),
            level=1 if tok.markup == "=" else 2, marker=marker, number=number)  # fmt: skip


def _marker_at(st: _State, n: int, item: _Item | None) -> int | None:
    """Column of the open item's own marker on line ``n``, when a block starts the item."""
    if item is None:
        return None
    text = st.lines[n].text
    col = text[: _lead(text)].rfind(item.marker)
    return col if col >= 0 else None


def _table(st: _State, tokens: list[Token], i: int, *, starts_item: bool) -> int:
    """Rows of a GFM table, each a block; the delimiter row is markup. A table that starts
    a list item has the item's marker before its header row."""
    table = tokens[i]
    assert table.map is not None and table.type == "table_open"
    delimiter = table.map[0] + 1
    line = st.lines[delimiter]
    at = _quoted(line.text)
    st.prefix(delimiter, at)
    st.remove(line.start + at, line.end, "md-table-rule")
    while tokens[i].type != "table_close":
        tok = tokens[i]
        i += 1
        if tok.type != "tr_open" or tok.map is None:
            continue
        n = tok.map[0]
        line = st.lines[n]
        at = _quoted(line.text)
        if starts_item and n == table.map[0]:
            at = _lead(line.text)
        st.prefix(n, at)
        cells = [
            Aligned.from_source(m.group(0), line.start + at + m.start()).strip()
            for m in _CELL.finditer(line.text[at:])
        ]
        _rows(st, cells, (line.start + at, line.end))
    return i + 1


def _cell_text(st: _State, cell: Aligned) -> Aligned:
    """A cell's text, its lines between "<br>" tags joined with spaces; the tags are removed
    as markup."""
    lines: list[Aligned] = []
    at = 0
    for m in _CELL_BREAK.finditer(cell.text):
        lines.append(cell.slice(at, m.start()))
        for start, end in cell.source_ranges(m.start(), m.end()):
            st.remove(start, end, "html-tag")
        at = m.end()
    lines.append(cell.slice(at, len(cell.text)))
    return concat(lines, " ", sep_from_gap=False)


def _rows(st: _State, cells: list[Aligned], span: tuple[int, int], *, level: int = 0) -> None:
    """A table row's block. A cell broken into lines with "<br>" reads as one text, its lines
    joined with spaces ("3 x 40 m<br>(heavy)"). (Cells of several entries, one per line,
    "Chin ups<br>Goblet squat" beside "3x8<br>3x10", would need one block per line whose
    characters interleave with the others': no block may overlap another, so they stay one
    row.)"""
    # " | " between cells stands for no source text: "a  |b" has a gap of the same length,
    # which would read as the same characters.
    texts = [_cell_text(st, cell) for cell in cells]
    st.emit(BlockKind.TABLE_ROW, concat(texts, " | ", sep_from_gap=False), span, level=level)


def _markup(st: _State, tok: Token, rule: str) -> None:
    """A block that is markup as a whole: code, a thematic break, front matter."""
    assert tok.map is not None
    first, end = tok.map
    first_line = st.lines[first]
    at = len(first_line.text) - len(first_line.text.lstrip())
    st.remove(first_line.start + at, st.lines[end - 1].end, rule)
    st.covered.update(range(first, end))


def _toml_front_matter(st: _State) -> int:
    """Lines of TOML front matter ("+++" fences) at the top, removed; 0 if there is none."""
    if not st.lines or st.lines[0].text.strip() != TOML_FENCE:
        return 0
    for n in range(1, min(len(st.lines), 200)):
        if st.lines[n].text.strip() == TOML_FENCE:
            st.remove(st.lines[0].start, st.lines[n].end, "front-matter")
            st.covered.update(range(n + 1))
            return n + 1
    return 0


def _uncovered(st: _State, *, references: bool) -> None:
    """Lines no leaf block holds: container markup ("-" alone, ">" alone) and, when the text
    defines any, link reference definitions ("[1]: http://..."), the one block markdown-it-py
    keeps out of its tokens; anything else would be text lost, so it is a paragraph."""
    n = 0
    while n < len(st.lines):
        if n in st.covered or st.lines[n].blank:
            n += 1
            continue
        run = [n]
        while run[-1] + 1 < len(st.lines) and run[-1] + 1 not in st.covered:
            if st.lines[run[-1] + 1].blank:
                break
            run.append(run[-1] + 1)
        if all(_lead(st.lines[k].text) == len(st.lines[k].text) for k in run):
            for k in run:
                st.prefix(k, len(st.lines[k].text))
        elif references:
            first = st.lines[run[0]]
            at = _quoted(first.text)
            st.prefix(run[0], at)
            st.remove(first.start + at, st.lines[run[-1]].end, "md-link-reference")
        else:
            _prose(st, st.content_lines(run[0], [st.lines[k].text for k in run]), level=0)
        n = run[-1] + 1


def parse_markdown(doc: Document) -> tuple[list[Block], list[Removal]]:
    """Blocks of a Markdown article and the markup removed from it."""
    st = _State(doc, split_lines(doc.text))
    skip = _toml_front_matter(st)
    # markdown-it-py reads lines split as ours are; TOML front matter is blanked out.
    src = "\n" * skip + "\n".join(line.text for line in st.lines[skip:])
    env: dict[str, object] = {}
    tokens = _MD.parse(src, env)
    if tokens and tokens[0].type == "front_matter" and not _closed(st, tokens[0]):
        env = {}
        tokens = _MD_PLAIN.parse(src, env)
    items: list[_Item] = []
    lists = 0
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        i += 1
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "list_item_open":
            assert tok.map is not None
            number = int(tok.info) if tok.info.isdigit() else None
            marker = tok.info + tok.markup if number is not None else tok.markup
            items.append(_Item(marker, number, tok.map[0], lists))
        elif kind == "list_item_close":
            items.pop()
        elif tok.map is not None and kind not in ("blockquote_open", "thead_open", "tbody_open"):
            i = _leaf(st, tokens, i - 1, items[-1] if items else None)
    _uncovered(st, references=bool(env.get("references")))
    st.removals.sort(key=lambda r: r.span)
    blocks = sorted(st.blocks, key=lambda b: b.span)
    return [replace(b, index=k) if b.index != k else b for k, b in enumerate(blocks)], st.removals


def _leaf(st: _State, tokens: list[Token], i: int, item: _Item | None) -> int:
    """Blocks and removals of the leaf block at ``tokens[i]``; the index of the next token.
    The open item's first block, on the item's own line, carries the item's marker."""
    tok = tokens[i]
    assert tok.map is not None
    starts = item if item and item.children == 0 and item.line == tok.map[0] else None
    if item is not None:
        item.children += 1
    level = item.depth + 1 if item else 0
    kind = tok.type
    empty, st.empty_heading = st.empty_heading, None
    if kind == "paragraph_open":
        keep = _marker_at(st, tok.map[0], starts)
        texts = tokens[i + 1].content.split("\n")
        lines = st.content_lines(tok.map[0], texts, keep, tok.map[1])
        st.rest_of(tok.map[0], tok.map[1])
        titled = (  # right under an empty heading, not quoted either
            empty is not None
            and item is None
            and _lead(st.lines[tok.map[0]].text) == 0
            and all(not st.lines[n].text.strip() for n in range(empty[0], tok.map[0]))
        )
        if empty and titled and len(lines) == 1 and is_title_like(lines[0].text, max_words=8):
            # "#####   " then "Clam" on the next line: the empty heading's title
            st.emit(BlockKind.HEADING, _joined(lines), _span(lines), level=empty[1])
        elif starts is None:
            _prose(st, lines, level=level)
        else:
            first = lines[0].start if keep is None else st.lines[tok.map[0]].start + keep
            # to the item's last line, a line of Unicode white space ("&nbsp;") included
            span = (first, max(lines[-1].end, st.lines[tok.map[1] - 1].end))
            marker, number = starts.marker, starts.number
            content = _joined(lines)
            if box := TASK_BOX.match(content.text):  # GFM's task list: "- [ ] Shoulder rolls"
                st.remove(*content.source_span(0, box.end()), "md-task-box")
                content = content.slice(box.end(), len(content))
            st.emit(BlockKind.LIST_ITEM, content, span,
                    level=starts.depth, marker=marker, number=number)  # fmt: skip
        return i + 3
    if kind == "heading_open":
        _heading(st, tok, tokens[i + 1], starts)
        return i + 3
    if kind == "table_open":
        return _table(st, tokens, i, starts_item=starts is not None)
    if kind == "html_block":
        lines = st.content_lines(tok.map[0], tok.content.rstrip("\n").split("\n"))
        lines = [line for line in lines if line.text.strip()]
        if lines:
            st.emit(BlockKind.PARAGRAPH, _joined(lines), _span(lines), level=level)
    elif kind == "front_matter":
        _front_matter(st, tok)
    elif kind in ("fence", "code_block"):
        _markup(st, tok, "md-code-block")
    elif kind == "hr":
        _markup(st, tok, "md-thematic-break")
    return i + 1


def _closed(st: _State, tok: Token) -> bool:
    """The front-matter plugin reads an unclosed "---" at the top as front matter to the end
    of the file; in a scrape that is a thematic break, so only a closed one counts."""
    assert tok.map is not None
    return tok.map[1] - 1 > tok.map[0] and st.lines[tok.map[1] - 1].text.strip() == "---"


def _front_matter(st: _State, tok: Token) -> None:
    assert tok.map is not None
    st.remove(st.lines[tok.map[0]].start, st.lines[tok.map[1] - 1].end, "front-matter")
    st.covered.update(range(*tok.map))
