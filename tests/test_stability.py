"""Adding articles never silently changes what existed (issue 10): a rebuild with more
articles never splits a published record and never merges two; a new article that links two
records becomes a review item. Checked over orders and subsets of the real articles."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exercise_pipeline.merge import merge
from exercise_pipeline.models import Decision, Mention

from .conftest import CORPUS, RAW, run_file
from .test_merge import KNEE, mention


def _real_articles() -> dict[str, tuple[Mention, ...]]:
    paths = sorted(RAW.glob("*.txt"))
    if (CORPUS / "dev").is_dir():
        paths += sorted((CORPUS / "dev").iterdir())
    out = {}
    for path in paths:
        result = run_file(path)
        out[result.document.source_id] = result.extraction.mentions
    return out


@pytest.fixture(scope="module")
def articles() -> dict[str, tuple[Mention, ...]]:
    return _real_articles()


def _records(clusters: Sequence[Sequence[str]]) -> dict[str, int]:
    return {k: n for n, keys in enumerate(clusters) for k in keys}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_more_articles_never_split_or_merge_published_records(
    articles: dict[str, tuple[Mention, ...]], data: st.DataObject
) -> None:
    ids = sorted(articles)
    order = data.draw(st.permutations(ids))
    cut = data.draw(st.integers(min_value=1, max_value=len(ids) - 1))
    before = [m for s in order[:cut] for m in articles[s]]
    after = [m for s in order for m in articles[s]]
    first = merge(before)
    second = merge(list(reversed(after)), registry=first.registry)
    old, new = _records(first.clusters), _records(second.clusters)
    by_old: dict[int, set[int]] = {}
    for key, record in old.items():
        by_old.setdefault(record, set()).add(new[key])
    assert all(len(parts) == 1 for parts in by_old.values()), "a published record was split"
    owners = [next(iter(parts)) for parts in by_old.values()]
    assert len(owners) == len(set(owners)), "two published records were merged"


def test_a_new_mention_linking_two_records_is_queued_not_merged() -> None:
    a = mention("s1#knee-to-chest", "Knee to Chest", KNEE, position="supine")
    b = mention("s2#knee-hug", "Knee Hug", KNEE, position="supine")
    first = merge([a, b], decisions=[Decision("different", (a.key, b.key))])
    assert len(first.clusters) == 2  # published as two records
    c = mention("s3#knee-to-chest-stretch", "Knee-to-Chest Stretch", KNEE, position="supine")
    second = merge([a, b, c], registry=first.registry)  # the decision is gone, the ids stay
    cluster_of = _records(second.clusters)
    assert cluster_of[a.key] != cluster_of[b.key]
    assert second.registry.mentions[a.key].id != second.registry.mentions[b.key].id
    queued = {frozenset(q.mentions) for q in second.conflicts if q.kind == "merge"}
    other = b.key if cluster_of[a.key] == cluster_of[c.key] else a.key
    assert frozenset((c.key, other)) in queued or frozenset((a.key, b.key)) in queued
    # Without the published records the three are one exercise.
    assert len(merge([a, b, c]).clusters) == 1
