"""Stable exercise ids: a slug of the canonical name at first publication, then kept.

The registry (``output/ids.json``) remembers every id ever published, which mentions each
current id holds, and the id map: merges, splits and removals, each ``old -> new`` with a
reason. On rebuild a cluster takes the previous id most of its mentions had (mentions are
recognised by key, or by their span in an unchanged source when extraction renamed them), so
adding sources or renaming keeps ids. When clusters merge, the id with most mentions survives
and the other maps to it; when one splits, the part with most mentions keeps the id and the
rest get new ids. An id is never reused: a new slug that was ever published gets a suffix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from exercise_pipeline.extract import slugify
from exercise_pipeline.models import Mention, Span


@dataclass(frozen=True, slots=True)
class IdChange:
    """One entry of the id map: ``old`` became ``new`` (None: removed) for ``reason``."""

    old: str
    new: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class MentionRef:
    """Where a published mention was: enough to recognise it after an extraction change."""

    id: str
    source_id: str
    span: Span


@dataclass(frozen=True, slots=True)
class IdRegistry:
    used: frozenset[str] = frozenset()
    mentions: Mapping[str, MentionRef] = field(default_factory=dict)
    history: tuple[IdChange, ...] = ()

    def previous_id(self, mention: Mention) -> str | None:
        ref = self.mentions.get(mention.key)
        if ref is not None:
            return ref.id
        best: tuple[int, str] | None = None
        for ref in self.mentions.values():
            if ref.source_id != mention.source_id:
                continue
            overlap = min(ref.span[1], mention.span[1]) - max(ref.span[0], mention.span[0])
            length = max(ref.span[1] - ref.span[0], 1)
            if overlap > 0.6 * length and (best is None or overlap > best[0]):
                best = (overlap, ref.id)
        return best[1] if best else None


def assign_ids(
    clusters: Sequence[Sequence[Mention]],
    names: Sequence[str],
    registry: IdRegistry,
    *,
    held: frozenset[str] = frozenset(),
) -> tuple[list[str], list[IdChange], IdRegistry]:
    """An id per cluster, the id changes of this build, and the updated registry.

    ``held``: sources that failed in this build without a result to carry: their published
    mentions stay in the registry as they were and their ids are neither retired nor reused,
    so the exercises come back under the same ids once the sources do.
    """
    previous = [Counter(filter(None, (registry.previous_id(m) for m in c))) for c in clusters]
    # Each old id goes to the cluster holding most of its mentions (ties: first mention key).
    claims = sorted(
        (
            (-n, min(m.key for m in clusters[c]), c, old)
            for c, prev in enumerate(previous)
            for old, n in prev.items()
        ),
    )
    ids: list[str | None] = [None] * len(clusters)
    kept: set[str] = set()
    for _, _, c, old in claims:
        if ids[c] is None and old not in kept:
            ids[c] = old
            kept.add(old)
    taken = set(registry.used) | kept
    changes: list[IdChange] = []
    for c, name in enumerate(names):
        if ids[c] is not None:
            continue
        base = slugify(name)
        new, n = base, 1
        while new in taken:
            n += 1
            new = f"{base}-{n}"
        ids[c] = new
        taken.add(new)
        for old in sorted(previous[c]):
            if old in kept:
                changes.append(IdChange(old, new, "split"))
    final = [i for i in ids if i is not None]
    kept_refs = {k: ref for k, ref in registry.mentions.items() if ref.source_id in held}
    active_before = {ref.id for ref in registry.mentions.values()} - {
        ref.id for ref in kept_refs.values()
    }
    for old in sorted(active_before - kept):
        holders = [(prev[old], final[c]) for c, prev in enumerate(previous) if prev.get(old)]
        if holders:
            changes.append(IdChange(old, max(holders, key=lambda h: (h[0], h[1]))[1], "merged"))
        else:
            changes.append(IdChange(old, None, "removed"))
    mentions = kept_refs | {
        m.key: MentionRef(final[c], m.source_id, m.span)
        for c, cl in enumerate(clusters)
        for m in cl
    }
    history = tuple(dict.fromkeys([*registry.history, *changes]))
    return final, changes, IdRegistry(frozenset(taken), mentions, history)
