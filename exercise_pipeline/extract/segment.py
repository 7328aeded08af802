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

import functools
import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, cast

from exercise_pipeline.extract.features import (
    LEADING_LABEL,
    NameScore,
    counts_an_exercise,
    defines_exercise,
    ends_with_a_movement,
    ends_with_known_name,
    has_dosage,
    has_dose_unit,
    instructs,
    is_avoid_heading,
    is_dose_line,
    is_gear_heading,
    is_instruction,
    is_label_heading,
    is_lead_in,
    is_reference,
    is_set_level,
    known_name,
    label_of,
    looks_like_product,
    name_score,
    opens_with_verb,
    purpose_tail,
    singular,
    tokens,
)
from exercise_pipeline.extract.roles import EXERCISE_SECTION, Candidate, RoleModel, features
from exercise_pipeline.models import Block, BlockKind
from exercise_pipeline.parse.lines import is_title_like
from exercise_pipeline.sentences import sentences
from exercise_pipeline.vocab import load, words

_NAME_SPLIT = re.compile(r"^(?P<name>[A-Z0-9][^:.!?]{1,60}?)\s*:\s+(?P<rest>\S.*)$", re.S)
_NAME_DOSE = re.compile(r"^(?P<name>[^()]{2,60}?)\s*\((?P<dose>[^()]*\d[^()]*)\)\s*[.:]?$")
# A log's line that counts last: "Bench Press 4x", "chest: Lateral Raise 3x (cable or
# dumbbells)", "Squat 3x8 | maybe 5x" (a one-word label before it is the log's muscle group);
# a load may come between ("Squat 50 4x12", "Shoulder press 30 2x6 20 2x10": more sets after);
# or the count after the sign: "Merkins x20", "Lunges x10 each leg.", "Plie squat × 10. Pulse
# on the last one." (what follows the count is its text); a remark in parentheses may come
# between: "Hip twist (knee rolls with shoulders staying on the mat) × 5 each way."
_NAME_COUNT = re.compile(
    r"^(?:(?P<group>[A-Za-z]{2,12}):\s+)?(?P<name>[A-Za-z0-9][^|:]{1,60}?)"
    r"(?<!level)(?<!stage)(?<!phase)"  # "Arm openings level 1 × 5": the level is the name's
    r"(?P<remark>\s*\([^()]{1,120}\))?"
    r"(?:\s+(?P<load>\d{1,3}(?:[.,]\d{1,2})?(?:\s+\d{1,3}(?:[.,]\d{1,2})?)*)\s*(?:kg|lbs?)?)?\s+"
    r"(?P<dose>\d{1,2}(?:\s*[-–]\s*\d{1,2})?\s*[x×](?:\s*\d{1,3}(?:\s*[-–]\s*\d{1,3})?)?"
    r"|[x×]\s?\d{1,3}(?:\s*[-–]\s*\d{1,3})?)"
    r"(?:\s+(?:\(.*\)|\|.*|each\s+(?:side|way|leg|arm)\b.*|@.*)|[\s,+]++[\d.,x×+\s]*+"
    r"|\.\s+\S.*)?\.?$",
    re.I,
)
# An entry that counts with the sign, right after its name ("Clam × 10", "Skater x 5 each side")
_COUNTED_BY_SIGN = re.compile(
    r"^[A-Za-z][^|:×()]{1,60}?(?:\s*\([^()]{0,120}\))?\s[x×]\s?\d{1,3}\b", re.I
)
# A name and then its dose, with no sign between: "Shell stretch 20 second hold."
_NAME_THEN_DOSE = re.compile(
    r"^(?P<name>[A-Za-z][A-Za-z'’ -]{1,39}[A-Za-z])(?<!level)(?<!stage)(?<!phase),?\s+"
    r"(?P<dose>\d[^.!?]*)\.?$",
    re.I,
)
# A log's line that weighs last: "Bench press 25,10,5,2.5", "Dumbbell row 55", "Push down
# with rope 50 or 27.5" (the loads of the sessions; the name has no digit)
_NAME_LOAD = re.compile(
    r"^(?P<name>[A-Za-z][^|:\d]{0,59}?[A-Za-z)])\s+(?P<dose>\d{1,3}(?:\.\d{1,2})?"
    r"(?:(?>\s*[,/]\s*|\s+or\s+|\s+)\d{1,3}(?:\.\d{1,2})?)*+)(?:\s+\(.*\))?\s*$",
    re.I,
)
_TABLE_SPLIT = re.compile(r"^(?P<name>[A-Z0-9][^|.!?]{1,60}?)\s*\|\s+(?P<rest>\S.*)$", re.S)


class Split(NamedTuple):
    """Where a named item's parts are in its text: "Ankle Pumps: Lie flat ..." names "Ankle
    Pumps" and its instructions start at ``rest_at`` 13; a plan line that doses first ("3x5-8
    Pull-up progression") has its dose before the name, in ``text[:dose_to]``."""

    name: str
    rest_at: int
    dose_to: int = 0


@dataclass(slots=True)
class Group:
    """Blocks that belong together, before the decision whether they are an exercise."""

    head: int | None  # position of the candidate block, None for loose text
    name: str = ""
    rest_at: int = 0  # for "Name: instructions" blocks, where the instructions start
    dose_to: int = 0  # for "3x5-8 Pull-up progression", where the dose before the name ends
    prescribed: bool = False  # a plan's entry: a dosed table row, a circuit's dose item
    listed: bool = False  # an item of a routine's list of names (routine_lists)
    labelled: bool = False  # named after an exercise's ordinal label: "Exercise 2: Curl ups"
    body: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    score: float = 0.0
    evidence: list[tuple[str, float]] = field(default_factory=list)
    exercise: bool = False
    unnamed: bool = False
    role: str = ""  # the learned role (see roles.py), when a model decided

    def positions(self) -> list[int]:
        head = [self.head] if self.head is not None else []
        return sorted(head + self.body)


_AFTER_LEAD = re.compile(r"\s*[:\-–—.|]?\s*")


def name_split(block: Block) -> Split | None:
    """ "Ankle Pumps: Lie flat on your back ..." -> ("Ankle Pumps", offset of "Lie").

    A bold lead-in ("**Ankle Pushout** - Hunter found a video ...") names an item whatever
    follows it; a plain "Name: text" needs instructions after it, so that a routine summary
    line ("Pelvic tilts: 10 reps") is not taken for an exercise.
    """
    if block.kind not in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH, BlockKind.TABLE_ROW):
        return None
    if block.lead:
        name = block.text[: block.lead].strip()
        rest_at = _AFTER_LEAD.match(block.text, block.lead)
        start = rest_at.end() if rest_at else block.lead
        fits = start < len(block.text) and len(name.split()) <= 8
        fits = fits and not name.endswith("?")  # "**Too hard for you?** Step back ...": a cue
        if fits and not label_of(name + ": x") and not _NOT_A_NAME.match(name):
            return Split(name, start)  # not a plan's "**Weeks 3-4:** Increase hold times"
        return None
    if block.kind is BlockKind.TABLE_ROW:  # "Bridge | Lie on your back ... | 10 reps"
        m = _TABLE_SPLIT.match(block.text)
    else:
        m = _NAME_SPLIT.match(block.text)
    if not m or label_of(block.text):
        return None
    name = m.group("name").strip()
    bare = _NUMBERING.sub("", name)  # a counter ("Minute 2 -") is not part of the name
    if not bare or len(bare.split()) > 7 or not is_title_like(bare) or _NOT_A_NAME.match(bare):
        return None  # no name, or a plan's day or a log's date: "2015-03-08: bouldering"
    rest = m.group("rest")
    if sum(c.isalpha() for c in bare) >= 4 and bare.upper() == bare:
        return Split(name, m.start("rest"))  # "HAMSTRING STRETCH: ..." names an item like bold does
    said = sentences(rest)
    # Instructions, not a routine summary line such as "Pelvic tilts: 10 reps"; or what the
    # item is ("Child's Pose: A resting yoga pose that gently stretches the lower back").
    if not any(
        opens_with_verb(s) or (is_instruction(s) and len(s.split()) >= 6) or _APPOSITIVE.match(s)
        for s in said
    ):
        return None
    return Split(name, m.start("rest"))


# An exercise's ordinal label before its name: "Exercise 2: Curl ups, hold for 10 sec",
# "Stretch 3 - Cobra" (not a step's, a day's or a week's: those number other things)
_ORDINAL_LABEL = re.compile(
    r"^(?:exercise|stretch|move|pose|drill)\s*#?\d{1,2}\s*[:.)\-–—]\s+"
    r"(?P<name>[A-Za-z][^,;.!?]{1,60}?)\s*(?:[,;]\s*(?P<rest>\S.*))?$",
    re.I,
)


def labelled_name(block: Block) -> Split | None:
    """ "Exercise 1: Bird dog, hold for 10 sec x 5-10 reps" -> its name after the label
    (which ``clean_name`` drops) and, after a comma, what it says of it."""
    if block.kind not in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH) or block.lead:
        return None
    m = _ORDINAL_LABEL.match(block.text)
    if m is None or not _plan_name(m.group("name").strip()):
        return None
    rest_at = m.start("rest") if m.group("rest") else len(block.text)
    return Split(block.text[: m.end("name")], rest_at)


_PLACEHOLDER = re.compile(
    r"^\s*(?:exercise|stretch|move|movement|pose|drill)\s*#?\d{1,2}\s*[:.)\-–—]?\s*$", re.I
)


def named_section(blocks: Sequence[Block], i: int) -> tuple[str, int] | None:
    """A heading that only numbers an entry ("## Exercise 1", "### Stretch #2") whose first
    line names it ("**Name:** Barbell Bench Press"): the name, and where the section ends
    (the next heading of its level or higher): its sub-sections ("### Warmup", "### Working
    Sets", "### Cues") are the entry's, as a template's fields are."""
    b = blocks[i]
    if b.kind is not BlockKind.HEADING or i + 1 >= len(blocks):
        return None
    if not _PLACEHOLDER.match(b.text):
        return None
    first = blocks[i + 1]
    lab = label_of(first.text) if first.kind is not BlockKind.HEADING else None
    if lab is None or lab[0] != "name" or not _plan_name(first.text[lab[2] :].strip()):
        return None
    end = i + 1
    while end < len(blocks) and not (
        blocks[end].kind is BlockKind.HEADING and blocks[end].level <= b.level
    ):
        end += 1
    return first.text[lab[2] :].strip(), end


_APPOSITIVE = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+){0,4}(?:exercise|stretch|movement|move|pose|position)\s+"
    r"(?:that|which|to|for)\b",
    re.I,
)


# "foam roll IT band - 10 passes", "Archer pushups × 12–18", "Squats x 10"
_NAME_DASH_DOSE = re.compile(
    r"^(?P<name>[^|:]{2,60}?)(?:\s+(?P<sep>[-–—:×]|x(?=\s+\d))|(?P<colon>:))\s+(?P<dose>\S.*)$",
    re.I,
)
_CHECKBOX = re.compile(r"[☐☑✓✔□■x×]?")
# What a plan's line or row names that is not an exercise: a day, a week, a break.
_NOT_A_NAME = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|weekend|days?|weeks?|sessions?|rounds?|breaks?|"
    r"rest|recovery|warm[\s-]?ups?|cool[\s-]?downs?)\b|^(?:all|every|both|remaining|other)\s"
    r"|^\d{4}-\d{1,2}-\d{1,2}\b|^\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",  # a log's date: "2015-03-21:"
    re.I,
)


_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
)


def _title_case(name: str) -> bool:
    """A short title whose every word but the small ones is capitalised ("Hip Flexion Holds")."""
    words = [w for w in name.split() if w[0].isalpha() and w.lower() not in _SMALL_WORDS]
    return is_title_like(name, max_words=7) and all(w[0].isupper() for w in words)


