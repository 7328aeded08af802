"""Merge stage: mentions from all sources -> one canonical Exercise per real exercise.

blocking (candidate pairs) -> score (explained pair scores) -> cluster (constrained, with the
curator's decisions as must- and cannot-links) -> survivorship (canonical record, conflicts)
-> ids (stable across rebuilds). Pairs between review_at and merge_at that stay apart, field
disagreements inside a cluster, and unnamed step lists form the review queue.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from exercise_pipeline.extract.features import is_dose_line, is_instruction
from exercise_pipeline.merge.blocking import TfIdf, candidate_pairs, instruction_tokens
from exercise_pipeline.merge.cluster import cluster
from exercise_pipeline.merge.ids import IdChange, IdRegistry, assign_ids
from exercise_pipeline.merge.names import core, normalize
from exercise_pipeline.merge.score import (
    MERGE,
    REVIEW,
    MergeSettings,
    fitted,
    mention_digest,
    pack_score,
    pair_key,
    pair_salt,
    score_pair,
    unpack_score,
)
from exercise_pipeline.merge.survive import (
    FIELD_NAMES,
    Preference,
    aliases,
    canonical_mention,
    canonical_name,
    merge_fields,
)
from exercise_pipeline.models import Conflict, Decision, Exercise, Mention, PairScore

Pair = frozenset[str]

__all__ = ["MERGE", "REVIEW", "IdRegistry", "MergeResult", "MergeSettings", "fitted", "merge"]

QUALITY_FLAGS = ("missing_step", "no_instructions", "truncated_text", "name_repaired")


@dataclass(frozen=True, slots=True)
class MergeResult:
    """Everything the merge stage decided, with the evidence for it.

    ``pairs`` holds every scored pair: the blocked candidates (the only ones that can enter
    the review queue) and those scored only to check that a record is complete.
    """

    exercises: tuple[Exercise, ...]
    conflicts: tuple[Conflict, ...]
    id_changes: tuple[IdChange, ...]
    registry: IdRegistry
    pairs: tuple[PairScore, ...] = ()
    candidate_pairs: int = 0
    kept_pairs: int = 0  # candidate pairs whose scores the store held (not scored again)
    stale: tuple[Decision, ...] = ()
    rejected: tuple[str, ...] = ()
    clusters: tuple[tuple[str, ...], ...] = field(default=())


def _decision_links(
    decisions: Sequence[Decision], index: dict[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], set[str], list[Decision]]:
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    rejected: set[str] = set()
    stale: list[Decision] = []
    for d in decisions:
        keys = [k for k in d.mentions if k in index]
        if len(keys) < len(d.mentions) or (d.source and d.source not in index):
            stale.append(d)
            continue
        if d.kind == "same":
            must.extend((index[keys[0]], index[k]) for k in keys[1:])
        elif d.kind == "different":
            cannot.extend((index[a], index[b]) for x, a in enumerate(keys) for b in keys[x + 1 :])
        elif d.kind == "reject":
            rejected.update(keys)
    return must, cannot, rejected, stale


def _one_name(a: Mention, b: Mention) -> bool:
    """Whether one article's two mentions give one name: one core, or one's name is the
    other's alternative ("Cat-Cow (Cat-Camel)" and "Cat-Camel")."""
    if core(a.name) == core(b.name):
        return True
    return core(a.name) in {core(n) for n in b.alt_names} or core(b.name) in {
        core(n) for n in a.alt_names
    }


_ROUTINE_WORDS = 20


def _routine_line(m: Mention) -> bool:
    """A mention that is one short line that instructs nothing, a plan's "Psoas Hold | 2-4
    reps | 30-60 s": it names an exercise and doses it, it does not describe a second one
    ("Sitting on Ball: Alternate raising each foot ..." does)."""
    said = (*m.steps, *m.description, *m.tips)
    short = len(said) <= 1 and sum(len(t.split()) for t in said) <= _ROUTINE_WORDS
    return short and all(is_dose_line(t) or not is_instruction(t) for t in said)


