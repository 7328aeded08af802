"""Sentence splitting with offsets, tuned for instructions and scraped prose.

Splits after ``.``, ``!`` or ``?`` (and closing quotes or brackets) before an upper-case letter,
digit or quote; keeps abbreviations ("Dr.", "e.g.", "U.S."), initials and decimals intact; also
splits where scraping dropped the space ("think.Existing"). Returns ``(start, end)`` spans so
that a cleaner can cut one sentence and an extractor can keep the rest word for word.

>>> text = "Lie on your back. Hold for 5 seconds! Dr. Kalika agrees. Repeat 2.5 times."
>>> [text[a:b] for a, b in split_sentences(text)]
['Lie on your back.', 'Hold for 5 seconds!', 'Dr. Kalika agrees.', 'Repeat 2.5 times.']
"""

from __future__ import annotations

import re

from exercise_pipeline.vocab import words

ABBREVIATIONS = words("language", "abbreviations")
_BOUNDARY = re.compile(r"(?:[.!?]+|…)[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9•])")
_GLUED = re.compile(r"(?<=[a-z]{2})[.!?](?=[A-Z][a-z])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_LOOK_BACK = 40  # an abbreviation or initial is shorter: the check never rescans the text


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` ends an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    m = _WORD_BEFORE.search(text, max(0, dot - _LOOK_BACK), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in ABBREVIATIONS:
        return True
    return len(word) == 1 and text[m.start(1)].isupper()  # an initial: "John J. Smith"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of ``text``, without surrounding white space, covering all its words."""
    cuts: set[int] = set()
    for m in _BOUNDARY.finditer(text):
        if not _is_abbreviation(text, m.start()):
            cuts.add(m.end())
    for m in _GLUED.finditer(text):
        cuts.add(m.end())
    spans: list[tuple[int, int]] = []
    start = 0
    for cut in [*sorted(cuts), len(text)]:
        piece = text[start:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append((start + lead, start + len(piece.rstrip())))
        start = cut
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as strings."""
    return [text[a:b] for a, b in split_sentences(text)]