def _is_a_name(text: str) -> bool:
    """Whether a short text names rather than instructs: no imperative, or an exercise
    named by its verb ("Pull ups 10 x 3", not "Repeat the circuit 3x")."""
    return not is_instruction(text) or ends_with_known_name(text)


def _weighed_name(name: str) -> bool:
    """Whether a name before a bare load names a lift: it ends with a known exercise name of
    two words or more ("Incline bench press", "Dumbbell row"), or is one ("Squat"), or ends
    with a movement's word and does not instruct ("Lat pulldown 120"); a known name's one
    word at the end of something else ("Sales extension 201") is not enough."""
    known = known_name(name)
    if known is not None and ends_with_known_name(name):
        return len(known.split()) >= 2 or len(name.split()) == len(known.split())
    return ends_with_a_movement(name) and _reads_as_one(name) and not is_instruction(name)


def _reads_as_one(name: str) -> bool:
    """Whether a plan's short name reads as an exercise's by its words ("Pull up",
    "Incline bench press"), whatever its case."""
    return name_score(clean_name(name)).total >= 1.0


def _plan_name(name: str, *, verbs: bool = False) -> bool:
    """Whether a plan's entry names an exercise: a title ("Hinge Progression", "Pull Ups",
    verbs as they may read) or a short phrase that does not instruct (or, with ``verbs``,
    one that does: the cell of a column of exercises); no day, week, rest or date of the
    plan."""
    return (
        bool(name)
        and len(name.split()) <= 7
        and (verbs or _title_case(name) or _is_a_name(name))
        and not is_dose_line(name)  # a dose in the name's column: "| 30s | |" shifted left
        and not _NOT_A_NAME.match(name)
        and not label_of(name + ": x")  # "| Sets | 3 |" is a field's row
    )


# A table column that names the row's exercise ("| Reps | Exercise | Comments |").
# A column header that names exercises: "Exercise", "Pose Name", "Name of Stretch", "Yoga Pose"
_EXERCISE_WORD = r"(?:exercises?|stretch(?:es)?|movements?|moves?|drills?|poses?|asanas?)"
_NAME_COLUMN = re.compile(
    rf"(?:(?:yoga|exercise|stretch)\s+)?{_EXERCISE_WORD}(?:\s+names?)?"
    rf"|names?\s+of\s+(?:the\s+)?{_EXERCISE_WORD}",
    re.I,
)


def _table_entry(block: Block, header: Block | None = None) -> Split | None:
    """A plan's row -> its exercise's name, the rest after it. The table's header row says
    which column names the exercise ("| 5-10 | Squat Sky Reaches | ... |" under "| Reps |
    Exercise | Comments |"): that cell names it, dosed or not. Without one the first cell
    after any index column does, when the others dose it ("| 1 | Psoas Hold | 2 - 4 reps,
    each side | 30 - 60 seconds |", checkbox columns left out)."""
    cells = block.text.split(" | ")
    heads = header.text.split(" | ") if header is not None else []
    named = [c for c, h in enumerate(heads) if _NAME_COLUMN.fullmatch(h.strip())]
    if 0 <= block.exercise_cell < len(cells):  # a superset table's piece: its exercise's cell
        named = [block.exercise_cell]
        at = named[0]
    elif named and named[0] < len(cells) <= len(heads):  # trailing empty cells may be gone
        at = named[0]
    else:
        at = 0  # an index column before the name: "| 1 | Scapular Pull Ups | 3 | 5 |"
        while at < len(cells) - 1 and re.fullmatch(r"#?\d{1,3}\.?", cells[at].strip()):
            at += 1
        if len(cells) - at < 2:
            return None
        dose = " ".join(c for c in cells[at + 1 :] if not _CHECKBOX.fullmatch(c.strip()))
        if not dose or not is_dose_line(dose):
            return None
    name = cells[at].strip()
    # the exercise column's cell names one even when it reads as a verb ("Push press")
    fits = _plan_name(name) or (bool(named) and _plan_name(name, verbs=True))
    if not is_title_like(name, max_words=7) or not fits:
        return None
    name_at = sum(len(c) + 3 for c in cells[:at])
    before = " ".join(c for c in cells[:at] if not re.fullmatch(r"#?\d{1,3}\.?", c.strip()))
    dose_to = name_at - 3 if before and is_dose_line(before) else 0  # "| 30s | Deadbugs |"
    return Split(name, min(name_at + len(cells[at]) + 3, len(block.text)), dose_to)


_DOSE_FIRST = re.compile(
    r"^(?P<dose>(?:\d+\s*[x×]\s*)?\d+(?:\s*[-–~]\s*\d+)?\s*(?:[x×]|reps?\b|repetitions\b|"
    r"seconds?\b|secs?\b|s\b|minutes?\b|mins?\b|breaths?\b|meters?\b|metres?\b|"
    r"yards?\b|miles?\b|laps?\b)?(?:\s*(?:each|per)\s+"
    r"(?:side|leg|arm)\b)?)[\s:,|-]+(?:of\s+)?(?P<name>[A-Za-z][^.!?;,|]{1,60})$",
)


# "Do 1 minute of Pike Push-ups.", "Do 100 Pull-ups (or modify to Australian Pull-ups).":
# an imperative that doses an exercise named last, with maybe a remark in parentheses.
_DO_DOSE = re.compile(
    r"^(?i:do|perform|complete)\s+(?P<plan>\d(?:[^()]*[^()\s.!])?)\s*(?P<remark>\([^()]*\))?"
    r"\s*[.!]?$"
)


def _imperative_dose(block: Block) -> Split | None:
    """A list item that tells how much of an exercise to do ("Do 300 Squats.")."""
    m = _DO_DOSE.match(block.text) if block.kind is BlockKind.LIST_ITEM else None
    first = _DOSE_FIRST.match(m.group("plan")) if m and not block.lead else None
    if m is None or first is None:
        return None
    name = first.group("name").strip()
    dose = first.group("dose")
    if not (has_dose_unit(dose) or (_counts_several(dose) and _reads_as_one(name))):
        return None  # a bare count is more than one, of what reads as an exercise
    if not _plan_name(name):
        return None
    rest_at = m.start("remark") if m.group("remark") else len(block.text)
    return Split(name, rest_at, m.start("plan") + first.end("dose"))


def dose_item(block: Block) -> Split | None:
    """ "Low lunges (30s left, 30s right)", "foam roll IT band - 10 passes", a dose first
    ("3x5-8 Pull-up progression", "12 reps Lateral Arm Walk") or a plan's table row -> where
    the name and its dose are."""
    if block.kind is BlockKind.TABLE_ROW:
        split = _table_entry(block)
        return split if split and not is_instruction(split.name) else None
    if block.lead or block.kind not in (
        BlockKind.LIST_ITEM,
        BlockKind.HEADING,
        BlockKind.PARAGRAPH,
    ):
        return None
    if imperative := _imperative_dose(block):
        return imperative
    first = _DOSE_FIRST.match(block.text)  # a plan's line in any block: "12 reps Push-Up"
    if first and has_dose_unit(first.group("dose")):  # "12 reps", "3x5-8"; not "10"
        name = first.group("name").strip()
        if _plan_name(name):
            return Split(name, len(block.text), first.end("dose"))
    count = _NAME_COUNT.match(block.text)
    if count:
        name, group = count.group("name").strip(), count.group("group")
        titled = (  # a log's own line, not a sentence of prose that counts
            block.kind is not BlockKind.PARAGRAPH or _title_case(name) or _reads_as_one(name)
        )
        plain = titled and _plan_name(name) and _is_a_name(name)  # not "Repeat It 3x"
        if plain and not (group and label_of(group + ": x")):
            at = "remark" if count.group("remark") else "load" if count.group("load") else "dose"
            return Split(name, count.start(at))  # "Hip twist (knee rolls ...) × 5": its text
    load = _NAME_LOAD.match(block.text)
    if load:  # a bare number says nothing: the name must read as an exercise's
        name = load.group("name").strip()
        if _weighed_name(name) and _plan_name(name):  # not "Drop support for Node 14"
            return Split(name, load.start("dose"))
    if block.kind is not BlockKind.LIST_ITEM:
        return None
    trailing = _NAME_THEN_DOSE.match(block.text)
    dose = trailing.group("dose") if trailing else ""
    if trailing and is_dose_line(dose) and has_dose_unit(dose):  # "Shell stretch 20 second hold."
        name = trailing.group("name")
        if _plan_name(name) and _is_a_name(name) and _reads_as_one(name):
            return Split(name, trailing.start("dose"))
    m = _NAME_DOSE.match(block.text)
    dash = _NAME_DASH_DOSE.match(block.text)
    # the dose, then maybe a cue after a semicolon: "2 x 8; alternating slowly"
    if m is None and dash is not None and is_dose_line(dash.group("dose").split(";")[0]):
        m = dash
    if not m:
        return None
    bare = _NUMBERING.sub("", m.group("name")).strip()
    if _NOT_A_NAME.match(bare) or label_of(bare + ": x"):
        return None  # "Rest - 60 seconds", "Day 2 (30 minutes)": a plan's other lines
    # a plan's names are often in lower case ("foam roll IT band - 10 passes"): a short
    # phrase with no sentence in it will do before a dash and a dose
    titled = is_title_like(bare, max_words=7) or (
        m is dash and len(bare.split()) <= 7 and not re.search(r"[.!?;,]", bare)
    )
    if not bare or not titled or not _plan_name(bare):  # "Side Plank Thread the Needle"
        return None
    times = m is dash and (m.group("sep") or "") in ("×", "x", "X")  # "× 12": the sign doses
    return Split(m.group("name").strip(), m.start("sep") if times else m.start("dose"))


_HEADER_REACH = 200


def names_exercises(head: str) -> bool:
    """A table's column header that names its exercises: "Exercise", "Pose Name", "Exercise
    A (Pull)"."""
    name = clean_name(head).strip()
    lettered = re.sub(r"\s+[A-Z0-9]$", "", name)  # "Exercise A", "Exercise 2"
    return any(_NAME_COLUMN.fullmatch(n) for n in (name, lettered))


_DOSE_COLUMNS = re.compile(
    r"\b(?:sets?|reps?|repetitions|time|duration|hold|dose|dosage|details|rounds)\b", re.I
)


def _table_header(blocks: list[Block], i: int) -> Block | None:
    """The header row of the table a row is in: its first row (of the row's columns, in a
    superset table cut at its exercise columns), looked for at most _HEADER_REACH rows up
    (linear in the rows); None for the first row itself."""
    k = i
    while k > max(0, i - _HEADER_REACH) and blocks[k - 1].kind is BlockKind.TABLE_ROW:
        k -= 1
    column = blocks[i].column
    while k < i and blocks[k].column != column:
        k += 1
    return blocks[k] if k < i else None


