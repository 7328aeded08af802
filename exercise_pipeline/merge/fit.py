"""Pair-score weights fitted on labelled pairs, and scored leave-one-source-out.

A labelled pair is two mentions that blocking pairs, with the label "same" when the gold
clusters (``../shared/eval/gold.json``) or a curator's ``same`` put them together and
"different" when they or a ``different`` keep them apart. Its features are the components of
its explained score (name similarities, same name or synonym, instructions, fields) and one
indicator per piece of evidence against (positions, a distinguishing modifier, disjoint
targets). A logistic regression (scikit-learn, the ``train`` extra) fits one weight per
feature; the fitted ``MergeSettings`` scores a pair as the probability that it is one
exercise, every component still shown with its weight.

``python -m exercise_pipeline.merge.fit --gold G --articles DIR...`` (``make train``, after the role
model) writes ``exercise_pipeline/data/merge_weights.json``, the weights every build uses.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from exercise_pipeline.decisions import load_decisions
from exercise_pipeline.evaluation import PairwiseScore, gold_of
from exercise_pipeline.merge import MergeSettings, merge
from exercise_pipeline.merge.blocking import (
    WORDS_PATH,
    TfIdf,
    WordWeights,
    candidate_pairs,
    instruction_tokens,
    shipped_words,
)
from exercise_pipeline.merge.score import score_pair
from exercise_pipeline.models import Decision, Mention, PairScore

COMPONENTS = (
    "name_token_set", "name_token_sort", "name_core", "same_name_or_synonym", "instructions",
    "fields",
)  # fmt: skip
AGAINST = (
    ("position_penalty", "position differs"),
    ("modifier_penalty", "distinguishing modifier"),
    ("target_penalty", "target areas disjoint"),
)


@dataclass(frozen=True, slots=True)
class LabelledPair:
    a: str
    b: str
    sources: frozenset[str]
    x: tuple[float, ...]
    same: bool


def features(pair: PairScore) -> tuple[float, ...]:
    values = {c.name: c.value for c in pair.components}
    flags = [float(any(r.startswith(p) for r in pair.against)) for _, p in AGAINST]
    return (*(values.get(k, 0.0) for k in COMPONENTS), *flags)


def decision_labels(decisions: Sequence[Decision]) -> dict[frozenset[str], bool]:
    """The pairs a curator's same/different decisions name, each with its label."""
    return {
        frozenset(pair): d.kind == "same"
        for d in decisions
        if d.kind in ("same", "different")
        for pair in itertools.combinations(d.mentions, 2)
    }


def labelled_pairs(
    mentions: Sequence[Mention],
    cluster_of: Mapping[str, str],
    decisions: Sequence[Decision] = (),
    settings: MergeSettings | None = None,
) -> list[LabelledPair]:
    """Blocked pairs of labelled mentions (``cluster_of``: key -> gold cluster), labelled."""
    settings = settings or MergeSettings()
    live = sorted((m for m in mentions if m.key in cluster_of), key=lambda m: m.key)
    tfidf = TfIdf.fit([instruction_tokens(m) for m in live])
    said = decision_labels(decisions)
    out = []
    for i, j in sorted(
        candidate_pairs(live, tfidf, max_block=settings.max_block, window=settings.window)
    ):
        p = score_pair(i, j, live, tfidf, settings)
        a, b = live[i], live[j]
        same = said.get(frozenset((a.key, b.key)), cluster_of[a.key] == cluster_of[b.key])
        out.append(
            LabelledPair(a.key, b.key, frozenset({a.source_id, b.source_id}), features(p), same)
        )
    return out


def fit(
    pairs: Sequence[LabelledPair], *, c: float = 1.0, base: MergeSettings | None = None
) -> MergeSettings:
    """Merge settings whose weights a logistic regression fitted on ``pairs``."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    base = base or MergeSettings()
    x = np.array([p.x for p in pairs], dtype=float)
    y = np.array([p.same for p in pairs], dtype=int)
    clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(x, y)
    coef = [round(float(v), 4) for v in clf.coef_[0]]
    weights = tuple(zip(COMPONENTS, coef[: len(COMPONENTS)], strict=True))
    # Fitted for the indicators: a penalty is its negative, and evidence against never helps.
    against = [min(c, 0.0) for c in coef[len(COMPONENTS) :]]
    return replace(
        base,
        merge_at=MERGE_AT,
        review_at=REVIEW_AT,
        weights=weights,
        intercept=round(float(clf.intercept_[0]), 4),
        position_penalty=-against[0],
        modifier_penalty=-against[1],
        target_penalty=-against[2],
    )


def held_out_pairs(
    mentions: Sequence[Mention],
    cluster_of: Mapping[str, str],
    settings_for: Mapping[str, MergeSettings],
    *,
    ambiguous: frozenset[frozenset[str]] = frozenset(),
) -> PairwiseScore:
    """Pairwise precision and recall, each source scored under the settings fitted without it:
    the pairs with a mention of source S count in S's fold."""
    tp = fp = fn = 0
    for source, settings in sorted(settings_for.items()):
        clusters = merge(mentions, settings=settings).clusters
        mine = [k for k in cluster_of if k.split("#")[0] == source]
        found = {k: n for n, ks in enumerate(clusters) for k in ks}
        for k in mine:
            for other in cluster_of:
                if other == k or frozenset((k, other)) in ambiguous or other not in found:
                    continue
                if other.split("#")[0] == source and other < k:
                    continue  # a pair inside the fold counts once
                same = cluster_of[k] == cluster_of[other]
                together = k in found and found[k] == found[other]
                tp += same and together
                fp += together and not same
                fn += same and not together
    return PairwiseScore(tp, fp, fn)


