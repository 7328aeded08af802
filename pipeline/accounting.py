"""Accounting: every character of a source lies in exactly one of a mention, a non-exercise
section, or a removal.

Removals win over blocks (a sentence cut from a paragraph is removed, the rest of the paragraph
is kept); a block is owned by exactly one mention or section; white space between blocks goes
with the block before it. Anything else is unaccounted text: a bug to report, never to hide.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pipeline.models import Extraction

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
    """Label every character of the source and check the labels form a partition."""
    doc = extraction.cleaned.document
    text = doc.text
    labels: list[str | None] = [None] * len(text)
    problems: list[str] = []
    for r in extraction.cleaned.removals:
        start, end = r.span
        if not 0 <= start < end <= len(text):
            problems.append(f"removal {r.rule} has a bad span {r.span}")
            continue
        if any(labels[k] is not None for k in range(start, end)):
            problems.append(f"removal {r.rule} at {r.span} overlaps another removal")
        for k in range(start, end):
            labels[k] = "removed:" + r.reason
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
    spans = []
    for block in extraction.cleaned.blocks:
        if block.index not in owner:
            problems.append(f"block {block.index} ({block.text[:40]!r}) belongs to nothing")
            continue
        spans.append((block.span[0], block.span[1], owner[block.index]))
        for k in range(block.span[0], block.span[1]):
            if labels[k] is None:
                labels[k] = owner[block.index]
    previous = SECTION
    unaccounted: list[int] = []
    for k, ch in enumerate(text):
        if labels[k] is None:
            if ch.isspace():
                labels[k] = previous
            else:
                unaccounted.append(k)
                labels[k] = "unaccounted"
        elif not labels[k].startswith("removed:"):  # type: ignore[union-attr]
            previous = labels[k]  # type: ignore[assignment]
    if unaccounted:
        runs = _runs(unaccounted)
        shown = ", ".join(f"[{a}, {b}) {text[a:b][:30]!r}" for a, b in runs[:3])
        problems.append(f"{len(unaccounted)} unaccounted character(s): {shown}")
    counts = Counter(labels)
    dropped = {k.split(":", 1)[1]: v for k, v in counts.items() if k and k.startswith("removed:")}
    return Account(
        source_id=doc.source_id,
        total=len(text),
        mention=counts[MENTION],
        section=counts[SECTION],
        dropped=dropped,
        problems=tuple(problems),
    )


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for k in positions:
        if runs and runs[-1][1] == k:
            runs[-1] = (runs[-1][0], k + 1)
        else:
            runs.append((k, k + 1))
    return runs
