"""Blocking: which mention pairs are worth scoring, so that pairs grow about linearly.

Each mention gets keys: the content words of its name, its synonym group, and its three most
distinctive instruction words (by TF-IDF weight). Mentions sharing a key are candidates. A key
shared by more than ``max_block`` mentions is too common to pair all-against-all: inside such a
block each mention meets only its ``window`` neighbours in name order (sorted neighbourhood),
which keeps the pair count linear in the number of mentions.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from exercise_pipeline.extract.features import singular
from exercise_pipeline.merge.names import content_words, normalize, synonym_group
from exercise_pipeline.models import Mention
from exercise_pipeline.vocab import words

_TOKEN = re.compile(r"[a-z]+")
STOP_WORDS = words("language", "instruction_stop_words")


DOSE_WORDS = words("language", "dose_words")


def _content(text: str) -> list[str]:
    return [singular(t) for t in _TOKEN.findall(text.lower()) if t not in STOP_WORDS and len(t) > 2]


def says_something(step: str) -> bool:
    """Whether a step tells the exercise apart, rather than only dosing or cueing it.

    >>> says_something("Hold for 20-30 seconds, then switch sides."), says_something("Breathe.")
    (False, False)
    >>> says_something("Pull one knee towards your chest.")
    True
    """
    return any(t not in DOSE_WORDS for t in _content(step))


def instruction_tokens(mention: Mention) -> list[str]:
    """Content words of a mention's instructions (its description when it has no steps).

    Dose-only and generic lines ("Hold for 20 seconds", "Breathe normally") add nothing: two
    different exercises of one routine share them word for word.
    """
    lines = [s for s in mention.steps if says_something(s)] or [
        s for s in mention.description if says_something(s)
    ]
    return [t for line in lines for t in _content(line)]


@dataclass(frozen=True, slots=True)
class TfIdf:
    """TF-IDF vectors of mentions' instruction words, L2-normalised, for cosine similarity."""

    vectors: tuple[dict[str, float], ...]

    @classmethod
    def fit(cls, docs: Sequence[list[str]]) -> TfIdf:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        n = len(docs)
        vectors = []
        for doc in docs:
            tf = Counter(doc)
            vec = {
                t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) + 1e-9 for t, c in tf.items()
            }
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            vectors.append({t: v / norm for t, v in vec.items()})
        return cls(tuple(vectors))

    def cosine(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(t, 0.0) for t, v in a.items())

    def top_terms(self, i: int, k: int = 3) -> list[str]:
        vec = self.vectors[i]
        return [t for t, _ in sorted(vec.items(), key=lambda kv: (-kv[1], kv[0]))[:k]]


def blocking_keys(mention: Mention, tfidf: TfIdf, index: int) -> set[str]:
    keys = {f"n:{w}" for w in content_words(mention.name) if len(w) > 2}
    group = synonym_group(mention.name)
    if group is not None:
        keys.add(f"s:{group}")
    keys.update(f"i:{t}" for t in tfidf.top_terms(index))
    return keys


def candidate_pairs(
    mentions: Sequence[Mention], tfidf: TfIdf, *, max_block: int = 50, window: int = 8
) -> set[tuple[int, int]]:
    """Index pairs ``(i, j)``, ``i < j``, of mentions that share a blocking key."""
    blocks: defaultdict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        for key in blocking_keys(m, tfidf, i):
            blocks[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for key in sorted(blocks):
        members = blocks[key]
        if len(members) <= max_block:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    pairs.add((min(i, j), max(i, j)))
            continue
        ordered = sorted(members, key=lambda k: (normalize(mentions[k].name), mentions[k].key))
        for x, i in enumerate(ordered):
            for j in ordered[x + 1 : x + 1 + window]:
                pairs.add((min(i, j), max(i, j)))
    return pairs
