"""Accounting: every character of a source lies in exactly one of a mention, a non-exercise
section, or a removal.

Removals win over blocks (a sentence cut from a paragraph is removed, the rest of the paragraph
is kept); a block is owned by exactly one mention or section; white space between blocks goes
with the block before it. Anything else is unaccounted text: a bug to report, never to hide.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from exercise_pipeline.models import Extraction

MENTION, SECTION = "mention", "section"


@dataclass(frozen=True, slots=True)
class Account:
    """Characters of one source by destination, and any accounting problem found."""

    source_id: str
    total: int
    mention: int
    section: int
    dropped: dict[str, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    @property
    def kept(self) -> int:
        return self.mention + self.section

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {
            "characters": self.total,
            "kept": self.kept,
            "in_mentions": self.mention,
            "in_sections": self.section,
            "dropped": sum(self.dropped.values()),
            "dropped_by_reason": dict(sorted(self.dropped.items())),
        }


def account(extraction: Extraction) -> Account:
    """Label every character of the source and check the labels form a partition.

    Works on spans, not characters, in time linear in the spans: removals first, then the
    blocks' spans outside them (in source order; where blocks overlap, the earlier one keeps
    the characters), then the gaps between, whose white space goes with the block before and
    whose other characters are unaccounted. Tests hold it to a character-by-character
    reference."""
    doc = extraction.cleaned.document
    text = doc.text
    problems: list[str] = []
    counts: Counter[str] = Counter()
    removed: list[tuple[int, int]] = []  # sorted, disjoint
    for r in sorted(extraction.cleaned.removals, key=lambda r: r.span):
        start, end = r.span
        if not 0 <= start < end <= len(text):
            problems.append(f"removal {r.rule} has a bad span {r.span}")
            continue
        if removed and start < removed[-1][1]:
            problems.append(f"removal {r.rule} at {r.span} overlaps another removal")
            start = removed[-1][1]
            if start >= end:
                continue
        counts["removed:" + r.reason] += end - start
        if removed and removed[-1][1] == start:
            removed[-1] = (removed[-1][0], end)
        else:
            removed.append((start, end))
    owner: dict[int, str] = {}
    for m in extraction.mentions:
        for b in m.blocks:
            if b in owner:
                problems.append(f"block {b} is in two mentions or sections")
            owner[b] = MENTION
    for s in extraction.sections:
        for b in s.blocks:
            if b in owner:
                problems.append(f"block {b} is in two mentions or sections")
            owner[b] = SECTION
    kept: list[tuple[int, int, str]] = []  # block characters outside removals, in order
    blocks_end = 0
    for block in sorted(extraction.cleaned.blocks, key=lambda b: b.span[0]):
        if block.index not in owner:
            problems.append(f"block {block.index} ({block.text[:40]!r}) belongs to nothing")
            continue
        start, end = max(block.span[0], blocks_end), min(block.span[1], len(text))
        blocks_end = max(blocks_end, end)
        for a, b in _outside(start, end, removed):
            kept.append((a, b, owner[block.index]))
            counts[owner[block.index]] += b - a
    unaccounted: list[tuple[int, int]] = []
    previous, pos = SECTION, 0
    for a, b, label in [*kept, (len(text), len(text), "")]:
        for gap_start, gap_end in _outside(pos, a, removed):
            gap = text[gap_start:gap_end]
            runs = [(gap_start + m.start(), gap_start + m.end()) for m in _TEXT.finditer(gap)]
            unaccounted += runs
            counts[previous] += len(gap) - sum(e - s for s, e in runs)
        previous = label or previous
        pos = max(pos, b)
    if unaccounted:
        lost = sum(b - a for a, b in unaccounted)
        shown = ", ".join(f"[{a}, {b}) {text[a:b][:30]!r}" for a, b in unaccounted[:3])
        problems.append(f"{lost} unaccounted character(s): {shown}")
    dropped = {k.split(":", 1)[1]: v for k, v in counts.items() if k.startswith("removed:")}
    return Account(
        source_id=doc.source_id,
        total=len(text),
        mention=counts[MENTION],
        section=counts[SECTION],
        dropped=dropped,
        problems=tuple(problems),
    )


_TEXT = re.compile(r"\S+")  # what is not white space (``str.isspace``, as ``re`` reads it)


def _outside(start: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` that no span of ``spans`` (sorted, disjoint) covers."""
    out: list[tuple[int, int]] = []
    k = max(bisect.bisect_right(spans, (start, end)) - 1, 0)
    while start < end and k < len(spans) and spans[k][0] < end:
        a, b = spans[k]
        if b > start:
            if a > start:
                out.append((start, a))
            start = b
        k += 1
    if start < end:
        out.append((start, end))
    return out
