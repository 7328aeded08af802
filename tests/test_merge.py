"""Merge stage: normalisation, explained scores, constrained clusters, survivorship, ids."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise_pipeline.cache import SqliteCache
from exercise_pipeline.evaluation import key_collision_clusters, score_clusters, token_set_clusters
from exercise_pipeline.merge import IdRegistry, MergeResult, MergeSettings, fitted, merge
from exercise_pipeline.merge.blocking import TfIdf, candidate_pairs, instruction_tokens
from exercise_pipeline.merge.names import core, name_words, normalize
from exercise_pipeline.models import Decision, Fields, Mention, Range
from exercise_pipeline.runner import SourceResult

from .conftest import CASES


def mention(key: str, name: str, steps: tuple[str, ...] = (), **fields: object) -> Mention:
    return Mention(
        source_id=key.split("#")[0], key=key, name=name, steps=steps, span=(0, 10), blocks=(0,),
        fields=Fields(**fields),  # type: ignore[arg-type]
    )  # fmt: skip


@given(st.text(alphabet="abcdefgh -/&'ST", max_size=30))
def test_normalising_twice_is_normalising_once(name: str) -> None:
    assert normalize(normalize(name)) == normalize(name)
    assert core(core(name)) == core(name)


STEPS = ("Lie on your back with your knees bent.", "Pull one knee to your chest and hold.")


def test_scores_are_symmetric_and_explained() -> None:
    a = mention("a#knee-to-chest", "Knee to Chest", STEPS, position="supine")
    b = mention("b#knee-to-chest-stretch", "Knee-to-Chest Stretch", STEPS, position="supine")
    ab, ba = merge([a, b]).pairs, merge([b, a]).pairs
    assert ab == ba
    (pair,) = ab
    names = [c.name for c in pair.components]
    assert {"name_token_set", "name_token_sort", "name_core", "instructions", "fields"} <= set(
        names
    )
    total = sum(c.value * c.weight for c in pair.components)  # the intercept is a component
    logistic = any(c.name == "intercept" for c in pair.components)
    expected = 1 / (1 + math.exp(-total)) if logistic else total
    assert pair.score == pytest.approx(min(1.0, max(0.0, expected)), abs=1e-3)
    assert pair.outcome == "merge"


def test_hand_weights_score_the_weighted_sum() -> None:
    a = mention("a#knee-to-chest", "Knee to Chest", STEPS, position="supine")
    b = mention("b#knee-to-chest-stretch", "Knee-to-Chest Stretch", STEPS, position="supine")
    (pair,) = merge([a, b], settings=MergeSettings()).pairs
    assert all(c.name != "intercept" for c in pair.components)
    assert pair.score == pytest.approx(sum(c.value * c.weight for c in pair.components), abs=1e-3)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Chest Stretch", "Chest Stretch + Arm Reach"),
        ("Piriformis Stretch", "Seated Piriformis Stretch"),
        ("Squats", "Wall Squats"),
        ("Lunges", "Lateral Lunges"),
    ],
)
def test_distinguishing_modifiers_are_evidence_against(a: str, b: str) -> None:
    steps = ("Stand tall and reach your arms wide.", "Hold for 20 seconds.")
    result = merge([mention("s1#x", a, steps), mention("s2#y", b, steps)])
    (pair,) = result.pairs
    assert any(reason.startswith("distinguishing modifier") for reason in pair.against)
    assert len(result.exercises) == 2


def test_different_positions_never_merge() -> None:
    a = mention("s1#hamstring-stretch", "Hamstring Stretch", STEPS, position="supine")
    b = mention("s2#hamstring-stretch", "Hamstring Stretch", STEPS, position="standing")
    result = merge([a, b])
    assert len(result.exercises) == 2
    assert "position differs" in result.pairs[0].against[0]


def test_curator_decisions_are_links() -> None:
    a = mention("s1#a", "Knee Rotation", ("Rock your knees from side to side.",))
    b = mention("s2#b", "Windscreen Wipers", ("Drop both knees to one side.",))
    c = mention("s3#c", "Knee to Chest", STEPS)
    d = mention("s4#c", "Knee to Chest", STEPS)
    same = Decision("same", (a.key, b.key))
    different = Decision("different", (c.key, d.key))
    result = merge([a, b, c, d], decisions=[same, different])
    assert sorted(result.clusters) == [("s1#a", "s2#b"), ("s3#c",), ("s4#c",)]
    stale = Decision("same", ("gone#x", a.key))
    assert merge([a, b], decisions=[stale]).stale == (stale,)


def test_field_disagreements_become_conflicts_with_the_chosen_value() -> None:
    ms = [
        mention("s1#k", "Knee to Chest", STEPS, hold_seconds=Range(5, 5)),
        mention("s2#k", "Knee to Chest", STEPS, hold_seconds=Range(5, 5)),
        mention("s3#k", "Knee to Chest", STEPS, hold_seconds=Range(20, 20)),
    ]
    (exercise,) = merge(ms).exercises
    (conflict,) = exercise.conflicts
    assert conflict.field == "hold_seconds"
    assert conflict.chosen == Range(5, 5) and conflict.rule == "majority"
    values = {v.value: v.mentions for v in conflict.values}
    assert values[Range(20, 20)] == ("s3#k",)
    prefer = Decision("prefer", ("s1#k",), field="hold_seconds", value=Range(20, 20))
    (chosen,) = merge(ms, decisions=[prefer]).exercises
    assert chosen.fields.hold_seconds == Range(20, 20)


def test_ids_survive_new_sources_and_renames_and_are_never_reused() -> None:
    first = merge([mention("s1#bridge", "Bridge", STEPS)])
    assert [e.id for e in first.exercises] == ["bridge"]
    more = [
        mention("s1#bridge", "Bridge", STEPS),
        mention("s2#glute-bridge", "Glute Bridge", STEPS),
        mention("s3#glute-bridge", "Glute Bridge", STEPS),
    ]
    second = merge(more, registry=first.registry)
    (exercise,) = second.exercises
    assert exercise.name == "Glute Bridge" and exercise.id == "bridge"
    # The exercise disappears; a new one with the same name gets a new id.
    gone = merge([mention("s9#x", "Plank", STEPS)], registry=second.registry)
    assert [c.reason for c in gone.id_changes] == ["removed"]
    back = merge([mention("s8#bridge", "Bridge", ("Squat down.",))], registry=gone.registry)
    assert back.exercises[0].id == "bridge-2"


def test_a_merge_of_two_published_exercises_maps_the_old_id() -> None:
    a = mention("s1#knee-hug", "Knee Hug", STEPS)
    b = mention("s2#knee-to-chest", "Knee to Chest", ("Bend your knee.",))
    apart = merge([a, b], decisions=[Decision("different", (a.key, b.key))])
    assert sorted(e.id for e in apart.exercises) == ["knee-hug", "knee-to-chest"]
    together = merge([a, b], decisions=[Decision("same", (a.key, b.key))], registry=apart.registry)
    (exercise,) = together.exercises
    (change,) = together.id_changes
    assert change.reason == "merged" and change.new == exercise.id
    assert {change.old, change.new} == {"knee-hug", "knee-to-chest"}


def gold() -> dict[str, object]:
    return json.loads((CASES / "clusters.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_gold_clusters_beat_name_only_baselines(
    corpus: dict[str, SourceResult], merged: MergeResult
) -> None:
    named = [m for r in corpus.values() for m in r.extraction.mentions if m.name]
    keys = [m.key for m in named]
    pipeline = score_clusters(gold(), merged.clusters, keys)
    fingerprint = score_clusters(gold(), key_collision_clusters(named), keys)
    token_set = score_clusters(gold(), token_set_clusters(named), keys)
    report = (
        f"pipeline P={pipeline.precision:.3f} R={pipeline.recall:.3f} F1={pipeline.f1:.3f}; "
        f"key collision P={fingerprint.precision:.3f} R={fingerprint.recall:.3f} "
        f"F1={fingerprint.f1:.3f}; token_set>=80 P={token_set.precision:.3f} "
        f"R={token_set.recall:.3f} F1={token_set.f1:.3f}"
    )
    print(report)
    assert pipeline.precision >= 0.98, (report, pipeline.false_merges)
    assert pipeline.f1 >= 0.93, (report, pipeline.missed)
    assert pipeline.f1 > fingerprint.f1 + 0.3 and pipeline.f1 > token_set.f1 + 0.2, report


def test_gold_apart_pairs_stay_apart(merged: MergeResult) -> None:
    cluster_of = {k: n for n, c in enumerate(merged.clusters) for k in c}
    for a, b in gold()["apart"]:  # type: ignore[attr-defined]
        assert cluster_of[a] != cluster_of[b], (a, b)


def test_every_disagreement_on_dose_position_or_equipment_is_a_conflict(
    merged: MergeResult,
) -> None:
    fields = (
        "hold_seconds",
        "hold_breaths",
        "duration_seconds",
        "repetitions",
        "sets",
        "frequency",
        "position",
        "equipment",
    )
    for exercise in merged.exercises:
        recorded = {c.field for c in exercise.conflicts}
        for name in fields:
            values = {getattr(m.fields, name) for m in exercise.mentions} - {None, ()}
            if len(values) > 1:
                assert name in recorded, (exercise.id, name, values)


def test_blocking_keeps_candidate_pairs_well_below_all_pairs(merged: MergeResult) -> None:
    n = sum(len(c) for c in merged.clusters)
    assert merged.candidate_pairs < n * (n - 1) / 2 / 4


def test_merge_is_deterministic_under_input_order(corpus: dict[str, SourceResult]) -> None:
    mentions = [m for r in corpus.values() for m in r.extraction.mentions]
    forward = merge(mentions)
    backward = merge(list(reversed(mentions)))
    assert forward.clusters == backward.clusters
    assert [dataclasses.astuple(e) for e in forward.exercises] == [
        dataclasses.astuple(e) for e in backward.exercises
    ]


def test_unnamed_mentions_wait_in_the_review_queue(merged: MergeResult) -> None:
    unnamed = [c for c in merged.conflicts if c.kind == "unnamed"]
    assert [c.mentions for c in unnamed] == [("001_f9fe001670b5d609#unnamed-1",)]
    assert all(m.name for e in merged.exercises for m in e.mentions)


def test_registry_is_empty_for_a_first_build() -> None:
    assert merge([]).registry == IdRegistry()


KNEE = ("Lie on your back with your knees bent.", "Pull your knee to your chest and hold.")


def test_differently_named_mentions_of_one_article_never_merge() -> None:
    # One article's "Piriformis Stretch" shares the words of its "Knee to Chest" steps; its
    # author named them apart, so they are two exercises, and a third source cannot glue them.
    same = {"position": "supine", "per_side": True, "category": "stretch"}
    a = mention("s1#knee-to-chest", "Knee to Chest", KNEE, **same)
    b = mention("s1#piriformis-stretch", "Piriformis Stretch", KNEE, **same)
    c = mention("s2#knee-to-chest-stretch", "Knee-to-Chest Stretch", KNEE, **same)
    result = merge([a, b, c])
    cluster_of = {k: n for n, ks in enumerate(result.clusters) for k in ks}
    assert cluster_of[a.key] == cluster_of[c.key]
    assert cluster_of[b.key] != cluster_of[a.key]


def test_one_core_name_twice_in_one_article_may_merge() -> None:
    a = mention("s1#knee-to-chest", "Knee to Chest", KNEE)
    b = mention("s1#knee-to-chest-stretch", "Knee to Chest Stretch", KNEE)
    assert merge([a, b]).clusters == ((a.key, b.key),)


def test_a_curator_can_join_two_names_of_one_article() -> None:
    a = mention("s1#cat", "Cat", ("Round your back up towards the ceiling.",))
    b = mention("s1#cow", "Cow", ("Let your belly drop towards the floor.",))
    assert len(merge([a, b]).clusters) == 2
    assert merge([a, b], decisions=[Decision("same", (a.key, b.key))]).clusters == ((a.key, b.key),)


def test_clusters_never_chain_through_a_middle_mention() -> None:
    # a~b share a name, b~c share the steps, a and c share neither: complete linkage keeps c out.
    other = ("Stand with your feet apart.", "Reach one arm overhead and lean.")
    a = mention("s1#side-bend", "Side Bend", other)
    b = mention("s2#side-bend", "Side Bend", KNEE)
    c = mention("s3#hug", "Knee Hug", KNEE)
    result = merge([a, b, c])
    scores = {frozenset((p.a, p.b)): p.score for p in result.pairs}
    for members in result.clusters:
        for x, k in enumerate(members):
            for other_key in members[x + 1 :]:
                assert scores.get(frozenset((k, other_key)), 0.0) >= fitted().review_at


NAMES = ["Bird Dog", "Bird-Dog", "Cat Cow", "Knee to Chest", "Piriformis Stretch", "Bridge"]
STEP_SETS = [KNEE, STEPS, ("Kneel on all fours.", "Extend one arm and the opposite leg.")]


@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(NAMES), st.integers(0, 2)),
        min_size=2,
        max_size=9,
    )
)
def test_every_record_has_all_its_pairs_at_review_at_or_above(
    picks: list[tuple[int, str, int]],
) -> None:
    ms = [
        mention(f"s{src}#{n}-{normalize(name).replace(' ', '-')}", name, STEP_SETS[steps])
        for n, (src, name, steps) in enumerate(picks)
    ]
    result = merge(ms)
    scores = {frozenset((p.a, p.b)): p.score for p in result.pairs}
    name = {m.key: m.name for m in ms}
    for members in result.clusters:
        for x, k in enumerate(members):
            for other_key in members[x + 1 :]:
                assert scores.get(frozenset((k, other_key)), 0.0) >= fitted().review_at, (
                    k,
                    other_key,
                )
                one_source = k.split("#")[0] == other_key.split("#")[0]
                assert not one_source or core(name[k]) == core(name[other_key])


def test_dose_lines_shared_word_for_word_add_nothing_to_instruction_similarity() -> None:
    from exercise_pipeline.merge.blocking import TfIdf, instruction_tokens

    dose = ("Hold for 20-30 seconds, then switch sides.", "Repeat 3 times on each side.")
    a = mention("s1#hamstring-stretch", "Hamstring Stretch", ("Lie down and raise one leg.", *dose))
    b = mention("s2#cobra", "Cobra", ("Lie face down and press your chest up.", *dose))
    only_dose = mention("s3#x", "X", dose)
    tfidf = TfIdf.fit([instruction_tokens(m) for m in (a, b, only_dose)])
    assert tfidf.cosine(0, 1) < 0.2
    assert instruction_tokens(only_dose) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [("Upper Trap Stretch", "Upper Trapezius Stretch"), ("Step-ups", "Step-up"),
     ("Toe taps", "Toe Taps"), ("Quad Stretch", "Quadriceps Stretch")],
)  # fmt: skip
def test_name_variants_have_one_core(a: str, b: str) -> None:
    assert core(a) == core(b)


def test_one_name_twice_in_an_article_stays_two_but_is_queued_when_they_score_as_one() -> None:
    a = mention("s1#sitting-on-ball", "Sitting on Ball", KNEE, position="seated")
    b = mention("s1#sitting-on-ball-2", "Sitting on Ball", KNEE, position="seated")
    a, b = (dataclasses.replace(m, flags=("same_name_in_source",)) for m in (a, b))
    result = merge([a, b])
    assert len(result.clusters) == 2
    assert [c.key for c in result.conflicts if c.kind == "merge"] == [f"merge:{a.key}|{b.key}"]


def test_synonyms_or_a_shared_parenthesis_do_not_make_one_articles_sections_one() -> None:
    # "Child's Pose" and "Prayer Stretch" are synonyms across articles, but an author who
    # gives each a section of its own means two; so does "(Dynamic)" after several names
    child = mention("s1#childs-pose", "Child's Pose", KNEE, position="kneeling")
    prayer = mention("s1#prayer-stretch", "Prayer Stretch", KNEE, position="kneeling")
    arms = dataclasses.replace(
        mention("s1#arm-circles", "Arm Circles", KNEE), alt_names=("Dynamic",)
    )
    neck = dataclasses.replace(
        mention("s1#neck-circles", "Neck Circles", KNEE), alt_names=("Dynamic",)
    )
    assert len(merge([child, prayer, arms, neck]).clusters) == 4
    other = mention("s2#childs-pose", "Child's Pose", KNEE, position="kneeling")
    alias = dataclasses.replace(mention("s1#cat-cow", "Cat-Cow", KNEE), alt_names=("Cat Camel",))
    camel = mention("s1#cat-camel", "Cat Camel", KNEE)
    merged = merge([child, other, alias, camel])
    assert sorted(len(c) for c in merged.clusters) == [2, 2]  # across articles; an alias


def test_a_plan_that_names_one_exercise_on_two_days_doses_one_exercise() -> None:
    a = mention("s1#psoas-hold", "Psoas Hold", ("2 - 4 reps, each side | 30 - 60 seconds",))
    b = mention("s1#psoas-hold-2", "Psoas Hold", ("3 reps, each side | 45 seconds",))
    a, b = (dataclasses.replace(m, flags=("same_name_in_source",)) for m in (a, b))
    assert [len(c) for c in merge([a, b]).clusters] == [2]
    # two instructed lines are two descriptions: the author's two sections stay two
    c, d = (
        dataclasses.replace(mention(f"s1#psoas-hold-{n}", "Psoas Hold", (step,)),
                            flags=("same_name_in_source",))
        for n, step in ((3, "Lie on your back and pull one knee up."),
                        (4, "Stand tall and lift one knee to hip height."))
    )  # fmt: skip
    assert sorted(len(k) for k in merge([c, d]).clusters) == [1, 1]


class _Counting:
    """A real SQLite pair store that counts how many asked-for scores it held."""

    def __init__(self, path: Path) -> None:
        self.cache = SqliteCache(path)
        self.salt = self.cache.salt
        self.asked = self.held = 0

    def pair_scores(self, keys: Sequence[str]) -> dict[str, bytes]:
        found = self.cache.pair_scores(keys)
        self.asked, self.held = len(keys), len(found)
        return found

    def keep_pair_scores(self, new: Mapping[str, bytes], used: Collection[str]) -> None:
        self.cache.keep_pair_scores(new, used)


def test_kept_pair_scores_give_the_same_merge_and_only_new_pairs_are_scored(
    corpus: dict[str, SourceResult], tmp_path: Path
) -> None:
    mentions = [m for r in corpus.values() for m in r.extraction.mentions]
    last = sorted(corpus)[-1]
    before = [m for m in mentions if m.source_id != last]
    store = _Counting(tmp_path / "cache.sqlite")
    fresh = merge(before)
    first = merge(before, store=store)
    assert first.exercises == fresh.exercises and first.conflicts == fresh.conflicts
    assert first.pairs == fresh.pairs
    assert store.held == 0 and store.asked > 0 and first.kept_pairs == 0
    again = merge(before, store=store)
    assert again.exercises == fresh.exercises and store.held == store.asked  # none scored
    assert again.kept_pairs == again.candidate_pairs == fresh.candidate_pairs
    assert any(c.kind == "merge" and c.pair for c in fresh.conflicts)
    assert again.conflicts == fresh.conflicts  # a review item's explanation computed again
    assert [(p.a, p.b, p.score, p.outcome, p.against) for p in again.pairs] == [
        (p.a, p.b, p.score, p.outcome, p.against) for p in fresh.pairs
    ]
    added = merge(mentions, store=store)
    assert added.exercises == merge(mentions).exercises
    # scored now: the candidate pairs the new article brings (its mentions' pairs, and a
    # pair of others its words made distinctive), none that was scored before
    brought = _candidates(mentions) - _candidates(before)
    assert store.asked - store.held == len(brought) > 0


def _candidates(mentions: list[Mention]) -> set[tuple[str, str]]:
    live = sorted((m for m in mentions if m.name), key=lambda m: m.key)
    tfidf = TfIdf.fit([instruction_tokens(m) for m in live])
    return {(live[i].key, live[j].key) for i, j in candidate_pairs(live, tfidf)}


def test_a_pairs_instruction_similarity_depends_on_the_pair_alone(
    corpus: dict[str, SourceResult],
) -> None:
    """Words weigh by their frequency in the labelled articles (the shipped word weights),
    not in the build's corpus: adding articles changes no pair's score, which is what lets a
    rebuild keep them."""
    mentions = [m for r in corpus.values() for m in r.extraction.mentions if m.steps][:12]
    docs = [instruction_tokens(m) for m in mentions]
    alone = TfIdf.fit(docs[:2]).cosine(0, 1)
    assert alone > 0 and TfIdf.fit(docs).cosine(0, 1) == alone


def test_names_in_another_word_order_or_form_are_one_name() -> None:
    stand = ("Stand tall beside a chair.", "Lift one foot and balance for 30 seconds.")
    a = mention("a#one-leg-stand", "One-Leg Stand", stand, position="standing")
    b = mention("b#standing-on-one-leg", "Standing on One Leg", stand, position="standing")
    walk = ("Walk forward placing the heel right in front of the toes.",)
    c = mention("c#heel-to-toe-walk", "Heel-to-Toe Walk", walk, position="standing")
    d = mention("d#heel-toe-walking", "Heel toe walking", walk, position="standing")
    result = merge([a, b, c, d])
    assert sorted(len(k) for k in result.clusters) == [2, 2]
    # the forms meet; different words do not
    assert name_words("Standing on One Leg") == name_words("One-Leg Stand")
    assert name_words("Side Lunge") != name_words("Lunge")


def test_a_position_word_the_other_mention_already_states_does_not_tell_them_apart() -> None:
    raise_steps = ("Stand on the edge of a step.", "Rise onto your toes, then lower slowly.")
    a = mention("a#standing-calf-raises", "Standing Calf Raises", raise_steps, position="standing")
    b = mention("b#calf-raises", "Calf Raises", raise_steps, position="standing")
    (pair,) = merge([a, b]).pairs
    assert pair.outcome == "merge" and not pair.against
    # where the other says nothing of its position, the word is a distinguishing modifier
    stretch = ("Cross one ankle over the other knee.", "Lean forward gently.")
    c = mention("c#seated-piriformis", "Seated Piriformis Stretch", stretch, position="seated")
    d = mention("d#piriformis", "Piriformis Stretch", stretch)
    (other,) = merge([c, d]).pairs
    assert any(x.startswith("distinguishing modifier") for x in other.against)
    assert other.outcome != "merge"


def test_a_position_word_does_not_hide_another_word_the_names_differ_in() -> None:
    a = mention(
        "a#standing-hip-flexor",
        "Standing Hip Flexor Stretch",
        ("Step one foot back and tuck the pelvis.",),
        position="standing",
    )
    b = mention("b#hip-stretch", "Hip Stretch", ("Circle the hips slowly.",), position="standing")
    (pair,) = merge([a, b]).pairs
    assert pair.outcome != "merge"
    assert name_words("Wall Sit") != name_words("Wall Sit-Up")
    assert name_words("Foam Rolling") == name_words("Foam Roll")
    assert name_words("Leg Raising") == name_words("Leg Raise")


def test_a_damaged_kept_pair_score_is_scored_again_and_replaced(
    corpus: dict[str, SourceResult], tmp_path: Path
) -> None:
    mentions = [m for r in corpus.values() for m in r.extraction.mentions]
    store = _Counting(tmp_path / "cache.sqlite")
    fresh = merge(mentions, store=store)
    db = store.cache._db
    assert db is not None
    with db:
        db.execute("UPDATE pairs SET data = x'c1' WHERE rowid = (SELECT MIN(rowid) FROM pairs)")
    again = merge(mentions, store=store)
    assert again.exercises == fresh.exercises
    assert again.kept_pairs == again.candidate_pairs - 1  # the damaged one, scored again
    third = merge(mentions, store=store)
    assert third.kept_pairs == third.candidate_pairs  # and kept: the row was replaced