def _prescribed(blocks: list[Block], i: int) -> Split | None:
    """A dose item in a list of dose items (a circuit), not a lone outline line such as
    "Warm-up (5 minutes)" among bare names; a row of a table whose header names an exercise
    column or dose columns."""
    header = _table_header(blocks, i) if blocks[i].kind is BlockKind.TABLE_ROW else None
    if header is not None:
        split = _table_entry(blocks[i], header)
        named = blocks[i].exercise_cell >= 0 or any(
            _NAME_COLUMN.fullmatch(h.strip()) for h in header.text.split(" | ")
        )
        # a cell of the exercise column names one even when it reads as a verb ("Pull Ups")
        if split and (
            named or (_DOSE_COLUMNS.search(header.text) and not is_instruction(split.name))
        ):
            return split
    split = dose_item(blocks[i]) or _counted_first(blocks[i])
    if not split or _in_a_step_list(blocks, i):
        return None
    if _counted_by_sign_in_a_circuit(blocks, i):
        return split  # "Clam × 10." beside "Lift and Lower (...) × 10.": a circuit's entry
    # a neighbour in the same list dosed too, one item apart at most ("Squat - 10 reps",
    # "Rest - 60 seconds", "Lunge - 10 reps"), or with a bare count first ("10 Pistols")
    family = _line_family(blocks[i])
    around = [
        blocks[k]
        for k in (i - 2, i - 1, i + 1, i + 2)
        if 0 <= k < len(blocks)
        and all(_line_family(blocks[j]) == family for j in range(min(i, k), max(i, k) + 1))
    ]
    if any(dose_item(b) or _counted_first(b) for b in around):
        return split  # "60 push-ups" beside "60 sit-ups": names that read as exercises
    return None


_STEP_REACH = 30


def _in_a_step_list(blocks: list[Block], i: int) -> bool:
    """A numbered item of a list that opens with instructions and holds as many of them as
    of dose items: a step of one exercise ("1. Extend arm forward" ... "3. Palm facing out
    (15 sec)"), not a circuit's entry."""
    b = blocks[i]
    if b.kind is not BlockKind.LIST_ITEM or b.number is None:
        return False
    lo, hi = _numbered_run(blocks, i)
    items = blocks[lo : hi + 1]
    dosed = [dose_item(x) is not None for x in items]
    steps = [not d and instructs(x.text) for x, d in zip(items, dosed, strict=True)]
    return steps[0] and sum(steps) >= sum(dosed)


def _steps_under(blocks: list[Block], j: int, head: Block | None) -> bool:
    """A numbered list right under a heading that names an exercise, from its first item on,
    that instructs (an item opens with a verb) and whose items all instruct, dose or name no
    exercise: the heading's steps, its terse items included ("### Wrist Flexor Stretch" /
    "1. Arm straight in front" / "2. Pull fingers back with other hand" / "3. Hold 30
    seconds"), not a routine's list ("1. Squats - 3x10" / "2. Lunges")."""
    b = blocks[j]
    if head is None or head.kind is not BlockKind.HEADING:
        return False
    if b.kind is not BlockKind.LIST_ITEM or b.number != 1 or b.lead or b.bold:
        return False
    head_name = name_score(clean_name(head.text))
    if head_name.total < 1.0 or _is_list_title(head_name):
        return False
    items = blocks[j : _numbered_run(blocks, j)[1] + 1]
    if len(items) < 2 or any(_names_one(x.text, head.text) for x in items):
        return False
    return any(opens_with_verb(x.text) for x in items)


def _numbered_run(blocks: list[Block], i: int) -> tuple[int, int]:
    """The first and last position of the numbered list item ``i`` is in: its neighbours of
    its level that are numbered too, at most _STEP_REACH items each way (a long list costs
    what it is long)."""
    b = blocks[i]
    lo = hi = i
    while lo > max(0, i - _STEP_REACH) and _numbered_alike(blocks[lo - 1], b):
        lo -= 1
    while hi + 1 < min(len(blocks), i + _STEP_REACH) and _numbered_alike(blocks[hi + 1], b):
        hi += 1
    return lo, hi


def _numbered_alike(a: Block, b: Block) -> bool:
    return a.kind is BlockKind.LIST_ITEM and a.level == b.level and a.number is not None


def _counted_by_sign_in_a_circuit(blocks: list[Block], i: int) -> bool:
    """A list item that counts with the sign right after its name ("Clam × 10"), in a list
    with another item of its level that counts or doses ("Lift and Lower (the top leg ...)
    × 10", "Shell stretch 20 second hold"), whatever is between them (up to _CIRCUIT_REACH
    items): a circuit's entry. A lone "Bug fixes x 3" is not."""
    b = blocks[i]
    if b.kind is not BlockKind.LIST_ITEM or not _COUNTED_BY_SIGN.match(b.text):
        return False
    for step in (-1, 1):
        k = i + step
        while 0 <= k < len(blocks) and abs(k - i) <= _CIRCUIT_REACH:
            x = blocks[k]
            if x.kind is not BlockKind.LIST_ITEM:
                break
            if x.level == b.level and (_COUNTED_BY_SIGN.match(x.text) or dose_item(x)):
                return True
            k += step
    return False


_CIRCUIT_REACH = 12


def _line_family(block: Block) -> str:
    """Which blocks are lines of one list: items, or a text's short lines, which the parser
    reads as headings or paragraphs by their look ("Squat 10x50" / "leg Extension 10x40")."""
    if block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH) and not block.bold:
        return "line"
    return block.kind.value


def _counted_first(block: Block) -> Split | None:
    """A list item that counts first with a bare number ("10 Freestanding Handstands"): an
    entry of a plan whose other entries count with units, when its name reads as one."""
    first = _DOSE_FIRST.match(block.text) if block.kind is BlockKind.LIST_ITEM else None
    if first is None or block.lead or has_dose_unit(first.group("dose")):
        return None
    if not _counts_several(first.group("dose")):
        return None  # "1 arm dumbbell row" is a name; a count is more than one
    name = first.group("name").strip()
    if not (_plan_name(name) and _reads_as_one(name)):
        return None
    return Split(name, len(block.text), first.end("dose"))


def _counts_several(dose: str) -> bool:
    """Whether a bare count ("10", "8-12") counts more than one."""
    count = re.fullmatch(r"(\d+)(?:\s*[-–~]\s*\d+)?", dose.strip())
    return count is not None and int(count.group(1)) >= 2


_SENTENCE_NAME = re.compile(
    r"^(?P<name>[A-Z][\w'’/-]*(?:\s+[\w'’/-]+){0,4})\.\s+(?P<rest>[A-Z].*)$", re.S
)


def sentence_name(block: Block) -> Split | None:
    """ "1. Head tilt. Put your right hand on ..." -> ("Head tilt", offset of "Put"): a list
    item whose first sentence is a short name and whose rest instructs."""
    if block.kind is not BlockKind.LIST_ITEM or block.lead:
        return None
    m = _SENTENCE_NAME.match(block.text)
    if not m or not is_title_like(m.group("name"), max_words=5) or is_instruction(m.group("name")):
        return None
    if opens_with_verb(m.group("name")) or not any(
        opens_with_verb(s) for s in sentences(m.group("rest"))
    ):
        return None
    return Split(m.group("name"), m.start("rest"))


def _named_by_sentence(blocks: list[Block], i: int) -> Split | None:
    """A sentence-named item among siblings named the same way (five numbered stretches),
    not one item of a step list that happens to open with a short sentence."""
    return _named_like_a_sibling(blocks, i, sentence_name)


def _named_like_a_sibling(
    blocks: list[Block], i: int, split_of: Callable[[Block], Split | None]
) -> Split | None:
    """``split_of`` of the block, if a neighbour of its level is named that way too."""
    split = split_of(blocks[i])
    if not split:
        return None
    around = [
        blocks[k]
        for k in (i - 1, i + 1)
        if 0 <= k < len(blocks) and blocks[k].level == blocks[i].level
    ]
    return split if any(split_of(b) for b in around) else None


# "Straight Kicks - up and down in front of the body", "Pike – Sitting on the ground ...",
# "Deep lunge- Have one foot in front": a name, a dash, what it is or how to do it (a hyphen
# inside a name, "Cat-Cow", has no space beside it)
_DASH_NAME = re.compile(
    r"^[\"“]?(?P<name>[A-Z][^:.!?;|–—]{1,50}?)[\"”]?(?:\s+[-–—]|\s*[–—]|-(?=\s+[A-Z]))\s*"
    r"(?P<rest>\S.*)$",
    re.S,
)


def dash_name(block: Block) -> Split | None:
    """ "Crescent Kicks - Upwards going from outside to inside" -> ("Crescent Kicks", offset
    of "Upwards"): a list item whose short title-like name a dash ends."""
    if block.kind is not BlockKind.LIST_ITEM or block.lead:
        return None
    m = _DASH_NAME.match(block.text)
    if not m:
        return None
    name = m.group("name").strip()
    if not is_title_like(name, max_words=6) or is_instruction(name) or not _plan_name(name):
        return None
    if is_dose_line(m.group("rest")):
        return None  # "Squat - 10 reps": a plan's dose item, read as one
    return Split(name, m.start("rest"))


# "Mountain Pose (Tadasana): This is a simple standing pose ...": a name, a colon, a sentence
_COLON_NAME = re.compile(r"^(?P<name>[A-Z][^:.!?;|]{1,60}?)\s*:\s+(?P<rest>\S.*)$", re.S)


def colon_name(block: Block) -> Split | None:
    """ "Tree Pose (Vrksasana): This is a balancing pose ..." -> ("Tree Pose (Vrksasana)",
    offset of "This"): a list item whose short title-like name a colon ends, before a
    sentence (a field line's label is no name: "Hold: 30 seconds", "Tip: keep it slow")."""
    if block.kind is not BlockKind.LIST_ITEM or block.lead:
        return None
    m = _COLON_NAME.match(block.text)
    if not m:
        return None
    name, rest = m.group("name").strip(), m.group("rest")
    if not is_title_like(name, max_words=8) or is_instruction(name) or not _plan_name(name):
        return None
    if opens_with_verb(name) or not rest[:1].isupper():
        return None  # a step's label: "Start: on your hands and knees", "Move: arch ..."
    if is_dose_line(rest) or len(rest.split()) < 4:
        return None  # "Squat: 10 reps" is a plan's dose item; "Focus: hips" a field
    return Split(name, m.start("rest"))


def _named_by_colon(blocks: list[Block], i: int) -> Split | None:
    """A colon-named item among siblings named the same way (seven poses, each "Name:
    what it is"), not a lone "Note: ..." line."""
    return _named_like_a_sibling(blocks, i, colon_name)


def _named_by_dash(blocks: list[Block], i: int) -> Split | None:
    """A dash-named item among siblings named the same way (four kicks of a warm-up), not a
    lone line that happens to hold a dash."""
    return _named_like_a_sibling(blocks, i, dash_name)


def _named_like_its_siblings(blocks: list[Block], i: int) -> Split | None:
    """An item named as its neighbours are: by a first sentence, a dash or a colon."""
    return _named_by_sentence(blocks, i) or _named_by_dash(blocks, i) or _named_by_colon(blocks, i)


def _list_runs(blocks: list[Block]) -> list[tuple[int, int]]:
    """For each block, the run of list items of one level it is in, (first, last): one pass."""
    out: list[tuple[int, int]] = []
    lo = 0
    for k, b in enumerate(blocks):
        if not (k and _same_list(blocks[k - 1], b)):
            lo = k
        out.append((lo, k))
    hi = len(blocks) - 1
    for k in range(len(blocks) - 1, -1, -1):
        if k == len(blocks) - 1 or not _same_list(blocks[k + 1], blocks[k]):
            hi = k
        out[k] = (out[k][0], hi)
    return out


def _listed(
    blocks: list[Block], i: int, runs: list[tuple[int, int]], lists: frozenset[int]
) -> Split | None:
    """An item of a routine's list of names ("The routine is as follows. Each movement lasts
    a minute." / "* Knee raises" / "* Warrior pose" / ...; "### Essential Stretches" / "-
    Hamstring Stretch" / ...): each names one, with no text of its own. ``runs``:
    ``_list_runs`` of the blocks; ``lists``: ``routine_lists``."""
    b = blocks[i]
    if (b.kind is not BlockKind.LIST_ITEM and not _line_item(b)) or b.lead:
        return None
    if runs[i][0] not in lists or is_dose_line(b.text):  # "(10 reps and hold for 30s)"
        return None
    return Split(_without_loads(b.text), len(b.text))


