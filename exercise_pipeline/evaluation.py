"""Evaluation against golden files: extraction by mention, names, fields; merges by pair.

The golden files (``tests/cases/*.json``) are written by reading the articles. A golden mention
is found when an extracted mention's text opens with the golden opening words; extraction
precision is the share of extracted mentions that are golden, recall the share of golden ones
found. Merging is scored on pairs of mentions (precision, recall, F1), leaving out pairs the
gold calls ambiguous, for the pipeline and for two name-only baselines: OpenRefine-style key
collision (fingerprint) and rapidfuzz token_set_ratio >= 80 on names.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from exercise_pipeline.extract.features import label_of
from exercise_pipeline.models import Extraction, Fields, Mention, Range
from exercise_pipeline.sentences import sentences


def fold(text: str) -> str:
    """Text compared loosely, as the labeller's scorer does: case, quotes, dashes and
    punctuation folded.

    >>> fold("Knee–to–Chest: “Hold” 20s!")
    'knee-to-chest "hold" 20s'
    """
    s = unicodedata.normalize("NFKC", text).lower()
    s = re.sub(r"[\u2018\u2019\u02bc`´]", "'", s)
    s = re.sub(r"[\u201c\u201d]", '"', s)
    s = re.sub(r"[\u2010-\u2015]", "-", s)
    s = re.sub(r"[^a-z0-9'\"/&()-]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def gold_of(mentions: Sequence[Mention], gold: Mapping[str, Any]) -> dict[str, str]:
    """Mention key -> the labelled mention it is (same source, holds its first phrase), for
    mentions that match exactly one (the scorer's rule)."""
    by_source: dict[str, list[tuple[str, str]]] = {}
    for g in gold.get("mentions", []):
        if g.get("keep"):
            by_source.setdefault(g["source"], []).append((g["id"], fold(g["keep"][0])))
    out: dict[str, str] = {}
    for m in mentions:
        said = fold(
            " ".join([m.name, *m.steps, *m.description, *m.tips, *(e.text for e in m.evidence)])
        )
        hits = [gid for gid, phrase in by_source.get(m.source_id, []) if phrase in said]
        if len(hits) == 1:
            out[m.key] = hits[0]
    return out


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(str.maketrans("‘’“”", "''\"\""))
    return re.sub(r"\s+", " ", text).strip().lower()


def mention_texts(m: Mention) -> list[str]:
    return [*m.steps, *m.description, *m.tips]


def body_text(m: Mention, extraction: Extraction) -> str:
    """The text of a mention's blocks as the article has it (repaired), in order."""
    blocks = {b.index: b.text for b in extraction.cleaned.blocks}
    return " ".join(blocks[i] for i in m.blocks if i in blocks)


def opens_with(m: Mention, opening: str, extraction: Extraction) -> bool:
    """The golden opening words are in this mention's own text."""
    return _norm(opening) in _norm(body_text(m, extraction))


def kept_text(extraction: Extraction) -> str:
    """Everything the pipeline kept of an article (mentions and sections), repaired."""
    return "\n".join(b.text for b in extraction.cleaned.blocks)


def _field_value(fields: Fields, name: str) -> object:
    if name == "frequency_per_day":
        f = fields.frequency
        return [f.per_day.low, f.per_day.high] if f and f.per_day else None
    value = getattr(fields, name)
    if isinstance(value, Range):
        return [value.low, value.high]
    if isinstance(value, tuple):
        return sorted(value)
    return value


@dataclass(slots=True)
class ExtractionScore:
    """Counts for one or more articles; problems say what went wrong, case by case."""

    expected: int = 0
    extracted: int = 0
    matched: int = 0
    names_right: int = 0
    fields_checked: int = 0
    fields_right: int = 0
    sentences_checked: int = 0
    sentences_lost: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def names(self) -> float:
        return self.names_right / self.matched if self.matched else 1.0

    @property
    def fields(self) -> float:
        return self.fields_right / self.fields_checked if self.fields_checked else 1.0

    def add(self, other: ExtractionScore) -> None:
        for name in ("expected", "extracted", "matched", "names_right", "fields_checked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.fields_right += other.fields_right
        self.sentences_checked += other.sentences_checked
        self.sentences_lost += other.sentences_lost
        self.problems.extend(other.problems)


def score_extraction(case: Mapping[str, Any], extraction: Extraction) -> ExtractionScore:
    """Compare one article's extraction with its golden case."""
    source = extraction.cleaned.document.source_id
    score = ExtractionScore(expected=len(case["mentions"]), extracted=len(extraction.mentions))
    unused = list(extraction.mentions)
    for gold in case["mentions"]:
        hit = next((m for m in unused if opens_with(m, gold["opening"], extraction)), None)
        if hit is None:
            score.problems.append(f"{source}: missing {gold['name']!r} ({gold['opening'][:40]}...)")
            continue
        unused.remove(hit)
        score.matched += 1
        want_name = gold["name"] or ""
        if _norm(hit.name) == _norm(want_name):
            score.names_right += 1
        else:
            score.problems.append(f"{source}: name {hit.name!r}, expected {want_name!r}")
        if gold.get("first_step") and not (
            hit.steps and _norm(hit.steps[0]).startswith(_norm(gold["first_step"]))
        ):
            first = hit.steps[0][:50] if hit.steps else None
            score.problems.append(f"{source}: {want_name!r} first step {first!r}")
        for flag in gold.get("flags", []):
            if flag not in hit.flags:
                score.problems.append(f"{source}: {want_name!r} lacks flag {flag}")
        for name, want in gold.get("fields", {}).items():
            score.fields_checked += 1
            got = _field_value(hit.fields, name)
            unordered = name in ("equipment", "target_areas") and isinstance(want, list)
            if got == (sorted(want) if unordered else want):
                score.fields_right += 1
            else:
                score.problems.append(f"{source}: {want_name!r} {name}={got!r}, want {want!r}")
    for m in unused:
        first = (mention_texts(m) or [""])[0][:40]
        score.problems.append(f"{source}: extra mention {m.name!r} ({first})")
    kept = _norm(kept_text(extraction))
    names = [_norm(m.name) for m in extraction.mentions]
    for heading in case.get("not_exercises", []):
        if any(n and n.startswith(_norm(heading)) for n in names):
            score.problems.append(f"{source}: {heading!r} extracted as an exercise")
    for phrase in case.get("must_drop", []):
        if _norm(phrase) in kept:
            score.problems.append(f"{source}: kept {phrase!r}, which must go")
    for phrase in case.get("must_keep", []):
        if _norm(phrase) not in kept:
            score.problems.append(f"{source}: lost {phrase!r}, which must stay")
    checked, lost = sentences_kept(extraction)
    score.sentences_checked += checked
    score.sentences_lost += len(lost)
    score.problems.extend(f"{source}: sentence lost from its mention: {s[:60]!r}" for s in lost)
    return score


def sentences_kept(extraction: Extraction) -> tuple[int, list[str]]:
    """Every sentence of a mention's blocks is in that mention (and in no other)."""
    blocks = {b.index: b for b in extraction.cleaned.blocks}
    checked = 0
    lost: list[str] = []
    for m in extraction.mentions:
        own = _norm(" ".join([*mention_texts(m), m.name, m.heading or ""]))
        for index in m.blocks:
            for sentence in sentences(blocks[index].text):
                checked += 1
                s = _core_of_sentence(sentence, m.name)
                if s and s not in own:
                    lost.append(sentence)
    return checked, lost


def _core_of_sentence(sentence: str, name: str) -> str:
    """A sentence without what extraction legitimately strips: "Step 2:", a "Tips:" label,
    the "Name:" of a "Name: instructions" item, a list separator at the end."""
    s = re.sub(r"^\s*step\s*\d+\s*:\s*", "", sentence, flags=re.I)
    label = label_of(s)
    if label:
        s = s[label[2] :]
    if name and s.lower().startswith(name.lower() + ":"):
        s = s[len(name) + 1 :]
    s = re.sub(r"(?:[;,]\s*(?:and)?|\s+and)\s*$", "", s.strip())
    return _norm(s).rstrip(".;, ")


# --- merging -------------------------------------------------------------------------------

Pair = frozenset[str]


@dataclass(frozen=True, slots=True)
class PairwiseScore:
    """Pairwise merge quality: true/false positives and negatives over scored pairs."""

    tp: int
    fp: int
    fn: int
    false_merges: tuple[tuple[str, str], ...] = ()
    missed: tuple[tuple[str, str], ...] = ()

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pairs_of(clusters: Iterable[Sequence[str]]) -> set[Pair]:
    return {frozenset(p) for c in clusters for p in itertools.combinations(sorted(c), 2)}


def score_clusters(
    gold: Mapping[str, Any], clusters: Iterable[Sequence[str]], keys: Iterable[str]
) -> PairwiseScore:
    """Pairwise precision and recall of predicted clusters over the golden mentions."""
    universe = set(keys)
    gold_same = {p for p in pairs_of(gold["same"]) if p <= universe}
    ambiguous = {frozenset(a["pair"]) for a in gold.get("ambiguous", [])}
    predicted = {p for p in pairs_of(clusters) if p <= universe} - ambiguous
    gold_same -= ambiguous
    tp = predicted & gold_same
    fp = predicted - gold_same
    fn = gold_same - predicted
    return PairwiseScore(
        len(tp),
        len(fp),
        len(fn),
        tuple(sorted(tuple(sorted(p)) for p in fp)),  # type: ignore[misc]
        tuple(sorted(tuple(sorted(p)) for p in fn)),  # type: ignore[misc]
    )


def fingerprint(name: str) -> str:
    """OpenRefine's fingerprint key: lower case, no punctuation, unique sorted tokens."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    tokens = re.sub(r"[^\w\s]", "", text.replace("-", " ")).split()
    return " ".join(sorted(set(tokens)))


def _components(keys: Sequence[str], linked: set[tuple[int, int]]) -> list[list[str]]:
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in linked:
        parent[find(i)] = find(j)
    groups: dict[int, list[str]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(find(i), []).append(k)
    return list(groups.values())


def key_collision_clusters(mentions: Sequence[Mention]) -> list[list[str]]:
    keys = [m.key for m in mentions]
    prints = [fingerprint(m.name) for m in mentions]
    pairs = itertools.combinations(range(len(keys)), 2)
    linked = {(i, j) for i, j in pairs if prints[i] == prints[j]}
    return _components(keys, linked)


def token_set_clusters(mentions: Sequence[Mention], threshold: float = 80) -> list[list[str]]:
    keys = [m.key for m in mentions]
    names = [m.name.lower() for m in mentions]
    linked = {
        (i, j)
        for i, j in itertools.combinations(range(len(keys)), 2)
        if fuzz.token_set_ratio(names[i], names[j]) >= threshold
    }
    return _components(keys, linked)
