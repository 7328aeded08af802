"""The records that flow between stages: frozen, slotted dataclasses, never dicts.

sources -> Document; parse -> Block; clean -> Block + Removal + Repair; extract -> Mention +
Section; merge -> Exercise + Conflict (using Decision); validate and publish read Exercise.
Spans are ``(start, end)`` character offsets into ``Document.text``, end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from exercise_pipeline.align import Aligned

Span = tuple[int, int]


class Format(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    STEP = "step"
    TABLE_ROW = "table_row"


@dataclass(frozen=True, slots=True)
class Record:
    """Where a page of a crawl container came from (``exercise_pipeline.crawl``).

    ``kind``: ``warc``, ``jsonl`` or ``parquet``; ``id``: the WARC-Record-ID, or ``line N`` /
    ``row N``; ``fetched``: the fetch time as the container gives it; ``digest``: the
    WARC-Payload-Digest, else ``sha256:`` of the payload; ``charset``: the HTTP one, if stated.
    """

    container: str
    kind: str
    id: str
    url: str
    fetched: str | None = None
    digest: str | None = None
    charset: str | None = None


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """One entry of ``raw/sources.json``: what is known about an article file."""

    source_id: str
    file: str
    format: Format | None = None
    title: str | None = None
    url: str | None = None
    retrieved: str | None = None
    license: str | None = None
    sha256: str | None = None
    # The article's encoding as recorded (by `add`, or corrected by a person): decoded with it.
    encoding: str | None = None
    # A page of a crawl container: its record (the container is ``file``).
    record: Record | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded article. ``text`` is what every span in the pipeline points into."""

    source_id: str
    file: str
    format: Format
    text: str
    sha256: str
    encoding: str
    encoding_reason: str
    format_reason: str
    meta: SourceMeta
    encoding_confidence: float = 1.0  # how sure the encoding is (exercise_pipeline.encodings)


@dataclass(frozen=True, slots=True)
class Block:
    """A structural unit of an article: a heading, paragraph, list item, step or table row.

    ``content`` is the block's text with markup stripped, aligned to the source; ``span`` is the
    hull of the block in the source including its own markup (``## ``, ``1. ``, tags).
    ``zone`` is ``main`` for article body; parsers put page furniture they recognise structurally
    (HTML navigation, footers, forms, front matter) in other zones for the cleaner to remove.
    ``bold`` marks a block whose whole text is bold; ``lead`` is the length of a bold lead-in
    at the start of the text ("**Ankle Pumps** - Lie flat ..."), 0 when there is none.
    ``column`` is the table column a row's block starts at: 0, but for the pieces of a
    superset table's rows, cut at its exercise columns (``extract.tables``); such a piece's
    ``exercise_cell`` is the cell of it that names its exercise (-1 for any other block).
    """

    source_id: str
    index: int
    kind: BlockKind
    content: Aligned
    span: Span
    level: int = 0
    marker: str | None = None
    number: int | None = None
    zone: str = "main"
    bold: bool = False
    lead: int = 0
    column: int = 0
    exercise_cell: int = -1

    @property
    def text(self) -> str:
        return self.content.text


@dataclass(frozen=True, slots=True)
class Removal:
    """Source text taken out, with the reason code and the rule that fired."""

    source_id: str
    span: Span
    reason: str
    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class Repair:
    """A text repair: which fixer changed which source characters, and into what."""

    source_id: str
    span: Span
    fixer: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Parsed:
    """Output of the parse stage: blocks plus the markup the parser consumed."""

    document: Document
    blocks: tuple[Block, ...]
    removals: tuple[Removal, ...]


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Output of the clean stage: kept blocks (repaired text), every removal and repair."""

    document: Document
    blocks: tuple[Block, ...]
    removals: tuple[Removal, ...]
    repairs: tuple[Repair, ...]


@dataclass(frozen=True, slots=True)
class Range:
    """A closed numeric range; a single value has ``low == high``."""

    low: float
    high: float

    def as_list(self) -> list[float | int]:
        return [_num(self.low), _num(self.high)]


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


@dataclass(frozen=True, slots=True)
class Frequency:
    """How often to do an exercise: the source's words and, where stated, times per day."""

    text: str
    per_day: Range | None = None
    per_week: Range | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """The passage a field value was read from."""

    field: str
    span: Span
    text: str


