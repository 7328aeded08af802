"""Superset tables: a table whose rows pair exercises, one per column, is read one block per
exercise cell.

A strength plan pairs its exercises in supersets, one to a column ("| **Bulgarian Split
Squats** | **Bench Press** | 3x8 | Superset A |" under "| Lower Body | Upper Body | Sets x
Reps | Notes |"). Read as one block, a row is one entry named by its first cell, the second
exercise lost inside its text. The decision is the table's, made over whole columns: a column
whose cells read as exercise names (short, named like exercises, neither a dose nor an
instruction) is an exercise column, and a table with two or more is a superset table. Each row
(its header too) is then cut where each exercise column after the first begins: the pieces
are contiguous table-row blocks, each with the column it starts at, so that a piece finds
the header piece of its own columns. The cells after an exercise column (sets, reps, notes)
go with the last exercise of the row.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from exercise_pipeline.models import Block, BlockKind

_SEP = " | "
_EMPTY = frozenset({"", "-", "–", "—"})
_MAX_NAME_WORDS = 8
_SHARE = 1 / 2  # of a column's filled cells that must read as names
_SAMPLE = 40  # rows a column is judged on: a long table costs no more than this
_DOSE_HEADER = re.compile(
    r"\b(?:sets?|reps?|repetitions|time|duration|hold|dose|dosage|rest|tempo|load|weight|"
    r"rounds|notes?|cues?|tips?|focus|muscles?|targets?|why|how)\b",
    re.I,
)


def _cells(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` of each cell of a row's text (cells joined with " | ")."""
    out: list[tuple[int, int]] = []
    at = 0
    while True:
        k = text.find(_SEP, at)
        if k < 0:
            out.append((at, len(text)))
            return out
        out.append((at, k))
        at = k + len(_SEP)


def _reads_as_name(cell: str) -> bool:
    from exercise_pipeline.extract.features import (  # segment imports this module first
        is_dose_line,
        is_instruction,
        name_score,
    )
    from exercise_pipeline.extract.segment import clean_name

    name = clean_name(cell)  # "Rows (20 reps)": the name before its dose
    if not name or len(name.split()) > _MAX_NAME_WORDS or is_dose_line(name):
        return False
    return not is_instruction(name) and name_score(name).total >= 1.0


def exercise_columns(header: str, rows: Sequence[str]) -> list[int]:
    """The columns of a table whose cells name exercises, given its header's and its rows'
    texts: headed as one ("Exercise A (Pull)"), or with half its filled cells or more
    reading as names, judged on its first _SAMPLE rows; empty unless each of those has the
    header's cells."""
    from exercise_pipeline.extract.segment import names_exercises

    heads = [header[a:b].strip() for a, b in _cells(header)]
    if len(rows) < 2 or len(heads) < 2:
        return []
    table = [[row[a:b].strip() for a, b in _cells(row)] for row in rows[:_SAMPLE]]
    if any(len(cells) != len(heads) for cells in table):
        return []
    columns: list[int] = []
    for c, head in enumerate(heads):
        if _DOSE_HEADER.search(head) and not names_exercises(head):
            continue
        filled = [cells[c] for cells in table if cells[c] not in _EMPTY]
        named = sum(1 for cell in filled if _reads_as_name(cell))
        headed = names_exercises(head) and named > 0
        if len(filled) >= 2 and (named >= _SHARE * len(filled) or headed):
            columns.append(c)
    return columns


def _cut(block: Block, columns: list[int]) -> list[Block]:
    """The row cut before each exercise column after the first: pieces that cover the row's
    span end to end, each knowing the cell that names its exercise. No cut before an empty
    cell (its dose stays with the exercise before it), nor after nothing ("| - | **Cable
    Anti-Rotation Hold** |")."""
    cells = _cells(block.text)
    if len(cells) <= columns[-1]:
        return [block]
    filled = [c for c in columns if block.text[slice(*cells[c])].strip() not in _EMPTY]
    pieces: list[Block] = []
    at, src_at, column = 0, block.span[0], 0
    for c in columns[1:]:
        start = cells[c][0]
        if c not in filled or block.text[at:start].strip(" |") in _EMPTY:
            continue
        text = block.text[at:start].removesuffix(_SEP)
        src = block.content.source_span(start, len(block.text))[0]
        pieces.append(_piece(block, at, len(text), (src_at, src), column, filled, first=not pieces))
        at, src_at, column = start, src, c
    pieces.append(_piece(block, at, len(block.text) - at, (src_at, block.span[1]), column, filled,
                         first=not pieces))  # fmt: skip
    return pieces


def _piece(
    block: Block,
    at: int,
    length: int,
    span: tuple[int, int],
    column: int,
    filled: list[int],
    *,
    first: bool,
) -> Block:
    named = next((c for c in filled if c >= column), -1)
    return dataclasses.replace(
        block,
        content=block.content.slice(at, at + length),
        span=span,
        column=column,
        exercise_cell=named - column if named >= 0 else -1,
        lead=block.lead if first else 0,
    )


def superset_rows(blocks: Sequence[Block]) -> list[Block]:
    """The blocks with the rows of every superset table cut at its exercise columns, and
    indexed again in order."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        if blocks[i].kind is not BlockKind.TABLE_ROW:
            out.append(blocks[i])
            i += 1
            continue
        j = i
        while j < len(blocks) and blocks[j].kind is BlockKind.TABLE_ROW:
            j += 1
        table = blocks[i:j]
        columns = exercise_columns(table[0].text, [b.text for b in table[1:]])
        if len(columns) < 2:
            out.extend(table)
        else:
            header = _cut(table[0], columns)
            out.extend(dataclasses.replace(piece, exercise_cell=-1) for piece in header)
            for row in table[1:]:
                out.extend(_cut(row, columns))
        i = j
    if len(out) == len(blocks):
        return list(blocks)
    return [dataclasses.replace(b, index=k) if b.index != k else b for k, b in enumerate(out)]
