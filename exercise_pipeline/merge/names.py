"""Exercise name normalisation and synonym groups.

``normalize`` gives the comparable form of a name: lower case, punctuation and hyphens as
spaces, "&" and "+" as words, number words as digits, a leading "the" dropped, short muscle
names in full ("trap": "trapezius"), each word in the singular, a trailing "exercise"
dropped. ``core`` also drops a trailing generic word ("stretch", "pose") when something is
left, so that "Piriformis Stretch" and "Piriformis" meet; a name that is only generic words
keeps them.
"""

from __future__ import annotations

import functools
import re

from exercise_pipeline.extract.features import singular
from exercise_pipeline.models import Mention
from exercise_pipeline.vocab import load

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10",
}  # fmt: skip
_STOP = frozenset({"of", "the", "a", "an", "and", "to", "with", "on", "in", "for", "your", "up"})


@functools.lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """Comparable form of an exercise name.

    >>> normalize("The Knee-to-Chest Stretches"), normalize("Cat/Cow")
    ('knee to chest stretch', 'cat cow')
    >>> normalize("Glute Bridges Exercise")
    'glute bridge'
    >>> normalize("Chest Stretch + Arm Reach"), normalize("Four Point Kneeling")
    ('chest stretch plus arm reach', '4 point kneeling')
    >>> normalize("Step-ups"), normalize("Upper Trap Stretch")
    ('step up', 'upper trapezius stretch')
    """
    text = name.lower().replace("&", " and ").replace("+", " plus ")
    text = re.sub(r"['’]s\b", "s", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    words = [_NUMBER_WORDS.get(w, w) for w in text.split()]
    if words and words[0] == "the":
        words = words[1:]
    short = _abbreviations()
    words = [short.get(w) or ("up" if w == "ups" else singular(w)) for w in words]
    while len(words) > 1 and words[-1] == "exercise":
        words.pop()
    return " ".join(words)


@functools.cache
def _abbreviations() -> dict[str, str]:
    return dict(load("synonyms")["abbreviations"])


@functools.cache
def _generic() -> frozenset[str]:
    return frozenset(load("synonyms")["generic_tail"])


@functools.lru_cache(maxsize=65536)
def core(name: str) -> str:
    """The normalised name without trailing generic words, if anything is left.

    >>> core("Piriformis Stretch"), core("Cat-Cow Pose"), core("Stretch")
    ('piriformis', 'cat cow', 'stretch')
    """
    words = normalize(name).split()
    while len(words) > 1 and words[-1] in _generic():
        words.pop()
    return " ".join(words)


@functools.lru_cache(maxsize=65536)
def content_words(name: str) -> frozenset[str]:
    """Words of the core name that carry meaning (no stop words)."""
    return frozenset(w for w in core(name).split() if w not in _STOP)


def _stem(word: str) -> str:
    """A word without its "-ing" and a final "e" ("standing" -> "stand", "sitting" -> "sit",
    "raising" and "raise" -> "rais", "rolling" -> "roll"): "One-Leg Stand" and "Standing on
    One Leg" name one thing."""
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
        if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsfz":
            word = word[:-1]  # "sitting", "running"; not "rolling", "pressing"
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


@functools.lru_cache(maxsize=65536)
def name_words(name: str) -> frozenset[str]:
    """The meaning words of a name in any order and form: "Heel-to-Toe Walk" and "Heel toe
    walking" give the same set; "up" counts ("Wall Sit" is not "Wall Sit-Up").

    >>> sorted(name_words("Standing on One Leg")) == sorted(name_words("One-Leg Stand"))
    True
    >>> name_words("Wall Sit") == name_words("Wall Sit-Up")
    False
    """
    words = (w for w in core(name).split() if w not in _STOP or w == "up")
    return frozenset(_stem(w) for w in words)


@functools.cache
def _position_words() -> dict[str, str]:
    return dict(load("synonyms")["position_words"])


def position_of_word(word: str) -> str | None:
    """The body position a name's word states ("Standing Calf Raise": standing)."""
    return _position_words().get(word)


@functools.cache
def _groups() -> dict[str, int]:
    out: dict[str, int] = {}
    for i, group in enumerate(load("synonyms")["groups"]):
        for member in group:
            out[core(member)] = i
            out[normalize(member)] = i
    return out


@functools.lru_cache(maxsize=65536)
def synonym_group(name: str) -> int | None:
    """The synonym group of a name, matched on its core or full normalised form."""
    groups = _groups()
    hit = groups.get(core(name))
    return hit if hit is not None else groups.get(normalize(name))


def same_name(a: Mention, b: Mention) -> bool:
    """Whether two mentions give one name: a core name or a synonym group in common."""
    names_a, names_b = (a.name, *a.alt_names), (b.name, *b.alt_names)
    if {core(x) for x in names_a} & {core(y) for y in names_b}:
        return True
    groups = {synonym_group(x) for x in names_a} - {None}
    return bool(groups & ({synonym_group(y) for y in names_b} - {None}))


@functools.cache
def modifiers() -> frozenset[str]:
    return frozenset(load("synonyms")["modifiers"])


@functools.lru_cache(maxsize=65536)
def distinguishing_modifiers(a: str, b: str) -> frozenset[str]:
    """Modifiers that one name adds to the other ("seated" in "Seated Piriformis Stretch").

    Only when one name's words contain the other's: names built on different words are
    compared by their instructions instead.

    >>> sorted(distinguishing_modifiers("Piriformis Stretch", "Seated Piriformis Stretch"))
    ['seated']
    >>> sorted(distinguishing_modifiers("Knee Rotation", "Lower Back Rotational Stretch"))
    []
    """
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return frozenset()
    if wa <= wb:
        extra = wb - wa
    elif wb <= wa:
        extra = wa - wb
    else:
        return frozenset()
    return frozenset(w for w in extra if w in modifiers() or w == "plus")
