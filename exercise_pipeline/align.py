"""Text aligned to its source: every character knows which source characters it came from.

Parsers strip markup, cleaners repair mojibake and cut sentences, yet every removal and every
mention must point at exact ``[start, end)`` offsets of the decoded source. ``Aligned`` carries a
string together with *runs*: ``(at, start, end)`` says that the text from ``at`` up to the next
run's ``at`` came from ``source[start:end]``. A run whose text length equals its source length is
an identity run (character ``at + k`` is source character ``start + k``); any other run is an
atomic replacement (``&amp;`` -> ``&``, ``\\n   `` -> `` ``). Source characters covered by no run
were dropped by whoever built the text (markup, repairs); they are accounted for elsewhere.

>>> a = Aligned.from_source("Hi &amp; bye", 10)
>>> b = a.replace([(3, 8, "&")])
>>> b.text
'Hi & bye'
>>> b.source_span(3, 4)
(13, 18)
>>> b.source_ranges(0, len(b.text))
[(10, 22)]
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

Run = tuple[int, int, int]
Edit = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Aligned:
    """A string plus the source offsets each of its characters came from."""

    text: str
    runs: tuple[Run, ...]

    @classmethod
    def from_source(cls, text: str, start: int) -> Aligned:
        """Identity alignment of ``text`` found at ``source[start:start + len(text)]``."""
        if not text:
            return cls("", ())
        return cls(text, ((0, start, start + len(text)),))

    @classmethod
    def empty(cls) -> Aligned:
        return cls("", ())

    def __len__(self) -> int:
        return len(self.text)

    def _run_len(self, k: int) -> int:
        nxt = self.runs[k + 1][0] if k + 1 < len(self.runs) else len(self.text)
        return nxt - self.runs[k][0]

    def _run_index(self, i: int) -> int:
        return bisect.bisect_right(self.runs, (i, 1 << 62, 1 << 62)) - 1

    def source_ranges(self, i: int, j: int) -> list[tuple[int, int]]:
        """Exact source ranges behind ``text[i:j]``, merged where adjacent."""
        if i >= j or not self.runs:
            return []
        out: list[tuple[int, int]] = []
        for _, start, end in self._pieces(i, j, max(self._run_index(i), 0)):
            if start == end:
                pass
            elif out and out[-1][1] >= start:
                out[-1] = (out[-1][0], max(out[-1][1], end))
            else:
                out.append((start, end))
        return out

    @property
    def source_start(self) -> int:
        """Where the text's source begins: ``source_ranges(0, len(text))[0][0]`` in one step."""
        for k, (_at, start, end) in enumerate(self.runs):
            if start < end and self._run_len(k) > 0:
                return start
        raise ValueError("text with no source")

    def source_span(self, i: int, j: int) -> tuple[int, int]:
        """The hull ``[start, end)`` of the source behind ``text[i:j]``."""
        ranges = self.source_ranges(i, j)
        if not ranges:
            raise ValueError(f"empty text range [{i}, {j}) has no source span")
        return ranges[0][0], ranges[-1][1]

    @property
    def span(self) -> tuple[int, int]:
        """The hull of the whole text's source."""
        return self.source_span(0, len(self.text))

    def slice(self, i: int, j: int) -> Aligned:
        """``text[i:j]`` with its alignment; atomic runs cut in two keep their whole source."""
        i, j = max(i, 0), min(j, len(self.text))
        if i >= j:
            return Aligned.empty()
        return self._cut(i, j, max(self._run_index(i), 0))

    def slices(self, ranges: Sequence[tuple[int, int]]) -> list[Aligned]:
        """``slice(i, j)`` of each range, the ranges in increasing order and not overlapping:
        one pass over the runs for all of them (a page's text nodes in its text stream)."""
        out: list[Aligned] = []
        runs = self.runs
        k = 0
        for i, j in ranges:
            i, j = max(i, 0), min(j, len(self.text))
            if i >= j:
                out.append(Aligned.empty())
                continue
            while k + 1 < len(runs) and runs[k + 1][0] <= i:
                k += 1
            out.append(self._cut(i, j, k))
        return out

    def _cut(self, i: int, j: int, k: int) -> Aligned:
        """``text[i:j]`` (``0 <= i < j <= len``) with the runs from run ``k``, the one at ``i``."""
        runs = tuple((lo - i, start, end) for lo, start, end in self._pieces(i, j, k))
        return Aligned(self.text[i:j], runs)

    def _pieces(self, i: int, j: int, k: int) -> Iterator[Run]:
        """``(at, start, end)`` of each run from run ``k`` on that overlaps ``text[i:j]``: where
        its overlap begins in the text and the source behind the overlap (an atomic run, whose
        text is not its source's length, gives its whole source)."""
        while k < len(self.runs) and self.runs[k][0] < j:
            at, start, end = self.runs[k]
            length = self._run_len(k)
            lo, hi = max(i, at), min(j, at + length)
            if lo < hi:
                if end - start == length:
                    yield lo, start + lo - at, start + hi - at
                else:
                    yield lo, start, end
            k += 1

    def strip(self, chars: str | None = None) -> Aligned:
        """Strip like ``str.strip``, keeping the alignment."""
        left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        return self.slice(left, right) if left < right else Aligned.empty()

    def replace(self, edits: Iterable[Edit]) -> Aligned:
        """Apply non-overlapping edits ``(i, j, new)`` given in text offsets.

        The new text of an edit maps atomically to the source behind ``text[i:j]``. An insertion
        (``i == j``) borrows the character before it (or after it, at the start) so that inserted
        characters still point at source.
        """
        ordered = sorted(edits)
        if not ordered:
            return self
        pieces: list[Aligned] = []
        pos = 0
        for i, j, new in ordered:
            if i < pos:
                raise ValueError(f"overlapping edits at {i}")
            if i == j:
                if i > pos:
                    i, new = i - 1, self.text[i - 1] + new
                elif j < len(self.text):
                    j, new = j + 1, new + self.text[j]
                else:
                    continue
            pieces.append(self.slice(pos, i))
            if new:
                ranges = self.source_ranges(i, j)
                if ranges:
                    start, end = ranges[0][0], ranges[-1][1]
                else:  # text that came from no source (a renderer's space): stay sourceless
                    start = end = self.runs[max(self._run_index(i), 0)][1]
                pieces.append(Aligned(new, ((0, start, end),)))
            pos = j
        pieces.append(self.slice(pos, len(self.text)))
        return concat(pieces)

    def delete(self, spans: Iterable[tuple[int, int]]) -> Aligned:
        """Remove the given text ranges; their source becomes uncovered."""
        return self.replace((i, j, "") for i, j in spans)


