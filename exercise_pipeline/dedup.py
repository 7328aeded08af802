"""Near-duplicates: a MinHash signature of each article's word shingles, a MinHash LSH index
over the signatures (bands of their values), and the containment two signatures estimate.

``pipeline add`` asks whether a new article shares most of its text with one already in
``raw/``: a scrape of the same page, a syndicated copy, an article inside a longer page. The
question is containment (how much of the shorter text the longer holds), not similarity: a
post quoted whole inside a page of navigation and comments is a duplicate. Comparing every
new article with every old one costs what the corpus costs, so each article is reduced once
to a signature (128 minimum hashes of its five-word shingles, kept in the cache by the
file's sha256) and the index finds the old articles whose signatures agree in a whole band
(two values of 64) often enough to be worth a look; the estimate decides.

The signature and the banding are the standard MinHash LSH (as in datasketch: universal
hashes ``(a * h + b) mod (2^61 - 1)`` of 32-bit shingle hashes), written here in numpy:
importing datasketch costs two seconds of scipy on every ``add``, more than the work it
would do. Pure: no I/O.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import numpy as np

NUM_PERM = 128
SEED = 1
BANDS, ROWS = 64, 2  # a pair is offered when one band of 2 values agrees: from Jaccard ~0.15
_PRIME = (1 << 61) - 1
_MAX_HASH = (1 << 32) - 1
SHINGLE = 5  # words
FINGERPRINT_VERSION = 2  # bump when the signature changes (the cache keys by it)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """An article's shingle count and MinHash signature (``NUM_PERM`` little-endian uint64)."""

    size: int
    hashes: bytes


class FingerprintStore(Protocol):
    """Where signatures are kept between commands, under a key naming the file's bytes and
    how they decode (``ingest.print_key``)."""

    def fingerprint(self, key: str) -> Fingerprint | None: ...

    def keep_fingerprints(self, prints: Mapping[str, Fingerprint]) -> None: ...


def shingles(text: str, *, size: int = SHINGLE) -> frozenset[str]:
    """Overlapping runs of ``size`` words, lower-cased.

    >>> sorted(shingles("Lie on your back and breathe", size=5))
    ['lie on your back and', 'on your back and breathe']
    >>> shingles("a b c")
    frozenset({'a b c'})
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def fingerprint(text: str) -> Fingerprint | None:
    """The signature of a text's shingles; None for a text without words."""
    import numpy as np

    found = shingles(text)
    if not found:
        return None
    hashed = np.fromiter(
        (
            int.from_bytes(
                hashlib.blake2b(s.encode("utf-8", "surrogatepass"), digest_size=4).digest(),
                "little",
            )
            for s in found
        ),
        dtype=np.uint64,
        count=len(found),
    )
    a, b = _permutations()
    values = (hashed[:, None] * a + b) % np.uint64(_PRIME) & np.uint64(_MAX_HASH)
    return Fingerprint(len(found), values.min(axis=0).astype("<u8").tobytes())


@functools.cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The universal hash functions' ``a`` and ``b``, drawn once from ``SEED``."""
    import numpy as np

    draw = np.random.RandomState(SEED)
    a = draw.randint(1, _PRIME, size=NUM_PERM, dtype=np.uint64)
    b = draw.randint(0, _PRIME, size=NUM_PERM, dtype=np.uint64)
    return a, b


def _values(fp: Fingerprint) -> np.ndarray:
    import numpy as np

    return np.frombuffer(fp.hashes, dtype="<u8")


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """The share of the two signatures' minimum hashes that agree: Jaccard's estimate."""
    return float((_values(a) == _values(b)).mean())


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """How much of the shorter text the longer holds, estimated from the Jaccard estimate
    and the shingle counts: |A∩B| = J(|A| + |B|) / (1 + J), over the smaller count.

    >>> same = fingerprint("lie on your back with your knees bent and feet flat on the floor")
    >>> assert same is not None and containment(same, same) == 1.0
    """
    j = jaccard(a, b)
    shared = j * (a.size + b.size) / (1 + j)
    return min(1.0, shared / min(a.size, b.size))


class Index:
    """Signatures under keys, and the keys whose texts a new signature nearly contains or is
    nearly contained in: the LSH bands offer candidates, the estimate decides."""

    def __init__(self) -> None:
        self._prints: dict[str, Fingerprint] = {}
        self._buckets: dict[tuple[int, bytes], list[str]] = {}

    def __len__(self) -> int:
        return len(self._prints)

    @staticmethod
    def _bands(fp: Fingerprint) -> list[tuple[int, bytes]]:
        width = ROWS * 8
        return [(band, fp.hashes[band * width : (band + 1) * width]) for band in range(BANDS)]

    def add(self, key: str, fp: Fingerprint) -> None:
        if key in self._prints:
            raise ValueError(f"{key!r} is in the index already")
        self._prints[key] = fp
        for band in self._bands(fp):
            self._buckets.setdefault(band, []).append(key)

    def near(self, fp: Fingerprint, at_least: float) -> list[tuple[str, float]]:
        """(key, estimated containment) of every indexed text sharing ``at_least`` of the
        shorter text with ``fp``'s, in key order."""
        offered = {key for band in self._bands(fp) for key in self._buckets.get(band, ())}
        found = []
        for key in sorted(offered):
            overlap = containment(fp, self._prints[key])
            if overlap >= at_least:
                found.append((key, overlap))
        return found
