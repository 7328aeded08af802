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

from exercise_pipeline.align import Aligned, Edit
from exercise_pipeline.models import Repair
from exercise_pipeline.vocab import COMMON_ZIPF, load, zipf

# What ftfy can change: a run of characters without ASCII white space that holds a character
# outside printable ASCII (mojibake, control and escape characters, ligatures, wide forms).
# Mojibake never spans ASCII white space, so ftfy sees one such run at a time.
_ODD_RUN = re.compile(r"[^ \t\r\n]*[^\x20-\x7e \t\r\n][^ \t\r\n]*")
_FTFY_PIECE = 1024  # longer runs go to ftfy in pieces cut at ASCII characters


def _ftfy(text: str) -> str:
    """ftfy's repair of a run; a short run's is kept (a page's accented words repeat: "für",
    "café"), a long one's is not (a CJK run is a new 1 KB piece each time)."""
    return _ftfy_word(text) if len(text) <= _WORD_RUN else _ftfy_run(text)


_WORD_RUN = 64


@functools.lru_cache(maxsize=16384)
def _ftfy_word(text: str) -> str:
    return _ftfy_run(text)


def _ftfy_run(text: str) -> str:
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


def _fix_odd_run(m: re.Match[str]) -> str:
    run = m.group()
    if len(run) <= _FTFY_PIECE:
        return _ftfy(run)
    pieces, start = [], 0
    while start < len(run):
        end = min(start + _FTFY_PIECE, len(run))
        cut = end
        while cut < len(run) and cut > start + 1 and not run[cut - 1].isascii():
            cut -= 1  # cut after an ASCII character, never inside a mojibake sequence
        if cut > start + 1 or end == len(run):
            end = cut
        # else: no ASCII character in the piece (CJK, emoji): cut at its full length
        pieces.append(_ftfy(run[start:end]))
        start = end
    return "".join(pieces)


def fix_mojibake(text: str) -> str:
    """Mojibake that is still intact, via ftfy (quotes and HTML are left to later fixers).

    >>> fix_mojibake("Itâ€™s a stretch")
    'It’s a stretch'
    >>> fix_mojibake("plain text")
    'plain text'
    """
    return _fix("mojibake", text)


_LOST_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[âÂ](?=(?:[sS]|[tT]|re|RE|ve|VE|ll|LL|[dD]|[mM])\b)")


def fix_lost_apostrophe(text: str) -> str:
    """An apostrophe whose UTF-8 tail bytes were lost leaves "â" inside a contraction.

    >>> fix_lost_apostrophe("Letâs go, donât stop")
    "Let's go, don't stop"
    >>> fix_lost_apostrophe("château")
    'château'
    """
    return _fix("lost_apostrophe", text)


_LOST_DASH = re.compile(r"(?<=\d)â(?=\d)|(?<=\w) â (?=\w)")


def fix_lost_dash(text: str) -> str:
    """An en or em dash that lost its tail bytes leaves "â" between numbers or words.

    >>> fix_lost_dash("Hold 5â10 seconds â then relax")
    'Hold 5–10 seconds – then relax'
    """
    return _fix("lost_dash", text)


_LOST_BULLET = re.compile(r"(?:(?<=^)|(?<=\s))[âÂ](?=[A-Z0-9])")


def fix_lost_bullet(text: str) -> str:
    """A bullet ("•", E2 80 A2) that lost its tail bytes leaves "â" before the item's text.

    >>> fix_lost_bullet("âStep 1: Lie on your back.")
    'Step 1: Lie on your back.'
    >>> fix_lost_bullet("Maître d")
    'Maître d'
    """
    return _fix("lost_bullet", text)


_STRAY_A = re.compile(r"Â(?=[\s\u00a0]|$)|(?<=\s)Â(?=\S)")