def _without_loads(text: str) -> str:
    """A log's entry without its counts: "Abdomenin 49 49 56" and "60 sit-ups" name
    "Abdomenin" and "sit-ups"."""
    loads = _TRAILING_LOADS.search(text)
    name = text[: loads.start()] if loads else text.strip()
    count = _LEADING_COUNT.match(name)
    return name[count.end() :] if count else name


_LEADING_COUNT = re.compile(r"(?:[2-9]|[1-9]\d{1,3})\s+(?=[A-Za-z])")  # not "1 arm row"
_TRAILING_LOADS = re.compile(
    r"(?<=[A-Za-z)])\s+\d{1,3}(?:\.\d{1,2})?(?:[\s,/]++\d{1,3}(?:\.\d{1,2})?)*+\s*$"
)


def routine_lists(
    blocks: list[Block],
    runs: list[tuple[int, int]],
    section: Sequence[int | None],
    series: Mapping[int, int],
    plans: Sequence[Split | None],
) -> frozenset[int]:
    """The lists of names that are routines, by their first item: three or more short names
    (or a plan's dosed entries among them: "Bench press 25,10,5" / "Skull crushers"), most
    of them reading as exercises, under a heading or a lead-in about exercises; then the
    lists of the sibling sections of such a list (a program's "Beginner" / "Advanced" /
    "Expert"): where the document has shown the shape, half of a list's items reading as
    exercises will do, and one item is a list. ``runs``: ``_list_runs``; ``section``:
    ``enclosing``; ``series``: ``series_leads``; ``plans``: ``_prescribed`` of each block."""
    found: set[int] = set()
    headed: dict[int, float] = {}  # a list right under a heading: the share read as names
    for lo, hi in sorted(set(runs)):
        items = blocks[lo : hi + 1]
        if items[0].kind is not BlockKind.LIST_ITEM and not _line_item(items[0]):
            continue
        # a line that doses the list ("(10 reps and hold for 30s)") is none of its names
        note = [is_dose_line(x.text) and plans[k] is None for k, x in enumerate(items, lo)]
        names = [_entry_name(x, plans[k]) for k, x in enumerate(items, lo) if not note[k - lo]]
        if None in names or sum(note) * 3 > len(items):
            continue
        named = sum(_reads_as_one(n or "") for n in names) / len(items)
        heading = blocks[lo - 1] if lo > 0 else None
        if (
            heading is not None
            and heading.kind is BlockKind.HEADING
            and not is_gear_heading(heading.text)
            and not is_avoid_heading(heading.text)
        ):
            headed[lo] = named
        if len(items) >= 3 and (
            _routine_list(blocks, lo, named)
            or _listed_in_a_routine(blocks, lo, named, section, series)
        ):
            found.add(lo)

    def place(lo: int) -> tuple[int | None, int]:  # its heading's parent and level
        return section[lo - 1], blocks[lo - 1].level

    shown = {place(lo) for lo in found if lo in headed}
    found.update(lo for lo, named in headed.items() if named * 2 >= 1 and place(lo) in shown)
    return frozenset(found)


def _entry_name(item: Block, plan: Split | None) -> str | None:
    """What a list's item names as an entry of a routine: its plan's name ("Bench press
    25,10,5"), or the item itself when it is a name alone; None for anything else."""
    if plan is not None:
        return plan.name
    if item.lead or not _short_name(item.text):
        return None
    if not _is_a_name(item.text):
        return None  # "Repeat The Circuit 3x" after a circuit's entries
    return item.text


def _listed_in_a_routine(
    blocks: list[Block],
    lo: int,
    named: float,
    section: Sequence[int | None],
    series: Mapping[int, int],
) -> bool:
    """A list of names with no lead of its own, in a document section about exercises
    ("# Stretching Checklist" / "### Neck & Shoulders" / "- [ ] Shoulder rolls" ...; "#
    Regimen" / "- on the seat" / "  - Chin Tucks (neck)" ...; "Some of my favourite
    exercises:" / "#### Beginner" / "- Calf raises" ...): two thirds of its items read as
    exercises, a stricter share than under a heading that says so. ``section``: ``enclosing``
    of the blocks; ``series``: ``series_leads``; ``named``: the share of its items that read
    as exercises."""
    if named * 3 < 2:
        return False
    k = section[lo]
    while k is not None:  # the headings above it, nearest first
        b = blocks[k]
        if is_gear_heading(b.text) or is_avoid_heading(b.text):
            return False
        if EXERCISE_SECTION.search(b.text):
            return True
        if k in series and EXERCISE_SECTION.search(blocks[series[k]].text):
            return True
        k = section[k]
    return False


def series_leads(blocks: Sequence[Block]) -> dict[int, int]:
    """For each heading of a series that a lead-in opens ("Until then, some of my favorite
    exercises:" / "#### Dynamic" / "#### Beginner" / ...), the lead-in's position. The lead-in
    is a short paragraph ending in a colon right before a heading; its series runs until a
    heading of a higher level than that first one, or the next such lead-in."""
    out: dict[int, int] = {}
    lead: int | None = None
    level = 0
    for k, b in enumerate(blocks):
        if b.kind is BlockKind.HEADING:
            if lead is not None and b.level < level:
                lead = None
            if lead is not None:
                out[k] = lead
        elif (
            b.kind is BlockKind.PARAGRAPH
            and len(b.text) <= 120
            and b.text.rstrip().endswith(":")
            and k + 1 < len(blocks)
            and blocks[k + 1].kind is BlockKind.HEADING
        ):
            lead, level = k, blocks[k + 1].level
    return out


# A lead-in that doses each item of the list it opens: "Ten of each per direction:"
_EACH = re.compile(
    r"\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
    r"twenty)\s+(?:of\s+)?each\b",
    re.I,
)


def _routine_list(blocks: list[Block], lo: int, named: float) -> bool:
    """A list introduced as exercises: by its heading or lead-in (``named``: the share of its
    items that read as exercises, half at least)."""
    if named * 2 < 1:
        return False
    before = blocks[lo - 1] if lo > 0 else None
    if before is None or is_gear_heading(before.text):
        return False  # not "## Exercise equipment" / "- Pull-Up Bar" / ...
    area = before.kind is BlockKind.HEADING and _body_area().fullmatch(before.text.strip(" :"))
    dosed = before.text.rstrip().endswith(":") and _EACH.search(before.text)  # "10 each:"
    if not EXERCISE_SECTION.search(before.text) and not area and not dosed:
        return False
    if before.kind is BlockKind.PARAGRAPH:  # a paragraph that introduces the list
        return is_lead_in(before.text) or bool(re.search(r"\bfollow|:\s*$", before.text))
    return before.kind is BlockKind.HEADING


def _same_list(x: Block, b: Block) -> bool:
    """Two items of one list, or two short lines of one (a text file's "calf raises")."""
    if x.kind is BlockKind.PARAGRAPH is b.kind:
        return _line_item(x) and _line_item(b)
    return x.kind is BlockKind.LIST_ITEM and x.level == b.level


def _line_item(b: Block) -> bool:
    """A short plain line that could be a list's item: no sentence, no lead-in ("Stretches
    to do every morning:" introduces the lines after it)."""
    if b.kind is not BlockKind.PARAGRAPH or len(b.text) > 50 or b.lead:
        return False
    return not b.text.rstrip().endswith(":") and not is_lead_in(b.text)


# A heading that names a part of the body ("Shoulders:", "Core"): a routine's section
@functools.cache
def _body_area() -> re.Pattern[str]:
    from exercise_pipeline.extract.fields import _vocab_regex

    return _vocab_regex("body_areas")[0]


def _short_name(text: str) -> bool:
    """A list item that is a name alone: short, no sentence, no dose ("Warm-up (5 minutes)" is
    a plan's dose item), nothing that reads as a section ("Warm-up", "Cool down")."""
    if len(text) > 50 or re.search(r"[.!?]\s*$", text) or _NAME_DOSE.match(text):
        return False
    parts = {part for part, _ in name_score(clean_name(text)).parts}
    return _plan_name(text.strip()) and not parts & _HARD_NO


def is_candidate(block: Block) -> bool:
    """A block that could name an exercise: a heading, or a short title-like item or bold line."""
    return candidate_strength(block) > 0


def candidate_strength(block: Block) -> int:
    """2 for a heading, a title-like item or a bold line; 1 for a short line standing alone
    (which right after a heading is more likely a caption or a first step); 0 otherwise."""
    if block.kind is BlockKind.HEADING:
        return 0 if is_label_heading(block.text) or is_lead_in(block.text) else 2
    if label_of(block.text) is not None:
        return 0  # a field of the entry: "- **Difficulty:** Advanced", "Equipment: none"
    if block.kind is BlockKind.LIST_ITEM:  # a short item, not one that reads as a step
        short = is_title_like(block.text, max_words=8, max_chars=60)
        return 2 if short and not is_instruction(block.text) else 0
    if block.bold and is_title_like(block.text):
        return 2
    standalone = (
        block.kind is BlockKind.PARAGRAPH
        and not block.text.rstrip().endswith(":")
        and not label_of(block.text)
        and is_title_like(block.text, max_words=6, max_chars=50)
        and not is_instruction(block.text)
    )
    return 1 if standalone else 0


def label_lines(blocks: Sequence[Block]) -> frozenset[int]:
    """Plain "Name:" lines that each open a list, three or more in a document ("Bench:" /
    "- Slow and controlled, ..." / "Incline DB Press:" / ...): a series of one shape, whose
    lines name its entries as bold labels or headings would, when half of them read as
    exercises' names; not a lead-in ("Stretches to do every morning:") nor a field's label
    ("Tips:")."""
    found = [
        k
        for k, b in enumerate(blocks[:-1])
        if b.kind is BlockKind.PARAGRAPH
        and not b.lead
        and b.text.rstrip().endswith(":")
        and blocks[k + 1].kind is BlockKind.LIST_ITEM
        and is_title_like(b.text.rstrip().rstrip(":"), max_words=6, max_chars=50)
        and not label_of(b.text)
        and not is_lead_in(b.text)
        and not is_instruction(b.text.rstrip(": "))
    ]
    named = sum(_reads_as_one(blocks[k].text.rstrip(": ")) for k in found)
    if len(found) < 3 or named * 2 < len(found):
        return frozenset()  # "Useful for:" / "For strength:" / "For hypertrophy:" name nothing
    return frozenset(found)


def _labelled(block: Block) -> bool:
    return label_of(block.text) is not None


def _cues_of(head: Block | None, b: Block, *, siblings: bool = False, run: bool = False) -> bool:
    """A bulleted list right under a heading that names an exercise, whose first item does
    not: the exercise's terse cues, not a list of exercises. ``siblings``: the headings
    before it of its level took their bullets as cues, so it does too unless the first item
    is a known exercise's name (a run of sibling sections of one shape); ``run``: it is one
    of a run of such sections (``cue_runs``), whatever its name."""
    if head is None or head.kind is not BlockKind.HEADING or b.kind is not BlockKind.LIST_ITEM:
        return False
    if b.number is not None or b.lead or b.bold:
        return False
    dosed = bool(_NAME_DOSE.match(head.text))  # "Leg Swings (30 seconds per leg)"
    if run or (siblings and (dosed or name_score(clean_name(head.text)).total >= 1.0)):
        return not _names_one(b.text, head.text) and name_split(b) is None
    # a name, or one carrying its dose; an item that opens with a verb or a count ("Stand
    # on one leg", "10 forward circles") is a cue
    named = name_score(clean_name(head.text)).total >= 2.0 or dosed
    cue = name_score(b.text).total < 1.0 or opens_with_verb(b.text) or b.text[:1].isdigit()
    return named and cue