@dataclass(frozen=True, slots=True)
class Fields:
    """Structured values read from a mention's instructions. ``None`` means not stated."""

    hold_seconds: Range | None = None
    hold_breaths: Range | None = None
    duration_seconds: Range | None = None
    repetitions: Range | None = None
    sets: Range | None = None
    per_side: bool | None = None
    frequency: Frequency | None = None
    position: str | None = None
    equipment: tuple[str, ...] = ()
    category: str | None = None
    target_areas: tuple[str, ...] = ()
    difficulty: str | None = None  # beginner, intermediate or advanced, as a label says


@dataclass(frozen=True, slots=True)
class Mention:
    """One exercise as one source describes it.

    ``key`` is stable across rebuilds of an unchanged source (source id plus a slug of the name
    and an ordinal). ``steps`` are instruction sentences or list steps in order; ``description``
    and ``tips`` hold the mention's other sentences so that nothing it says is lost.
    ``alt_names`` are other names the source gives it ("Side Plank (Side Bridge)");
    ``variations`` its progressions and regressions ("Progression: loop a band ...").
    """

    source_id: str
    key: str
    name: str
    steps: tuple[str, ...]
    span: Span
    blocks: tuple[int, ...]
    description: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    fields: Fields = field(default_factory=Fields)
    evidence: tuple[Evidence, ...] = ()
    flags: tuple[str, ...] = ()
    heading: str | None = None
    alt_names: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A run of blocks that is not an exercise: intro, list title, tips, FAQ, related text."""

    source_id: str
    kind: str
    title: str | None
    span: Span
    blocks: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Extraction:
    """Output of the extract stage for one document."""

    cleaned: Cleaned
    mentions: tuple[Mention, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    """One named part of a pair score: its value in [0, 1] and its weight in the total."""

    name: str
    value: float
    weight: float


@dataclass(frozen=True, slots=True)
class PairScore:
    """Why two mentions are (not) the same exercise: every component is kept (a score a
    rebuild read from the cache has none; a review item computes them again)."""

    a: str
    b: str
    score: float
    components: tuple[ScoreComponent, ...]
    against: tuple[str, ...]
    outcome: str


@dataclass(frozen=True, slots=True)
class ConflictValue:
    """One value sources gave for a field, and which mentions gave it."""

    value: object
    mentions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """An entry of the review queue.

    ``kind`` is ``field`` (merged sources disagree on a field), ``merge`` (a pair scored between
    review_at and merge_at, or above merge_at but linking two published records), ``name``
    (two records under one canonical name) or ``unnamed`` (steps found without a name).
    """

    key: str
    kind: str
    mentions: tuple[str, ...]
    exercise_ids: tuple[str, ...] = ()
    field: str | None = None
    values: tuple[ConflictValue, ...] = ()
    chosen: object = None
    rule: str | None = None
    pair: PairScore | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """A curator's decision from ``review/decisions.json``.

    kind: ``same`` / ``different`` (mentions), ``rename`` (name), ``prefer`` (field and value or
    source), ``reject`` (a mention is not an exercise).
    """

    kind: str
    mentions: tuple[str, ...]
    name: str | None = None
    field: str | None = None
    value: object = None
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Exercise:
    """A canonical exercise: one record per real exercise across all sources."""

    id: str
    name: str
    aliases: tuple[str, ...]
    steps: tuple[str, ...]
    fields: Fields
    mentions: tuple[Mention, ...]
    conflicts: tuple[Conflict, ...]
    description: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    variations: tuple[str, ...] = ()