def fix_stray_a_circumflex(text: str) -> str:
    """A non-breaking space read as Latin-1 leaves a stray "Â" before a space.

    >>> fix_stray_a_circumflex("too taxing.Â ")
    'too taxing. '
    >>> fix_stray_a_circumflex("Âme")
    'Âme'
    """
    return _fix("stray_a_circumflex", text)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def fix_html_entities(text: str) -> str:
    """HTML character references left in text.

    >>> fix_html_entities("Gold&#039;s Gym &amp; Spa")
    "Gold's Gym & Spa"
    >>> fix_html_entities("R&D; A & B")
    'R&D; A & B'
    """
    return _fix("html_entities", text)


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_ODD_SPACE = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_SPACE_RUN = re.compile(r" {2,}")


def fix_spaces(text: str) -> str:
    """Non-breaking, zero-width and other odd spaces, soft hyphens, BOMs; runs of spaces.

    >>> fix_spaces("Pelvic Tilt\u00a0 Stretch\u200b")
    'Pelvic Tilt Stretch'
    """
    return _fix("spaces", text)


_LEADING_BULLET = re.compile(r"^[•●▪◦‣∙·■□➢►✓✔]\s*")
_INNER_BULLET = re.compile(r"\s+[•●▪◦‣∙■□➢►]\s+")


def fix_bullets(text: str) -> str:
    """Bullet glyphs left in text: a leading one goes, inner ones separate items with "; ".

    >>> fix_bullets("• Water bottle • Sweat towel")
    'Water bottle; Sweat towel'
    """
    return _fix("bullets", text)


_QUOTE_OF = {"‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"'}
_QUOTE = re.compile("[" + "".join(_QUOTE_OF) + "]")


def uncurl_quotes(text: str) -> str:
    """Typographic quotes and apostrophes become ASCII (the house rule).

    >>> uncurl_quotes("Child’s “pose”")
    'Child\\'s "pose"'
    """
    return _fix("uncurl_quotes", text)


_BROKEN_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…)\s+(?:\.\.\.|…)\s*")


def join_broken_ellipsis(text: str) -> str:
    """Text cut by "..." at a line end and resumed by "..." on the next line is one text.

    >>> join_broken_ellipsis("Hold this position for five ... ... to ten seconds")
    'Hold this position for five to ten seconds'
    """
    return _fix("broken_ellipsis", text)


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
    return _fix("contractions", text)


def _contraction(m: re.Match[str]) -> str:
    word = m.group(1)
    fixed = _contractions()[1][word.lower()]
    if word[0].isupper() and not fixed[0].isupper():
        fixed = fixed[0].upper() + fixed[1:]
    return fixed


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
    return _fix("lost_spaces", text)


def _spaced_run(m: re.Match[str]) -> str:
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


# A multiplication sign drawn with a look-alike ("Skater ✕ 5", "3✖10"): the sign that counts.
_TIMES_LOOKALIKE = re.compile(r"[✕✖⨯](?=\s*\d)|(?:(?<=\d)|(?<=\d\s))[✕✖⨯]")

Replace = Callable[[re.Match[str]], str]
# A pattern, or a function that builds it on first use (from a vocabulary file)
Pattern = re.Pattern[str] | Callable[[], re.Pattern[str]]


def _compiled(pattern: Pattern) -> re.Pattern[str]:
    return pattern if isinstance(pattern, re.Pattern) else pattern()


@dataclass(frozen=True, slots=True)
class NamedFixer:
    """A fixer as passes of ``pattern -> replacement``, each over the previous one's output.

    Declared this way, a fixer reports its edits as it makes them (one per match), so repair
    costs what the text is long, never a diff of a whole block.
    """

    name: str
    passes: tuple[tuple[Pattern, Replace], ...]

    def fix(self, text: str) -> str:
        """The fixer's output alone (what ``repair`` applies with its edits)."""
        for pattern, replace in self.passes:
            text = _pass_edits(text, pattern, replace)[0]
        return text


def _const(value: str) -> Replace:
    return lambda m: value


def _fixer(name: str, *passes: tuple[Pattern, Replace]) -> NamedFixer:
    return NamedFixer(name, passes)


