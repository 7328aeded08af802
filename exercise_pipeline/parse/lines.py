"""Line splitting with offsets, and the tests parsers share to tell headings from prose."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from exercise_pipeline.align import Aligned, concat


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the source without its line break: ``text == source[start:end]``."""

    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t"))

    def aligned(self, offset: int = 0) -> Aligned:
        """The line from column ``offset``, stripped, aligned to the source."""
        return Aligned.from_source(self.text[offset:], self.start + offset).strip()


_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


def split_lines(text: str) -> list[Line]:
    """Split on any line break (LF, CRLF, CR), keeping exact offsets.

    >>> [(l.start, l.end, l.text) for l in split_lines("a\\r\\nbc\\n")]
    [(0, 1, 'a'), (3, 5, 'bc')]
    """
    lines: list[Line] = []
    for m in _LINE.finditer(text):
        if m.start() == len(text) and not m.group(0):
            break
        lines.append(Line(m.start(1), m.end(1), m.group(1)))
    return lines


def chunks(lines: list[Line]) -> Iterator[list[Line]]:
    """Runs of non-blank lines separated by blank lines."""
    run: list[Line] = []
    for line in lines:
        if line.blank:
            if run:
                yield run
            run = []
        else:
            run.append(line)
    if run:
        yield run


def join_lines(parts: list[Aligned]) -> Aligned:
    """Join wrapped lines into one text; each line break (and indent) becomes one space."""
    return concat([p for p in parts if p.text], " ")


_TERMINAL = re.compile(r"[.!;,]$")
_SENTENCE_END = re.compile(r"[.!?:;\"”)]\s*$")
_INNER_SENTENCE = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)\s*$")
_ELLIPSIS_START = re.compile(r"^\s*(?:\.\.\.|…)")


def is_title_like(text: str, *, max_words: int = 12, max_chars: int = 90) -> bool:
    """A line that reads like a heading: short, not a sentence, not starting lower case.

    >>> is_title_like("Knee to Chest Stretch"), is_title_like("What are the causes of pain?")
    (True, True)
    >>> is_title_like("Lie on your back."), is_title_like("back pain")
    (False, False)
    """
    s = text.strip()
    if not s or len(s) > max_chars or len(s.split()) > max_words:
        return False
    if _TERMINAL.search(s) or _INNER_SENTENCE.search(s) or _ELLIPSIS_END.search(s):
        return False
    return not s[0].islower()


def ends_with_ellipsis(text: str) -> bool:
    return bool(_ELLIPSIS_END.search(text))


def starts_with_ellipsis(text: str) -> bool:
    return bool(_ELLIPSIS_START.search(text))


_COUNTED = re.compile(r"\d\s*[x×]\s*\d")


def is_wrapped(lines: list[Line]) -> bool:
    """True when a chunk's lines break mid-sentence at a common width (hard-wrapped prose)."""
    if len(lines) < 2:
        return False
    width = max(len(line.text.rstrip()) for line in lines)
    if not 30 <= width <= 100:
        return False
    breaks = ended = 0
    for a, b in itertools.pairwise(lines):
        a_text = a.text.rstrip()
        if _SENTENCE_END.search(a_text):
            continue
        word = b.text.split()[0] if b.text.split() else ""
        if len(a_text) + 1 + len(word) <= width:
            ended += 1  # the next word fitted: the line ended, it did not wrap ("chest: Squat 4x")
            continue
        if b.text.lstrip()[:1].islower() or (len(lines) > 2 and len(a_text) >= 0.7 * width):
            breaks += 1
    if ended > breaks and width <= 50:
        return False  # short lines that end before the width more than they reach it: a list
    if sum(bool(_COUNTED.search(line.text)) for line in lines) * 3 >= 2 * len(lines):
        return False  # a log's lines, each counting sets: "Squat 10x50, 8x70, 3x90"
    full = sum(1 for line in lines[:-1] if len(line.text.rstrip()) >= 0.75 * width)
    if len(lines) > 2 and full >= 0.6 * (len(lines) - 1):
        return True  # most lines run to the wrap width
    return breaks >= max(1, (len(lines) - 1) // 2)


def standalone_title(lines: list[Line], i: int) -> bool:
    """In wrapped prose: a short title line between a finished sentence and new text."""
    text = lines[i].text.strip()
    if not is_title_like(text, max_words=8, max_chars=60):
        return False
    prev_done = i == 0 or bool(_SENTENCE_END.search(lines[i - 1].text.rstrip()))
    next_starts = i + 1 < len(lines) and not lines[i + 1].text.lstrip()[:1].islower()
    return prev_done and next_starts
