"""Parse stage: one parser per format, each giving Blocks with exact spans into the text.

Parsers decide structure only (which lines form a heading, a list item, a step); repairing text
and judging content is the cleaner's work. Markup a parser consumes (Markdown syntax, HTML tags,
page regions outside the article body) is returned as removals so that every character of the
source is accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.models import Document, Format, Parsed
from pipeline.parse.html import parse_html
from pipeline.parse.markdown import parse_markdown
from pipeline.parse.text import parse_text

__all__ = ["ParseSettings", "parse"]


@dataclass(frozen=True, slots=True)
class ParseSettings:
    """force_format: parse every document as this format instead of the detected one."""

    force_format: Format | None = None


def parse(doc: Document, *, settings: ParseSettings | None = None) -> Parsed:
    """Blocks of one document, in source order, and the markup removed while parsing."""
    settings = settings or ParseSettings()
    fmt = settings.force_format or doc.format
    if fmt is Format.HTML:
        blocks, removals = parse_html(doc)
    elif fmt is Format.MARKDOWN:
        blocks, removals = parse_markdown(doc)
    else:
        blocks, removals = parse_text(doc), []
    return Parsed(doc, tuple(blocks), tuple(sorted(removals, key=lambda r: r.span)))