def _evidence_cannot(mentions: Sequence[Mention]) -> tuple[list[tuple[int, int]], set[Pair]]:
    """Pairs of one article that its author says are two exercises.

    An author who names two sections differently means two exercises ("Piriformis Stretch"
    and "Knee to Chest" share their steps' words, not their identity); one who repeats a name
    for two sections ("Sitting on Ball" twice) means two as well. Only names with one core
    ("Knee to Chest", "Knee to Chest Stretch"), or a name and its alternative, may describe
    one exercise twice; a name repeated in a plan's short lines is one exercise dosed twice.
    A shared synonym or a shared parenthesis does not: an author who gives "Child's Pose"
    and "Prayer Stretch" two sections, or writes "(Dynamic)" after three names, means two.
    Returns the pairs, and those of a repeated name (worth a curator's look when they score
    high).
    """
    by_source: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_source.setdefault(m.source_id, []).append(i)
    out: list[tuple[int, int]] = []
    repeats: set[Pair] = set()
    for group in by_source.values():
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                ma, mb = mentions[a], mentions[b]
                repeated = "same_name_in_source" in ma.flags and normalize(ma.name) == normalize(
                    mb.name
                )
                if repeated:
                    routine = (_routine_line(ma), _routine_line(mb))
                    if not all(routine):
                        repeats.add(frozenset((ma.key, mb.key)))  # a curator's look when close
                    if not any(routine):  # a plan naming it again ("Psoas Hold" on day 1 and
                        out.append((a, b))  # day 4) may merge; two sections stay two
                elif not _one_name(ma, mb):
                    out.append((a, b))
    return out, repeats


def _same_names(
    ids: Sequence[str],
    names: Sequence[str],
    members: Sequence[Sequence[Mention]],
    decided: set[frozenset[str]],
) -> list[Conflict]:
    """Two records under one canonical name (two exercises an article calls alike): a review
    item, until a curator renames one or says they are different; not when a merge item
    already asks about two of their mentions."""
    by_name: dict[str, list[int]] = {}
    for g, name in enumerate(names):
        by_name.setdefault(name.casefold(), []).append(g)
    out = []
    for groups in by_name.values():
        for a, b in itertools.combinations(sorted(groups, key=lambda g: ids[g]), 2):
            keys_a, keys_b = [m.key for m in members[a]], [m.key for m in members[b]]
            if any(frozenset((x, y)) in decided for x in keys_a for y in keys_b):
                continue
            out.append(
                Conflict(key=f"name:{ids[a]}|{ids[b]}", kind="name",
                         mentions=(min(keys_a), min(keys_b)), exercise_ids=(ids[a], ids[b]))
            )  # fmt: skip
    return out


def _first(item: tuple[tuple[int, int], PairScore]) -> tuple[int, int]:
    return item[0]


class PairStore(Protocol):
    """Where pair scores are kept between builds (``cache.SqliteCache``), packed."""

    salt: str

    def pair_scores(self, keys: Sequence[str]) -> dict[str, bytes]: ...

    def keep_pair_scores(self, new: Mapping[str, bytes], used: Collection[str]) -> None: ...


def _scores(
    pairs: list[tuple[int, int]],
    live: list[Mention],
    docs: list[list[str]],
    tfidf: TfIdf,
    settings: MergeSettings,
    store: PairStore | None,
) -> dict[tuple[int, int], PairScore]:
    """Each candidate pair's score: from the store where it holds it, else computed."""
    if store is None:
        return {(i, j): score_pair(i, j, live, tfidf, settings) for i, j in pairs}
    digests = [mention_digest(m, d) for m, d in zip(live, docs, strict=True)]
    salt = pair_salt(settings, store.salt)
    keys = {(i, j): pair_key(digests[i], digests[j], salt) for i, j in pairs}
    held = store.pair_scores(sorted(set(keys.values())))
    out: dict[tuple[int, int], PairScore] = {}
    new: dict[str, bytes] = {}
    for i, j in pairs:
        data = held.get(keys[i, j])
        if data is not None and (kept := unpack_score(data, live[i].key, live[j].key)):
            out[i, j] = kept
        else:
            out[i, j] = score_pair(i, j, live, tfidf, settings)
            new[keys[i, j]] = pack_score(out[i, j])
    store.keep_pair_scores(new, set(keys.values()))
    return out