def concat(
    parts: Sequence[Aligned],
    sep: str = "",
    *,
    sep_from_gap: bool = True,
    keep_empty: bool = False,
    empty: str = "",
) -> Aligned:
    """Join aligned texts with ``sep`` between them.

    The separator maps to the source gap between its neighbours (a line break joined into a
    space), or with ``sep_from_gap=False`` to no source at all (a space a renderer adds).
    An empty part is skipped, or with ``keep_empty=True`` keeps its place between the
    separators as the text ``empty``, which comes from no source (a table's blank cell).

    >>> a = Aligned.from_source("one", 0)
    >>> b = Aligned.from_source("two", 7)
    >>> j = concat([a, b], " ")
    >>> j.text, j.source_span(3, 4)
    ('one two', (3, 7))
    >>> concat([a, Aligned.empty(), b], " | ", sep_from_gap=False, keep_empty=True, empty="-").text
    'one | - | two'
    """
    text: list[str] = []
    runs: list[Run] = []
    offset = 0
    # where the last part with a source ended; before the first, where that one starts
    prev_end = next((part.runs[0][1] for part in parts if part.runs), 0)
    started = False
    for part in parts:
        if not part.text and not keep_empty:
            continue
        if sep and started:
            gap_start = gap_end = prev_end
            if sep_from_gap and part.runs:
                gap_end = max(part.runs[0][1], gap_start)
            runs.append((offset, gap_start, gap_end))
            text.append(sep)
            offset += len(sep)
        started = True
        if not part.text:
            if empty:
                runs.append((offset, prev_end, prev_end))
                text.append(empty)
                offset += len(empty)
            continue
        for at, start, end in part.runs:
            runs.append((at + offset, start, end))
        text.append(part.text)
        offset += len(part.text)
        prev_end = part.runs[-1][2]
    return Aligned("".join(text), _merge_runs(runs, offset))


def _merge_runs(runs: list[Run], total: int) -> tuple[Run, ...]:
    """Fuse neighbouring identity runs that are contiguous in both text and source."""
    out: list[Run] = []
    for k, run in enumerate(runs):
        at, start, end = run
        length = (runs[k + 1][0] if k + 1 < len(runs) else total) - at
        if length <= 0:
            continue
        if out:
            pat, pstart, pend = out[-1]
            plen = at - pat
            if pend - pstart == plen and end - start == length and pend == start:
                out[-1] = (pat, pstart, end)
                continue
        out.append(run)
    return tuple(out)