_CUE_RUN = 3  # sibling sections of one shape that make a run


def _bullets(blocks: Sequence[Block], k: int) -> list[Block]:
    """The plain bulleted list right after block ``k`` (no numbers, leads or bold)."""
    out: list[Block] = []
    j = k + 1
    while j < len(blocks):
        b = blocks[j]
        if b.kind is not BlockKind.LIST_ITEM or b.number is not None or b.lead or b.bold:
            break
        out.append(b)
        j += 1
    return out


def cue_runs(blocks: Sequence[Block]) -> frozenset[int]:
    """Headings of a run of sibling sections of one shape: headings of one level and form
    (ending in a colon or not), each right above a plain bulleted list, one after the other
    with only headings of higher sections between them, at least three, and at least half
    of whose lists instruct or dose ("**Ankle Alphabet:**" / "- Write letters A-Z with
    toes" / "- 2-3 times daily", "**Towel Stretch:**" / "- Loop towel around foot", ...):
    each takes its bullets as its cues, however plain its name. Whether a section is an
    exercise is decided after, from its name and what its cues say; a run of symptom or
    setting lists ("**Physical Issues:**" / "- Back pain") does not instruct."""
    runs: list[list[tuple[int, list[Block]]]] = []  # (heading, its bullets)
    shape: tuple[int, bool] | None = None
    k = 0
    while k < len(blocks):
        b = blocks[k]
        items = _bullets(blocks, k) if b.kind is BlockKind.HEADING else []
        if items and not is_label_heading(b.text):
            this = (b.level, b.text.rstrip().endswith(":"))
            if this != shape:
                runs.append([])
                shape = this
            runs[-1].append((k, items))
            k += 1 + len(items)
            continue
        if shape is None or b.kind is not BlockKind.HEADING or b.level >= shape[0]:
            shape = None  # anything but a higher section's heading ends the run
        k += 1
    found: set[int] = set()
    for run in runs:
        instructing = sum(
            any(is_instruction(x.text) or has_dosage(x.text) for x in items) for _, items in run
        )
        if len(run) >= _CUE_RUN and instructing * 2 >= len(run):
            found.update(k for k, _ in run)
    return frozenset(found)


def _subtitle_of(head: Block | None, b: Block, after: Block | None, labels: frozenset[str]) -> bool:
    """A sub-heading right under a heading that names an exercise or is numbered, followed by
    a label ("### 3. Neck Side Bend", "**General lateral stretch**", "**How to:**"): the
    exercise's subtitle, not a second name that takes its body."""
    if head is None or head.kind is not BlockKind.HEADING or b.kind is not BlockKind.HEADING:
        return False
    if b.level <= head.level or after is None or after.kind is not BlockKind.HEADING:
        return False
    if not (is_label_heading(after.text) or label_key(after) in labels):
        return False
    if _NUMBERING.match(head.text):
        return True  # "### 2. Yes and No Movements": an item of a numbered list of entries
    named = name_score(clean_name(head.text)).total
    return named >= 2.0 and name_score(clean_name(b.text)).total <= named


def _phase_like(b: Block) -> bool:
    """A sub-heading that reads as a phase ("**Cow (Bitilasana) - Inhale:**"), not a section
    of its own ("### Hamstring Stretches" under "## Hip and Hamstring Stretches")."""
    return b.text.rstrip().endswith(":") or bool(
        re.search(r"\b(?:inhale|exhale|phase|part)\b", b.text, re.I)
    )


def _phase_of(head: Block | None, b: Block) -> bool:
    """A lead-in or a sub-heading whose name is part of the heading's ("Cat:" and "Cow:"
    under "Cat-Cow Stretch", "#### Cow (Bitilasana) - Inhale:" under "### Marjaryasana-
    Bitilasana (Cat-Cow)"): a phase of the exercise the heading names."""
    if head is None or head.kind is not BlockKind.HEADING:
        return False
    if b.lead:
        part = set(re.findall(r"[a-z]+", b.text[: b.lead].lower()))
    elif b.kind is BlockKind.HEADING and b.level > head.level and _phase_like(b):
        part = set(re.findall(r"[a-z]+", clean_name(b.text).lower()))
    else:
        return False
    whole = set(re.findall(r"[a-z]+", head.text.lower()))
    return bool(part) and part < whole


class _Entry:
    """Whether a body so far is labelled lines that already gave the instructions
    ("Instructions: ...", "Tips: ..."), kept up as the body grows (each block read once).

    Plain prose after them is about something else; after labels that only introduce the
    exercise ("Target:", "Difficulty:", "Hold:") the description and the steps are to come.
    """

    def __init__(self) -> None:
        self.seen = 0
        self.all_labelled = True
        self.instructed = False

    def complete(self, blocks: list[Block], body: list[int]) -> bool:
        for k in body[self.seen :]:
            role = label_of(blocks[k].text)
            self.all_labelled = self.all_labelled and role is not None
            self.instructed = self.instructed or (role is not None and role[0] in
                                                  ("instructions", "tips"))  # fmt: skip
        self.seen = len(body)
        return bool(body) and self.all_labelled and self.instructed


def _continues_list(b: Block, previous: Block | None) -> bool:
    """The next item of the list the body is in: the following number, or a further bullet
    that is an instruction. ("3. Brace core" is a step, not a name, after "2. Place ...".)"""
    if previous is None or b.kind not in (BlockKind.LIST_ITEM, BlockKind.STEP):
        return False
    if previous.kind not in (BlockKind.LIST_ITEM, BlockKind.STEP) or previous.level != b.level:
        return False
    if b.number is not None and previous.number is not None:
        return b.number == previous.number + 1
    if b.number is None and previous.number is None:  # terse cues: "Hands on belly"
        return not (b.lead or b.bold or name_split(b))
    return False


def _sibling_item(b: Block, head: Block | None) -> bool:
    """After a list item taken as a name, a short item of the same list is the next name (or a
    routine line such as "Cat-cow: 10 cycles"), not its body; a long instruction item is."""
    if head is None or head.kind is not BlockKind.LIST_ITEM or b.kind is not BlockKind.LIST_ITEM:
        return False
    if b.level != head.level:
        return False
    return is_title_like(b.text, max_words=8) or bool(_NAME_SPLIT.match(b.text))


_FIELD_HEADINGS = 3  # a label is the document's when it recurs under this many headings


def label_key(block: Block) -> str | None:
    """The label a list item, line or table row opens with ("**Form Cues**:", "Primary:
    Hamstrings", "| **Primary Muscles** | ..."), or a heading's text when it is one: a label
    heading ("#### Form Cues:")."""
    if block.kind is BlockKind.HEADING:
        key = block.text
    elif block.kind in (BlockKind.LIST_ITEM, BlockKind.PARAGRAPH, BlockKind.TABLE_ROW):
        m = LEADING_LABEL.match(block.text)
        key = m.group(1) if m else block.text[: block.lead] if block.lead else ""
        if block.kind is BlockKind.TABLE_ROW and not key:
            key = block.text.split(" | ", 1)[0]  # a header row's first cell: "Aspect"
    else:
        return None
    key = key.strip().rstrip(":").strip().lower()
    return key if re.search(r"[a-z]", key) and len(key.split()) <= 4 else None


def enclosing(blocks: Sequence[Block]) -> list[int | None]:
    """For each block, the position of the heading it is under: the nearest heading before
    it, of a higher level when it is a heading itself (None at the top of the document)."""
    out: list[int | None] = []
    open_headings: list[int] = []  # outermost first
    for k, b in enumerate(blocks):
        if b.kind is BlockKind.HEADING:
            while open_headings and blocks[open_headings[-1]].level >= b.level:
                open_headings.pop()
        out.append(open_headings[-1] if open_headings else None)
        if b.kind is BlockKind.HEADING:
            open_headings.append(k)
    return out


def field_labels(
    blocks: list[Block], keys: Sequence[str | None], plans: Sequence[Split | None]
) -> frozenset[str]:
    """The labels of the document's entries: an entry's fields repeat under every heading of
    a run ("Type:", "Hold:", "Form Cues:" under each of 115 stretches), while an exercise's
    name does not. A label (a line's lead or a heading of its own) that recurs under several
    headings and does not read as an exercise name is a field of the entry it is in, never
    an exercise of its own. A plan's entries repeat too ("| Psoas Hold | 2 | 30 seconds |"
    on day 1, 2 and 3): they are names, not labels (``plans``: ``_prescribed`` of each
    block)."""
    under: dict[str, set[int]] = {}
    for k, (key, heading) in enumerate(zip(keys, enclosing(blocks), strict=True)):
        if key is None or heading is None:  # keys: their label_key
            continue
        plan = plans[k]
        if plan and (blocks[k].kind is BlockKind.TABLE_ROW or plan.name.lower() != key):
            continue  # a log's "chest: Bench Press 4x" names "Bench Press": no field "chest"
        under.setdefault(key, set()).add(heading)
    return frozenset(
        key
        for key, heads in under.items()
        if len(heads) >= _FIELD_HEADINGS and name_score(key).total < 2.0
    )


