"""Text repair: named fixers, each a small pure ``str -> str`` function, applied in order.

ftfy restores mojibake whose bytes are still there ("Letâ€™s"). The fixers after it restore
what ftfy cannot because bytes were lost in scraping ("Letâs", a bullet that became "â"), and
normalise the rest. Typographic quotes are normalised to ASCII (' and "), once, here: names
and steps then compare equal across sources, and consumers get plain text. Each fixer that
changes a block is recorded as a Repair with the source span it touched.
"""

from __future__ import annotations

import difflib
import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import ftfy

from pipeline.align import Aligned
from pipeline.models import Repair
from pipeline.vocab import COMMON_ZIPF, load, zipf

Fixer = Callable[[str], str]


def fix_mojibake(text: str) -> str:
    """Mojibake that is still intact, via ftfy (quotes and HTML are left to later fixers).

    >>> fix_mojibake("Itâ€™s a stretch")
    'It’s a stretch'
    >>> fix_mojibake("plain text")
    'plain text'
    """
    return str(
        ftfy.fix_text(
            text,
            uncurl_quotes=False,
            unescape_html=False,
            fix_line_breaks=False,
            normalization="NFC",
            explain=False,
        )
    )


_LOST_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[âÂ](?=(?:[sS]|[tT]|re|RE|ve|VE|ll|LL|[dD]|[mM])\b)")


def fix_lost_apostrophe(text: str) -> str:
    """An apostrophe whose UTF-8 tail bytes were lost leaves "â" inside a contraction.

    >>> fix_lost_apostrophe("Letâs go, donât stop")
    "Let's go, don't stop"
    >>> fix_lost_apostrophe("château")
    'château'
    """
    return _LOST_APOSTROPHE.sub("'", text)


_LOST_DASH = re.compile(r"(?<=\d)â(?=\d)|(?<=\w) â (?=\w)")


def fix_lost_dash(text: str) -> str:
    """An en or em dash that lost its tail bytes leaves "â" between numbers or words.

    >>> fix_lost_dash("Hold 5â10 seconds â then relax")
    'Hold 5–10 seconds – then relax'
    """
    return _LOST_DASH.sub(lambda m: "–" if m.group() == "â" else " – ", text)


_LOST_BULLET = re.compile(r"(?:(?<=^)|(?<=\s))[âÂ](?=[A-Z0-9])")


def fix_lost_bullet(text: str) -> str:
    """A bullet ("•", E2 80 A2) that lost its tail bytes leaves "â" before the item's text.

    >>> fix_lost_bullet("âStep 1: Lie on your back.")
    'Step 1: Lie on your back.'
    >>> fix_lost_bullet("Maître d")
    'Maître d'
    """
    return _LOST_BULLET.sub("", text)


_STRAY_A = re.compile(r"Â(?=[\s\u00a0]|$)|(?<=\s)Â(?=\S)")


def fix_stray_a_circumflex(text: str) -> str:
    """A non-breaking space read as Latin-1 leaves a stray "Â" before a space.

    >>> fix_stray_a_circumflex("too taxing.Â ")
    'too taxing. '
    >>> fix_stray_a_circumflex("Âme")
    'Âme'
    """
    return _STRAY_A.sub("", text)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def fix_html_entities(text: str) -> str:
    """HTML character references left in text.

    >>> fix_html_entities("Gold&#039;s Gym &amp; Spa")
    "Gold's Gym & Spa"
    >>> fix_html_entities("R&D; A & B")
    'R&D; A & B'
    """
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ODD_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_SPACE_RUN = re.compile(r" {2,}")


def fix_spaces(text: str) -> str:
    """Non-breaking, zero-width and other odd spaces, soft hyphens, BOMs; runs of spaces.

    >>> fix_spaces("Pelvic Tilt\u00a0 Stretch\u200b")
    'Pelvic Tilt Stretch'
    """
    text = _ZERO_WIDTH.sub("", text)
    text = _ODD_SPACE.sub(" ", text)
    return _SPACE_RUN.sub(" ", text)


_LEADING_BULLET = re.compile(r"^[•●▪◦‣∙·■□➢►✓✔]\s*")
_INNER_BULLET = re.compile(r"\s+[•●▪◦‣∙■□➢►]\s+")


def fix_bullets(text: str) -> str:
    """Bullet glyphs left in text: a leading one goes, inner ones separate items with "; ".

    >>> fix_bullets("• Water bottle • Sweat towel")
    'Water bottle; Sweat towel'
    """
    return _INNER_BULLET.sub("; ", _LEADING_BULLET.sub("", text))


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"'})


def uncurl_quotes(text: str) -> str:
    """Typographic quotes and apostrophes become ASCII (the house rule).

    >>> uncurl_quotes("Child’s “pose”")
    'Child\\'s "pose"'
    """
    return text.translate(_QUOTES)


_BROKEN_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s+(?:\.\.\.|…)\s*")


def join_broken_ellipsis(text: str) -> str:
    """Text cut by "..." at a line end and resumed by "..." on the next line is one text.

    >>> join_broken_ellipsis("Hold this position for five ... ... to ten seconds")
    'Hold this position for five to ten seconds'
    """
    return _BROKEN_ELLIPSIS.sub(" ", text)


@functools.cache
def _contractions() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = load("repairs")["contractions"]
    words = sorted(table, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(words) + r")\b", re.I), table