# On the probability scale of fitted weights: merged when more likely one exercise than two;
# worth a curator's look (and allowed inside one record) from a one-in-five chance.
MERGE_AT = 0.5
REVIEW_AT = 0.2
WEIGHTS_PATH = Path(__file__).resolve().parent.parent / "data" / "merge_weights.json"


def dump(settings: MergeSettings, pairs: Sequence[LabelledPair]) -> str:
    """The weights file: the fitted weights and how many labelled pairs they came from."""
    data = {
        "merge_at": MERGE_AT,
        "review_at": REVIEW_AT,
        "weights": [[k, w] for k, w in settings.weights],
        "intercept": settings.intercept,
        "penalties": {name: round(getattr(settings, name), 4) for name, _ in AGAINST},
        "pairs": len(pairs),
        "same": sum(p.same for p in pairs),
    }
    return json.dumps(data, indent=1) + "\n"


@dataclass(frozen=True)
class Labelled:
    """Labelled articles as a build extracts them: their mentions, each one's gold cluster,
    the pairs the labeller left ambiguous, and the blocked pairs with their labels."""

    mentions: tuple[Mention, ...]
    cluster_of: Mapping[str, str]
    ambiguous: frozenset[frozenset[str]]
    pairs: tuple[LabelledPair, ...]

    @property
    def sources(self) -> list[str]:
        return sorted({k.split("#")[0] for k in self.cluster_of})

    def held_out(self, settings_for: Mapping[str, MergeSettings]) -> PairwiseScore:
        return held_out_pairs(self.mentions, self.cluster_of, settings_for,
                              ambiguous=self.ambiguous)  # fmt: skip

    def leave_one_source_out(self) -> dict[str, MergeSettings]:
        """Weights fitted without each source in turn, for scoring that source."""
        return {s: fit([p for p in self.pairs if s not in p.sources]) for s in self.sources}


def labelled(
    gold_path: Path, folders: Sequence[Path], decisions: Sequence[Decision] = ()
) -> Labelled:
    """The labelled articles of ``gold_path`` found in ``folders``, extracted as a build
    extracts them; a curator's same/different decisions label the pairs they name."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    return labelled_from(gold, labelled_mentions(gold_path, folders), decisions)


def labelled_mentions(gold_path: Path, folders: Sequence[Path]) -> list[Mention]:
    """The mentions of the labelled articles of ``gold_path`` found in ``folders``."""
    from exercise_pipeline.extract.train import find_articles, read_document
    from exercise_pipeline.runner import Settings, process

    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    settings = Settings(merge=MergeSettings())  # extraction only: no weights read
    mentions: list[Mention] = []
    for path in find_articles(folders, gold.get("sources", [])).values():
        mentions.extend(process(read_document(path), settings).extraction.mentions)
    return mentions


def word_weights(mentions: Sequence[Mention]) -> WordWeights:
    """How often each instruction word occurs across the labelled articles' mentions: the
    word weights of every build's instruction similarity (``blocking.WordWeights``)."""
    return WordWeights.count([instruction_tokens(m) for m in mentions if m.name])


def labelled_from(
    gold: Mapping[str, Any], mentions: Sequence[Mention], decisions: Sequence[Decision] = ()
) -> Labelled:
    cluster = {g["id"]: g["cluster"] for g in gold["mentions"]}
    gid = gold_of(mentions, gold)
    cluster_of = {k: cluster[g] for k, g in gid.items()}
    members: dict[str, list[str]] = {}
    for g in gold["mentions"]:
        members.setdefault(g["cluster"], []).append(g["id"])
    amb = set()  # as the scorer reads them: a mention or a cluster on either side
    for a, b in gold.get("ambiguous", []):
        for x in [a] if a in cluster else members.get(a, []):
            for y in [b] if b in cluster else members.get(b, []):
                amb.add(frozenset((x, y)))
    ambiguous = frozenset(
        frozenset((k, j)) for k in gid for j in gid if frozenset((gid[k], gid[j])) in amb
    )
    pairs = labelled_pairs(mentions, cluster_of, decisions, MergeSettings())
    return Labelled(tuple(mentions), cluster_of, ambiguous, tuple(pairs))


def training_pairs(
    gold_path: Path, folders: Sequence[Path], decisions_path: Path | None
) -> list[LabelledPair]:
    """Labelled pairs of the labelled articles, extracted as a build extracts them."""
    decisions = (
        load_decisions(decisions_path) if decisions_path and decisions_path.is_file() else ()
    )
    return list(labelled(gold_path, folders, decisions).pairs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--articles", type=Path, nargs="+", required=True)
    parser.add_argument("--decisions", type=Path, default=Path("review/decisions.json"))
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--words", type=Path, default=WORDS_PATH)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # the word weights first: the pairs' instruction similarity reads them
    mentions = labelled_mentions(args.gold, args.articles)
    words = word_weights(mentions)
    args.words.write_text(words.dump(), encoding="utf-8")
    shipped_words.cache_clear()
    decisions = load_decisions(args.decisions) if args.decisions.is_file() else ()
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    pairs = list(labelled_from(gold, mentions, decisions).pairs)
    args.out.write_text(dump(fit(pairs), pairs), encoding="utf-8")
    log = logging.getLogger(__name__)
    log.info("%s: %d words of %d mentions", args.words, len(words.frequency), words.documents)
    log.info("%s: fitted on %d labelled pairs", args.out, len(pairs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