def _collect(
    blocks: list[Block],
    start: int,
    *,
    after_head: bool,
    head: Block | None = None,
    labels: frozenset[str] = frozenset(),
    keys: Sequence[str | None],
    plans: Sequence[Split | None],
    sibling_cues: bool = False,
    cue_run: bool = False,
    listed: Callable[[int], Split | None] | None = None,
    heads: frozenset[int] = frozenset(),
) -> tuple[list[int], int]:
    """Body blocks from ``start`` up to the next candidate or a natural end (``keys``: the
    ``label_key`` of each block; ``plans``: its ``_prescribed``; ``listed``: whether a block
    is an item of a routine's list of names; ``heads``: ``label_lines``)."""
    body: list[int] = []
    entry = _Entry()
    max_number = 0
    field_level: int | None = None  # the level of the field line the body is in
    field_items = False  # the list after a field's label line ("**Modifications:**") is its
    j = start
    labelled = after_head and start - 1 in heads  # a "Name:" line's list is its body
    while j < len(blocks):
        b = blocks[j]
        previous = blocks[body[-1]] if body else None
        if labelled and b.kind is BlockKind.LIST_ITEM and not plans[j] and j not in heads:
            body.append(j)  # "Bench:" / "- [WARM UP]" / "- Slow and controlled, ..."
            j += 1
            continue
        if (
            after_head
            and head is not None
            and head.kind is b.kind is BlockKind.LIST_ITEM
            and b.level > head.level
            and not b.lead
            and name_split(b) is None  # not a named choice: "Choose:" / "  - **Plank** - ..."
            and dose_item(b) is None  # nor a category's entries: "- Cardio" / "  - Squats - 30s"
            and dash_name(b) is None
        ):
            body.append(j)  # the item's own items: "- Child's Pose" / "  - Cue: Kneel ..."
            j += 1
            continue
        if (
            body
            and after_head
            and head is not None
            and head.kind is b.kind is BlockKind.LIST_ITEM
            and b.level == head.level
            and blocks[body[0]].kind is BlockKind.LIST_ITEM
            and blocks[body[0]].level > head.level
        ):
            break  # "- Deep goblet squat" / "  - 5 curls" / "- Halo x5 each way.": the next entry
        if (
            after_head
            and head is not None
            and head.kind is b.kind is BlockKind.LIST_ITEM
            and head.number is not None
            and b.number is None
            and b.level == head.level
            and label_of(b.text) is not None
        ):
            body.append(j)  # "1) Neck release (seated)" / "- How: Sit tall, ...": its fields
            j += 1
            continue
        if after_head and head is not None and head.kind is BlockKind.HEADING:
            key = keys[j]
            if field_items and b.kind is BlockKind.LIST_ITEM:
                body.append(j)  # "**Modifications:**" / "- **Knee push-ups:** Easier": values
                j += 1
                continue
            field_items = False
            sibling = (  # the next field line of a run of them ("- *Deeper:*" after "Easier")
                field_level is not None
                and key is not None
                and b.kind is BlockKind.LIST_ITEM
                and b.level == field_level
            )
            row = (  # the next row of a table of fields ("| **Primary Benefits** | ..."),
                previous is not None  # not of a plan ("| 1 | Pull Ups | 3 | 5 |")
                and previous.kind is b.kind is BlockKind.TABLE_ROW
                and keys[body[-1]] in labels
                and _table_entry(b) is None
            )
            dose = b.kind is BlockKind.HEADING and is_dose_line(b.text)
            if b.kind is BlockKind.HEADING and key in labels and b.level <= head.level:
                key = None  # a label heading of the head's level is the document's, not its
            if not body and b.kind is BlockKind.HEADING and b.text.lower() == head.text.lower():
                dose = True  # the name again, an image's caption: "Knee extension" twice
            if key in labels or sibling or row or dose:
                field_level = b.level if b.kind is BlockKind.LIST_ITEM else None
                field_items = (
                    key in labels
                    and b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING)
                    and b.text.rstrip().endswith(":")
                )
                body.append(j)  # a field of the entry: "- **Hold**: 30 seconds"
                j += 1
                continue
            nested = b.kind is BlockKind.LIST_ITEM and field_level is not None
            if nested and b.level > (field_level or 0):
                body.append(j)  # what a field line lists: "- **Form Cues**:" then cues
                j += 1
                continue
            field_level = None
        # "- Bridge" / "- Side leg circles. Lie on the side ...": the next item of the
        # name's list that opens with a name of its own is the next entry
        named_next = (
            head is not None
            and head.kind is b.kind is BlockKind.LIST_ITEM
            and b.level == head.level
            and sentence_name(b) is not None
        )
        if (
            named_next
            or _sibling_item(b, head)
            or _named_like_its_siblings(blocks, j)
            or plans[j]
            or (listed is not None and listed(j))
            or j in heads
        ):
            break  # the next name: "2. Neck roll. Roll your head ...", "2. Cobra - 10 reps"
        under_label = previous is not None and previous.kind is BlockKind.HEADING
        if after_head and under_label and b.kind is not BlockKind.HEADING and not b.lead:
            body.append(j)  # what a label heading ("How to:") introduces belongs to it
            j += 1
            continue
        if after_head and body and _continues_list(b, previous):
            if b.number is not None:
                max_number = max(max_number, b.number)
            body.append(j)
            j += 1
            continue
        strength = candidate_strength(b)
        after = blocks[j + 1] if j + 1 < len(blocks) else None
        nests = (  # an item with items of its own ("- Child's Pose" / "  - Cue: ..."): an entry
            after is not None
            and b.kind is after.kind is BlockKind.LIST_ITEM
            and after.level > b.level
        )
        if after_head and not body and _subtitle_of(head, b, after, labels):
            body.append(j)  # "**Targets the common tension spot**" under the name
            j += 1
            continue
        if (
            after_head
            and not body
            and _cues_of(head, b, siblings=sibling_cues, run=cue_run)
            and not nests
        ):
            body.append(j)  # "**Neck Side Bends:**" then "- Ear toward shoulder": its cues
            j += 1
            continue
        if after_head and not body and _steps_under(blocks, j, head):
            body.append(j)  # "### Wrist Flexor Stretch" / "1. Arm straight in front": step one
            j += 1
            continue
        if after_head and _phase_of(head, b):
            body.append(j)  # "**Cat:** Round your back" under "Cat-Cow Stretch": one exercise
            j += 1
            continue
        if strength == 2 or (strength == 1 and body) or name_split(b):
            break
        # prose about the whole set of exercises, not the one above it; right under a
        # heading that names an exercise, a caution about "these exercises" is its own
        set_level = after_head and b.kind is BlockKind.PARAGRAPH and is_set_level(b.text)
        if set_level and (body or name_score(clean_name(head.text if head else "")).total < 1):
            break
        if b.number == 1 and max_number > 1 and b.kind in (BlockKind.LIST_ITEM, BlockKind.STEP):
            break  # a new numbered list: a different exercise
        prose = b.kind is BlockKind.PARAGRAPH and not _labelled(b)
        if prose and after_head and entry.complete(blocks, body):
            break  # the end of a labelled entry
        if b.number is not None and b.kind in (BlockKind.LIST_ITEM, BlockKind.STEP):
            max_number = max(max_number, b.number)
        body.append(j)
        j += 1
    return body, j


def _names_one(text: str, head: str = "") -> bool:
    """Whether a list item names an exercise rather than cueing one: "Squats", "Pull ups"; not
    "Lunge with rotation and reach", which instructs with a name, nor "Hold plank position"
    under "Planks:", which names the exercise it is under (``head``)."""
    if name_score(text).total < 2.0:
        return False
    known = known_name(text)
    if known and head and _stems(known) <= _stems(head):
        return False
    return len(text.split()) <= 2 or not (is_instruction(text) or opens_with_verb(text))


def _stems(text: str) -> set[str]:
    return {singular(w) for w in tokens(text)}


def _own_items(blocks: list[Block], i: int, split: Split, plans: list[Split | None]) -> list[int]:
    """The items an entry named on its own line holds: the items nested under a list item
    ("1. **Hip Circles** - 10 per direction" / "   - Standing or on all fours"), or the list
    right under a bold name that carries at most its dose ("**Heel Raises** (1 minute)" /
    "- Hold chair back" / "- Rise up on tiptoes"). They are its cues, up to an item that is
    an entry of its own (named, dosed with a name, or an exercise's known name: a list that
    opens with one is a list of exercises, not cues) or the end of the first list."""
    b = blocks[i]
    rest = b.text[split.rest_at :].strip(" \t-–—:,.")
    dose = not rest or is_dose_line(rest) or re.fullmatch(r"\([^()]*\)", rest) is not None
    if b.kind is BlockKind.LIST_ITEM:
        nested = True
    elif b.kind is BlockKind.PARAGRAPH and b.lead and dose:
        nested = False
    else:
        return []
    own: list[int] = []
    j = i + 1
    first: Block | None = None
    while j < len(blocks):
        x = blocks[j]
        if x.kind is not BlockKind.LIST_ITEM or (nested and x.level <= b.level):
            break
        first = first or x
        if x.level < first.level or x.lead or x.bold or plans[j] is not None or name_split(x):
            break
        if x.level == first.level and _list_mark(x) != _list_mark(first):
            break  # another list: "- Hold chair back" then "* Flutter kicks for 30 seconds"
        if _names_one(x.text, split.name):
            break
        own.append(j)
        j += 1
    return own


def _list_mark(b: Block) -> str:
    """What kind of list an item is in: its bullet, or "1." for any numbered one."""
    return "1." if b.number is not None else (b.marker or "-")


def group_blocks(blocks: list[Block]) -> list[Group]:
    """Blocks in groups: one per candidate heading, and runs of loose text between them."""
    groups: list[Group] = []
    keys = [label_key(b) for b in blocks]
    plans = [_prescribed(blocks, k) for k in range(len(blocks))]  # each block's, once
    labels = field_labels(blocks, keys, plans)
    runs = _list_runs(blocks)
    section = enclosing(blocks)
    lists = routine_lists(blocks, runs, section, series_leads(blocks), plans)
    heads = label_lines(blocks)
    runs_of_cues = cue_runs(blocks)
    cue_levels: set[int] = set()  # heading levels whose last section took bullet cues
    i = 0
    while i < len(blocks):
        b = blocks[i]
        field = keys[i] in labels  # a field of an entry: never a name
        plan = None if field else plans[i]
        # a row of a table with dose columns ("Exercise | Sets | Reps"): a plan's entry
        prescribed = plan is not None and b.kind is BlockKind.TABLE_ROW
        listed = labelled = False
        if field:
            split = None
        elif prescribed:
            split = plan
        else:
            split = name_split(b) or plan
            labelled = split is None and (split := labelled_name(b)) is not None
            split = split or _named_like_its_siblings(blocks, i)
            listed = split is None and (split := _listed(blocks, i, runs, lists)) is not None
            # a circuit's "3x5-8 Squat", not an agenda's "Small groups (30 mins)"
            prescribed = split is not None and split is plan and counts_an_exercise(b.text)
        entry = None if split or field else named_section(blocks, i)
        if entry is not None:
            name, end = entry
            groups.append(Group(head=i, name=name, body=list(range(i + 1, end)), labelled=True))
            i = end
        elif split:
            own = _own_items(blocks, i, split, plans)
            groups.append(
                Group(
                    head=i, name=split.name, rest_at=split.rest_at, dose_to=split.dose_to,
                    prescribed=prescribed, listed=listed, labelled=labelled, body=own,
                )
            )  # fmt: skip
            i += 1 + len(own)
        elif (is_candidate(b) or i in heads) and not field:
            siblings = b.kind is BlockKind.HEADING and b.level in cue_levels
            body, j = _collect(
                blocks, i + 1, after_head=True, head=b, labels=labels, keys=keys, plans=plans,
                sibling_cues=siblings, cue_run=i in runs_of_cues,
                listed=lambda k: _listed(blocks, k, runs, lists),
                heads=heads,
            )  # fmt: skip
            if b.kind is BlockKind.HEADING:
                first = blocks[body[0]] if body else None
                cue_levels = {lv for lv in cue_levels if lv < b.level}  # a new section
                if (
                    first is not None
                    and first.kind is BlockKind.LIST_ITEM
                    and not first.lead
                    and first.number is None
                ):
                    cue_levels.add(b.level)
            groups.append(Group(head=i, name=b.text, body=body))
            i = j
        else:
            body, j = _collect(blocks, i, after_head=False, keys=keys, plans=plans)
            if not body:  # a block _collect refuses at the start (a restarted list)
                body, j = [i], i + 1
            groups.append(Group(head=None, body=body))
            i = j
    return groups


_NUMBERING = re.compile(
    r"^\s*(?:\d{1,2}[.):]|\(\d{1,2}\)|(?-i:\d{1,2}(?=[A-Z][a-z]))|#\d{1,2}|"
    r"(?:stretch|exercise|move|movement|pose|step|minute|day|"
    r"week|part|level|round|drill|no\.?|number)\s*#?\d{1,2}\s*(?:[:.)\-–—]|$)"
    r"|(?-i:[A-Z]{1,4}-?\d{2,4})\s*[:.)\-–—]\s"  # a catalogue code: "ST001 - "
    # a superset's code: "(2A) Calf raise", "A1. Back Squat", "B2) Row" (not "C5 Nerve Glide")
    r"|(?-i:\((?:[A-F]\d|\d[A-F])\)|(?:[A-F]\d|\d[A-F])[.):]))\s*",
    re.I,
)
_TAGLINE = re.compile(r"\s+[-–—:|]\s+(?P<tag>.+)$")
_PARENTHESIS = re.compile(r"\s*\((?P<inner>[^()]{2,60})\)\s*$")
_ALT_PREFIX = re.compile(r"^(?:aka|a\.k\.a\.?|also (?:called|known as)|or|the)\s+", re.I)
_QUALIFIERS = words("exercises", "name_qualifiers")


