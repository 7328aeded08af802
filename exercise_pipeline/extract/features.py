"""Evidence for segmentation: does a heading name an exercise, is a sentence an instruction?

Every judgement here is a small function over text and the vocabularies in
``data/exercises.toml``; the segmenter combines them. Scores are explainable sums of named
features, in the same spirit as the merge scores.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from exercise_pipeline.vocab import load, words

_WORD = re.compile(r"[a-z0-9]+(?:['’/-][a-z0-9]+)*")
_STEP_PREFIX = re.compile(r"^\s*step\s*\d{1,2}\s*[:.)\-–]\s*", re.I)
# "20s" is twenty seconds, not "the 1970s", "the 80s" or "in your 40s"
_NOT_A_DECADE = r"(?<!\bthe )(?<!\byour )(?<!\btheir )(?<!\bmy )(?<!\bour )(?<!\bhis )(?<!\bher )"
_DOSAGE = re.compile(
    r"(?:^|\s)[x×]\s?\d+|\b\d+\s?[x×]\s?\d+|"
    r"\b(?:hold(?:ing)?\b.{0,40}?\b(?:seconds?|secs?|minutes?|mins?|breaths?|count)|"
    r"repeat\b|\d+\s*(?:-|–|to)?\s*\d*\s*(?:times|reps|repetitions|sets)\b|"
    rf"{_NOT_A_DECADE}\b\d{{1,3}}(?:\s*(?:-|–|to)\s*\d{{1,3}})?\s*(?:s|secs?|seconds?)\b|"
    r"(?:one|two|three|four|five|six|eight|ten|twelve|fifteen|twenty)\s+(?:times|reps|repetitions))",
    re.I,
)


_LEADING_CLAUSE = re.compile(
    r"^\s*(?:to|while|with|on|in|from|once|after|before|when|as|if|keeping|maintaining|lying|"
    r"laying|sitting|standing|kneeling|starting|using|holding|bending|placing|still|without|"
    r"for|at|in order to|making sure|taking care)\b",
    re.I,
)


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


@functools.cache
def _vocab() -> dict[str, frozenset[str]]:
    return {
        "verbs": words("exercises", "imperative_verbs"),
        "ambiguous": words("exercises", "ambiguous_verbs"),
        "objects": words("exercises", "objects_after_verb"),
        "heads": words("exercises", "head_nouns"),
        "section": words("exercises", "section_words"),
        "questions": words("exercises", "question_words"),
        "pronouns": words("exercises", "pronouns"),
    }


@functools.cache
def _lead() -> re.Pattern[str]:
    leads = sorted(load("exercises")["lead_words"], key=len, reverse=True)
    return re.compile(r"^(?:(?:" + "|".join(map(re.escape, leads)) + r")\b[\s,]*)+", re.I)


@functools.cache
def _caution() -> re.Pattern[str]:
    openers = sorted(load("exercises")["caution_openers"], key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(map(re.escape, openers)) + r")\b", re.I)


@functools.cache
def _purpose() -> re.Pattern[str]:
    return re.compile(load("exercises")["purpose_pattern"], re.I)


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {k: re.compile(v, re.I) for k, v in load("exercises")["patterns"].items()}


@functools.cache
def _known() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    names = [" ".join(singular(t) for t in tokens(n)) for n in load("exercises")["known_names"]]
    phrases = sorted({tuple(n.split()) for n in names}, key=lambda p: (-len(p), p))
    return frozenset(names), tuple(phrases)


@functools.cache
def _labels() -> dict[str, str]:
    out = {}
    for role, labels in load("exercises")["labels"].items():
        for label in labels:
            out[label.lower()] = role
    return out


@functools.cache
def known_words() -> frozenset[str]:
    """Every word of the vocabularies: a heading word found here was not cut short."""
    found: set[str] = set()
    for name in ("exercises", "fields", "language", "synonyms"):
        stack: list[object] = [load(name)]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and len(item) < 60:
                found.update(tokens(item))
    return frozenset(found | {singular(w) for w in found})


@functools.lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """A crude singular for matching names: crunches -> crunch, raises -> raise.

    >>> [singular(w) for w in ("crunches", "raises", "bridges", "press", "abs", "hips", "ups")]
    ['crunch', 'raise', 'bridge', 'press', 'abs', 'hip', 'up']
    """
    if word == "ups":  # "pull ups": "pull up"
        return "up"
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    for suffix in ("ches", "shes", "sses", "xes"):
        if word.endswith(suffix):
            return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s"):
        return word[:-1]
    return word


def strip_step_prefix(text: str) -> str:
    """ "Step 2: Use both hands" -> "Use both hands"."""
    return _STEP_PREFIX.sub("", text, count=1)


def _starts_with_verb(clause: str) -> bool:
    clause = _lead().sub("", clause.strip())
    toks = tokens(clause)
    if not toks:
        return False
    v = _vocab()
    first = toks[0]
    if first not in v["verbs"]:
        return False
    if first in v["ambiguous"]:
        nxt = toks[1] if len(toks) > 1 else ""
        if nxt not in v["objects"]:
            return False
        if first == "lower" and nxt in ("back", "body", "abdomen", "abdominals", "legs", "leg"):
            after = toks[2] if len(toks) > 2 else ""
            if after not in ("down", "to", "into", "onto", "slowly", "until", "toward", "towards"):
                return False  # "lower back pain", "lower body strength": a noun phrase
    return True


def opens_with_verb(sentence: str) -> bool:
    """The sentence itself opens with an imperative (after "Step N:" and lead words)."""
    return _starts_with_verb(strip_step_prefix(sentence))


def is_instruction(sentence: str) -> bool:
    """An instruction: opens with an imperative (maybe after a lead word or a leading clause),
    or states a dose ("Hold for 5 seconds", "Repeat ten times").

    >>> is_instruction("Slowly lower the knee."), is_instruction("Lower back pain is common.")
    (True, False)
    >>> is_instruction("While keeping your knees down, raise your leg off the ground.")
    True
    >>> is_instruction("The flexion rotation stretch is started by lying on one side.")
    False
    """
    s = strip_step_prefix(sentence)
    if _purpose().search(s.strip()):
        return False
    if _starts_with_verb(s):
        return True
    if _DOSAGE.search(s):
        return True
    # A leading clause before the verb: "To start, stand ...", "While keeping ..., raise ...".
    parts = re.split(r"[,;:]\s+", s)
    if len(parts) > 1 and _LEADING_CLAUSE.match(parts[0]):
        return any(_starts_with_verb(part) for part in parts[1:3])
    return False


def is_caution(sentence: str) -> bool:
    """A tip or caution: "Avoid this if you feel pain.", "Don't rush this."."""
    return bool(_caution().search(strip_step_prefix(sentence).strip()))


def has_dosage(text: str) -> bool:
    """Whether a text doses.

    >>> has_dosage("hold for 20s"), has_dosage("primary 10-20s"), has_dosage("3 sets of 10")
    (True, True, True)
    >>> has_dosage("made popular in the 1970s"), has_dosage("a 5 minute read")
    (False, False)
    >>> has_dosage("music of the 80s"), has_dosage("running in your 40s")
    (False, False)
    """
    return bool(_DOSAGE.search(text))


_DOSE_WORDS = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:passes|steps|cycles|circles|laps|breaths?)\b"
    r"|\b\d+(?:\.\d+)?\s*(?:kgs?|lbs?|pounds?|rm)\b|\bat\b|[@=]"  # loads: "2x15 @ 165lbs"
    r"|\b(?:each|per|a|an|every|one|both|on)\s+(?:sides?|legs?|arms?|directions?)\b"
    r"|\b(?:\d+(?:\.\d+)?|sets?|reps?|repetitions?|times|rounds?|seconds?|secs?|minutes?|"
    r"mins?|hours?|x|of|each|per|side|sides|a|day|daily|week|and|or|to|hold|for|rest)\b"
    r"|[x×\-–/,.():+|]|\d+s\b",
    re.I,
)


# What a count counts: repetitions, sets, seconds, breaths ... (an exercise's), and spans of
# time any plan has.
_COUNTS = (
    r"[x×]|sets?\b|reps?\b|repetitions?\b|times\b|seconds?\b|secs?\b|breaths?\b|"
    r"passes\b|steps\b|cycles\b|circles\b|laps\b|rounds\b"
)
_DISTANCES = r"meters?\b|metres?\b|yards?\b|miles?\b"  # not "5m homes", "20 km queues"
_SPANS = rf"minutes?\b|mins?\b|hours?\b|{_DISTANCES}"
_SECONDS = rf"{_NOT_A_DECADE}\b\d{{1,3}}\s?s\b"  # "30s", not "the 1960s"
_DOSE_UNIT = re.compile(rf"\d\s*(?:{_COUNTS}|{_SPANS})|{_SECONDS}|[x×]\s*\d", re.I)


def has_dose_unit(text: str) -> bool:
    """A count with its unit ("12 reps", "3x5-8", "30s"), not a bare number."""
    return bool(_DOSE_UNIT.search(text))


_EXERCISE_COUNT = re.compile(
    rf"\d\s*(?:{_COUNTS}|{_DISTANCES})|{_SECONDS}|[x×]\s*\d|"
    r"\b(?:each|per)\s+(?:side|leg|arm|direction)\b",
    re.I,
)


def counts_an_exercise(text: str) -> bool:
    """A dose only an exercise has: repetitions, sets, seconds, breaths, sides ("3x5-8",
    "30s per side"), not a duration any plan has ("Small groups (30 mins)")."""
    return bool(_EXERCISE_COUNT.search(text))


def is_dose_line(text: str) -> bool:
    """A line that only doses ("3 sets of 10 reps", "15 seconds", "Sets: 3 Reps: 10 Freq:
    daily"): the prescription of the exercise above it, never a name.

    >>> is_dose_line("3 sets of 8 reps"), is_dose_line("15 seconds"), is_dose_line("Heel Raise")
    (True, True, False)
    >>> is_dose_line("Day 2"), is_dose_line("Week 1"), is_dose_line("5-10")
    (False, False, True)
    >>> is_dose_line("8 each side"), is_dose_line("2x10 @ 10RM -15 (190-15=175)")
    (True, True)
    """
    if not re.search(r"\d", text):
        return False
    lab = label_of(text)
    if lab is not None and lab[0] in ("sets", "reps", "hold", "rest"):
        return True
    if re.search(r"[A-Za-z]", _DOSE_WORDS.sub(" ", text)):
        return False
    # only numbers ("5-10", "3 | 5"), or a count of something ("8 each side"): not "Day 2"
    return not re.search(r"[A-Za-z]", text) or has_dose_unit(text) or counts_an_exercise(text)


def instructs(text: str) -> bool:
    """An instruction, not a dose ("60 seconds each leg" reads as an instruction too)."""
    return is_instruction(text) and not is_dose_line(text)


_LEAD_IN = re.compile(
    r"^(?:for|to|try|here|follow|do|perform|in order|as|when|if|this|these|then|now|next)\b"
    r"|\bthe following\b|\b(?:as follows|like this|these steps)\s*:?$",
    re.I,
)


def is_lead_in(text: str) -> bool:
    """A line that introduces the list after it ("For a deeper stretch, try the following:",
    "To perform a back flexion stretch:"), never a name however short.

    >>> is_lead_in("To perform a back flexion stretch:"), is_lead_in("Cobra Stretch:")
    (True, False)
    >>> is_lead_in("Do Pull-Ups:")
    False
    """
    text = text.strip()
    body = text.rstrip(":").strip()
    if not text.endswith(":") or not _LEAD_IN.search(body):
        return False  # "Do Pull-Ups:", "Next Level Squats:" name exercises
    return len(body.split()) >= 4 or "following" in body.lower()


# What a "Label: value" line opens with: a few words before a colon.
LEADING_LABEL = re.compile(r"^\s*([A-Za-z][A-Za-z' /&-]{0,40}?)\s*:\s*")


def label_of(text: str) -> tuple[str, str, int] | None:
    """A "Label: value" line: (role, label, offset of the value), for known labels only.

    >>> label_of("Targeted muscles: Glutes, hamstrings, and quads.")
    ('target', 'targeted muscles', 18)
    >>> label_of("Ankle Pumps: Lie flat on your back.") is None
    True
    """
    m = LEADING_LABEL.match(text)
    if not m:
        return None
    label = m.group(1).strip().lower()
    role = _labels().get(label)
    if role is None:  # "Duration / Frequency", "Sets & Reps": every part a label
        parts = [p.strip() for p in re.split(r"\s*(?:/|&|\band\b)\s*", label) if p.strip()]
        if len(parts) > 1 and all(p in _labels() for p in parts):
            role = _labels()[parts[0]]
    return (role, label, m.end()) if role else None


def is_label_heading(text: str) -> bool:
    """A heading that is a known label on its own ("Instructions", "Tips:")."""
    return text.strip().rstrip(":").strip().lower() in _labels()


@functools.cache
def _extra() -> dict[str, re.Pattern[str]]:
    data = load("exercises")
    keys: tuple[str, ...] = ("avoid_heading", "reference_heading", "product_pattern")
    keys += ("gear_heading", "breathing_cue")
    return {key: re.compile(data[key], re.I) for key in keys}


def is_gear_heading(text: str) -> bool:
    """A heading over gear to buy or a machine's parts ("What to buy", "Equipment That Helps")."""
    return bool(_extra()["gear_heading"].search(text))


def is_avoid_heading(text: str) -> bool:
    """A heading over things not to do ("Exercises to Avoid"), not one praising too."""
    praise = words("exercises", "praise_words")
    return bool(_extra()["avoid_heading"].search(text)) and not set(tokens(text)) & praise


def is_reference(text: str) -> bool:
    """A heading that points back to an exercise described elsewhere ("Bird-Dog (See Above)")."""
    return bool(_extra()["reference_heading"].search(text))


def looks_like_product(text: str) -> bool:
    return bool(_extra()["product_pattern"].search(text))


def is_set_level(text: str) -> bool:
    """Prose about a whole set of exercises ("Repeat each exercise ...", "Remember, ...")."""
    return bool(_patterns()["set_level"].search(text))


def purpose_tail(name: str) -> re.Match[str] | None:
    """The trailing purpose phrase of a heading ("... For Lower Back Pain")."""
    return _patterns()["purpose_tail"].search(name)


@dataclass(frozen=True, slots=True)
class NameScore:
    """Evidence that a heading's text is an exercise name, as named parts."""

    total: float
    parts: tuple[tuple[str, float], ...]


def known_name(name: str) -> str | None:
    """The known exercise name contained in a heading, if any (the longest; of two as long,
    the first in alphabetical order)."""
    toks = [singular(t) for t in tokens(name.replace("-", " "))]
    for n, phrases in _known_by_length():
        found = [p for i in range(len(toks) - n + 1) if (p := tuple(toks[i : i + n])) in phrases]
        if found:
            return " ".join(min(found))
    return None


def ends_with_a_movement(name: str) -> bool:
    """Whether a name's last word is a movement's ("Lat pulldown", "Cable fly"): an
    exercise's name ends with what is done, not "Drop support for Python".

    >>> ends_with_a_movement("Lat pulldown"), ends_with_a_movement("Drop support for Python")
    (True, False)
    """
    toks = tokens(name)
    heads = _vocab()["heads"]
    return bool(toks) and (toks[-1] in heads or singular(toks[-1]) in heads)


_NOT_BEFORE_A_NAME = frozenset(
    ("a", "an", "the", "with", "your", "then", "and", "to", "of", "for", "my", "into", "again")
)


def ends_with_known_name(name: str) -> bool:
    """Whether a name ends with a known exercise name ("Archer pull ups", "Pull up"): an
    exercise named by its verb, not an instruction ("Pull your knee up").

    >>> ends_with_known_name("Archer pull ups"), ends_with_known_name("Pull your knee up")
    (True, False)
    >>> ends_with_known_name("Finish with a plank")
    False
    """
    known = known_name(name)
    if known is None:
        return False
    toks = [singular(t) for t in tokens(name.replace("-", " "))]
    n = len(known.split())
    if toks[-n:] != known.split():
        return False
    return not set(toks[:-n]) & _NOT_BEFORE_A_NAME  # "Finish with a plank" instructs


@functools.cache
def _known_by_length() -> tuple[tuple[int, frozenset[tuple[str, ...]]], ...]:
    _, phrases = _known()
    lengths = sorted({len(p) for p in phrases}, reverse=True)
    return tuple((n, frozenset(p for p in phrases if len(p) == n)) for n in lengths)


@functools.lru_cache(maxsize=8192)  # asked of one name by several passes of a document
def name_score(name: str) -> NameScore:
    """How much a heading reads like an exercise name (positive) or a title (negative)."""
    v = _vocab()
    toks = tokens(name)
    parts: list[tuple[str, float]] = []
    if not toks:
        return NameScore(-5.0, (("empty", -5.0),))
    if known_name(name):
        parts.append(("known name", 2.0))
    joined = [f"{a}-{b}" for a, b in itertools.pairwise(toks)]  # "push ups"
    if any(t in v["heads"] or singular(t) in v["heads"] for t in (*toks, *joined)):
        parts.append(("exercise word", 1.0))
    if _patterns()["list_title"].search(name):
        parts.append(("list or section title", -3.0))
    elif _patterns()["generic_plural"].search(name):
        parts.append(("generic plural ending", -1.5))
    if name.strip().endswith("?") or toks[0] in v["questions"]:
        parts.append(("question", -3.0))
    if any(t in v["section"] for t in toks):
        parts.append(("section word", -2.0))
    if any(t in v["pronouns"] for t in toks):
        parts.append(("addresses the reader", -1.5))
    if len(toks) > 7:
        parts.append(("long", -1.0))
    if name.strip().endswith(":"):
        parts.append(("ends with a colon", -1.0))
    if _is_condition(name) and not any(p == "exercise word" for p, _ in parts):
        parts.append(("condition", -2.0))
    if is_reference(name):
        parts.append(("refers to another section", -4.0))
    if toks[0] in words("exercises", "advice_verbs"):
        parts.append(("opens with advice", -2.5))
    if looks_like_product(name):
        parts.append(("product", -3.0))
    if _extra()["breathing_cue"].search(name.strip()):
        parts.append(("breathing cue", -3.0))
    if toks[0] in ("a", "an") and len(toks) > 1:
        parts.append(("opens with an article", -1.5))  # "A Quality Jump Rope": a thing
    return NameScore(sum(w for _, w in parts), tuple(parts))


@functools.cache
def _conditions() -> re.Pattern[str]:
    conds = sorted(load("exercises")["conditions"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, conds)) + r")\b", re.I)


def _is_condition(name: str) -> bool:
    return bool(_conditions().search(name))


def defines_exercise(sentence: str, name: str) -> bool:
    """A sentence that presents the named exercise: "The lateral lunge is a great way to ...".

    >>> defines_exercise("The lateral rotation is an exercise for the core.", "Lateral Rotation")
    True
    """
    name_toks = [singular(t) for t in tokens(name)]
    sent_toks = [singular(t) for t in tokens(sentence)]
    if not name_toks:
        return False
    head = name_toks[-1]
    if head not in sent_toks[:8]:
        return False
    return bool(
        re.search(
            r"\b(?:is|are)\s+(?:an?|the|one of the|another)?\s*(?:\w+\s+){0,4}"
            r"(?:exercise|stretch|movement|move|pose|way|position|choice|option)\b",
            sentence,
            re.I,
        )
        or re.search(r"\bthis (?:exercise|stretch|movement|move|pose)\b", sentence, re.I)
    )
