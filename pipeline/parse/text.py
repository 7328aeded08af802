"""Plain-text parser: page dumps where headings are bare lines and lists use glyphs or numbers.

Structure is read from lines: blank lines separate chunks; inside a chunk each bullet ("•", "-"),
number ("1.") or "Step N:" line starts an item; a line broken with "..." continues on the next
"..." line; hard-wrapped prose (a chunk whose lines break mid-sentence at a common width) is
joined back into paragraphs, except for short title lines standing between sentences, which
become headings. Text repairs are the cleaner's job: content is the source text as it is.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from pipeline.align import Aligned
from pipeline.models import Block, BlockKind, Document
from pipeline.parse.lines import (
    Line,
    chunks,
    ends_with_ellipsis,
    is_title_like,
    join_lines,
    split_lines,
    starts_with_ellipsis,
)

STEP = re.compile(r"^[ \t]*(?:[•●▪·]|â|Â)?[ \t]*Step[ \t]*(?P<num>\d{1,2})[ \t]*[:.)\-–]", re.I)
NUMBERED = re.compile(r"^[ \t]*(?P<marker>(?P<num>\d{1,2})[.)])[ \t]+(?=\S)")
BULLET = re.compile(r"^[ \t]*(?P<marker>[•●▪◦‣∙·■□➢►✓✔]|[-*–](?=[ \t]))[ \t]*(?=\S)")
_SENTENCE_END = re.compile(r"[.!?:;\"”)]\s*$")


@dataclass(slots=True)
class _Unit:
    """Lines that make one block, before it is frozen into a Block."""

    kind: str  # step | numbered | bullet | plain
    lines: list[Line]
    offset: int  # column where content starts on the first line
    marker: str | None = None
    number: int | None = None
    title: bool = False  # a title line inside wrapped prose


def _start(line: Line) -> _Unit:
    if m := STEP.match(line.text):
        return _Unit("step", [line], line.indent, None, int(m.group("num")))
    if m := NUMBERED.match(line.text):
        return _Unit("numbered", [line], m.end(), m.group("marker"), int(m.group("num")))
    if m := BULLET.match(line.text):
        return _Unit("bullet", [line], m.end(), m.group("marker"))
    return _Unit("plain", [line], line.indent)


def _is_wrapped(lines: list[Line]) -> bool:
    """True when a chunk's lines break mid-sentence at a common width (hard-wrapped prose)."""
    if len(lines) < 2:
        return False
    width = max(len(line.text.rstrip()) for line in lines)
    if not 30 <= width <= 100:
        return False
    breaks = 0
    for a, b in itertools.pairwise(lines):
        a_text = a.text.rstrip()
        if _SENTENCE_END.search(a_text):
            continue
        if b.text.lstrip()[:1].islower() or (len(lines) > 2 and len(a_text) >= 0.7 * width):
            breaks += 1
    full = sum(1 for line in lines[:-1] if len(line.text.rstrip()) >= 0.75 * width)
    if len(lines) > 2 and full >= 0.6 * (len(lines) - 1):
        return True  # most lines run to the wrap width
    return breaks >= max(1, (len(lines) - 1) // 2)


def _standalone_title(lines: list[Line], i: int) -> bool:
    """In wrapped prose: a short title line between a finished sentence and new text."""
    text = lines[i].text.strip()
    if not is_title_like(text, max_words=8, max_chars=60):
        return False
    prev_done = i == 0 or bool(_SENTENCE_END.search(lines[i - 1].text.rstrip()))
    next_starts = i + 1 < len(lines) and not lines[i + 1].text.lstrip()[:1].islower()
    return prev_done and next_starts


def _units(chunk: list[Line]) -> list[_Unit]:
    wrapped = _is_wrapped(chunk)
    units: list[_Unit] = []
    for i, line in enumerate(chunk):
        unit = _start(line)
        cur = units[-1] if units else None
        if unit.kind == "plain":
            title = wrapped and _standalone_title(chunk, i)
            if cur is not None:
                prev = cur.lines[-1].text
                if ends_with_ellipsis(prev) and starts_with_ellipsis(line.text):
                    cur.lines.append(line)
                    continue
                if wrapped and not cur.title and not title:
                    cur.lines.append(line)
                    continue
            unit.title = title
        units.append(unit)
    return units


def _content(unit: _Unit) -> Aligned:
    first = unit.lines[0].aligned(unit.offset)
    rest = [line.aligned(line.indent) for line in unit.lines[1:]]
    return join_lines([first, *rest])


def _kind(unit: _Unit, content: str, alone: bool) -> tuple[BlockKind, int]:
    if unit.kind == "step":
        return BlockKind.STEP, 0
    if unit.kind == "numbered":
        if alone and is_title_like(content):
            return BlockKind.HEADING, 3
        return BlockKind.LIST_ITEM, 1
    if unit.kind == "bullet":
        return BlockKind.LIST_ITEM, 1
    if unit.title or (len(unit.lines) == 1 and is_title_like(content)):
        return BlockKind.HEADING, 2
    return BlockKind.PARAGRAPH, 0


def parse_text(doc: Document) -> list[Block]:
    """Blocks of a plain-text article, in order, with exact source spans."""
    blocks: list[Block] = []
    for chunk in chunks(split_lines(doc.text)):
        units = _units(chunk)
        for unit in units:
            content = _content(unit)
            if not content.text:
                continue
            kind, level = _kind(unit, content.text, alone=len(units) == 1)
            first, last = unit.lines[0], unit.lines[-1]
            blocks.append(
                Block(
                    source_id=doc.source_id,
                    index=len(blocks),
                    kind=kind,
                    content=content,
                    span=(first.start + first.indent, last.end),
                    level=level,
                    marker=unit.marker,
                    number=unit.number,
                )
            )
    return blocks
