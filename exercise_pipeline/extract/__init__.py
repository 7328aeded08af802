"""Extract stage: cleaned blocks -> exercise mentions (name, steps, fields) and other sections.

``segment`` decides which blocks form which mention; this module turns each group into a
Mention: the name (purpose phrase dropped, a heading cut mid-word repaired from the body), the
steps (list items and instruction sentences, in order), the description and tips (every other
sentence, so nothing the source says about the exercise is lost), the fields and the evidence
for them, and quality flags.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from exercise_pipeline.align import Aligned
from exercise_pipeline.extract.features import (
    has_dosage,
    instructs,
    is_caution,
    is_dose_line,
    is_instruction,
    is_label_heading,
    known_words,
    label_of,
    name_score,
    strip_step_prefix,
)
from exercise_pipeline.extract.fields import evidence_for, parse_fields
from exercise_pipeline.extract.roles import RoleModel, shipped
from exercise_pipeline.extract.segment import Group, clean_name, decide, group_blocks, split_name
from exercise_pipeline.extract.tables import shared_dose, superset_rows
from exercise_pipeline.models import (
    Block,
    BlockKind,
    Cleaned,
    Evidence,
    Extraction,
    Mention,
    Section,
    Span,
)
from exercise_pipeline.sentences import split_sentences

__all__ = ["ExtractSettings", "extract", "slugify"]


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    """threshold: evidence a heading needs to be taken as an exercise name (see segment).
    keep_unnamed: keep numbered step lists without a name as flagged unnamed mentions.
    roles: "model" (the learned role model of roles.py decides, with the rules as its
    features) or "rules" (the rules' evidence against ``threshold`` decides alone).
    role_confidence: the probability the model must give a role to overrule the rules."""

    threshold: float = 2.0
    keep_unnamed: bool = True
    roles: str = "model"
    role_confidence: float = 0.75


def slugify(text: str) -> str:
    """A lower-case ASCII slug: "Knee-to-Chest Stretch" -> "knee-to-chest-stretch".

    >>> slugify("Child's Pose"), slugify("Cat/Cow")
    ('childs-pose', 'cat-cow')
    """
    text = text.lower().replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "exercise"


# What the value of a "Label: value" line is: instructions (each sentence a step), a dose line
# (kept whole as a step, label and all: "Sets: 2"), tips, targets, or prose to classify.
_ROLE_OF_LABEL: dict[str, str | None] = {
    "instructions": "step",
    "hold": "dose",
    "reps": "dose",
    "sets": "dose",
    "rest": "dose",
    "frequency": "dose",
    "tips": "tip",
    "variations": "variation",
    "level": "difficulty",
    "target": "target",
    "description": None,
    "position": None,
    "name": "name",  # the entry's name (a placeholder heading's "Name:" line): not its text
}


_TYPED_NUMBER = re.compile(r"\d{1,2}[.)]\s+(?=\S)")
_PARENTHESISED = re.compile(r"\(\s*+([^()]*[^()\s])?\s*\)")


def _items_of(blocks: list[Block], group: Group) -> tuple[list[tuple[str, Aligned]], list[int]]:
    """(role, text) items of a mention in order, and the step numbers seen."""
    items: list[tuple[str, Aligned]] = []
    numbers: list[int] = []
    role_from_heading: str | None = None

    def add_sentences(content: Aligned, fixed_role: str | None) -> None:
        pieces = [content.slice(a, b) for a, b in split_sentences(content.text)]
        roles = [fixed_role or _sentence_role(piece.text) for piece in pieces]
        items.extend(zip(_cues_among_steps(roles, pieces), pieces, strict=True))

    cues = _cue_lists(blocks, group.body)
    if group.rest_at and group.head is not None:
        head = blocks[group.head].content
        if group.dose_to:  # "3x5-8 Pull-up progression": the dose before the name
            items.append(("dose", head.slice(0, group.dose_to).strip()))
        after = head.slice(group.rest_at, len(head.text)).strip()
        inner = _PARENTHESISED.fullmatch(after.text)
        if inner and inner.group(1) and has_dosage(inner.group(1)):
            items.append(("dose", after.slice(inner.start(1), inner.end(1))))  # "(30 seconds)"
        else:
            add_sentences(after, None)
    elif group.head is not None and blocks[group.head].kind is BlockKind.HEADING:
        head = blocks[group.head].content  # "Leg Swings (30 seconds per leg)": its dose
        if dose := _HEADING_DOSE.search(head.text):
            items.append(("dose", head.slice(dose.start(1), dose.end(1))))
    field: tuple[int, str] | None = None  # a label item's level and role ("- Mistakes:")
    for k in group.body:
        b = blocks[k]
        if field is not None and b.kind is BlockKind.LIST_ITEM and b.level > field[0]:
            items.append((field[1], b.content))  # an item the label lists: its role is the label's
            continue
        field = None
        if b.kind is BlockKind.LIST_ITEM and (lab := label_of(b.text)) and not b.text[lab[2] :]:
            role = _ROLE_OF_LABEL.get(lab[0])
            if role in ("step", "tip", "variation"):
                field = (b.level, role)
                continue
        if b.kind is BlockKind.HEADING:
            if is_label_heading(b.text):
                heading_label = label_of(b.text.strip().rstrip(":") + ": x")
                role = _ROLE_OF_LABEL.get(heading_label[0]) if heading_label else None
                role_from_heading = "step" if role == "dose" else role
            elif b.text.rstrip().endswith(":"):
                role_from_heading = None  # a label of its own ("Form Cues:"): what follows
            elif is_dose_line(b.text):  # a dose line: "3 sets of 8 reps", "Sets: 1 Reps: 20"
                items.extend(("step", piece) for piece in _label_pieces(b.content))
            else:
                items.append(("description", b.content))
            continue
        if role_from_heading == "variation" and b.kind is BlockKind.LIST_ITEM and b.number is None:
            items.append(("variation", b.content))  # "- **Knee push-ups:** Easier": whole
            continue
        if label_of(b.text):
            for piece in _label_pieces(b.content):
                lab = label_of(piece.text)
                assert lab is not None
                role = _ROLE_OF_LABEL.get(lab[0], "description")
                if role == "difficulty" and lab[1] not in ("difficulty", "level"):
                    role = "description"  # "Goal:", "Type:": prose, not a difficulty
                if role == "name" and group.labelled and k == group.body[0]:
                    continue  # the line that names the entry ("## Exercise 1" / "Name: ...")
                if role == "name":
                    role = "description"
                if role == "target":
                    items.append(("target", piece))
                elif role == "difficulty":
                    items.append(("difficulty", piece.slice(lab[2], len(piece.text)).strip()))
                elif role == "dose":
                    items.append(("step", piece))
                else:
                    add_sentences(piece.slice(lab[2], len(piece.text)).strip(), role)
            continue
        if b.kind is BlockKind.STEP or (b.kind is BlockKind.LIST_ITEM and b.number is not None):
            if b.number is not None:
                numbers.append(b.number)
            text = strip_step_prefix(b.text)
            piece = b.content.slice(len(b.text) - len(text), len(b.text)).strip()
            # numbered progressions or mistakes under their label stay what the label says
            kept = role_from_heading in ("tip", "variation")
            items.append((role_from_heading if kept and role_from_heading else "step", piece))
        elif k in cues and not is_caution(b.text):
            items.append(("step", b.content))
        elif b.lead and group.head is not None and k != group.head:
            # "**Cow:** Let your belly drop": the lead names a phase; what follows is its text.
            rest = re.match(r"\s*[:\-–—.|]?\s*", b.text[b.lead :])
            start = b.lead + (rest.end() if rest else 0)
            add_sentences(b.content.slice(start, len(b.text)).strip(), role_from_heading)
        elif b.kind is BlockKind.LIST_ITEM and (typed := _TYPED_NUMBER.match(b.text)):
            # "<li>1. Reach your arms out ...</li>" in a bulleted list: the number is typed
            add_sentences(b.content.slice(typed.end(), len(b.text)), role_from_heading)
        else:
            add_sentences(b.content, role_from_heading)
    return items, numbers


def _sentence_role(sentence: str) -> str:
    if is_caution(sentence):
        return "tip"
    return "step" if is_instruction(sentence) else "description"


_TERSE_WORDS = 4  # "Chest touches ground.", "Land soft.", "Fast.": a cue, not a description


def _cues_among_steps(roles: list[str], pieces: list[Aligned]) -> list[str]:
    """The roles of one paragraph's sentences, with its terse cues read as steps: a short
    sentence between two steps ("Drop to the floor. Chest touches ground. Push up."), or of a
    paragraph that gives two steps or more and says nothing else at length ("Plank position.
    Drive one knee to chest. Switch. Fast."): a paragraph of steps is read in its order. A
    longer sentence that instructs nothing stays the description, and so do the short ones
    beside a single step ("Great for shoulders. Try it today. No gear needed.").

    >>> _cues_among_steps(["description", "step", "step"], [Aligned("Fast.", ())] * 3)
    ['step', 'step', 'step']
    >>> _cues_among_steps(["description", "step", "description"], [Aligned("Fast.", ())] * 3)
    ['description', 'step', 'description']
    """
    steps = [k for k, r in enumerate(roles) if r == "step"]
    if not steps:
        return roles
    terse = len(steps) >= 2 and all(
        r in ("step", "tip") or len(p.text.split()) <= _TERSE_WORDS
        for r, p in zip(roles, pieces, strict=True)
    )
    return [
        "step"
        if r == "description"
        and len(pieces[k].text.split()) <= _TERSE_WORDS
        and (terse or steps[0] < k < steps[-1])
        else r
        for k, r in enumerate(roles)
    ]


_HEADING_DOSE = re.compile(r"\(([^()]*\d[^()]*)\)\s*:?\s*$")


def _cue_lists(blocks: list[Block], body: list[int]) -> set[int]:
    """Bulleted items of the body that are terse cues: the short items of a run of one list in
    which any item instructs or doses ("- Ear toward shoulder", "- Hold 20 seconds each side"),
    or that comes right under the name ("- 10 forward circles")."""
    runs: list[list[int]] = []
    for k in body:
        b = blocks[k]
        bullet = b.kind is BlockKind.LIST_ITEM and b.number is None and not b.lead
        if not bullet or label_of(b.text):
            runs.append([])
            continue
        if runs and runs[-1] and blocks[runs[-1][-1]].level == b.level:
            runs[-1].append(k)
        else:
            runs.append([k])
    cues: set[int] = set()
    for run in runs:
        first = bool(run) and bool(body) and run[0] == body[0]  # right under the name
        if first or any(is_instruction(blocks[k].text) or has_dosage(blocks[k].text) for k in run):
            cues.update(k for k in run if _terse(blocks[k].text))
    return cues


def _terse(text: str) -> bool:
    """One short phrase or sentence; longer items are split into sentences and classified."""
    return len(text.split()) <= _CUE_WORDS and len(split_sentences(text)) <= 1


_CUE_WORDS = 14


_PIECE = re.compile(r"\s+\|\s+|\s+(?=[A-Z][A-Za-z ]{0,20}:\s)")


def _label_pieces(content: Aligned) -> list[Aligned]:
    """A labelled line split where another label follows a bar or a space: "Hold: 20 s |
    Reps: 3", "Sets: 1 Reps: 20"."""
    text = content.text
    cuts = [0]
    lab = label_of(text)
    value = lab[2] if lab else 0  # where the current piece's value starts
    for m in _PIECE.finditer(text):
        if m.start() < value:
            continue  # inside the label itself: "Target Muscles:" is one label
        if nxt := label_of(text[m.end() :]):
            cuts += [m.start(), m.end()]
            value = m.end() + nxt[2]
    cuts.append(len(text))
    return [content.slice(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=True)]


def repair_truncated(name: str, body: str) -> str | None:
    """A heading cut mid-word, completed from the body that names the exercise in full.

    >>> repair_truncated("Ial Crunches", "Partial crunches are a simple exercise.")
    'Partial Crunches'
    >>> repair_truncated("Knee to Ch", "pull your knee to chest slowly") is None
    False
    >>> repair_truncated("Side Plank", "a side plank") is None
    True
    """
    toks = name.split()
    if len(toks) < 2:
        return None
    first, last = toks[0], toks[-1]
    if first.isalpha() and (len(first) <= 3 or first.lower() not in known_words()):
        m = re.search(rf"\b([A-Za-z]+{re.escape(first)})\s+{re.escape(toks[1])}\b", body, re.I)
        if m and len(m.group(1)) > len(first):
            word = m.group(1)
            fixed = word[0].upper() + word[1:].lower() if first[0].isupper() else word.lower()
            return " ".join([fixed, *toks[1:]])
    if last.isalpha() and (len(last) <= 3 or last.lower() not in known_words()):
        m = re.search(rf"\b{re.escape(toks[-2])}\s+({re.escape(last)}[A-Za-z]+)\b", body, re.I)
        if m and m.group(1).lower() not in (last.lower() + "s", last.lower() + "es"):
            word = m.group(1)
            fixed = word[0].upper() + word[1:].lower() if last[0].isupper() else word.lower()
            return " ".join([*toks[:-1], fixed])
    return None


def _gaps(numbers: list[int]) -> bool:
    """True when a numbered list skips a number (a missing step)."""
    runs: list[list[int]] = []
    for n in numbers:
        if not runs or n <= runs[-1][-1]:
            runs.append([n])
        else:
            runs[-1].append(n)
    return any(run[0] != 1 or any(b - a != 1 for a, b in itertools.pairwise(run)) for run in runs)


def _mention(
    doc_id: str, blocks: list[Block], group: Group, name: str, heading: str | None, flags: list[str]
) -> Mention:
    items, numbers = _items_of(blocks, group)
    if _gaps(numbers):
        flags.append("missing_step")
    steps = [t.text for r, t in items if r == "step"]
    if not steps:
        flags.append("no_instructions")
    if any(s.rstrip().endswith(("...", "…")) for s in steps):
        flags.append("truncated_text")
    fields, where = parse_fields(name, [(r, t.text) for r, t in items])
    spans = [t.span for _, t in items]
    positions = group.positions()
    span = (
        min(blocks[k].span[0] for k in positions),
        max(blocks[k].span[1] for k in positions),
    )
    return Mention(
        source_id=doc_id,
        key="",
        name=name,
        steps=tuple(_tidy(s) for s in steps),
        span=span,
        blocks=tuple(blocks[k].index for k in positions),
        description=tuple(t.text for r, t in items if r in ("description", "target")),
        tips=tuple(t.text for r, t in items if r == "tip"),
        variations=tuple(t.text for r, t in items if r == "variation"),
        fields=dataclasses.replace(fields, difficulty=_difficulty(items)),
        evidence=evidence_for(where, spans, [t.text for _, t in items]),
        flags=tuple(sorted(set(flags))),
        heading=heading,
    )


_LEVELS = (
    ("beginner", re.compile(r"\b(?:beginners?|easy|novice|gentle|basic|entry)\b", re.I)),
    ("intermediate", re.compile(r"\b(?:intermediate|moderate|medium)\b", re.I)),
    ("advanced", re.compile(r"\b(?:advanced|hard|difficult|expert|challenging)\b", re.I)),
)


def _difficulty(items: list[tuple[str, Aligned]]) -> str | None:
    """A "Difficulty:" label's level; "Beginner to Intermediate" is where it starts."""
    for role, text in items:
        if role != "difficulty":
            continue
        hits = [(m.start(), level) for level, rx in _LEVELS if (m := rx.search(text.text))]
        if hits:
            return min(hits)[1]
    return None


def _tidy(step: str) -> str:
    """A list step without the separator scrapes leave at its end ("...;", "..., and")."""
    return re.sub(r"\s*(?:[;,]\s*(?:and)?|\s+and)\s*$", "", step).strip()


def _named(doc_id: str, blocks: list[Block], group: Group) -> Mention:
    assert group.head is not None
    heading = blocks[group.head].text if not group.rest_at else group.name
    name, alt_names = split_name(group.name)
    flags: list[str] = []
    body = " ".join(blocks[k].text for k in group.body)
    if group.rest_at:
        body = blocks[group.head].text[group.rest_at :] + " " + body
    fixed = repair_truncated(name, body)
    if fixed and fixed.lower() != name.lower():
        name = fixed
        flags.append("name_repaired")
    if group.skipped:
        flags.append("list_title_skipped")
    mention = _mention(doc_id, blocks, group, name, heading if heading != name else None, flags)
    return dataclasses.replace(mention, alt_names=alt_names)


def _unnamed(
    doc_id: str, blocks: list[Block], group: Group, title: Block | None = None
) -> tuple[Mention, list[list[int]]]:
    """The numbered run of a loose group as an unnamed mention, or one the page's ``title``
    names; text around it stays sections."""
    run = [k for k in group.body if blocks[k].number is not None]
    first, last = group.body.index(run[0]), group.body.index(run[-1])
    steps = group.body[first : last + 1]
    rest = [part for part in (group.body[:first], group.body[last + 1 :]) if part]
    sub = Group(head=None, body=steps)
    if title is not None:
        return _mention(doc_id, blocks, sub, clean_name(title.text), title.text, []), rest
    return _mention(doc_id, blocks, sub, "", None, ["unnamed"]), rest


def _page_title(blocks: list[Block], groups: list[Group]) -> Block | None:
    """A page about one exercise ("# Nordic Hamstring Curl", its fields, "## How to perform"
    and one numbered step list): where nothing else is named, the page's title names its one
    unnamed step list. The title is the only heading of the highest rank, and reads as a
    name."""
    if any(g.exercise for g in groups) or sum(g.unnamed for g in groups) != 1:
        return None
    heads = [b for b in blocks if b.kind is BlockKind.HEADING]
    if not heads:
        return None
    top = min(b.level for b in heads)
    first = [b for b in heads if b.level == top]
    if len(first) != 1 or name_score(clean_name(first[0].text)).total < 2.0:
        return None
    return first[0]


def _section(doc_id: str, blocks: list[Block], positions: list[int], group: Group) -> Section:
    kind = "text"
    title = None
    if group.role == "reference" and group.head is not None:
        kind = "reference"  # names an exercise described elsewhere: evidence, not a mention
        title = clean_name(group.name)
    elif any(part == "under a heading about what to avoid" for part, _ in group.evidence):
        kind = "avoid"
        title = blocks[group.head].text if group.head is not None else None
    elif group.head is not None and group.head in positions:
        title = blocks[group.head].text
        parts = {p for p, _ in name_score(clean_name(group.name)).parts}
        kind = next(
            (
                k
                for p, k in (
                    ("question", "question"),
                    ("list or section title", "list_title"),
                    ("condition", "condition"),
                    ("section word", "section"),
                )
                if p in parts
            ),
            "outline"
            if not group.body and blocks[group.head].kind is BlockKind.LIST_ITEM
            else "heading",
        )
    return Section(
        source_id=doc_id,
        kind=kind,
        title=title,
        span=(blocks[positions[0]].span[0], blocks[positions[-1]].span[1]),
        blocks=tuple(blocks[k].index for k in positions),
    )


def _alts_by_name(mentions: list[Mention]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for m in mentions:
        out.setdefault(slugify(m.name), set()).update(m.alt_names)
    return out


def _qualifiers_dropped(mentions: list[Mention]) -> list[Mention]:
    """Alternative names that several mentions of the document give are qualifiers, not
    names: "Arm Circles (Dynamic)", "Neck Circles (Dynamic)". An alias names one exercise."""
    given = Counter(  # by distinct exercises: "Cat-Cow (Marjaryasana)" twice is one
        n.lower() for names in _alts_by_name(mentions).values() for n in names
    )
    return [
        dataclasses.replace(m, alt_names=tuple(n for n in m.alt_names if given[n.lower()] < 2))
        if any(given[n.lower()] > 1 for n in m.alt_names)
        else m
        for m in mentions
    ]


def _with_keys(doc_id: str, mentions: list[Mention]) -> list[Mention]:
    """Stable keys: source id + slug of the name (+ ordinal for repeats); flag repeated names."""
    names = Counter(slugify(m.name) for m in mentions if m.name)
    seen: Counter[str] = Counter()
    out = []
    for m in mentions:
        slug = slugify(m.name) if m.name else "unnamed"
        seen[slug] += 1
        key = f"{doc_id}#{slug}" + (f"-{seen[slug]}" if seen[slug] > 1 or slug == "unnamed" else "")
        flags = m.flags
        if m.name and names[slug] > 1:
            flags = tuple(sorted({*flags, "same_name_in_source"}))
        out.append(dataclasses.replace(m, key=key, flags=flags))
    return out


_REFERENCE_WORDS = 20


def _references(
    doc_id: str, blocks: list[Block], mentions: list[Mention]
) -> tuple[list[Mention], list[Section]]:
    """Split off cross-references: a routine line ("**Cobra** — 20s × 2") that names an exercise
    the same article describes in full elsewhere, a table row naming one that the article
    describes outside its tables (a plan's "Single-Leg Deadlifts | 3x8", the how-to below
    it), a table row naming one named above it, or a line that names again a terse line
    above it (a plan's next session), is a pointer to it, not a second description."""

    def said(m: Mention) -> tuple[str, ...]:
        return (*m.steps, *m.description, *m.tips)

    def words(m: Mention) -> int:
        return sum(len(t.split()) for t in said(m))

    from exercise_pipeline.merge.names import core, normalize  # merge imports this first

    def in_table(m: Mention) -> bool:
        return all(blocks[k].kind is BlockKind.TABLE_ROW for k in m.blocks)

    def names(m: Mention) -> set[str]:  # a row's name, as written give or take its form
        return {normalize(name) for name in (m.name, *m.alt_names)}  # "Squat Hold" no "Squat"

    fullest: dict[str, int] = {}  # words in the fullest description: steps and more
    described: set[str] = set()  # names with a text of their own outside a table
    for m in mentions:
        if m.name and m.steps and len(said(m)) >= 2:
            for name in (m.name, *m.alt_names):  # "Cat-Cow" names "Marjaryasana (Cat-Cow)"
                fullest[core(name)] = max(fullest.get(core(name), 0), words(m))
        if m.name and not in_table(m) and any(len(t.split()) >= 4 for t in said(m)):
            described.update(names(m))
    named: set[str] = set()  # core names of the mentions so far
    rows_named: set[str] = set()  # names of the mentions so far
    # per mention: "described" (points at a fuller description), "repeat" (names a terse
    # line above again, nothing instructs), or "own"
    kinds: list[str] = []
    for m in mentions:
        n = words(m)
        terse = bool(m.name) and len(said(m)) <= 1 and n <= _REFERENCE_WORDS
        quiet = terse and not any(instructs(t) for t in said(m))
        if terse and fullest.get(core(m.name), 0) >= 2 * max(n, 1):
            kinds.append("described")  # "Knee-to-Chest" -> "Knee-to-Chest Stretch"
        elif m.name and m.blocks and in_table(m) and normalize(m.name) in described:
            kinds.append("described")  # a plan's row, the how-to outside the table
        elif m.name and m.blocks and in_table(m) and normalize(m.name) in rows_named:
            kinds.append("repeat")  # a plan's next day, its cues for that day
        elif quiet and core(m.name) in named:
            # a plan's next day: "Couch stretch: 60 seconds" again (not a second exercise of
            # one name: "Sitting on Ball: Alternate raising each foot" instructs)
            kinds.append("repeat")
        else:
            kinds.append("own")
        if m.name:
            named.update(core(name) for name in (m.name, *m.alt_names))
            rows_named.update(names(m))
    kept: list[Mention] = []
    refs: list[Section] = []
    for m, kind in zip(mentions, kinds, strict=True):
        if kind in ("described", "repeat"):
            refs.append(Section(doc_id, "reference", m.name, m.span, m.blocks))
        else:
            kept.append(m)
    return kept, refs


_TIMES = ("hold_seconds", "hold_breaths", "duration_seconds")


def _link_references(
    blocks: list[Block], mentions: list[Mention], references: list[Section]
) -> list[Mention]:
    """Each reference (a contents line, a plan's "Knee-to-Chest: 3 x 20-second holds per
    side", a table row) joins the mention it names as evidence: a dose it gives fills a field
    the mention leaves open, with the reference's span; it never becomes a mention itself."""
    from exercise_pipeline.merge.names import core, normalize  # merge imports this first

    by_name: dict[str, int] = {}  # by core name: "Knee-to-Chest" names "Knee-to-Chest Stretch"
    by_form: dict[str, int] = {}  # by the name as written: "Squat Hold" before "Squat"
    for n, mention in enumerate(mentions):
        if mention.name:  # an unnamed step list is named by no reference
            for name in (mention.name, *mention.alt_names):
                by_name.setdefault(core(name), n)
                by_form.setdefault(normalize(name), n)
    text_of = {b.index: b.text for b in blocks}
    out = list(mentions)
    for ref in references:
        title = clean_name(ref.title or "")
        i = by_form.get(normalize(title), by_name.get(core(title))) if title else None
        if i is None:
            continue
        text = " ".join(text_of[k] for k in ref.blocks if k in text_of)
        out[i] = _dosed_by(out[i], "reference", text, ref.span)
        shared = shared_dose(blocks, ref.blocks[0]) if len(ref.blocks) == 1 else None
        if shared:  # a superset row's first exercise, described below: the row's dose
            out[i] = _dosed_by(out[i], "superset", *shared)
    return out


def _dosed_by(m: Mention, kind: str, text: str, span: Span) -> Mention:
    """The mention with the dose ``text`` gives filling the fields it leaves open, and the
    passage kept as evidence of ``kind`` (and of each field it filled)."""
    found, _ = parse_fields(m.name, [("step", text)])
    # a time the mention gives (held or lasting) is its time: a plan's other day does not
    # add a second one ("Psoas Hold | 2 | 45 seconds" after its own "30 seconds")
    timed = any(getattr(m.fields, f) is not None for f in _TIMES)
    filled = {
        f: getattr(found, f)
        for f in (*_TIMES, "repetitions", "sets", "per_side", "frequency")
        if getattr(m.fields, f) is None and getattr(found, f) is not None
        and not (timed and f in _TIMES)
    }  # fmt: skip
    evidence = [Evidence(kind, span, text)]
    evidence += [Evidence(f, span, text) for f in sorted(filled)]
    return dataclasses.replace(
        m, fields=dataclasses.replace(m.fields, **filled), evidence=(*m.evidence, *evidence)
    )


def _superset_doses(blocks: list[Block], mentions: list[Mention]) -> list[Mention]:
    """Each exercise of a superset row before its last takes the row's shared dose (the
    cells after the last exercise), as a field where it gives none, with their span. (A
    block's index is its place: the cleaner and ``superset_rows`` number them so.)"""
    out: list[Mention] = []
    for m in mentions:
        shared = shared_dose(blocks, m.blocks[0]) if len(m.blocks) == 1 else None
        out.append(_dosed_by(m, "superset", *shared) if shared else m)
    return out


def extract(
    cleaned: Cleaned, *, settings: ExtractSettings | None = None, model: RoleModel | None = None
) -> Extraction:
    """Mentions and sections of one cleaned document, in document order.

    ``model`` overrides the shipped role model (cross-validation trains its own).
    """
    settings = settings or ExtractSettings()
    if model is None and settings.roles == "model":
        model = shipped()
    doc_id = cleaned.document.source_id
    blocks = superset_rows(cleaned.blocks)
    if len(blocks) != len(cleaned.blocks) or any(
        a is not b for a, b in zip(blocks, cleaned.blocks, strict=True)
    ):  # the extraction holds the blocks it read
        cleaned = dataclasses.replace(cleaned, blocks=tuple(blocks))
    groups = group_blocks(blocks)
    decide(
        blocks,
        groups,
        threshold=settings.threshold,
        model=model,
        confidence=settings.role_confidence,
    )
    mentions: list[Mention] = []
    sections: list[Section] = []
    emitted: set[int] = set()  # list titles a mention stepped over, already a section
    title = _page_title(blocks, groups)
    for g in groups:
        if g.exercise:
            mentions.append(_named(doc_id, blocks, g))
            for k in g.skipped:
                sections.append(_section(doc_id, blocks, [k], Group(head=k, name=blocks[k].text)))
                emitted.add(k)
        elif g.unnamed and settings.keep_unnamed:
            mention, rest = _unnamed(doc_id, blocks, g, title)
            mentions.append(mention)
            for part in rest:
                sections.append(_section(doc_id, blocks, part, Group(head=None, body=part)))
        else:
            positions = [k for k in g.positions() if k not in emitted]
            if positions:
                sections.append(_section(doc_id, blocks, positions, g))
    mentions, references = _references(doc_id, blocks, mentions)
    sections.extend(references)
    mentions = _link_references(blocks, mentions, [s for s in sections if s.kind == "reference"])
    mentions = _superset_doses(blocks, mentions)
    mentions = _qualifiers_dropped(mentions)
    mentions.sort(key=lambda m: m.span)
    sections.sort(key=lambda s: s.span)
    return Extraction(cleaned, tuple(_with_keys(doc_id, mentions)), tuple(sections))
