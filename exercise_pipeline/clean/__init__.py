"""Clean stage: repair the text of every block, then remove junk with a reason for each cut.

Order: repairs (``repair``) so that rules see real text; inline markup left in plain text or
HTML; whole-block rules (link bait, comment forms, bylines, related lists, page furniture);
then sentence rules (drug and business promotions, link bait, social plugs) inside the blocks
that stay. Every removed character is recorded as a Removal with its source span.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from exercise_pipeline.align import Aligned
from exercise_pipeline.clean.repair import FIXERS, repair
from exercise_pipeline.clean.rules import classify_blocks, scrape_prefix, sentence_verdict
from exercise_pipeline.models import Block, Cleaned, Format, Parsed, Removal, Repair, Span
from exercise_pipeline.parse.inline import strip_inline
from exercise_pipeline.sentences import split_sentences

__all__ = ["CleanSettings", "clean"]


@dataclass(frozen=True, slots=True)
class CleanSettings:
    """Tuning of the clean stage.

    fixers: names of the text fixers to run, in order (default: all of ``repair.FIXERS``).
    disabled_rules: names of block or sentence rules to switch off (see data/cleaning.toml).
    use_drug_dictionary: also recognise drug names from the drug-named-entity-recognition
        dictionary, not only from the spam lexicon, stems and dose shapes.
    """

    fixers: tuple[str, ...] = tuple(f.name for f in FIXERS)
    disabled_rules: frozenset[str] = frozenset()
    use_drug_dictionary: bool = True


class _Removals:
    """Removals of one document; a new removal absorbs older ones inside it, never overlaps.
    Kept sorted by span, so that adding one costs a search, not a pass over all of them."""

    def __init__(self, text: str, source_id: str, initial: tuple[Removal, ...]) -> None:
        self.text = text
        self.source_id = source_id
        self.items = sorted(initial, key=lambda r: r.span)
        self._starts = [r.span[0] for r in self.items]

    def add(self, span: Span, reason: str, rule: str) -> None:
        start, end = span
        lo = bisect.bisect_left(self._starts, start)
        if lo > 0 and self.items[lo - 1].span[1] > start:
            lo -= 1  # an older removal reaching into this one
        hi = lo
        kept: list[Removal] = []
        pieces = [(start, end)]
        while hi < len(self.items) and self.items[hi].span[0] < end:
            r = self.items[hi]
            hi += 1
            if start <= r.span[0] and r.span[1] <= end:
                continue  # absorbed
            kept.append(r)
            if r.span[0] < end and start < r.span[1]:  # partial overlap: leave the older one
                pieces = [
                    piece
                    for a, b in pieces
                    for piece in ((a, min(b, r.span[0])), (max(a, r.span[1]), b))
                    if piece[0] < piece[1]
                ]
        added = [Removal(self.source_id, (a, b), reason, rule, self.text[a:b]) for a, b in pieces]
        middle = sorted([*kept, *added], key=lambda r: r.span)
        self.items[lo:hi] = middle
        self._starts[lo:hi] = [r.span[0] for r in middle]


def _cut_ranges(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Widen sentence spans to take the white space that separated them from the rest;
    the result never overlaps, so neighbouring cut sentences share no character."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        end = b
        while end < len(text) and text[end].isspace():
            end += 1
        start = a
        if end == len(text):  # last sentence: take the space before it instead
            end = b
            while start > 0 and text[start - 1].isspace():
                start -= 1
        if out and start < out[-1][1]:
            start = out[-1][1]
        out.append((start, end))
    return out


def clean(parsed: Parsed, *, settings: CleanSettings | None = None) -> Cleaned:
    """Repaired blocks, every removal with its reason and rule, and every repair."""
    settings = settings or CleanSettings()
    doc = parsed.document
    removals = _Removals(doc.text, doc.source_id, parsed.removals)
    repairs: list[Repair] = []
    fixers = tuple(f for f in FIXERS if f.name in settings.fixers)
    disabled = settings.disabled_rules

    repaired: list[Block] = []
    for block in parsed.blocks:
        content, block_repairs = repair(block.content, doc.source_id, fixers=fixers)
        repairs.extend(block_repairs)
        if doc.format is not Format.MARKDOWN and "markup" not in disabled:
            content, markup = strip_inline(content)
            for start, end, rule in markup:
                removals.add((start, end), "markup", rule)
            content = content.strip()
        repaired.append(dataclasses.replace(block, content=content))

    verdicts = classify_blocks(repaired, disabled=disabled)
    kept: list[Block] = []
    for i, block in enumerate(repaired):
        if i in verdicts:
            removals.add(block.span, *verdicts[i])
            continue
        if not block.text:
            removals.add(block.span, "markup", "empty-after-repair")
            continue
        content = _strip_scrape_prefix(block, i, removals)
        content = _cut_sentences(block, content, doc.text, removals, settings)
        if content.text:
            kept.append(dataclasses.replace(block, content=content))

    inside = _within(sorted(r.span for r in removals.items))
    repairs = [r for r in repairs if not inside(r.span)]
    blocks = tuple(dataclasses.replace(b, index=n) for n, b in enumerate(kept))
    return Cleaned(
        doc,
        blocks,
        tuple(sorted(removals.items, key=lambda r: r.span)),
        tuple(sorted(repairs, key=lambda r: (r.span, r.fixer))),
    )


def _strip_scrape_prefix(block: Block, position: int, removals: _Removals) -> Aligned:
    """A scraper's "Markdown Content:" label glued to the article's first paragraph."""
    m = scrape_prefix().match(block.text) if position < 8 else None
    if not m:
        return block.content
    removals.add(block.content.source_span(0, m.end()), "markup", "scrape-header")
    return block.content.slice(m.end(), len(block.text))


def _cut_sentences(
    block: Block,
    content: Aligned,
    document_text: str,
    removals: _Removals,
    settings: CleanSettings,
) -> Aligned:
    """Remove promotional sentences; when every sentence goes, the whole block goes."""
    spans = split_sentences(content.text)
    hits = []
    for span in spans:
        verdict = sentence_verdict(
            content.text[span[0] : span[1]],
            document_text,
            disabled=settings.disabled_rules,
            use_dictionary=settings.use_drug_dictionary,
        )
        if verdict:
            hits.append((span, verdict))
    if not hits:
        return content
    if len(hits) == len(spans):
        reason, rule = hits[0][1]
        removals.add(block.span, reason, rule)
        return Aligned.empty()
    cuts = _cut_ranges(content.text, [span for span, _ in hits])
    for (a, b), (_, (reason, rule)) in zip(cuts, hits, strict=True):
        removals.add(content.source_span(a, b), reason, rule)
    return content.delete(cuts).strip()


def _within(spans: list[Span]) -> Callable[[Span], bool]:
    """A test that a span lies inside one of ``spans`` (sorted): of the spans that start at
    or before it, the furthest end decides, found by bisection."""
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))

    def inside(span: Span) -> bool:
        k = bisect.bisect_right(starts, span[0])
        return k > 0 and reach[k - 1] >= span[1]

    return inside