def merge(
    mentions: Sequence[Mention],
    *,
    decisions: Sequence[Decision] = (),
    registry: IdRegistry | None = None,
    held_sources: frozenset[str] = frozenset(),
    settings: MergeSettings | None = None,
    store: PairStore | None = None,
) -> MergeResult:
    """Cluster mentions into exercises; see the module docstring for the steps.

    Without ``settings``, pairs are scored with the fitted weights (``score.fitted``). With a
    ``store``, the scores of pairs it holds are read from it, not computed again, and this
    build's are kept in it: a rebuild scores only the pairs of new or changed mentions.
    """
    settings = settings or fitted()
    registry = registry or IdRegistry()
    ordered = sorted(mentions, key=lambda m: m.key)
    index = {m.key: i for i, m in enumerate(ordered)}
    must, cannot, rejected, stale = _decision_links(decisions, index)
    renames = {
        k: d.name for d in decisions if d.kind == "rename" and d not in stale for k in d.mentions
    }
    live = [m for m in ordered if m.key not in rejected and (m.name or m.key in renames)]
    live = [m if m.name else _renamed(m, renames[m.key]) for m in live]
    unnamed = [m for m in ordered if not m.name and m.key not in rejected and m.key not in renames]
    idx = {m.key: i for i, m in enumerate(live)}
    remap = {i: idx[m.key] for i, m in enumerate(ordered) if m.key in idx}
    must = [(remap[a], remap[b]) for a, b in must if a in remap and b in remap]
    cannot = [(remap[a], remap[b]) for a, b in cannot if a in remap and b in remap]
    by_author, repeated = _evidence_cannot(live)
    cannot += by_author

    records = [registry.previous_id(m) for m in live]
    docs = [instruction_tokens(m) for m in live]
    tfidf = TfIdf.fit(docs)
    pairs = candidate_pairs(live, tfidf, max_block=settings.max_block, window=settings.window)
    cache = _scores(sorted(pairs), live, docs, tfidf, settings, store)
    extra: dict[tuple[int, int], PairScore] = {}  # pairs scored only to check a cluster

    def on_demand(i: int, j: int) -> float:
        key = (min(i, j), max(i, j))
        if key not in extra:
            extra[key] = score_pair(key[0], key[1], live, tfidf, settings)
        return extra[key].score

    position_conflicts = [
        p for p, s in cache.items() if any(a.startswith("position differs") for a in s.against)
    ]
    groups = cluster(
        len(live),
        {p: s.score for p, s in cache.items()},
        merge_at=settings.merge_at,
        review_at=settings.review_at,
        must=must,
        cannot=cannot + position_conflicts,
        score=on_demand,
        records=records,
    )
    members = [[live[i] for i in g] for g in groups]
    names = [canonical_name(ms) for ms in members]
    for g, ms in enumerate(members):
        for m in ms:
            if m.key in renames:
                names[g] = renames[m.key] or names[g]
    ids, changes, new_registry = assign_ids(members, names, registry, held=held_sources)
    cluster_of = {m.key: ids[g] for g, ms in enumerate(members) for m in ms}

    exercises = [
        _exercise(ids[g], names[g], ms, _preferences(decisions, ms, stale))
        for g, ms in enumerate(members)
    ]
    decided_pairs = {
        frozenset((a, b))
        for d in decisions
        if d.kind in ("same", "different") and d not in stale
        for x, a in enumerate(d.mentions)
        for b in d.mentions[x + 1 :]
    }
    queue: list[Conflict] = []
    record_of = {m.key: r for m, r in zip(live, records, strict=True)}
    held: dict[str, set[str]] = {}
    for m in live:
        if record_of[m.key] is not None:
            held.setdefault(cluster_of[m.key], set()).add(record_of[m.key])  # type: ignore[arg-type]

    kept_apart = {frozenset((live[a].key, live[b].key)) for a, b in cannot + position_conflicts}

    def links_records(p: PairScore) -> bool:
        """A strong pair kept apart only because each side is an already published record."""
        ra, rb = held.get(cluster_of[p.a], set()), held.get(cluster_of[p.b], set())
        linking = p.outcome == MERGE and bool(ra) and bool(rb) and ra != rb
        return linking and frozenset((p.a, p.b)) not in kept_apart

    # Pairs are (i, j) with i < j over mentions sorted by key: in order of (p.a, p.b).
    for (i, j), p in sorted(cache.items()):
        undecided = frozenset((p.a, p.b)) not in decided_pairs
        apart = cluster_of[p.a] != cluster_of[p.b]
        # One name twice in an article ("Sitting on Ball"): its author means two exercises,
        # but when they score as one, a curator should look.
        twice = p.outcome == MERGE and frozenset((p.a, p.b)) in repeated
        if (p.outcome == REVIEW or links_records(p) or twice) and apart and undecided:
            if not p.components:  # kept from an earlier build: its explanation again
                p = score_pair(i, j, live, tfidf, settings)
            queue.append(
                Conflict(
                    key=f"merge:{p.a}|{p.b}",
                    kind="merge",
                    mentions=(p.a, p.b),
                    exercise_ids=(cluster_of[p.a], cluster_of[p.b]),
                    pair=p,
                )
            )
    for ex in exercises:
        queue.extend(c for c in ex.conflicts if c.rule != "curator")
    queued = {frozenset(c.mentions) for c in queue if c.kind == "merge"}
    queue.extend(_same_names(ids, names, members, decided_pairs | queued))
    queue.extend(
        Conflict(key=f"unnamed:{m.key}", kind="unnamed", mentions=(m.key,)) for m in unnamed
    )
    return MergeResult(
        exercises=tuple(sorted(exercises, key=lambda e: e.id)),
        conflicts=tuple(sorted(queue, key=lambda c: c.key)),
        id_changes=tuple(changes),
        registry=new_registry,
        pairs=tuple(p for _, p in sorted([*cache.items(), *extra.items()], key=_first)),
        candidate_pairs=len(pairs),
        kept_pairs=sum(not s.components for s in cache.values()),
        stale=tuple(stale),
        rejected=tuple(sorted(rejected)),
        clusters=tuple(tuple(m.key for m in ms) for ms in members),
    )


