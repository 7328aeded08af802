"""Fields read from a mention's instructions: dose, frequency, position, equipment, targets.

Numbers may be digits or words ("ten", "a second or two"); holds and durations are converted
to seconds and kept as ranges ("5 to 10 seconds" -> 5-10, "30 seconds to 1 minute" -> 30-60);
"up to five times" is 1-5. Breaths are kept as breaths. Each value remembers the passage it
was read from (Evidence), so that a reviewer can check it.

>>> items = [("step", "Hold for 20 seconds."), ("step", "Repeat three times each leg.")]
>>> f, _ = parse_fields("Knee to Chest", items)
>>> f.hold_seconds, f.repetitions, f.per_side
(Range(low=20.0, high=20.0), Range(low=3.0, high=3.0), True)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from exercise_pipeline.models import Evidence, Fields, Frequency, Range, Span
from exercise_pipeline.vocab import load, phrase_pattern

Item = tuple[str, str]  # (role, text)

_UNIT_SECONDS = {"second": 1, "sec": 1, "s": 1, "minute": 60, "min": 60, "hour": 3600, "hr": 3600}
_UNIT = r"(?P<{n}>seconds?\b|secs?\b|(?<=\d)s\b|minutes?\b|mins?\b|hours?\b|hrs?\b)"


@functools.cache
def _numbers() -> dict[str, int]:
    return {k.lower(): int(v) for k, v in load("fields")["numbers"].items()}


@functools.cache
def _num(*, loose: bool) -> str:
    words = [w for w in _numbers() if loose or w not in ("a", "an", "few", "couple")]
    alts = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return rf"(?:\d+(?:\.\d+)?|{alts})"


def _value(token: str) -> float:
    token = token.lower()
    return float(token) if token[0].isdigit() else float(_numbers()[token])


_SEP = r"\s*(?:-|–|—|to|or)\s*"
_QUOTE = r"[\"”″]?"  # a stray seconds mark: "10-15” seconds"


@functools.cache
def _duration() -> re.Pattern[str]:
    n = _num(loose=True)
    return re.compile(
        rf"(?P<up>\bup to\s+)?\b(?P<a>{n})(?:{_SEP}(?P<b>{n}))?{_QUOTE}[\s-]*{_UNIT.format(n='u')}"
        rf"(?:{_SEP}(?P<c>{n})[\s-]*{_UNIT.format(n='u2')}|\s+or\s+(?P<d>{n})\b)?",
        re.I,
    )


def _unit(u: str) -> int:
    u = u.lower().rstrip("s") or "s"
    return _UNIT_SECONDS.get(u, _UNIT_SECONDS.get(u[:3], 1))


def _duration_range(m: re.Match[str]) -> Range:
    a = _value(m.group("a")) * _unit(m.group("u"))
    if m.group("c"):
        return Range(a, _value(m.group("c")) * _unit(m.group("u2")))
    if m.group("d"):  # "a second or two"
        return Range(a, _value(m.group("d")) * _unit(m.group("u")))
    if m.group("b"):
        return Range(a, _value(m.group("b")) * _unit(m.group("u")))
    return Range(1.0, a) if m.group("up") else Range(a, a)


_HOLD_CONTEXT = re.compile(
    r"\b(?:hold(?:ing|s)?|stay(?:ing)?|remain|keep (?:it|this|the position)|pause|after|aim for|"
    r"burst|at a time|count(?: to)?)\b",
    re.I,
)
# Softer: an isometric verb makes a short time a hold ("Squeeze for 3 seconds"), not a long one.
_SHORT_HOLD_CONTEXT = re.compile(r"\b(?:squeeze|contract|tighten|do this|stretch|press)\b", re.I)
_PER_SIDE_AFTER = re.compile(
    r"[\s,]*(?:left|right|each side|per side|on each side|a side|each way|each leg)\b", re.I
)
_REST_CONTEXT = re.compile(r"\b(?:rest|recover|recovery|break|between sets)\s*(?:for\s*)?$", re.I)


@functools.cache
def _breaths() -> re.Pattern[str]:
    n = _num(loose=False)
    return re.compile(
        rf"(?P<a>{n})(?:{_SEP}(?P<b>{n}))?\s+(?:deep\s+|slow\s+|full\s+)?breaths?", re.I
    )


@functools.cache
def _reps() -> re.Pattern[str]:
    n = _num(loose=False)
    return re.compile(
        rf"(?P<up>up to\s+)?(?P<a>{n})(?:{_SEP}(?P<b>{n}))?\s*(?:more\s+)?"
        rf"(?:times|reps|repetitions|rep)\b(?!\s*(?:a|per|each)\s+(?:day|week)|\s*(?:daily|weekly))",
        re.I,
    )


_N = r"\d+(?:\.\d+)?"
_SECONDS = r"(?P<secs>s\b|secs?\b|seconds?\b)?"
# Trainers' shorthand: "3 x 15" (sets x reps), "2-3 sets x 5", "3 x 45-60s" (sets x hold) ...
_SETS_X = re.compile(
    rf"\b(?P<sets>{_N})(?:\s*-\s*(?P<sets2>{_N}))?\s*(?:sets?\s*)?[x×]\s*"
    rf"(?P<a>{_N})(?:\s*-\s*(?P<b>{_N}))?\s*{_SECONDS}",
    re.I,
)
# ... and "x 10-15" (reps), "x 30s" (hold).
_X_ONLY = re.compile(
    rf"(?:^|(?<=[\s(,]))[x×]\s*(?P<a>{_N})(?:\s*-\s*(?P<b>{_N}))?\s*{_SECONDS}", re.I
)


def _compact_doses(items: Sequence[Item]) -> dict[str, tuple[Range, int]]:
    found: dict[str, tuple[Range, int]] = {}
    for k, (_, text) in enumerate(items):
        for m in [*_SETS_X.finditer(text), *_X_ONLY.finditer(text)]:
            lo = float(m.group("a"))
            rng = Range(lo, float(m.group("b")) if m.group("b") else lo)
            found.setdefault("hold_seconds" if m.group("secs") else "repetitions", (rng, k))
            if "sets" in m.groupdict() and m.group("sets"):
                s_lo = float(m.group("sets"))
                s_hi = float(m.group("sets2")) if m.group("sets2") else s_lo
                found.setdefault("sets", (Range(s_lo, s_hi), k))
    return found


@functools.cache
def _sets() -> re.Pattern[str]:
    n = _num(loose=False)
    return re.compile(
        rf"(?P<a>{n})(?:{_SEP}(?P<b>{n}))?\s*sets?\b(?:\s*(?:x|×|of)\s*(?P<r>{n})(?:{_SEP}(?P<rb>{n}))?)?",
        re.I,
    )


@functools.cache
def _frequency() -> re.Pattern[str]:
    n = _num(loose=False)
    return re.compile(
        rf"(?P<up>up to\s+)?(?P<a>{n}|once|twice)"
        rf"(?:\s+or\s+(?P<b>{n}|once|twice)|{_SEP}(?P<b2>{n}))?"
        rf"\s*(?:times\s+)?(?:(?:a|per|each)\s+(?P<unit>day|week)|(?P<unit2>daily|weekly))"
        r"|(?P<morning>in the morning and (?:at )?night|morning and night|morning and evening)"
        r"|(?P<daily>\bdaily\b(?!\s+(?:living|life|activities|tasks|chores))|every day|each day"
        r"|every morning|every evening)"
        r"|(?P<loose>throughout the day|whenever (?:required|needed|you can)"
        r"|every \d+ (?:minutes|hours))",
        re.I,
    )


_PER_SIDE = re.compile(
    r"\bboth sides\b|\b(?:each|other|opposite|either|alternate|alternating|per)\s+"
    r"(?:side|sides|leg|legs|arm|arms|knee|knees|direction|foot|hip)\b|\bswitch\s+(?:sides|legs|arms)\b"
    r"|\bthe same with the other\b|\bone side then\b",
    re.I,
)

_TARGET_VERB = re.compile(
    r"\b(?:stretch(?:es|ing)?|strengthen(?:s|ing)?|works?|target(?:s|ing)?|engag(?:e|es|ing)|"
    r"activat(?:e|es|ing)|loosen(?:s|ing)?|releas(?:e|es|ing)|relax(?:es|ing)?|mobili[sz](?:e|es)|"
    r"recruit(?:s|ing)?|tone(?:s)?|isolat(?:e|es))\b(?P<obj>[^.;:!?]{0,90})",
    re.I,
)


_PART_OF = re.compile(r"\b(?:back|front|side|sides|top|bottom|base|inside|outside)\s+of\b", re.I)
# Where the object of a target verb ends: "engage your glutes | to raise your hips".
_OBJECT_END = re.compile(
    r"\s(?:to|while|by|so|which|that|as|when|before|after|until|then|during)\s|,\s*\w+ing\b", re.I
)


class _Lookup(dict[str, str]):
    """Phrase -> vocabulary key, ignoring case, hyphens and runs of space."""

    def __getitem__(self, phrase: str) -> str:
        return super().__getitem__(re.sub(r"[\s\-]+", " ", phrase.lower()))


def _phrase_map(group: str) -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    for key, phrases in load("fields")[group].items():
        for p in phrases:
            table[p.lower()] = key
    alts = "|".join(phrase_pattern(p) for p in sorted(table, key=len, reverse=True))
    table.update({k.replace("-", " "): v for k, v in list(table.items())})
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.I), _Lookup(table)


@functools.cache
def _vocab_regex(group: str) -> tuple[re.Pattern[str], dict[str, str]]:
    return _phrase_map(group)


# Body parts that a name mentions because they move ("Knee to Chest", "Arm Circles").
_MOVING_PARTS = frozenset({"knees", "arms", "feet", "thighs"})
_NOT_EQUIPMENT = re.compile(r"\b(?:it|iliotibial|abdominal|chest|pelvic) (?:band|wall|bed)\b", re.I)
# "as if you were going to sit in a chair": a comparison, not equipment.
_ANALOGY = re.compile(r"\b(?:as if|as though|similar to|like you)\b[^.;]*", re.I)
_POSTURE = r"(?:sit(?:ting)?|seated|stand(?:ing)?|kneel(?:ing)?|lie|lying|laying)"
_CHOICE = re.compile(
    rf"\b{_POSTURE}\b(?:\s+\w+){{0,4}}?\s*(?:,|or|and/or)\s*(?:{_POSTURE}\s*,?\s*or\s*)?{_POSTURE}\b",
    re.I,
)
_NAME_POSITIONS = {
    "seated": "seated", "sitting": "seated", "standing": "standing", "supine": "supine",
    "lying": "supine", "prone": "prone", "kneeling": "kneeling", "quadruped": "quadruped",
    "side-lying": "side_lying",
}  # fmt: skip


def _first(pattern: re.Pattern[str], items: Sequence[Item]) -> tuple[re.Match[str], int] | None:
    for k, (_, text) in enumerate(items):
        m = pattern.search(text)
        if m:
            return m, k
    return None


def _hold(items: Sequence[Item]) -> tuple[Range | None, int | None, Range | None, int | None]:
    """(hold seconds, where; duration seconds, where) from the first matching sentences."""
    hold = duration = None
    hold_at = duration_at = None
    for k, (_, text) in enumerate(items):
        for m in _duration().finditer(text):
            before = re.split(r"[.!?;]\s", text[: m.start()])[-1]  # the same sentence
            if _REST_CONTEXT.search(before):
                continue  # "rest 1 min between": a rest period, not the exercise
            after = text[m.end() : m.end() + 14]
            held = bool(
                _HOLD_CONTEXT.search(before) or re.match(r"[\s-]*(?:hold|burst)", after, re.I)
            )
            if not held and _SHORT_HOLD_CONTEXT.search(before):
                held = _duration_range(m).high <= 60
            if not held and _PER_SIDE_AFTER.match(after):  # "30s left, 30s right"
                held = _duration_range(m).high <= 120
            if held and hold is None:
                hold, hold_at = _duration_range(m), k
            elif not held and duration is None:  # "Repeat slowly for 30 seconds"
                duration, duration_at = _duration_range(m), k
    return hold, hold_at, duration, duration_at


_LABELLED_DOSE = re.compile(
    r"^\s*(?P<label>sets?|reps|repetitions|hold(?: time)?|duration|time)\s*:\s*(?P<value>.+)$", re.I
)


@functools.cache
def _leading_range() -> re.Pattern[str]:
    n = _num(loose=False)
    return re.compile(rf"^(?P<up>up to\s+)?(?P<a>{n})(?:{_SEP}(?P<b>{n}))?\b", re.I)


def _labelled(items: Sequence[Item]) -> dict[str, tuple[Range, int]]:
    """Doses given as "Sets: 2", "Repetitions: 12 per leg", "Hold: 3 seconds"."""
    found: dict[str, tuple[Range, int]] = {}
    for k, (_, text) in enumerate(items):
        m = _LABELLED_DOSE.match(text)
        if not m:
            continue
        label, value = m.group("label").lower(), m.group("value")
        if label.startswith(("set", "rep")):
            r = _leading_range().match(value.strip())
            if r:
                lo = _value(r.group("a"))
                hi = _value(r.group("b")) if r.group("b") else lo
                field_name = "sets" if label.startswith("set") else "repetitions"
                found.setdefault(
                    field_name, (Range(1.0, lo) if r.group("up") else Range(lo, hi), k)
                )
        elif d := _duration().search(value):
            field_name = (
                "hold_seconds"
                if label.startswith("hold") or "hold" in value.lower()
                else "duration_seconds"
            )
            found.setdefault(field_name, (_duration_range(d), k))
    return found


def parse_fields(name: str, items: Sequence[Item]) -> tuple[Fields, list[tuple[str, int]]]:
    """Fields of a mention and, per field, the index of the item it was read from."""
    where: list[tuple[str, int]] = []
    steps = [it for it in items if it[0] == "step"] or list(items)
    labelled = _labelled(items)
    for field_name, found in _compact_doses(items).items():
        labelled.setdefault(field_name, found)
    hold, hold_at, duration, duration_at = _hold(items)
    if "hold_seconds" in labelled:
        hold, hold_at = labelled["hold_seconds"]
    if "duration_seconds" in labelled:
        duration, duration_at = labelled["duration_seconds"]
    if hold_at is not None:
        where.append(("hold_seconds", hold_at))
    if duration_at is not None:
        where.append(("duration_seconds", duration_at))

    breaths = None
    if hit := _first(_breaths(), items):
        m, k = hit
        lo = _value(m.group("a"))
        breaths = Range(lo, _value(m.group("b")) if m.group("b") else lo)
        where.append(("hold_breaths", k))

    sets = reps = None
    if hit := _first(_sets(), items):
        m, k = hit
        lo = _value(m.group("a"))
        sets = Range(lo, _value(m.group("b")) if m.group("b") else lo)
        where.append(("sets", k))
        if m.group("r"):
            r = _value(m.group("r"))
            reps = Range(r, _value(m.group("rb")) if m.group("rb") else r)
            where.append(("repetitions", k))
    for field_name in ("sets", "repetitions"):
        if field_name in labelled:
            value, k = labelled[field_name]
            if field_name == "sets":
                sets = value
            else:
                reps = value
            where.append((field_name, k))
    if reps is None and (hit := _first(_reps(), items)):
        m, k = hit
        lo = _value(m.group("a"))
        hi = _value(m.group("b")) if m.group("b") else lo
        reps = Range(1.0, lo) if m.group("up") else Range(lo, hi)
        where.append(("repetitions", k))

    per_side = None
    if hit := _first(_PER_SIDE, items):
        per_side = True
        where.append(("per_side", hit[1]))

    frequency = None
    if hit := _first(_frequency(), items):
        frequency = _frequency_of(hit[0])
        where.append(("frequency", hit[1]))

    position, position_at = _position(name, items)
    if position_at is not None:
        where.append(("position", position_at))
    equipment = _equipment(name, steps)
    return (
        Fields(
            hold_seconds=hold,
            hold_breaths=breaths,
            duration_seconds=duration,
            repetitions=reps,
            sets=sets,
            per_side=per_side,
            frequency=frequency,
            position=position,
            equipment=equipment,
            category=_category(name, items),
            target_areas=_targets(name, items),
        ),
        where,
    )


def _frequency_of(m: re.Match[str]) -> Frequency:
    text = m.group().strip()
    if m.group("morning"):
        return Frequency(text, per_day=Range(2, 2))
    if m.group("daily"):
        return Frequency(text, per_day=Range(1, 1))
    if m.group("loose"):
        return Frequency(text)

    def val(t: str) -> float:
        return {"once": 1.0, "twice": 2.0}.get(t.lower()) or _value(t)

    lo = val(m.group("a"))
    hi_token = m.group("b") or m.group("b2")
    rng = Range(1.0, lo) if m.group("up") else Range(lo, val(hi_token) if hi_token else lo)
    unit = (m.group("unit") or m.group("unit2") or "").lower()
    if unit.startswith("week"):
        return Frequency(text, per_week=rng)
    return Frequency(text, per_day=rng)


def _position(name: str, items: Sequence[Item]) -> tuple[str | None, int | None]:
    """The body position: from the name ("Seated ...") or the first instruction that says it."""
    for word in re.findall(r"[a-z-]+", name.lower()):
        if word in _NAME_POSITIONS:
            return _NAME_POSITIONS[word], None
    regex, table = _vocab_regex("positions")
    order = [k for k, (role, _) in enumerate(items) if role == "step"]
    order += [k for k, (role, _) in enumerate(items) if role != "step"]
    found: list[tuple[str, int]] = []
    for k in order:
        text = _ANALOGY.sub(" ", items[k][1])
        here = [table[m.group().lower()] for m in regex.finditer(text)]
        if _CHOICE.search(text):
            return None, None  # "Sit or stand tall": the source leaves it open
        found.extend((p, k) for p in here)
    if not found:
        return None, None
    first = found[0]
    if first[0] in ("seated", "standing"):  # "Sit on the table edge, then lie back"
        lying = [f for f in found[1:4] if f[0] in ("supine", "prone", "side_lying")]
        if lying and lying[0][1] in order[:3]:
            return lying[0]
    return first


def _equipment(name: str, steps: Sequence[Item]) -> tuple[str, ...]:
    regex, table = _vocab_regex("equipment")
    found: set[str] = set()
    for text in [name, *(t for _, t in steps)]:
        cleaned = _ANALOGY.sub(" ", _NOT_EQUIPMENT.sub(" ", text))
        for m in regex.finditer(cleaned):
            found.add(table[m.group().lower()])
    if re.search(r"\bball\b", name, re.I):
        found.add("exercise_ball")
    return tuple(sorted(found))


@functools.cache
def _category_patterns() -> tuple[tuple[str, tuple[tuple[str, re.Pattern[str]], ...]], ...]:
    cats: dict[str, list[str]] = load("fields")["categories"]
    return tuple(
        (cat, tuple((kw, re.compile(rf"(?<![\w-]){re.escape(kw)}(?![\w-])")) for kw in kws))
        for cat, kws in cats.items()
    )


def _category(name: str, items: Sequence[Item]) -> str | None:
    cats: dict[str, list[str]] = load("fields")["categories"]
    scores: dict[str, int] = {}
    text = " ".join(t for _, t in items).lower()
    low_name = name.lower()
    for cat, keywords in _category_patterns():
        score = 0
        for kw, pattern in keywords:
            if kw in low_name or kw in text:  # a substring test first: most keywords are absent
                score += 3 * len(pattern.findall(low_name)) + len(pattern.findall(text))
        if score:
            scores[cat] = score
    if not scores:
        return None
    order = list(cats)
    return max(scores, key=lambda c: (scores[c], -order.index(c)))


def _targets(name: str, items: Sequence[Item]) -> tuple[str, ...]:
    regex, table = _vocab_regex("body_areas")
    found: set[str] = set()
    for m in regex.finditer(name):
        area = table[m.group().lower()]
        moved = re.search(r"\bto\s+$", name[: m.start()], re.I) or re.match(
            r"\s+to\b", name[m.end() :]
        )
        if not moved and area not in _MOVING_PARTS:
            found.add(area)
    for role, text in items:
        if role == "target":
            spans = [text]
        else:
            spans = [m.group("obj") for m in _TARGET_VERB.finditer(text)]
        for span in spans:
            span = _OBJECT_END.split(span, maxsplit=1)[0]
            span = _PART_OF.sub(" ", span)  # "the back of your neck" is the neck
            for m in regex.finditer(span):
                found.add(table[m.group().lower()])
    return tuple(sorted(found))


def evidence_for(
    where: list[tuple[str, int]], spans: Sequence[Span], texts: Sequence[str]
) -> tuple[Evidence, ...]:
    """Evidence records for the fields (the first passage of each), from the items' spans."""
    first: dict[str, int] = {}
    for field_name, k in where:
        first.setdefault(field_name, k)
    return tuple(
        Evidence(name, spans[k], texts[k]) for name, k in sorted(first.items()) if k < len(spans)
    )