def _fix(name: str, text: str) -> str:
    return next(f for f in FIXERS if f.name == name).fix(text)


FIXERS: tuple[NamedFixer, ...] = (
    _fixer("mojibake", (_ODD_RUN, _fix_odd_run)),
    _fixer("lost_apostrophe", (_LOST_APOSTROPHE, _const("'"))),
    _fixer("lost_dash", (_LOST_DASH, lambda m: "–" if m.group() == "â" else " – ")),
    _fixer("lost_bullet", (_LOST_BULLET, _const(""))),
    _fixer("stray_a_circumflex", (_STRAY_A, _const(""))),
    _fixer("html_entities", (_ENTITY, lambda m: html.unescape(m.group()))),
    _fixer(
        "spaces", (_ZERO_WIDTH, _const("")), (_ODD_SPACE, _const(" ")), (_SPACE_RUN, _const(" "))
    ),
    _fixer("bullets", (_LEADING_BULLET, _const("")), (_INNER_BULLET, _const("; "))),
    _fixer("uncurl_quotes", (_QUOTE, lambda m: _QUOTE_OF[m.group()])),
    _fixer("times_sign", (_TIMES_LOOKALIKE, _const("×"))),
    _fixer("broken_ellipsis", (_BROKEN_ELLIPSIS, _const(" "))),
    _fixer("contractions", (lambda: _contractions()[0], _contraction)),
    _fixer("lost_spaces", (_GLUED, _spaced_run)),
)
_LOCAL_DIFF = 2000  # matches up to this long are diffed character by character


def _match_edits(start: int, before: str, after: str) -> list[Edit]:
    """The edits that turn one match ``before`` (at ``start``) into ``after``: character by
    character for a short match, else one edit of what differs between common ends."""
    if len(before) + len(after) <= _LOCAL_DIFF:
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        return [
            (start + i1, start + i2, after[j1:j2])
            for op, i1, i2, j1, j2 in matcher.get_opcodes()
            if op != "equal"
        ]
    lead = 0
    while lead < min(len(before), len(after)) and before[lead] == after[lead]:
        lead += 1
    tail = 0
    while tail < min(len(before), len(after)) - lead and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    return [(start + lead, start + len(before) - tail, after[lead : len(after) - tail])]


def _pass_edits(text: str, pattern: Pattern, replace: Replace) -> tuple[str, list[Edit]]:
    """One pass: the new text and its edits, found match by match."""
    edits: list[Edit] = []
    out: list[str] = []
    last = 0
    for m in _compiled(pattern).finditer(text):
        new = replace(m)
        if new != m.group():
            edits.extend(_match_edits(m.start(), m.group(), new))
            out.append(text[last : m.start()])
            out.append(new)
            last = m.end()
    if not edits:
        return text, []
    out.append(text[last:])
    return "".join(out), edits


def repair(
    content: Aligned, source_id: str, *, fixers: tuple[NamedFixer, ...] = FIXERS
) -> tuple[Aligned, list[Repair]]:
    """Run every fixer over aligned text; return the repaired text and one Repair per change.

    Linear in the text: each pass reports the edits of its matches as it makes them.
    """
    repairs: list[Repair] = []
    for fixer in fixers:
        for pattern, replace in fixer.passes:
            before = content.text
            after, edits = _pass_edits(before, pattern, replace)
            if not edits:
                continue
            for i1, i2, new in edits:
                lo, hi = (i1, i2) if i1 < i2 else (max(i1 - 1, 0), min(i1 + 1, len(before)))
                ranges = content.source_ranges(lo, hi)
                if not ranges:
                    continue  # text the parser put there (a joiner): no source to repair
                span = (ranges[0][0], ranges[-1][1])
                repairs.append(Repair(source_id, span, fixer.name, before[lo:hi], new))
            content = content.replace(edits)
            if content.text != after:  # the alignment must reproduce the fixer's output
                raise AssertionError(f"fixer {fixer.name} could not be aligned")
    return content.strip(), repairs
