"""Constrained clustering: merges above merge_at, never across a cannot-link.

Not a blind transitive closure: pairs are taken strongest first; two clusters join only if no
cannot-link (a curator's "different", a position conflict, the same name twice in one article)
separates them and the links scored between their members average at least review_at (so
A~B and B~C do not drag a C that scores low against A into A's cluster). Must-links (a
curator's "same") are applied first and override evidence against.
"""

from __future__ import annotations

from collections.abc import Iterable

Pair = tuple[int, int]


class Clusters:
    """Union-find over mention indices with cluster-level cannot-links."""

    def __init__(self, n: int, cannot: Iterable[Pair]) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.cannot: dict[int, set[int]] = {i: set() for i in range(n)}
        for i, j in cannot:
            self.cannot[i].add(j)
            self.cannot[j].add(i)

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def blocked(self, ri: int, rj: int) -> bool:
        return bool(self.cannot[ri] & set(self.members[rj]))

    def union(self, ri: int, rj: int) -> int:
        if len(self.members[ri]) < len(self.members[rj]) or (
            len(self.members[ri]) == len(self.members[rj]) and rj < ri
        ):
            ri, rj = rj, ri
        self.parent[rj] = ri
        self.members[ri].extend(self.members.pop(rj))
        self.cannot[ri] |= self.cannot.pop(rj)
        return ri

    def groups(self) -> list[list[int]]:
        return sorted(sorted(m) for m in self.members.values())


def cluster(
    n: int,
    scored: dict[Pair, float],
    *,
    merge_at: float,
    review_at: float,
    must: Iterable[Pair] = (),
    cannot: Iterable[Pair] = (),
    sample: int = 12,
) -> list[list[int]]:
    """Clusters of mention indices, each sorted, in a stable order."""
    cannot = {(min(i, j), max(i, j)) for i, j in cannot}
    must = [(min(i, j), max(i, j)) for i, j in must]
    forced = set(must)
    uf = Clusters(n, [p for p in cannot if p not in forced])
    for i, j in sorted(must):
        ri, rj = uf.find(i), uf.find(j)
        if ri != rj:
            uf.union(ri, rj)
    for (i, j), s in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])):
        if s < merge_at:
            break
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj or uf.blocked(ri, rj):
            continue
        a, b = uf.members[ri][:sample], uf.members[rj][:sample]
        if len(a) > 1 or len(b) > 1:
            seen = [scored.get((min(x, y), max(x, y))) for x in a for y in b]
            values = [v for v in seen if v is not None] or [s]
            if sum(values) / len(values) < review_at:
                continue
        uf.union(ri, rj)
    return uf.groups()
