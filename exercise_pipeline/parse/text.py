"""Plain-text parser: page dumps where headings are bare lines and lists use glyphs or numbers.

Structure is read from lines: blank lines separate chunks; inside a chunk each bullet ("•", "-"),
number ("1.") or "Step N:" line starts an item; a line broken with "..." continues on the next
"..." line; hard-wrapped prose (a chunk whose lines break mid-sentence at a common width) is
joined back into paragraphs, except for short title lines standing between sentences, which
become headings. Text repairs are the cleaner's job: content is the source text as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exercise_pipeline.align import Aligned
from exercise_pipeline.models import Block, BlockKind, Document
from exercise_pipeline.parse.lines import (
    Line,
    chunks,
    ends_with_ellipsis,
    is_title_like,
    is_wrapped,
    join_lines,
    split_lines,
    standalone_title,
    starts_with_ellipsis,
)

STEP = re.compile(r"^[ \t]*(?:[•●▪·]|â|Â)?[ \t]*Step[ \t]*(?P<num>\d{1,2})[ \t]*[:.)\-–]", re.I)
NUMBERED = re.compile(r"^[ \t]*(?P<marker>(?P<num>\d{1,2})[.)])[ \t]+(?=\S)")
BULLET = re.compile(r"^[ \t]*(?P<marker>[•●▪◦‣∙·■□➢►✓✔]|[-*–](?=[ \t]))[ \t]*(?=\S)")


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


def _units(chunk: list[Line]) -> list[_Unit]:
    wrapped = is_wrapped(chunk)
    units: list[_Unit] = []
    for i, line in enumerate(chunk):
        unit = _start(line)
        cur = units[-1] if units else None
        if unit.kind == "plain":
            title = wrapped and standalone_title(chunk, i)
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
