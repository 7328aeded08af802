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
# A header that opens with one of these heads a column of doses or notes ("Sets x Reps",
# "Rest After Both", "Target Muscles"), never exercises ("Main Set" may).
_DOSE_WORDS = frozenset({
    "sets", "set", "reps", "rep", "repetitions", "time", "duration", "hold", "dose", "dosage",
    "rest", "tempo", "load", "weight", "rounds", "notes", "note", "cues", "cue", "tips", "tip",
    "focus", "muscles", "muscle", "targets", "target", "why", "how", "comments", "description",
    "instructions",
})  # fmt: skip
# A column of the same exercise's alternatives ("| Exercise | Alternative |", "| Gym Exercise |
# Home Version |", "| Instead of | Try |"): one exercise per row, not a superset.
_ALTERNATIVE_HEADER = re.compile(
    r"\b(?:alternatives?|alternate|swaps?|substitutes?|substitutions?|options?|instead|try|"
    r"progressions?|regressions?|variations?|modifications?|modified|versions?|easier|harder|"
    r"beginners?|advanced|or)\b",
    re.I,
)
_WORD = re.compile(r"[a-z]+")


def _dose_header(head: str) -> bool:
    words = _WORD.findall(head.lower())
    return bool(words) and words[0] in _DOSE_WORDS


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
    """The columns of a superset table whose cells name exercises, given its header's and its
    rows' texts: headed as one ("Exercise A (Pull)"), or with more than half its filled cells
    reading as names, judged on its first _SAMPLE rows. Empty for any other table: one with
    fewer than two such columns, a row of other cells than the header's, an exercise column
    under an empty header, or a column of alternatives."""
    from exercise_pipeline.extract.segment import names_exercises

    heads = [header[a:b].strip() for a, b in _cells(header)]
    if len(rows) < 2 or len(heads) < 2:
        return []
    table = [[row[a:b].strip() for a, b in _cells(row)] for row in rows[:_SAMPLE]]
    if any(len(cells) != len(heads) for cells in table):
        return []
    columns: list[int] = []
    for c, head in enumerate(heads):
        if _dose_header(head) and not names_exercises(head):
            continue
        filled = [cells[c] for cells in table if cells[c] not in _EMPTY]
        named = sum(1 for cell in filled if _reads_as_name(cell))
        headed = names_exercises(head) and named > 0
        if len(filled) >= 2 and (named > _SHARE * len(filled) or headed):
            columns.append(c)
    if len(columns) < 2 or any(heads[c] in _EMPTY for c in columns):
        return []
    if any(_ALTERNATIVE_HEADER.search(heads[c]) for c in columns):
        return []
    return columns


def _cut(block: Block, columns: list[int]) -> list[Block]:
    """The row cut before each exercise column after the first: pieces that cover the row's
    span end to end, each knowing the cell that names its exercise. No cut before an empty
    cell (its dose stays with the exercise before it), nor after nothing but empty cells
    ("| - | **Cable Anti-Rotation Hold** |")."""
    cells = _cells(block.text)
    if len(cells) <= columns[-1]:
        return [block]

    def empty(c: int) -> bool:
        return block.text[cells[c][0] : cells[c][1]].strip() in _EMPTY

    starts = [0]  # the first cell of each piece
    for c in columns[1:]:
        if not empty(c) and not all(empty(k) for k in range(starts[-1], c)):
            starts.append(c)
    if len(starts) == 1:  # one exercise in this row ("| - | **Side Plank** | 3x30s |")
        named = next((c for c in columns if not empty(c)), -1)
        return [dataclasses.replace(block, exercise_cell=named)]
    pieces: list[Block] = []
    src_at = block.span[0]
    for n, first in enumerate(starts):
        last = starts[n + 1] if n + 1 < len(starts) else len(cells)
        at, end = cells[first][0], cells[last - 1][1]
        src_end = (
            block.content.source_span(cells[last][0], len(block.text))[0]
            if last < len(cells)
            else block.span[1]
        )
        named = next((c for c in columns if first <= c < last and not empty(c)), -1)
        pieces.append(
            dataclasses.replace(
                block,
                content=block.content.slice(at, end),
                span=(src_at, src_end),
                column=first,
                exercise_cell=named - first if named >= 0 else -1,
                lead=block.lead if n == 0 else 0,
            )
        )
        src_at = src_end
    return pieces


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
    return [dataclasses.replace(b, index=k) if b.index != k else b for k, b in enumerate(out)]


def shared_dose(blocks: Sequence[Block], k: int) -> tuple[str, tuple[int, int]] | None:
    """For a superset row's piece ``blocks[k]`` before the row's last, the cells after the
    row's last exercise (its sets, reps and notes, which every exercise of the row shares)
    and their span; None for any other block."""
    block = blocks[k]
    if block.exercise_cell < 0:
        return None
    j = k
    while (
        j + 1 < len(blocks)
        and blocks[j + 1].kind is BlockKind.TABLE_ROW
        and blocks[j + 1].span[0] == blocks[j].span[1]
        and blocks[j + 1].column > blocks[j].column
    ):
        j += 1
    last = blocks[j]
    if j == k or last.exercise_cell < 0:
        return None
    cells = _cells(last.text)
    if last.exercise_cell + 1 >= len(cells):
        return None
    at = cells[last.exercise_cell + 1][0]
    text = last.text[at:].strip()
    if not text:
        return None
    return text, last.content.source_span(at, len(last.text))
