"""Segmentation: which blocks form one exercise mention, and which headings name an exercise.

Blocks are grouped under candidate headings (headings, title-like list items, bold lines and
"Name: instructions" items); body blocks follow until the next candidate, a paragraph about the
whole set of exercises ("Repeat each exercise ..."), a numbered list that starts again at 1, or
the end of a labelled entry (Target:/Instructions:/Tips: lines followed by plain prose). Each
candidate is then decided from evidence: how much its text reads like an exercise name, and how
much its body reads like instructions (imperatives, doses, positions, step lists, a sentence
presenting "this exercise"). A list title between a name and its body ("Plank", "10 Exercises
to ...", steps) is stepped over. A numbered step list with no name becomes an unnamed mention.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from pipeline.extract.features import (
    NameScore,
    defines_exercise,
    has_dosage,
    is_avoid_heading,
    is_instruction,
    is_label_heading,
    is_set_level,
    label_of,
    looks_like_product,
    name_score,
    opens_with_verb,
    purpose_tail,
)
from pipeline.models import Block, BlockKind
from pipeline.parse.lines import is_title_like
from pipeline.sentences import sentences

_NAME_SPLIT = re.compile(r"^(?P<name>[A-Z0-9][^:.!?]{1,60}?)\s*:\s+(?P<rest>\S.*)$", re.S)
_TABLE_SPLIT = re.compile(r"^(?P<name>[A-Z0-9][^|.!?]{1,60}?)\s*\|\s+(?P<rest>\S.*)$", re.S)


@dataclass(slots=True)
class Group:
    """Blocks that belong together, before the decision whether they are an exercise."""

    head: int | None  # position of the candidate block, None for loose text
    name: str = ""
    rest_at: int = 0  # for "Name: instructions" blocks, where the instructions start
    body: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    score: float = 0.0
    evidence: list[tuple[str, float]] = field(default_factory=list)
    exercise: bool = False
    unnamed: bool = False

    def positions(self) -> list[int]:
        head = [self.head] if self.head is not None else []
        return sorted(head + self.body)


def name_split(block: Block) -> tuple[str, int] | None:
    """ "Ankle Pumps: Lie flat on your back ..." -> ("Ankle Pumps", offset of "Lie")."""
    if block.kind not in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH, BlockKind.TABLE_ROW):
        return None
    if block.kind is BlockKind.TABLE_ROW:  # "Bridge | Lie on your back ... | 10 reps"
        m = _TABLE_SPLIT.match(block.text)
    else:
        m = _NAME_SPLIT.match(block.text)
    if not m or label_of(block.text):
        return None
    name = m.group("name").strip()
    if len(name.split()) > 7 or not is_title_like(name):
        return None
    rest = m.group("rest")
    said = sentences(rest)
    # Instructions, not a routine summary line such as "Pelvic tilts: 10 reps".
    if not any(opens_with_verb(s) or (is_instruction(s) and len(s.split()) >= 6) for s in said):
        return None
    return name, m.start("rest")


def is_candidate(block: Block) -> bool:
    """A block that could name an exercise: a heading, or a short title-like item or bold line."""
    if block.kind is BlockKind.HEADING:
        return not is_label_heading(block.text)
    if block.kind is BlockKind.LIST_ITEM:
        return is_title_like(block.text, max_words=8, max_chars=60)
    return block.bold and is_title_like(block.text)


def _labelled(block: Block) -> bool:
    return label_of(block.text) is not None


def _collect(blocks: list[Block], start: int, *, after_head: bool) -> tuple[list[int], int]:
    """Body blocks from ``start`` up to the next candidate or a natural end."""
    body: list[int] = []
    max_number = 0
    j = start
    while j < len(blocks):
        b = blocks[j]
        if is_candidate(b) or name_split(b):
            break
        if after_head and b.kind is BlockKind.PARAGRAPH and is_set_level(b.text):
            break  # prose about the whole set of exercises, not the one above it
        if b.number == 1 and max_number > 1 and b.kind in (BlockKind.LIST_ITEM, BlockKind.STEP):
            break  # a new numbered list: a different exercise
        labelled_entry = after_head and body and all(_labelled(blocks[k]) for k in body)
        if labelled_entry and b.kind is BlockKind.PARAGRAPH and not _labelled(b):
            break  # the end of a labelled entry
        if b.number is not None and b.kind in (BlockKind.LIST_ITEM, BlockKind.STEP):
            max_number = max(max_number, b.number)
        body.append(j)
        j += 1
    return body, j


def group_blocks(blocks: list[Block]) -> list[Group]:
    """Blocks in groups: one per candidate heading, and runs of loose text between them."""
    groups: list[Group] = []
    i = 0
    while i < len(blocks):
        b = blocks[i]
        split = name_split(b)
        if split:
            groups.append(Group(head=i, name=split[0], rest_at=split[1]))
            i += 1
        elif is_candidate(b):
            body, j = _collect(blocks, i + 1, after_head=True)
            groups.append(Group(head=i, name=b.text, body=body))
            i = j
        else:
            body, j = _collect(blocks, i, after_head=False)
            if not body:  # a block _collect refuses at the start (a restarted list)
                body, j = [i], i + 1
            groups.append(Group(head=None, body=body))
            i = j
    return groups


def clean_name(text: str) -> str:
    """A heading as an exercise name: without trailing colon or purpose phrase."""
    name = text.strip().rstrip(":").strip()
    tail = purpose_tail(name)
    if tail and tail.start() > 0:
        name = name[: tail.start()].strip()
    return name


def _body_evidence(blocks: list[Block], group: Group) -> list[tuple[str, float]]:
    body = [blocks[k] for k in group.body]
    texts = (
        [blocks[group.head].text[group.rest_at :]]
        if group.head is not None and group.rest_at
        else []
    )
    texts += [b.text for b in body]
    sents = [s for t in texts for s in sentences(t)]
    parts: list[tuple[str, float]] = []
    k = sum(1 for s in sents if is_instruction(s))
    if k:
        parts.append((f"{k} instruction sentence(s)", min(2.0, 1.0 + 0.25 * k)))
    if any(has_dosage(t) for t in texts):
        parts.append(("dose", 0.5))
    steps = [b for b in body if b.kind is BlockKind.STEP or b.number is not None]
    if len(steps) >= 2:
        parts.append(("step list", 1.0))
    name = clean_name(group.name)
    if any(defines_exercise(s, name) for s in sents[:3]):
        parts.append(("presents the exercise", 1.5))
    if group.rest_at:
        parts.append(("named item with instructions", 1.0))
    if any(looks_like_product(t) for t in texts):
        parts.append(("prices or shopping words", -3.0))
    roles = {lab[0] for b in body if (lab := label_of(b.text))}
    if roles & {"instructions", "target", "hold", "reps"}:
        parts.append(("exercise labels", 1.0))
    return parts


def _is_list_title(score: NameScore) -> bool:
    return any(p == "list or section title" for p, _ in score.parts)


def _step_over_titles(blocks: list[Block], groups: list[Group]) -> None:
    """A name with no body, then a list title with a body: the body belongs to the name."""
    for g, nxt in itertools.pairwise(groups):
        if g.head is None or g.body or g.rest_at or nxt.head is None or not nxt.body:
            continue
        if name_score(clean_name(g.name)).total < 1.0:
            continue
        title = name_score(clean_name(nxt.name))
        if not _is_list_title(title) and title.total >= 0:
            continue
        texts = [blocks[k].text for k in nxt.body]
        if not any(is_instruction(s) for t in texts for s in sentences(t)):
            continue
        g.body, g.skipped, nxt.body = nxt.body, [nxt.head], []


def _series_bonus(blocks: list[Block], groups: list[Group]) -> set[int]:
    """Three or more numbered headings in a row ("1. Knee to Chest", "2. ...") are a series."""
    bonus: set[int] = set()
    run: list[Group] = []
    for g in [*groups, Group(head=None)]:
        numbered = g.head is not None and blocks[g.head].number is not None and not g.rest_at
        if numbered and blocks[g.head].kind is BlockKind.HEADING:  # type: ignore[index]
            run.append(g)
            continue
        if len(run) >= 3:
            bonus.update(id(x) for x in run)
        run = []
    return bonus


def _under_avoid(blocks: list[Block], groups: list[Group]) -> set[int]:
    """Groups inside a section about what not to do, up to the next heading as high as its own."""
    under: set[int] = set()
    level: int | None = None
    for g in groups:
        head = blocks[g.head] if g.head is not None else None
        if head is not None and head.kind is BlockKind.HEADING:
            if level is not None and head.level <= level:
                level = None
            if level is None and is_avoid_heading(head.text):
                level = head.level
                continue
        if level is not None:
            under.add(id(g))
    return under


def decide(blocks: list[Block], groups: list[Group], *, threshold: float = 2.0) -> None:
    """Score every candidate group and mark the exercises; find unnamed step lists."""
    _step_over_titles(blocks, groups)
    series = _series_bonus(blocks, groups)
    avoid = _under_avoid(blocks, groups)
    for g in groups:
        if id(g) in avoid:
            g.evidence = [("under a heading about what to avoid", -10.0)]
            g.score = -10.0
            continue
        if g.head is None:
            g.unnamed = _unnamed_steps(blocks, g)
            continue
        name = clean_name(g.name)
        ns = name_score(name)
        parts = list(ns.parts) + _body_evidence(blocks, g)
        if id(g) in series:
            parts.append(("numbered series", 1.0))
        g.evidence = parts
        g.score = sum(w for _, w in parts)
        has_body = bool(g.body) or bool(g.rest_at)
        g.exercise = has_body and g.score >= threshold and not _is_list_title(ns)


def _unnamed_steps(blocks: list[Block], group: Group) -> bool:
    """Loose text that is a numbered list of instructions with a dose or a position."""
    items = [blocks[k] for k in group.body if blocks[k].number is not None]
    if len(items) < 3 or items[0].number != 1:
        return False
    texts = [b.text for b in items]
    instructions = sum(1 for t in texts if is_instruction(t))
    return instructions >= 2 and any(has_dosage(t) for t in texts)
