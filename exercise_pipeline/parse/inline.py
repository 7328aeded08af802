"""Inline markup: Markdown images, links, emphasis, code and escapes, and inline HTML tags.

``strip_inline`` removes the syntax, keeps the words a reader sees (link text, emphasised text)
and reports the source ranges it removed with the rule that matched, so that the cleaner can
account for every character. The parser applies it to Markdown; the cleaner applies it to any
text to catch markup left in plain-text dumps and HTML.

>>> text, removed = strip_inline(Aligned.from_source("See [**the** guide](http://x.io) now", 0))
>>> text.text
'See the guide now'
>>> [rule for _, _, rule in removed]
['md-link', 'md-link', 'md-emphasis', 'md-emphasis']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exercise_pipeline.align import Aligned


@dataclass(frozen=True, slots=True)
class _Pattern:
    rule: str
    regex: re.Pattern[str]
    keep: str | None  # the group whose text stays; None removes the whole match


_URL = r"[^()\s]*(?:\([^()\s]*\)[^()\s]*)*"
PATTERNS: tuple[_Pattern, ...] = (
    _Pattern("html-comment", re.compile(r"<!--.*?-->", re.S), None),
    _Pattern("template-tag", re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S), None),
    _Pattern("citation-marker", re.compile(r"\s?\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\](?!\()"), None),
    _Pattern(
        "embedded-html",
        re.compile(
            r"<(iframe|script|style|video|audio|object|noscript|figcaption)\b.*?</\1\s*>",
            re.S | re.I,
        ),
        None,
    ),
    # an image, also one a scrape escaped ("!\\[\\](https://... =171x159)") or sized
    _Pattern(
        "md-image",
        re.compile(
            r"!\\?\[[^\]\n]*?\\?\]\("
            + _URL
            + r"(?:\s+(?:\"[^\"\n]*\"|=\d+(?:\.\d+)?x\d+(?:\.\d+)?))?\)"
        ),
        None,
    ),
    _Pattern(
        "md-link",
        re.compile(r"\[(?P<text>[^\[\]\n]*)\]\(" + _URL + r"(?:\s+\"[^\"\n]*\")?\)"),
        "text",
    ),
    _Pattern("md-link", re.compile(r"\[(?P<text>[^\[\]\n]+)\]\[[^\[\]\n]*\]"), "text"),
    _Pattern("md-autolink", re.compile(r"<(?:https?|mailto|ftp):[^<>\s]+>"), None),
    _Pattern("bare-url", re.compile(r"(?<![\w(\[<\"'=/])https?://[^\s<>\"')\]]+"), None),
    _Pattern("html-tag", re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), None),
    _Pattern("md-emphasis", re.compile(r"(\*\*|__)(?=\S)(?P<text>.+?)(?<=\S)\1"), "text"),
    _Pattern(
        "md-emphasis",
        re.compile(r"(?<![\w*\\])\*(?=[^\s*])(?P<text>[^*\n]+?)(?<=[^\s*])\*(?![\w*])"),
        "text",
    ),
    _Pattern(
        "md-emphasis",
        re.compile(r"(?<![\w\\])_(?=[^\s_])(?P<text>[^_\n]+?)(?<=[^\s_])_(?!\w)"),
        "text",
    ),
    # a GitHub emoji shortcode: ":fire: Warm-up", "### :muscle: Upper body" (not "10:30:45")
    _Pattern(
        "md-emoji", re.compile(r"(?<!\S):(?=[a-z0-9_+-]*[a-z])[a-z0-9_+-]{2,40}:(?!\S)\s?"), None
    ),
    # struck-out text is what the writer took back ("~~Crunches~~ Dead bugs 3x10"): gone
    _Pattern("md-strikethrough", re.compile(r"~~(?=\S)[^~\n]+?(?<=\S)~~\s?"), None),
    _Pattern("md-code", re.compile(r"`(?P<text>[^`\n]+)`"), "text"),
    _Pattern("md-escape", re.compile(r"\\(?P<text>[\\`*_{}\[\]()#+\-.!|>])"), "text"),
)

Removed = tuple[int, int, str]


def strip_inline(
    content: Aligned, *, patterns: tuple[_Pattern, ...] = PATTERNS
) -> tuple[Aligned, list[Removed]]:
    """Remove inline markup; return the text and ``(start, end, rule)`` source ranges removed."""
    removed: list[Removed] = []
    for pattern in patterns:
        while True:
            cuts: list[tuple[int, int]] = []
            for m in pattern.regex.finditer(content.text):
                if pattern.keep is None:
                    cuts.append((m.start(), m.end()))
                else:
                    cuts.append((m.start(), m.start(pattern.keep)))
                    cuts.append((m.end(pattern.keep), m.end()))
            cuts = [(i, j) for i, j in cuts if i < j]
            if not cuts:
                break
            for i, j in cuts:
                removed.extend((s, e, pattern.rule) for s, e in content.source_ranges(i, j))
            content = content.delete(cuts)
            if pattern.keep is None or pattern.rule != "md-emphasis":
                break
    return content, removed
