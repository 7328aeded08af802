"""The learned role of each candidate block: an exercise's name, a reference, a title, other.

Rules see one heading at a time; a model sees what they all say at once. Every candidate
group (a heading, a bold line, a lead-in item and the blocks under it) is described by
features: each piece of rule evidence with its weight (the vocabularies and patterns of
``features.py`` and ``segment.py``), the block's shape, what its body holds, and the document
structure around it (the run of sibling candidates of one shape it belongs to, and whether
the same name is described more fully elsewhere). A multinomial logistic regression trained
on labelled articles (``exercise_pipeline.extract.train``) maps them to a role:

- ``exercise``: the group is an exercise mention;
- ``reference``: it names an exercise described elsewhere (contents, plan, comparison table);
- ``title``: a list or section title, a question, a label;
- ``other``: anything else (a benefit, a symptom, a product, a setting).

The model ships as ``exercise_pipeline/data/roles.json`` (feature names, scaling,
coefficients); using it needs no learning library, only a dot product per role.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from exercise_pipeline.models import Block, BlockKind

ROLES = ("exercise", "reference", "title", "other")
MODEL_FILE = "roles.json"

Features = dict[str, float]

_COUNT = re.compile(r"^\d+\s+")


@dataclass(frozen=True, slots=True)
class RoleModel:
    """A fitted linear model over named features; ``role`` is its most probable class."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    classes: tuple[str, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]

    def scores(self, x: Mapping[str, float]) -> dict[str, float]:
        """Class probabilities (softmax of the linear scores)."""
        z = [
            (x.get(f, 0.0) - m) / s
            for f, m, s in zip(self.features, self.mean, self.scale, strict=True)
        ]
        raw = [
            b + sum(w * v for w, v in zip(ws, z, strict=True))
            for ws, b in zip(self.coef, self.intercept, strict=True)
        ]
        top = max(raw)
        exp = [math.exp(r - top) for r in raw]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp, strict=True)}

    def role(self, x: Mapping[str, float]) -> str:
        scores = self.scores(x)
        return max(self.classes, key=lambda c: (scores[c], -self.classes.index(c)))

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "features": list(self.features),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "coef": [list(row) for row in self.coef],
            "intercept": list(self.intercept),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RoleModel:
        return cls(
            features=tuple(data["features"]),
            mean=tuple(float(v) for v in data["mean"]),
            scale=tuple(float(v) for v in data["scale"]),
            classes=tuple(data["classes"]),
            coef=tuple(tuple(float(v) for v in row) for row in data["coef"]),
            intercept=tuple(float(v) for v in data["intercept"]),
        )


@functools.cache
def shipped() -> RoleModel:
    """The model trained on the labelled articles, shipped with the package."""
    text = (
        resources.files("exercise_pipeline.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    )
    return RoleModel.from_json(json.loads(text))


def dump(model: RoleModel) -> str:
    """The model file's text: rounded, sorted and stable, so that training is reproducible."""
    data = model.to_json()
    data["mean"] = [round(v, 6) for v in data["mean"]]
    data["scale"] = [round(v, 6) for v in data["scale"]]
    data["coef"] = [[round(v, 6) for v in row] for row in data["coef"]]
    data["intercept"] = [round(v, 6) for v in data["intercept"]]
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the features of one candidate group are read from (see ``segment.Group``)."""

    head: Block
    name: str
    slug: str
    named_item: bool
    body: tuple[Block, ...]
    evidence: tuple[tuple[str, float], ...]
    rule_score: float
    rule_exercise: bool
    run: int  # the series of siblings it is in (segment.sibling_runs)
    section: str = ""  # the heading the candidate is under ("Lifestyle Adjustments")


# A section title that announces exercises ("Recommended Exercises & Stretches").
EXERCISE_SECTION = re.compile(
    r"\b(?:exercises?|stretch(?:es|ing)?|moves|movements|poses|workouts?|routines?|drills|"
    r"asanas|flows?|circuits?|regimens?)\b",
    re.I,
)


def _evidence_name(part: str) -> str:
    return "rule:" + _COUNT.sub("", part).replace(" ", "_")


def features(candidates: Sequence[Candidate], *, threshold: float) -> list[Features]:
    """One feature dict per candidate, in order; the structure features need them all."""
    from exercise_pipeline.merge.names import core  # merge imports the extract package first

    by_run: dict[int, list[int]] = {}
    for i, c in enumerate(candidates):
        by_run.setdefault(c.run, []).append(i)
    runs = list(by_run.values())
    run_of = {i: run for run in runs for i in run}
    share = {
        id(run): (
            sum(candidates[k].rule_exercise for k in run) / len(run),
            sum(bool(candidates[k].body) for k in run) / len(run),
            sum(_known(candidates[k]) for k in run) / len(run),
        )
        for run in runs
    }
    fullest: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for c in candidates:
        seen[core(c.name)] += 1  # "Knee-to-Chest" is "Knee-to-Chest Stretch" again
        fullest[core(c.name)] = max(fullest[core(c.name)], _said(c))
    out: list[Features] = []
    n = max(len(candidates), 1)
    for i, c in enumerate(candidates):
        x: Features = {}
        for part, weight in c.evidence:
            name = _evidence_name(part)
            x[name] = x.get(name, 0.0) + weight
        x["rule_score"] = c.rule_score - threshold
        x["rule_exercise"] = float(c.rule_exercise)
        x[f"kind:{c.head.kind.value}"] = 1.0
        x["bold"] = float(c.head.bold or bool(c.head.lead))
        x["level"] = c.head.level / 6 if c.head.kind is BlockKind.HEADING else 0.0
        x["numbered"] = float(c.head.number is not None)
        x["named_item"] = float(c.named_item)
        x["has_body"] = float(bool(c.body) or c.named_item)
        x["body_blocks"] = math.log1p(len(c.body))
        steps = sum(1 for b in c.body if b.kind is BlockKind.STEP or b.number is not None)
        x["body_steps"] = math.log1p(steps)
        words = _said(c)
        x["body_words"] = math.log1p(words)
        x["name_words"] = len(c.name.split()) / 10
        x["name_colon"] = float(":" in c.name)
        x["name_digits"] = float(any(ch.isdigit() for ch in c.name))
        run = run_of[i]
        x["run_length"] = math.log1p(len(run))
        x["run_rule_share"], x["run_body_share"], x["run_known_share"] = share[id(run)]
        if c.section:  # what the section the candidate is in is about
            exercises = bool(EXERCISE_SECTION.search(c.section))
            x["section_of_exercises"] = float(exercises)
            x["section_of_other"] = float(not exercises)
        again = core(c.name)
        x["repeated_name"] = float(seen[again] > 1)
        # described in full elsewhere: more than twice its words, and more than a plan line
        full = fullest[again] > max(2 * max(words, 1), _FULL_WORDS)
        x["fuller_elsewhere"] = float(seen[again] > 1 and full)
        x["position"] = i / n
        out.append(x)
    return out


def _known(c: Candidate) -> bool:
    """The candidate's name is one the vocabularies know ("Bird-Dog", "Glute Bridges")."""
    return any(part == "known name" for part, _ in c.evidence)


_FULL_WORDS = 20  # a description longer than a plan's line or a contents entry


def _said(c: Candidate) -> int:
    words = sum(len(b.text.split()) for b in c.body)
    if c.named_item:
        words += max(len(c.head.text.split()) - len(c.name.split()), 0)
    return words
