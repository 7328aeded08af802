"""Parse stage: one parser per format, each giving Blocks with exact spans into the text.

Parsers decide structure only (which lines form a heading, a list item, a step); repairing text
and judging content is the cleaner's work. Markup a parser consumes (Markdown syntax, HTML tags,
page regions outside the article body) is returned as removals so that every character of the
source is accounted for.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercise_pipeline.errors import SourceError
from exercise_pipeline.models import Document, Format, Parsed
from exercise_pipeline.parse.html import parse_html
from exercise_pipeline.parse.markdown import parse_markdown
from exercise_pipeline.parse.text import parse_text

__all__ = ["ParseSettings", "parse"]


@dataclass(frozen=True, slots=True)
class ParseSettings:
    """force_format: parse every document as this format instead of the detected one.
    max_blocks: a document of more blocks is refused (``SourceError``): what a source costs
    later is per block, about 1.4 KB of memory and 0.2 ms each, so this bounds a source at
    about 300 MB and 45 s (real articles have tens to a few thousand blocks).
    """

    force_format: Format | None = None
    max_blocks: int = 200_000


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
    if len(blocks) > settings.max_blocks:
        raise SourceError(
            doc.file,
            f"has {len(blocks):,} blocks (lines, paragraphs, items), over the limit of "
            f"{settings.max_blocks:,} per source",
            "split it into articles, or raise ParseSettings.max_blocks",
            source_id=doc.source_id,
        )
    return Parsed(doc, tuple(blocks), tuple(sorted(removals, key=lambda r: r.span)))