def restore_contractions(text: str) -> str:
    """Contractions that lost their apostrophe, only where unambiguous ("dont", not "cant").

    >>> restore_contractions("If youre sore, dont force it; its fine, well done, I cant")
    "If you're sore, don't force it; its fine, well done, I cant"
    >>> restore_contractions("Dont")
    "Don't"
    """
    pattern, table = _contractions()

    def sub(m: re.Match[str]) -> str:
        word = m.group(1)
        fixed = table[word.lower()]
        if word[0].isupper() and not fixed[0].isupper():
            fixed = fixed[0].upper() + fixed[1:]
        return fixed

    return pattern.sub(sub, text)


# A whitespace-bounded run of letters, digits and sentence punctuation only: code, paths,
# URLs and hyphenated identifiers have other characters and are never touched.
_GLUED = re.compile(r"(?<!\S)[A-Za-z][A-Za-z0-9.,;:!?]{23,}(?!\S)")
_LETTERS = re.compile(r"[A-Za-z]+")
_MAX_WORD = 20


def _word_cost(word: str) -> float:
    """The cost of a word in a segmentation: fewer, commoner words are likelier."""
    if len(word) == 1 and word not in ("a", "i"):
        return float("inf")
    z = zipf(word)
    return 9.0 - z if z > 0 else float("inf")


def _segment(letters: str) -> list[str] | None:
    """The likeliest split of a run of letters into English words (Viterbi over word
    frequencies), or None when some part is no word at all."""
    low = letters.lower()
    best = [0.0] + [float("inf")] * len(low)
    back = [0] * (len(low) + 1)
    for i in range(1, len(low) + 1):
        for j in range(max(0, i - _MAX_WORD), i):
            cost = best[j] + _word_cost(low[j:i])
            if cost < best[i]:
                best[i], back[i] = cost, j
    if best[-1] == float("inf"):
        return None
    words, i = [], len(low)
    while i > 0:
        words.append(letters[back[i] : i])
        i = back[i]
    words.reverse()
    if len(words) == 1:
        return words  # one word: nothing to split
    # Plausible only as everyday English: rare fragments ("cali", "tic") mean a made-up word.
    freqs = [zipf(w.lower()) for w in words]
    if min(freqs) < 1.5 or sum(z >= COMMON_ZIPF for z in freqs) < 0.85 * len(words):
        return None
    return words


def restore_spaces(text: str) -> str:
    """Words run together where a PDF or a scrape lost the spaces, split by English word
    frequencies; a run with any part that is no English word is left alone.

    >>> restore_spaces("Lieonyourbackwithyourkneesbent.Hold5seconds.")
    'Lie on your back with your knees bent. Hold 5 seconds.'
    >>> restore_spaces("Supercalifragilisticexpialidocious")
    'Supercalifragilisticexpialidocious'
    >>> restore_spaces("Hold20secondsperside.Repeat.Hamstrings")
    'Hold 20 seconds per side. Repeat. Hamstrings'
    """

    def fix(m: re.Match[str]) -> str:
        run = m.group()
        out: list[str] = []
        last = 0
        for w in _LETTERS.finditer(run):
            out.append(run[last : w.start()])
            words = _segment(w.group()) if len(w.group()) >= 6 else [w.group()]
            if words is None:
                return run
            out.append(" ".join(words))
            last = w.end()
        out.append(run[last:])
        joined = "".join(out)
        joined = re.sub(r"(?<=[a-z][.,;:!?])(?=[A-Z0-9])", " ", joined)
        return re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", joined)

    return _GLUED.sub(fix, text)


@dataclass(frozen=True, slots=True)
class NamedFixer:
    name: str
    fix: Fixer


FIXERS: tuple[NamedFixer, ...] = (
    NamedFixer("mojibake", fix_mojibake),
    NamedFixer("lost_apostrophe", fix_lost_apostrophe),
    NamedFixer("lost_dash", fix_lost_dash),
    NamedFixer("lost_bullet", fix_lost_bullet),
    NamedFixer("stray_a_circumflex", fix_stray_a_circumflex),
    NamedFixer("html_entities", fix_html_entities),
    NamedFixer("spaces", fix_spaces),
    NamedFixer("bullets", fix_bullets),
    NamedFixer("uncurl_quotes", uncurl_quotes),
    NamedFixer("broken_ellipsis", join_broken_ellipsis),
    NamedFixer("contractions", restore_contractions),
    NamedFixer("lost_spaces", restore_spaces),
)


def repair(
    content: Aligned, source_id: str, *, fixers: tuple[NamedFixer, ...] = FIXERS
) -> tuple[Aligned, list[Repair]]:
    """Run every fixer over aligned text; return the repaired text and one Repair per change."""
    repairs: list[Repair] = []
    for fixer in fixers:
        before = content.text
        after = fixer.fix(before)
        if after == before:
            continue
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        edits = []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            edits.append((i1, i2, after[j1:j2]))
            lo, hi = (i1, i2) if i1 < i2 else (max(i1 - 1, 0), min(i1 + 1, len(before)))
            span = content.source_span(lo, hi)
            repairs.append(Repair(source_id, span, fixer.name, before[lo:hi], after[j1:j2]))
        content = content.replace(edits)
        if content.text != after:  # the alignment must reproduce the fixer's output exactly
            raise AssertionError(f"fixer {fixer.name} could not be aligned")
    return content.strip(), repairs
