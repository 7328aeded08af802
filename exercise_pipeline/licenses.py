"""Licences as data: SPDX identifiers for sources, and the licence a dataset made of them has.

A source's licence is an SPDX license expression ("CC-BY-4.0", "MIT OR CC0-1.0"), checked
against the SPDX list that ``license-expression`` ships (no network). The dataset's licence
is derived from its sources' when the team sets none: their one licence when they share it,
else the most restrictive of them when one carries every condition of the others (a source
under CC-BY-4.0 and one under CC-BY-SA-4.0 make a CC-BY-SA-4.0 dataset), else NOASSERTION,
with the reason said in words, as it is when a source records no licence.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from license_expression import ExpressionError, Licensing, get_spdx_licensing

NOASSERTION = "NOASSERTION"

# The conditions a licence puts on reuse, the ones a dataset inherits from each source.
_CONDITIONS = (
    ("attribution", re.compile(r"^(?:CC-BY|MIT|BSD|Apache|ISC|Zlib|OGL|ODC-By|GPL|LGPL|AGPL)")),
    ("share-alike", re.compile(r"(?:-SA-|^ODbL|^GPL|^LGPL|^AGPL|^CC-BY-SA|^GFDL)")),
    ("non-commercial", re.compile(r"-NC-|-NC$")),
    ("no-derivatives", re.compile(r"-ND-|-ND$")),
)
_PUBLIC = re.compile(r"^(?:CC0-1\.0|PDDL-1\.0|Unlicense|CC-PDDC)$")


@functools.cache
def _licensing() -> Licensing:
    return get_spdx_licensing()  # the SPDX list, read once


def spdx(expression: str) -> str | None:
    """The expression in its SPDX spelling, or None when it names a licence SPDX does not know.

    >>> spdx("cc-by-4.0"), spdx("MIT or CC0-1.0"), spdx("All rights reserved")
    ('CC-BY-4.0', 'MIT OR CC0-1.0', None)
    """
    try:
        parsed = _licensing().parse(expression, validate=True, strict=True)
    except ExpressionError:
        return None
    return str(parsed.render()) if parsed is not None else None


def _conditions(license_id: str) -> frozenset[str] | None:
    """The conditions of one SPDX licence; None for one this module cannot rank."""
    if _PUBLIC.match(license_id):
        return frozenset()
    found = frozenset(name for name, rx in _CONDITIONS if rx.search(license_id))
    return found or None


@dataclass(frozen=True, slots=True)
class DatasetLicense:
    """The dataset's licence and, when it is NOASSERTION or derived, why."""

    license: str
    reason: str


def derive(licenses: Sequence[str | None]) -> DatasetLicense:
    """The licence of a dataset made of sources under ``licenses`` (None: none recorded).

    >>> derive(["CC-BY-4.0", "CC-BY-4.0"]).license, derive(["CC-BY-4.0", "CC-BY-SA-4.0"]).license
    ('CC-BY-4.0', 'CC-BY-SA-4.0')
    >>> derive(["CC-BY-SA-4.0", "CC-BY-NC-4.0"]).license, derive(["MIT", None]).license
    ('NOASSERTION', 'NOASSERTION')
    """
    missing = sum(1 for x in licenses if not x)
    if not licenses:
        return DatasetLicense(NOASSERTION, "the dataset has no sources")
    if missing:
        return DatasetLicense(
            NOASSERTION, f"{missing} of {len(licenses)} sources record no licence"
        )
    known = {x: spdx(x) for x in licenses if x}
    unknown = sorted(x for x, s in known.items() if s is None)
    if unknown:
        return DatasetLicense(
            NOASSERTION, "not SPDX licences, so not combinable: " + ", ".join(unknown)
        )
    distinct = sorted({s for s in known.values() if s})
    compound = [s for s in distinct if " " in s]
    if compound:  # "MIT OR CC0-1.0": a choice the team makes, not one this can rank
        return DatasetLicense(
            NOASSERTION, "licence expressions to choose from: " + ", ".join(compound)
        )
    ranked = {s: _conditions(s) for s in distinct}
    no_derivatives = sorted(s for s, c in ranked.items() if c and "no-derivatives" in c)
    if no_derivatives:
        return DatasetLicense(
            NOASSERTION,
            "a dataset extracted from them is a derivative, which these forbid: "
            + ", ".join(no_derivatives),
        )
    if len(distinct) == 1:
        return DatasetLicense(distinct[0], "every source's licence")
    if any(c is None or not _combinable(s, c) for s, c in ranked.items()):
        return DatasetLicense(
            NOASSERTION, "licences that do not combine into one: " + ", ".join(distinct)
        )
    every = frozenset().union(*(c for c in ranked.values() if c is not None))
    carrying = [s for s, c in ranked.items() if c == every]
    if len(carrying) > 1:  # MIT and CC-BY-4.0 ask the same: a data licence says it for data
        carrying = [s for s in carrying if s.startswith("CC-")]
    if len(carrying) == 1:
        return DatasetLicense(
            carrying[0], "the most restrictive of the sources' licences: " + ", ".join(distinct)
        )
    return DatasetLicense(
        NOASSERTION, "no one licence carries the conditions of all: " + ", ".join(distinct)
    )


def _combinable(license_id: str, conditions: frozenset[str]) -> bool:
    """Creative Commons, permissive and public-domain licences rank against each other; a
    copyleft software licence (GPL, ODbL) combines only with itself."""
    return license_id.startswith("CC-BY") or conditions in (frozenset(), frozenset({"attribution"}))


def dataset_license(meta: Mapping[str, Any]) -> DatasetLicense:
    """The licence the team set for the dataset (its manifest's ``license``), else the one
    its sources' licences give."""
    if meta.get("license"):
        return DatasetLicense(str(meta["license"]), "set for the dataset")
    return derive([s.get("license") for s in meta.get("sources", [])])
