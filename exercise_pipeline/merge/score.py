"""Pair scoring: are two mentions the same exercise? Every score keeps its components.

Evidence for: name similarity by three rapidfuzz scorers (token set, token sort, and the ratio
of the core names), the same core name or a shared synonym group, instruction similarity
(TF-IDF cosine over content words) and agreement of fields (position, per side, equipment).
Evidence against: different body positions, a distinguishing modifier one name adds to the
other ("seated", "wall", "+ arm reach"), disjoint target areas. With the fitted weights a
build uses (``fitted``) the score is the logistic of the weighted sum minus the penalties plus
an intercept: the probability that the two mentions are one exercise; with hand weights (no
intercept) it is the weighted sum minus the penalties, clipped to [0, 1]. ``MergeSettings``
names the weights and the two thresholds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import msgpack
from rapidfuzz import fuzz

from exercise_pipeline.merge.blocking import TfIdf
from exercise_pipeline.merge.names import (
    content_words,
    core,
    distinguishing_modifiers,
    name_words,
    normalize,
    position_of_word,
    synonym_group,
)
from exercise_pipeline.models import Mention, PairScore, ScoreComponent

MERGE = "merge"
REVIEW = "review"
APART = "apart"


@dataclass(frozen=True, slots=True)
class MergeSettings:
    """Thresholds and weights of the merge stage.

    merge_at: a pair scoring at least this is merged automatically.
    review_at: a pair scoring at least this (and below merge_at) goes to the review queue.
    weights: weight of each evidence component (the hand weights sum to 1).
    position_penalty, modifier_penalty, target_penalty: subtracted for evidence against.
    intercept: None for today's hand weights (the score is the weighted sum, clipped); a
    number for weights fitted by logistic regression (``merge.fit``): the score is then
    the probability ``1 / (1 + exp(-(intercept + weighted sum)))``.
    max_block, window: blocking limits (see blocking.candidate_pairs).
    """

    merge_at: float = 0.5
    review_at: float = 0.38
    weights: tuple[tuple[str, float], ...] = (
        ("name_token_set", 0.10),
        ("name_token_sort", 0.05),
        ("name_core", 0.10),
        ("same_name_or_synonym", 0.30),
        ("instructions", 0.30),
        ("fields", 0.15),
    )
    position_penalty: float = 0.35
    modifier_penalty: float = 0.20
    target_penalty: float = 0.05
    intercept: float | None = None
    max_block: int = 50
    window: int = 8


WEIGHTS_FILE = "merge_weights.json"


@functools.cache
def fitted(path: Path | None = None) -> MergeSettings:
    """The settings with the weights fitted on labelled pairs (``merge.fit``, ``make train``),
    shipped as ``exercise_pipeline/data/merge_weights.json``: what a build uses, unless a team's own
    fit (``pipeline review learn``, ``path``) replaces them."""
    if path is None:
        text = (
            resources.files("exercise_pipeline.data")
            .joinpath(WEIGHTS_FILE)
            .read_text(encoding="utf-8")
        )
    else:
        text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    return MergeSettings(
        merge_at=float(data["merge_at"]),
        review_at=float(data["review_at"]),
        weights=tuple((k, float(w)) for k, w in data["weights"]),
        intercept=float(data["intercept"]),
        position_penalty=float(data["penalties"]["position_penalty"]),
        modifier_penalty=float(data["penalties"]["modifier_penalty"]),
        target_penalty=float(data["penalties"]["target_penalty"]),
    )


# Positions close enough that sources describe one exercise with either (kneeling on all fours).
_COMPATIBLE = {frozenset({"quadruped", "kneeling"}), frozenset({"prone", "quadruped"})}


def compatible_positions(a: str, b: str) -> bool:
    return a == b or frozenset({a, b}) in _COMPATIBLE


def _fields_agreement(a: Mention, b: Mention) -> tuple[float, list[str]]:
    """Share of comparable fields that agree, and which disagree."""
    agree = total = 0
    differ: list[str] = []
    fa, fb = a.fields, b.fields
    if fa.position and fb.position:
        total += 1
        if compatible_positions(fa.position, fb.position):
            agree += 1
        else:
            differ.append("position")
    if fa.per_side is not None and fb.per_side is not None:
        total += 1
        agree += fa.per_side == fb.per_side
    if fa.equipment and fb.equipment:
        total += 1
        if set(fa.equipment) & set(fb.equipment):
            agree += 1
        else:
            differ.append("equipment")
    if fa.category and fb.category:
        total += 1
        agree += fa.category == fb.category
    return (agree / total if total else 0.5), differ


def score_pair(
    i: int, j: int, mentions: list[Mention], tfidf: TfIdf, settings: MergeSettings
) -> PairScore:
    """The explained score of mentions ``i`` and ``j``."""
    a, b = mentions[i], mentions[j]
    # Each name a source gives (its heading and any alternative in parentheses) may match.
    pairs = [(x, y) for x in (a.name, *a.alt_names) for y in (b.name, *b.alt_names)]
    groups_a = {synonym_group(x) for x in (a.name, *a.alt_names)} - {None}
    groups_b = {synonym_group(y) for y in (b.name, *b.alt_names)} - {None}
    same_group = bool(groups_a & groups_b)
    same_core = any(core(x) == core(y) or name_words(x) == name_words(y) for x, y in pairs)
    mods = distinguishing_modifiers(a.name, b.name)
    # "Standing Calf Raise" and "Calf Raise" done standing: the names differ only in it
    only = content_words(a.name) ^ content_words(b.name) == mods
    if mods and only and all(_said(w, a, b) for w in mods):
        mods, same_core = frozenset(), True
    fields_value, differ = _fields_agreement(a, b)
    values = {
        "name_token_set": max(fuzz.token_set_ratio(normalize(x), normalize(y)) for x, y in pairs)
        / 100,
        "name_token_sort": max(fuzz.token_sort_ratio(normalize(x), normalize(y)) for x, y in pairs)
        / 100,
        "name_core": max(fuzz.ratio(core(x), core(y)) for x, y in pairs) / 100,
        "same_name_or_synonym": 1.0 if same_group or same_core else 0.0,
        "instructions": tfidf.cosine(i, j),
        "fields": fields_value,
    }
    components = [ScoreComponent(k, round(values[k], 4), w) for k, w in settings.weights]
    against: list[str] = []
    penalty = 0.0
    if "position" in differ:
        against.append(f"position differs: {a.fields.position} vs {b.fields.position}")
        penalty += settings.position_penalty
    if mods and not same_group:
        against.append("distinguishing modifier: " + ", ".join(sorted(mods)))
        penalty += settings.modifier_penalty
    ta, tb = set(a.fields.target_areas), set(b.fields.target_areas)
    if ta and tb and not ta & tb:
        against.append("target areas disjoint")
        penalty += settings.target_penalty
    if penalty:
        components.append(ScoreComponent("evidence_against", round(-penalty, 4), 1.0))
    total = sum(c.value * c.weight for c in components)
    if settings.intercept is not None:
        components.append(ScoreComponent("intercept", 1.0, settings.intercept))
        total = 1.0 / (1.0 + math.exp(-(total + settings.intercept)))
    score = round(min(1.0, max(0.0, total)), 4)
    outcome = (
        MERGE if score >= settings.merge_at else REVIEW if score >= settings.review_at else APART
    )
    return PairScore(a.key, b.key, score, tuple(components), tuple(against), outcome)


def _said(word: str, a: Mention, b: Mention) -> bool:
    """Whether a name's position word says what the other mention's text says of its
    position already: the two names then differ only in saying it ("Standing Calf Raises",
    and "Calf Raises" whose steps stand). Where the other says nothing of its position the
    word tells them apart ("Seated Piriformis Stretch", "Piriformis Stretch")."""
    position = position_of_word(word)
    if position is None:
        return False
    lacking = b if word in content_words(a.name) else a
    worded = a if lacking is b else b
    return lacking.fields.position == position and worded.fields.position in (None, position)


def mention_digest(m: Mention, tokens: Sequence[str]) -> str:
    """What ``score_pair`` reads of a mention (its key, names, compared fields, instruction
    words), as a digest: a pair's score is a function of its two digests and the settings."""
    f = m.fields
    seen = (m.key, m.name, m.alt_names, f.position, f.per_side, f.equipment, f.category,
            f.target_areas, tuple(tokens))  # fmt: skip
    return hashlib.sha256(repr(seen).encode()).hexdigest()


def pair_salt(settings: MergeSettings, salt: str) -> str:
    """What a pair's score depends on besides its mentions: the settings, and the store's
    ``salt`` (the code's fingerprint, which covers the word weights), so that any change
    makes new keys."""
    return hashlib.sha256(f"{settings!r}|{salt}".encode()).hexdigest()


def pair_key(a: str, b: str, salt: str) -> str:
    """The key a pair's score is kept under: both mentions' digests and ``pair_salt``."""
    return hashlib.blake2b(f"{a}|{b}|{salt}".encode(), digest_size=16).hexdigest()


def pack_score(p: PairScore) -> bytes:
    """What a rebuild needs of a pair's score: the score, the outcome, the evidence against
    (its components are computed again where a review item shows them)."""
    data: bytes = msgpack.packb([p.score, p.outcome, list(p.against)])
    return data


def unpack_score(data: bytes, a: str, b: str) -> PairScore | None:
    """A kept pair score, or None where the stored row cannot be read (scored again)."""
    try:
        score, outcome, against = msgpack.unpackb(data)
        return PairScore(a, b, float(score), (), tuple(map(str, against)), str(outcome))
    except (ValueError, TypeError, msgpack.UnpackException):
        return None