def split_name(text: str) -> tuple[str, tuple[str, ...]]:
    """A heading as an exercise name, and the other names it gives in parentheses.

    >>> split_name("1. Curl-Up (Modified Crunch)")
    ('Curl-Up', ('Modified Crunch',))
    >>> split_name("Side Leg Raise (aka the Jane Fonda)"), split_name("Leg Press (abbreviated)")
    (('Side Leg Raise', ('Jane Fonda',)), ('Leg Press', ()))
    >>> split_name("Partial Crunches For Lower Back Pain:")
    ('Partial Crunches', ())
    >>> split_name("Exercise 1: The Cat-Cow Stretch - Your Spine's Best Friend")
    ('The Cat-Cow Stretch', ())
    >>> split_name("Cool Down: Neck Rolls"), split_name("Exercise: Lat Pulldown - Kayla")
    (('Neck Rolls', ()), ('Lat Pulldown', ()))
    >>> split_name("Split squat / Bulgarian split squat")
    ('Split squat', ('Bulgarian split squat',))
    """
    name = _NUMBERING.sub("", text.strip()).rstrip(":!.-–— ").strip()
    name = _NUMBERING.sub("", _name_prefix().sub("", name, count=1)).strip() or name
    tag = _TAGLINE.search(name)
    if tag and tag.start() > 0:  # "The Cat-Cow Stretch - Your Spine's Best Friend"
        head, tail = name[: tag.start()], tag.group("tag")
        if name_score(tail).total < name_score(head).total and not _variant(tail):
            name = head.strip()
    alts: list[str] = []
    m = _PARENTHESIS.search(name)
    if m and m.start() > 0:
        inner = m.group("inner").strip()
        name = name[: m.start()].strip()
        alt = inner
        while (shorter := _ALT_PREFIX.sub("", alt)) != alt:
            alt = shorter
        if alt and alt.lower() not in _QUALIFIERS and not alt.isupper() and alt[0].isalpha():
            alts.append(alt)
    left, slash, right = name.partition(" / ")  # "Split squat / Bulgarian split squat"
    if slash and name_score(left).total >= 1.0 and name_score(right).total >= 1.0:
        name = left.strip()
        alts.append(right.strip())
    tail = purpose_tail(name)
    if tail and tail.start() > 0:
        name = name[: tail.start()].strip()
    return name, tuple(alts)


@functools.cache
def _variant_words() -> frozenset[str]:
    return frozenset({*load("synonyms")["modifiers"], *load("synonyms")["directions"]})


def _variant(tail: str) -> bool:
    """A tail that names the variant, not a tagline: "Single-Leg Hop - Lateral"."""
    found = re.findall(r"[a-z]+", tail.lower())
    return bool(found) and all(w in _variant_words() for w in found)


@functools.cache
def _name_prefix() -> re.Pattern[str]:
    return re.compile(load("exercises")["name_prefix"], re.I)


def clean_name(text: str) -> str:
    """A heading as an exercise name: no numbering, parenthesis, colon or purpose phrase."""
    return split_name(text)[0]


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
    if group.prescribed:
        parts.append(("dosed in a plan", 1.0))
    if group.listed:  # the list was judged whole: routine_lists
        parts.append(("in a list of exercises", 1.0))
    if group.labelled:
        parts.append(("labelled an exercise", 1.0))
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
        numbered = g.head is not None and _heading_number(blocks[g.head]) is not None
        numbered = numbered and not g.rest_at
        if numbered and blocks[g.head].kind is BlockKind.HEADING:  # type: ignore[index]
            run.append(g)
            continue
        if len(run) >= 3:
            bonus.update(id(x) for x in run)
        run = []
    return bonus


def _under_avoid(blocks: list[Block], groups: list[Group]) -> dict[int, str]:
    """Groups inside a section about what not to do (its mistakes) or about gear to buy (or
    a machine's parts), up to the next heading as high as its own, whether or not that
    heading is a candidate itself ("## Common Mistakes" is a label): group id -> why."""
    why_at: dict[int, str] = {}
    level: int | None = None
    why = ""
    for k, b in enumerate(blocks):
        if b.kind is BlockKind.HEADING:
            if level is not None and b.level <= level:
                level = None
            if level is None and is_avoid_heading(b.text):
                level, why = b.level, "under a heading about what to avoid"
                continue
            if level is None and is_gear_heading(b.text):
                level, why = b.level, "under a heading about gear or its parts"
                continue
        if level is not None:
            why_at[k] = why
    under: dict[int, str] = {}
    for g in groups:
        first = g.head if g.head is not None else (g.body[0] if g.body else None)
        if first is not None and first in why_at:
            under[id(g)] = why_at[first]
    return under


_HARD_NO = frozenset(
    {
        "list or section title", "question", "section word", "refers to another section",
        "product", "opens with advice", "condition", "prices or shopping words",
    }
)  # fmt: skip


def _sibling_key(blocks: list[Block], g: Group) -> tuple[object, ...] | None:
    if g.head is None:
        return None
    b = blocks[g.head]
    return (b.kind, b.level, bool(g.rest_at), b.bold)


def sibling_runs(blocks: list[Block], groups: list[Group]) -> list[int | None]:
    """The run of siblings each group is in (None for a group with no head): consecutive
    groups of one shape (headings of one level, lead-in items of one list). Section titles
    above them (a bodiless heading of a higher rank: "## Upper body") do not end a run, so
    the stretches under "## Upper body" and "## Lower body" are one series."""
    out: list[int | None] = []
    key: tuple[object, ...] | None = None
    run = count = 0
    for g in groups:
        k = _sibling_key(blocks, g)
        if k is None:
            out.append(None)
            continue
        if k == key:
            out.append(run)
            continue
        count += 1
        b = blocks[g.head] if g.head is not None else None
        if (
            key is not None
            and b is not None
            and key[0] is BlockKind.HEADING
            and b.kind is BlockKind.HEADING
            and b.level < cast(int, key[1])
            and not g.body
        ):
            out.append(count)  # a title over the run: its own run, the series goes on
            continue
        key, run = k, count
        out.append(run)
    return out


def _doses(blocks: list[Block], g: Group) -> bool:
    """Whether a group's body doses ("hold for 20s", "primary 10-20s")."""
    return any(has_dosage(blocks[k].text) for k in g.body)


def _series(blocks: list[Block], groups: list[Group]) -> list[list[Group]]:
    """The groups of each run of siblings (``sibling_runs``), in document order; a group
    with no head is in none."""
    runs: dict[int, list[Group]] = {}
    for g, at in zip(groups, sibling_runs(blocks, groups), strict=True):
        if at is not None:
            runs.setdefault(at, []).append(g)
    return list(runs.values())


def _siblings(blocks: list[Block], groups: list[Group], threshold: float) -> None:
    """Items of one series are alike: when most of a series are exercises, a member with
    instructions and a little less evidence is one too; when most of a series dose their
    bodies, so that the series is a list of exercises, a dosed member is one, however terse
    ("### Calf" / "- primary 20s"); unless something speaks against it."""
    section = enclosing(blocks)
    for run in _series(blocks, groups):
        _advice_run(blocks, run, section, threshold)
        if len(run) < 3:
            continue
        exercises = sum(g.exercise for g in run) >= 0.6 * len(run)
        doses = sum(_doses(blocks, g) for g in run) >= 0.6 * len(run)
        if not exercises and not doses:
            continue
        for g in run:
            names = {part for part, _ in g.evidence}
            has_body = bool(g.body) or bool(g.rest_at)
            if g.exercise or not has_body or names & _HARD_NO:
                continue
            if exercises and g.score >= threshold - 1.25:
                g.evidence.append(("siblings are exercises", 1.25))
                g.score += 1.25
            elif doses and _doses(blocks, g) and not _NOT_A_NAME.match(clean_name(g.name)):
                g.evidence.append(("dosed like its siblings", 1.5))
                g.score += 1.5
            g.exercise = g.score >= threshold


def _advice_run(
    blocks: list[Block], run: list[Group], section: list[int | None], threshold: float
) -> None:
    """Named items of a section about something else ("## Habits at Work" / "- Chair Setup:
    Use a chair with lumbar support"), none of whose names reads as an exercise: what the
    section is about and what its siblings are called decide, not each item's verbs."""
    heads = {section[g.head] for g in run if g.head is not None}
    if len(run) < 2 or len(heads) != 1 or not all(g.rest_at for g in run):
        return
    (at,) = heads
    title = blocks[at].text if at is not None else ""
    if not title or EXERCISE_SECTION.search(title) or _body_area().search(title):
        return
    if name_score(clean_name(title)).total >= 1.0:
        return  # "## Cat-Cow" / "- Start: ..." / "- Move: ...": the exercise's own lines
    if any({p for p, _ in g.evidence} & {"known name", "exercise word"} for g in run):
        return
    # "Tadasana (Mountain Pose):" / "Vrikshasana (Tree Pose):": named as exercises in the
    # other names the items give
    others = [n for g in run for n in split_name(g.name)[1]]
    if any({p for p, _ in name_score(n).parts} & {"known name", "exercise word"} for n in others):
        return
    for g in run:
        g.evidence.append(("siblings' names and section are no exercises'", -1.0))
        g.score -= 1.0
        g.exercise = g.exercise and g.score >= threshold


def decide(
    blocks: list[Block],
    groups: list[Group],
    *,
    threshold: float = 2.0,
    model: RoleModel | None = None,
    confidence: float = 0.0,
) -> None:
    """Score every candidate group and mark the exercises; find unnamed step lists.

    The rules' evidence decides alone without a ``model``; with one, it becomes the model's
    features and the learned role decides wherever the model gives it at least
    ``confidence`` (an exercise needs a body either way).
    """
    _rules(blocks, groups, threshold)
    if model is not None:
        _learned(blocks, groups, threshold=threshold, model=model, confidence=confidence)
    # the document's shapes, whoever decided the members
    _catalogs(blocks, groups)
    _numbered_names(blocks, groups)
    _titles_over_exercises(blocks, groups)
    _no_questions(groups)


_CATALOG_RUN = 4  # sibling sections that make a catalog
_TEMPLATE_SHARE = 0.6  # of a run's members whose sections open the same sub-headings


def _sections(blocks: list[Block]) -> list[tuple[int, int, int | None]]:
    """Each heading's (position, end of its section, the heading it is under)."""
    out: list[tuple[int, int, int | None]] = []
    open_: list[int] = []  # the headings whose sections are still open, outermost first
    heads = [k for k, b in enumerate(blocks) if b.kind is BlockKind.HEADING]
    ends: dict[int, int] = {}
    for k in heads:
        while open_ and blocks[open_[-1]].level >= blocks[k].level:
            ends[open_.pop()] = k
        out.append((k, 0, open_[-1] if open_ else None))
        open_.append(k)
    for k in open_:
        ends[k] = len(blocks)
    return [(k, ends[k], parent) for k, _, parent in out]