def _renamed(m: Mention, name: str | None) -> Mention:
    return replace(m, name=name or m.name, flags=tuple(f for f in m.flags if f != "unnamed"))


def _preferences(
    decisions: Sequence[Decision], members: Sequence[Mention], stale: Sequence[Decision]
) -> list[Preference]:
    keys = {m.key for m in members}
    prefs = []
    for d in decisions:
        if d.kind != "prefer" or d in stale or not keys & set(d.mentions):
            continue
        prefs.append(Preference(field=d.field or "*", value=d.value, mention=d.source))
    return prefs


def _exercise(
    exercise_id: str, name: str, members: Sequence[Mention], prefs: Sequence[Preference]
) -> Exercise:
    canonical = canonical_mention(members)
    by_key = {m.key: m for m in members}
    explicit = [p for p in prefs if p.field not in ("*", "steps")]
    decided = {p.field for p in explicit}
    derived: list[Preference] = []
    for p in prefs:
        if p.field in ("*", "steps") and p.mention in by_key:
            canonical = by_key[p.mention]  # the curator's preferred version of the text
        if p.field == "*" and p.mention in by_key:  # and of every field it gives, unless a
            fields_given = by_key[p.mention].fields  # decision about that field says otherwise
            derived += [
                Preference(field=f, mention=p.mention)
                for f in FIELD_NAMES
                if f not in decided and getattr(fields_given, f) not in (None, ())
            ]
    field_prefs = derived + explicit
    fields, conflicts = merge_fields(exercise_id, members, canonical, field_prefs)
    return Exercise(
        id=exercise_id,
        name=name,
        aliases=aliases(members, name),
        steps=canonical.steps,
        fields=fields,
        mentions=tuple(sorted(members, key=lambda m: m.key)),
        conflicts=conflicts,
        description=canonical.description,
        tips=canonical.tips,
        flags=tuple(f for f in canonical.flags if f in QUALITY_FLAGS),
        variations=canonical.variations,
    )
