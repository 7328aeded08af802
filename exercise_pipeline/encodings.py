"""Character encodings of article bytes: which one, why, and how sure.

Order: a byte-order mark; UTF-16 or UTF-32 without one (NUL bytes in every other position);
strict UTF-8; a charset the source declares (an HTTP ``Content-Type`` of a crawled page, an
HTML ``<meta charset>``); UTF-8 with a few lines in cp1252 (a paragraph pasted from an older
page), decoded line by line; then ``charset-normalizer``, which measures the mess and the
language coherence of each candidate code page. Among Latin-script single-byte code pages it
cannot tell apart (cp1250 and cp1252 decode "café" alike), Western European is taken: these
are English articles. Every guess carries a confidence in [0, 1]; below ``LOW_CONFIDENCE``
the sources stage warns, naming the file and the encoding chosen.

>>> detect("Let’s".encode("utf-8")).encoding
'utf-8'
>>> d = detect("Притягивание колена к груди. Лягте на спину.".encode("cp1251"))
>>> (d.text[:12], d.encoding)
('Притягивание', 'cp1251')
>>> detect("Pull one knee – gently.".encode("utf-16-le")).encoding
'utf-16-le'
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

LOW_CONFIDENCE = 0.8

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# Bytes undefined in cp1252: text containing them is not cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
# Labels a page may declare that mean another codec (the WHATWG Encoding Standard): browsers
# read "iso-8859-1" and "ascii" as windows-1252, and a declared UTF-16 without a BOM as UTF-8.
_LABELS = {
    **dict.fromkeys(("iso-8859-1", "iso8859-1", "latin-1", "latin1"), "cp1252"),
    **dict.fromkeys(("ascii", "us-ascii"), "cp1252"),
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be"), ""),
}
_MESS_MARGIN = 0.02  # Western European when its mess is this close to the best code page's
_EVIDENCE = 16  # non-ASCII bytes a guess needs before it is fully trusted (8 or more)
_UTF8_LINE_SHARE = 0.5  # UTF-8 with some cp1252 lines: at least this share of odd lines


@dataclass(frozen=True, slots=True)
class Decoded:
    """Article text and how it was decoded: a Python codec name (``utf-8``, ``cp1251``, or
    ``utf-8+cp1252`` for mixed lines), the reason, and a confidence in [0, 1]."""

    text: str
    encoding: str
    reason: str
    confidence: float


def bom(data: bytes) -> tuple[bytes, str] | None:
    for mark, name in _BOMS:
        if data.startswith(mark):
            return mark, name
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` when NUL bytes fill every other position, as ASCII text in
    UTF-16 does; None otherwise."""
    head = data[:8192]
    if len(head) < 8 or len(head) % 2:
        return None
    even = head[0::2].count(0) / (len(head) / 2)
    odd = head[1::2].count(0) / (len(head) / 2)
    if odd > 0.4 and even < 0.05:
        return "utf-16-le"
    if even > 0.4 and odd < 0.05:
        return "utf-16-be"
    return None


def _strict(data: bytes, name: str) -> str | None:
    try:
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        return None


def _western(data: bytes) -> tuple[str, str]:
    high_c1 = {b for b in data if 0x80 <= b <= 0x9F}
    if high_c1 and not high_c1 & _CP1252_UNDEFINED:
        return data.decode("cp1252"), "cp1252"
    return data.decode("latin-1"), "iso-8859-1"


def _mixed_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with some lines in cp1252: each line decoded as UTF-8, else as cp1252."""
    lines = data.splitlines(keepends=True)
    odd = [line for line in lines if not line.isascii()]
    good = [line for line in odd if _strict(line, "utf-8") is not None]
    if not good or len(good) < _UTF8_LINE_SHARE * len(odd):
        return None
    text = "".join(_strict(line, "utf-8") or _western(line)[0] for line in lines)
    bad = len(odd) - len(good)
    return Decoded(
        text,
        "utf-8+cp1252",
        f"UTF-8 but {bad} of {len(lines)} lines, decoded as cp1252",
        round(len(good) / len(odd), 3),
    )


def detect(
    data: bytes,
    *,
    recorded: str | None = None,
    declared: str | None = None,
    fallback: str = "cp1252",
) -> Decoded:
    """Decode article bytes. ``recorded``: the encoding the manifest holds for them (detected
    by ``add`` or corrected by a person), used first; ``declared``: a charset the server
    stated (HTTP), used when the bytes are not UTF-8 and decode with it."""
    found = bom(data)
    if found is not None:
        mark, name = found
        text = _strict(data[len(mark) :], name)
        if text is not None:
            return Decoded(text, name, "byte-order mark", 1.0)
    if recorded:
        text = _strict(data[len(found[0]) :] if found else data, recorded)
        if text is not None:
            return Decoded(text, codecs.lookup(recorded).name, "recorded in the manifest", 1.0)
    wide = utf16_without_bom(data)
    if wide is not None:
        text = _strict(data, wide)
        if text is not None:
            return Decoded(text, wide, "UTF-16 without a byte-order mark (NUL bytes)", 0.95)
    text = _strict(data, "utf-8")
    if text is not None:
        return Decoded(text, "utf-8", "valid UTF-8", 1.0)
    stated = [(declared, "declared by the server (HTTP charset)")] if declared else []
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        stated.append((meta.group(1).decode("ascii").lower(), "HTML meta charset"))
    for label, reason in stated:
        name = _LABELS.get(label.lower(), label)
        text = _strict(data, name) if name else None
        if text is not None:
            return Decoded(text, codecs.lookup(name).name, reason, 1.0)
    mixed = _mixed_utf8(data)
    if mixed is not None:
        return mixed
    best = from_bytes(data).best()
    if best is None:
        text = data.decode(fallback, errors="replace")
        return Decoded(text, fallback, "no code page fits; fallback with U+FFFD", 0.0)
    # A guess is only as good as its evidence: a few non-ASCII bytes fit many code pages.
    evidence = min(1.0, 0.5 + sum(1 for b in data if b >= 0x80) / _EVIDENCE)
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and western.chaos <= best.chaos + _MESS_MARGIN:
        text, name = _western(data)
        confidence = round(max(0.0, 1.0 - western.chaos) * evidence, 3)
        reason = f"charset-normalizer: cp1252 reads as well as {best.encoding}; Western taken"
        return Decoded(text, name, reason, confidence)
    confidence = round(max(0.0, 1.0 - best.chaos) * evidence, 3)
    language = f", {best.language}" if best.language != "Unknown" else ""
    return Decoded(
        str(best), codecs.lookup(best.encoding).name, f"charset-normalizer{language}", confidence
    )