def _catalogs(blocks: list[Block], groups: list[Group]) -> None:
    """A catalog of exercises: four or more sibling sections (headings of one level under one
    parent) that repeat one template, the same sub-headings in most of them ("### Blaster" /
    "#### Main Areas Stretched" / "#### Sensations and Benefits", "### Butterfly" / ...), one
    of whose members at least is an exercise or has a known one's name, or whose template
    another such run of the document has: each member is an exercise, its whole section its
    text, whatever its name (a catalog names its poses its own way: "Cliffhanger"). Sections
    about conditions repeat templates too ("#### Symptoms" / "#### Causes"); none of their
    members is an exercise, so none is taken."""
    sections = _sections(blocks)
    end_of = {k: end for k, end, _ in sections}
    children: dict[int, list[int]] = {}
    for k, _, parent in sections:
        if parent is not None:
            children.setdefault(parent, []).append(k)
    runs: dict[tuple[int | None, int], list[int]] = {}
    for k, _, parent in sections:
        runs.setdefault((parent, blocks[k].level), []).append(k)
    by_head = {g.head: g for g in groups if g.head is not None}
    catalogs: list[tuple[list[int], set[str], bool]] = []  # shaped members, template, exercises
    for members in runs.values():
        if len(members) < _CATALOG_RUN:
            continue
        labels = {
            k: {blocks[c].text.strip(" :").lower() for c in children.get(k, [])} for k in members
        }
        counts: dict[str, int] = {}
        for found in labels.values():
            for label in found:
                counts[label] = counts.get(label, 0) + 1
        template = {lab for lab, n in counts.items() if n >= _TEMPLATE_SHARE * len(members)}
        shaped = [k for k in members if labels[k] & template]
        if len(shaped) < _CATALOG_RUN:
            continue
        # a member decided an exercise, or named exactly as a known one ("Happy Baby"; not
        # "Bridge Mat", which holds one), and sections that speak of the body, half at least
        # (an FAQ's "Cobra" / "### Answer" is about opening hours)
        exercises = any(
            ((g := by_head.get(k)) is not None and g.exercise)
            or (known_name(name) or "").lower() == name.lower()
            for k in shaped
            for name in (clean_name(blocks[k].text),)
        )
        bodily = sum(
            any(_body_area().search(blocks[j].text) for j in range(k + 1, end_of[k]))
            for k in shaped
        )
        catalogs.append((shaped, template, exercises and 2 * bodily >= len(shaped)))
    # a run of a template that another run of the document shows to list exercises lists
    # them too (a heading of the wrong level split one catalog in two)
    known = [template for _, template, exercises in catalogs if exercises]
    for shaped, template, exercises in catalogs:
        if not exercises and not any(template & other for other in known):
            continue
        for k in shaped:
            name = clean_name(blocks[k].text)
            parts = {part for part, _ in name_score(name).parts}
            if parts & _HARD_NO or name.endswith("?"):
                continue
            inside = [g for g in groups if any(k <= p < end_of[k] for p in g.positions())]
            if any(p < k or p >= end_of[k] for g in inside for p in g.positions()):
                continue  # a group reaching out of the section: not the section's alone
            entry = Group(head=k, name=blocks[k].text, body=list(range(k + 1, end_of[k])))
            entry.evidence = [("an entry of a catalog of exercises", 0.0)]
            entry.exercise = True
            at = groups.index(inside[0]) if inside else len(groups)
            groups[at : at + len(inside)] = [entry]


def _learned(
    blocks: list[Block],
    groups: list[Group],
    *,
    threshold: float,
    model: RoleModel,
    confidence: float,
) -> None:
    """The model's roles over the rules' verdicts (see ``decide``)."""
    from exercise_pipeline.merge.names import core  # merge imports the extract package first

    named = [g for g in groups if g.head is not None]
    ruled = [g.exercise for g in named]
    for g, x in zip(named, features(candidates(blocks, named), threshold=threshold), strict=True):
        scores = model.scores(x)
        role = max(model.classes, key=lambda c: (scores[c], -model.classes.index(c)))
        if scores[role] < confidence:
            continue
        g.role = role
        g.exercise = (bool(g.body) or bool(g.rest_at)) and role == "exercise"
    # A reference points at the description of its name. Where the article has none (a
    # plan's lines naming what nothing describes; another plan line describes nothing) it
    # points at nothing: the rules decide.
    # A reference says nothing of its own: one that instructs ("- **Cat-Cow**: Arch and
    # round your back slowly" again under another heading) is the rules' call as well.
    described = {core(n) for g in named if g.exercise and not g.prescribed for n in _names(g)}
    for g, rule in zip(named, ruled, strict=True):
        if g.role == "reference" and (
            not described & {core(n) for n in _names(g)} or _instructs(blocks, g)
        ):
            g.role = ""
            g.exercise = rule
        # An item of a list judged whole (a routine's names) is what the list is, unless it
        # points at a description: the rules' call, not the item's few words.
        elif g.listed and g.role not in ("reference", "exercise") and rule:
            g.role = ""
            g.exercise = True
    _series_decided(blocks, groups, dict(zip(map(id, named), ruled, strict=True)))


def _series_decided(blocks: list[Block], groups: list[Group], ruled: dict[int, bool]) -> None:
    """A series of siblings decided at least half as exercises ("Shoulder Extension:", "Full
    Squat:", "Kneeling Lunge:", ... each with its steps) has its other members that instruct,
    with nothing against them, or that the rules call exercises, as exercises too
    ("Standing Pike:", "Butterfly"): the model reads one candidate at a time, the series is
    one shape (``ruled``: the rules' verdict of each named group, by ``id``)."""
    for run in _series(blocks, groups):
        decided = sum(g.exercise for g in run)
        if decided < 3 or decided * 2 < len(run):
            continue
        for g in run:
            if g.exercise or g.role == "reference" or not (g.body or g.rest_at):
                continue
            parts = {part for part, _ in g.evidence}
            instructed = any(part.endswith("instruction sentence(s)") for part in parts)
            against = any(w < 0 for _, w in g.evidence) or bool(parts & _HARD_NO)
            if ruled.get(id(g)) or (instructed and not against):
                g.role = ""
                g.exercise = True


# "1. Plank", "2) Squat", "#3 - Lunge"; not a time ("9:00 Registration") nor a count
# ("3-Minute Finisher")
_HEADING_NUMBER = re.compile(r"^\s*(?:#\s*)?(\d{1,2})(?:[.)]|\s*[:\-–—]\s)(?!\s*\d)")


def _heading_number(b: Block) -> int | None:
    """The number a heading opens with ("1. Plank", "#2 - Squat"), as a list item has one."""
    m = _HEADING_NUMBER.match(b.text)
    return b.number if m is None else int(m.group(1))


def _counted_runs(blocks: list[Block], groups: list[Group]) -> list[list[Group]]:
    """Runs of sibling headings numbered one after the other (1, 2, 3, ...), three or more;
    a series that starts counting again is a new run."""
    out: list[list[Group]] = []
    for run in _series(blocks, groups):
        counted: list[Group] = []
        last: int | None = None
        for g in run:
            assert g.head is not None
            b = blocks[g.head]
            n = _heading_number(b) if b.kind is BlockKind.HEADING else None
            if n is None or last is None or n != last + 1:
                if len(counted) >= 3:
                    out.append(counted)
                counted = []
            if n is not None:
                counted.append(g)
            last = n
        if len(counted) >= 3:
            out.append(counted)
    return out


def _numbered_names(blocks: list[Block], groups: list[Group]) -> None:
    """A numbered series of sibling headings ("#### 1. Banded Shoulder Dislocates", "#### 2.
    Squat Sky Reach", ... "#### 7. Squat Warmup" / "I usually do a set of 10") some of whose
    members are exercises: its members with nothing of their own under them (a video, a
    picture the page showed) are its exercises too, named only, as a routine's list items
    are, unless something speaks against them ("3. Why it works")."""
    for run in _counted_runs(blocks, groups):
        if not any(g.exercise for g in run):
            continue
        for g in run:
            if g.exercise or g.body or g.rest_at or g.role == "reference":
                continue
            assert g.head is not None
            below = blocks[g.head + 1] if g.head + 1 < len(blocks) else None
            if (
                below is not None
                and below.kind is BlockKind.HEADING
                and below.level > blocks[g.head].level
            ):
                continue  # "3. Bonus Move" / "### Burpee": a section over its own entries
            if any(w < 0 for _, w in g.evidence) or _NOT_A_NAME.match(clean_name(g.name)):
                continue
            g.evidence.append(("numbered like its siblings", 0.0))
            g.role = ""
            g.exercise = True


def _no_questions(groups: list[Group]) -> None:
    """A name is never a question ("Can't do full burpees?"), whatever decided it."""
    for g in groups:
        if g.head is not None and g.exercise and clean_name(g.name).rstrip().endswith("?"):
            g.exercise = False
            g.evidence.append(("a question", 0.0))


def _titles_over_exercises(blocks: list[Block], groups: list[Group]) -> None:
    """A heading with at most one short paragraph of its own over a numbered series of
    exercise headings, two or more, one level below it ("### Warm-up" / "Do each for ten
    reps." / "#### 1. Scapular Pulls" / "#### 2. Cossack Squat" ...) titles them: it is no
    exercise itself. (An exercise with variants under it, "## Push-Up" / "### Incline
    Push-Up", is not numbered.)"""
    at = {g.head: g for g in groups if g.head is not None}
    for g in groups:
        if not g.exercise or g.head is None or g.rest_at or len(g.body) != 1:
            continue
        head = blocks[g.head]
        if head.kind is not BlockKind.HEADING:
            continue
        children = 0
        level: int | None = None
        for k in range(g.head + 1, len(blocks)):
            b = blocks[k]
            if b.kind is not BlockKind.HEADING:
                continue
            if b.level <= head.level:
                break
            level = b.level if level is None else level
            child = at.get(k)
            numbered = _heading_number(b) is not None
            children += bool(b.level == level and numbered and child and child.exercise)
        if children >= 2:
            g.exercise = False
            g.evidence.append(("titles the exercises under it", 0.0))


def _instructs(blocks: list[Block], g: Group) -> bool:
    """Whether a named item's own text, after its name, instructs (what follows it may be
    the article's prose: "Cool-down (5 minutes)" / "Excluding the warm-up, aim for ...")."""
    assert g.head is not None
    rest = blocks[g.head].text[g.rest_at :] if g.rest_at else ""
    return bool(rest.strip()) and instructs(rest)


def _names(g: Group) -> list[str]:
    name, alt_names = split_name(g.name)
    return [name, *alt_names]


def candidates(blocks: list[Block], groups: list[Group]) -> list[Candidate]:
    """What the role model reads of each named group (decided by the rules already)."""
    from exercise_pipeline.extract import slugify  # the package imports this module first

    out = []
    section = [blocks[h].text if h is not None else "" for h in enclosing(blocks)]
    for g, run in zip(groups, sibling_runs(blocks, groups), strict=True):
        assert g.head is not None
        name = clean_name(g.name)
        out.append(
            Candidate(
                head=blocks[g.head],
                name=name,
                slug=slugify(name),
                named_item=bool(g.rest_at),
                body=tuple(blocks[k] for k in g.body),
                evidence=tuple(g.evidence),
                rule_score=g.score,
                rule_exercise=g.exercise,
                run=run or 0,
                section=section[g.head],
            )
        )
    return out


def _rules(blocks: list[Block], groups: list[Group], threshold: float) -> None:
    _step_over_titles(blocks, groups)
    series = _series_bonus(blocks, groups)
    avoid = _under_avoid(blocks, groups)
    for g in groups:
        if id(g) in avoid:
            g.evidence = [(avoid[id(g)], -10.0)]
            g.score = -10.0
            continue
        if g.head is None:
            g.unnamed = _unnamed_steps(blocks, g)
            continue
        name = clean_name(g.name)
        ns = name_score(name)
        parts = list(ns.parts) + _body_evidence(blocks, g)
        if is_reference(g.name) and not is_reference(name):
            parts.append(("refers to another section", -4.0))
        if id(g) in series:
            parts.append(("numbered series", 1.0))
        g.evidence = parts
        g.score = sum(w for _, w in parts)
        has_body = bool(g.body) or bool(g.rest_at)
        g.exercise = has_body and g.score >= threshold and not _is_list_title(ns)
    _siblings(blocks, groups, threshold)


def _unnamed_steps(blocks: list[Block], group: Group) -> bool:
    """Loose text that is a numbered list of instructions with a dose or a position."""
    items = [blocks[k] for k in group.body if blocks[k].number is not None]
    if len(items) < 3 or items[0].number != 1:
        return False
    texts = [b.text for b in items]
    instructions = sum(1 for t in texts if is_instruction(t))
    return instructions >= 2 and any(has_dosage(t) for t in texts)
