"""Constrained clustering: merges above merge_at, never across a cannot-link, never by chaining.

Not a transitive closure: pairs are taken strongest first; two clusters join only if no
cannot-link (a curator's "different", a position conflict, two differently named mentions of
one article) separates them and *every* pair across them scores at least review_at (complete
linkage). A pair that blocking did not score is scored on demand by ``score``; without a
scorer it counts as 0. So A~B and B~C never drag a C that scores low against A into A's
cluster, and every record the stage keeps has all its pairs at review_at or above. Must-links
(a curator's "same") are applied first and override evidence against; mentions a curator
joined are one entity, linked to another mention when any of them is.

``records`` holds the published record of each mention (None for a new one): mentions of one
record stay together (unless a cannot-link now separates them) and are one entity, and two
clusters holding different records never join by score, so adding articles never splits or
merges what was published; only a curator's "same" joins two records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

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
        return not self.cannot[ri].isdisjoint(self.members[rj])

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
    score: Callable[[int, int], float] | None = None,
    records: Sequence[str | None] = (),
) -> list[list[int]]:
    """Clusters of mention indices, each sorted, in a stable order.

    ``score(i, j)`` (``i < j``) scores a pair blocking left out, when two clusters that would
    join hold it; without it such a pair counts as 0 and keeps the clusters apart.
    ``records`` gives each mention's published record, or None (see the module docstring).
    Whether two entities are linked is decided once: clusters only grow, so two that failed
    to join are never tried pair by pair again.
    """
    cannot = {(min(i, j), max(i, j)) for i, j in cannot}
    must = [(min(i, j), max(i, j)) for i, j in must]
    forced = set(must)
    uf = Clusters(n, [p for p in cannot if p not in forced])
    for i, j in sorted(must):
        ri, rj = uf.find(i), uf.find(j)
        if ri != rj:
            uf.union(ri, rj)
    first: dict[str, int] = {}
    for i, record in enumerate(records):
        if record is None:
            continue
        ri, rj = uf.find(first.setdefault(record, i)), uf.find(i)
        if ri != rj and not uf.blocked(ri, rj):
            uf.union(ri, rj)
    held: dict[int, set[str]] = {uf.find(i): set() for i in range(n)}
    for i, record in enumerate(records):
        if record is not None:
            held[uf.find(i)].add(record)
    entity = {i: uf.find(i) for i in range(n)}  # curators' groups and published records

    def linked(x: int, y: int) -> bool:
        pair = (min(x, y), max(x, y))
        value = scored.get(pair)
        if value is None:
            value = score(*pair) if score is not None else 0.0
        return value >= review_at

    known: dict[tuple[int, int], bool] = {}  # entity pair -> linked

    def entities_linked(ka: int, xs: list[int], kb: int, ys: list[int]) -> bool:
        key = (min(ka, kb), max(ka, kb))
        if key not in known:
            known[key] = any(linked(x, y) for x in xs for y in ys)
        return known[key]

    def complete(a: list[int], b: list[int]) -> bool:
        """Every entity of ``a`` linked to every entity of ``b`` through one of its members."""
        ea: dict[int, list[int]] = {}
        eb: dict[int, list[int]] = {}
        for x in a:
            ea.setdefault(entity[x], []).append(x)
        for y in b:
            eb.setdefault(entity[y], []).append(y)
        if any(known.get((min(p, q), max(p, q))) is False for p in ea for q in eb):
            return False  # a pair known apart: no scoring needed
        return all(
            entities_linked(ka, xs, kb, ys) for ka, xs in ea.items() for kb, ys in eb.items()
        )

    for (i, j), s in sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])):
        if s < merge_at:
            break
        ri, rj = uf.find(i), uf.find(j)
        if ri == rj or uf.blocked(ri, rj):
            continue
        if held[ri] and held[rj] and held[ri] != held[rj]:
            continue  # two published records: a review item, not a merge
        if complete(uf.members[ri], uf.members[rj]):
            both = held.pop(ri) | held.pop(rj)
            held[uf.union(ri, rj)] = both
    return uf.groups()
