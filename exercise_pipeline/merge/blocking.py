"""Blocking: which mention pairs are worth scoring, so that pairs grow about linearly.

Each mention gets keys: the content words of its name, its synonym group, and its three most
distinctive instruction words (by TF-IDF weight). Mentions sharing a key are candidates. A key
shared by more than ``max_block`` mentions is too common to pair all-against-all: inside such a
block each mention meets only its ``window`` neighbours in name order (sorted neighbourhood),
which keeps the pair count linear in the number of mentions.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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


WORDS_PATH = Path(__file__).resolve().parent.parent / "data" / "word_weights.json"


@dataclass(frozen=True, slots=True)
class WordWeights:
    """How telling an instruction word is: its inverse document frequency among the mentions
    of the labelled articles (``make train`` counts them), not among this build's, so that a
    mention's vector, and a pair's similarity, depend on nothing else in the build (a new
    article changes no other pair's score). A word the labelled articles never use weighs
    most; "lie", "knee", "back" weigh little, as this domain uses them everywhere."""

    documents: int
    frequency: Mapping[str, int]

    def idf(self, term: str) -> float:
        return math.log((1 + self.documents) / (1 + self.frequency.get(term, 0))) + 1.0

    @classmethod
    def count(cls, docs: Sequence[Sequence[str]]) -> WordWeights:
        counted = [set(d) for d in docs if d]
        frequency: Counter[str] = Counter()
        for doc in counted:
            frequency.update(doc)
        return cls(len(counted), dict(sorted(frequency.items())))

    def dump(self) -> str:
        data = {"documents": self.documents, "frequency": dict(sorted(self.frequency.items()))}
        return json.dumps(data, indent=0, ensure_ascii=False) + "\n"


@functools.cache
def shipped_words() -> WordWeights:
    """The word weights ``make train`` wrote (every word weighs alike without them)."""
    if not WORDS_PATH.is_file():
        return WordWeights(0, {})
    data = json.loads(WORDS_PATH.read_text(encoding="utf-8"))
    return WordWeights(int(data["documents"]), dict(data["frequency"]))


def vector(doc: list[str], weights: WordWeights) -> dict[str, float]:
    """A mention's instruction words as an L2-normalised TF-IDF vector."""
    tf = Counter(doc)
    vec = {t: (1 + math.log(c)) * weights.idf(t) for t, c in tf.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


@dataclass(frozen=True, slots=True)
class TfIdf:
    """TF-IDF vectors of mentions' instruction words, L2-normalised, for cosine similarity
    (``vectors``, by the shipped word weights: a pair's own), and the words' weights by rarity
    in the build's corpus (``corpus``): which words of a mention are distinctive here, for
    blocking."""

    vectors: tuple[dict[str, float], ...]
    corpus: tuple[dict[str, float], ...]

    @classmethod
    def fit(cls, docs: Sequence[list[str]], weights: WordWeights | None = None) -> TfIdf:
        df: Counter[str] = Counter()
        for doc in docs:
            df.update(set(doc))
        n = len(docs)
        keys = []
        for doc in docs:
            tf = Counter(doc)
            vec = {
                t: (1 + math.log(c)) * math.log((1 + n) / (1 + df[t])) + 1e-9 for t, c in tf.items()
            }
            keys.append(vec)
        weights = weights or shipped_words()
        return cls(tuple(vector(doc, weights) for doc in docs), tuple(keys))

    def cosine(self, i: int, j: int) -> float:
        a, b = self.vectors[i], self.vectors[j]
        if len(a) > len(b):
            a, b = b, a
        return sum(v * b.get(t, 0.0) for t, v in a.items())

    def top_terms(self, i: int, k: int = 3) -> list[str]:
        vec = self.corpus[i]
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
