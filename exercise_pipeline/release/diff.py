"""What changed between two datasets, and the semantic-version bump the change calls for.

Exercises are matched by id. An id that is gone is *merged* when the id map (or, without one,
the mentions it held) points to an exercise of the new dataset, and *removed* otherwise.
Field changes are named by path ("dosage.hold_seconds"). The bump follows Semantic Versioning
for a dataset: ids removed or merged, or fields dropped, break consumers (major); exercises or
fields added extend it (minor); corrected values are a patch.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

JSON = Mapping[str, Any]

# Parts of a record compared for "fields changed"; ``sources`` is compared by mention keys.
_COMPARED = (
    "name",
    "aliases",
    "steps",
    "description",
    "tips",
    "variations",
    "category",
    "position",
    "difficulty",
    "equipment",
    "target_areas",
    "dosage",
    "flags",
    "conflicts",
)
# Dataset-level keys whose change is worth a release (version, counts and dates are not).
_METADATA = ("name", "title", "description", "license", "homepage", "schema")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
BUMPS = ("patch", "minor", "major")


@dataclass(frozen=True, slots=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """ "1.2.3" -> Version(1, 2, 3); anything else is a ValueError.

        >>> Version.parse("0.10.2") > Version.parse("0.9.9")
        True
        """
        m = _SEMVER.fullmatch(text)
        if not m:
            raise ValueError(f"{text!r} is not a semantic version X.Y.Z")
        return cls(int(m.group(1)), int(m.group(2)), int(m.group(3)))

    def bumped(self, bump: str) -> Version:
        """The next version for a ``major``, ``minor`` or ``patch`` change.

        >>> str(Version(1, 4, 2).bumped("minor"))
        '1.5.0'
        """
        if bump == "major":
            return Version(self.major + 1, 0, 0)
        if bump == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def bump_to(self, other: Version) -> str | None:
        """Which part ``other`` bumps relative to this version (None if it is not greater)."""
        if other <= self:
            return None
        if other.major != self.major:
            return "major"
        return "minor" if other.minor != self.minor else "patch"

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


# Parts of a record that are text, one line per item: shown as a unified diff.
TEXT_FIELDS = ("steps", "description", "tips", "variations")


def _value(value: Any) -> str:
    """A field's value in a few words: a range as "20-30", a frequency by its text."""
    if value is None:
        return "none"
    if isinstance(value, Mapping):
        if set(value) == {"min", "max"}:
            lo, hi = (int(v) if float(v).is_integer() else v for v in (value["min"], value["max"]))
            return f"{lo}" if lo == hi else f"{lo}-{hi}"
        if "text" in value:
            return repr(value["text"])
        return ", ".join(f"{k} {_value(v)}" for k, v in sorted(value.items()))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field of an exercise: its path and its old and new values."""

    path: str
    old: Any
    new: Any

    def text(self) -> str:
        """One line: "position: supine → prone", "equipment: +mat −towel", "steps: +1 −1
        line(s)"."""
        if self.path in TEXT_FIELDS and (lines := self.unified()):
            plus = sum(1 for x in lines if x.startswith("+"))
            minus = sum(1 for x in lines if x.startswith("-"))
            return f"{self.path}: +{plus} −{minus} line(s)"
        if self.path == "sources":
            old, new = _mention_set(self.old), _mention_set(self.new)
            moved = [f"+{k}" for k in sorted(new - old)] + [f"−{k}" for k in sorted(old - new)]
            return "sources: " + (" ".join(moved) if moved else "what a source says changed")
        if isinstance(self.old, list) and isinstance(self.new, list) and self.path != "conflicts":
            added = [f"+{x}" for x in self.new if x not in self.old]
            gone = [f"−{x}" for x in self.old if x not in self.new]
            return f"{self.path}: " + (" ".join(added + gone) or "reordered")
        if self.path == "conflicts":
            return f"conflicts: {len(self.old or [])} → {len(self.new or [])}"
        return f"{self.path}: {_value(self.old)} → {_value(self.new)}"

    def unified(self) -> list[str]:
        """A text field's change as unified-diff lines (no header), one item per line."""
        lines = list(
            difflib.unified_diff(
                [str(x) for x in self.old or []],
                [str(x) for x in self.new or []],
                n=0,
                lineterm="",
            )
        )[2:]  # the "---" and "+++" header; a step may itself start with "--"
        return [line for line in lines if not line.startswith("@@")]  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.path, "old": self.old, "new": self.new}
        if self.path in TEXT_FIELDS:
            out["diff"] = self.unified()
        return out


def _mention_set(sources: Any) -> frozenset[str]:
    return frozenset(str(s.get("mention", "")) for s in sources or [] if isinstance(s, Mapping))


@dataclass(frozen=True, slots=True)
class DatasetDiff:
    """The difference between an old and a new dataset, exercise by exercise."""

    added: tuple[tuple[str, str], ...]  # (id, name)
    removed: tuple[tuple[str, str], ...]  # (id, name)
    merged: tuple[tuple[str, str], ...]  # (old id, new id)
    renamed: tuple[tuple[str, str, str], ...]  # (id, old name, new name)
    values: tuple[tuple[str, tuple[FieldChange, ...]], ...]  # (id, its changed fields)
    fields_added: tuple[str, ...]
    fields_removed: tuple[str, ...]
    counts: tuple[tuple[str, int, int], ...]  # (what, old, new)
    sources_added: tuple[str, ...] = ()
    sources_removed: tuple[str, ...] = ()
    sources_updated: tuple[str, ...] = ()  # the same source id: other bytes or metadata
    metadata_changed: tuple[str, ...] = ()  # dataset-level keys: license, title, schema...
    schema_step: str | None = None  # the bump of the schema version, if it changed

    @property
    def changed(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(id, field paths) of each changed exercise."""
        return tuple((i, tuple(c.path for c in changes)) for i, changes in self.values)

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.merged
            or self.renamed
            or self.values
            or self.fields_added
            or self.fields_removed
            or self.sources_added
            or self.sources_removed
            or self.sources_updated
            or self.metadata_changed
            or self.schema_step is not None
        )

    def bump(self) -> tuple[str | None, str]:
        """The semantic-version bump this difference calls for, and why."""

        def why(*parts: tuple[object, str]) -> str:
            return "; ".join(text for present, text in parts if present)

        schema = f"schema version: {self.schema_step} change"
        if self.removed or self.merged or self.fields_removed or self.schema_step == "major":
            return "major", why(
                (self.removed, f"{len(self.removed)} id(s) removed"),
                (self.merged, f"{len(self.merged)} id(s) merged"),
                (self.fields_removed, f"fields removed: {', '.join(self.fields_removed)}"),
                (self.schema_step == "major", schema),
            )
        if self.added or self.fields_added or self.schema_step == "minor":
            return "minor", why(
                (self.added, f"{len(self.added)} exercise(s) added"),
                (self.fields_added, f"fields added: {', '.join(self.fields_added)}"),
                (self.schema_step == "minor", schema),
            )
        if not self.empty:
            corrected = len(self.renamed) + len(self.values)
            sources = self.sources_added + self.sources_removed + self.sources_updated
            return "patch", why(
                (corrected, f"{corrected} exercise(s) corrected"),
                (sources, f"{len(sources)} source(s) added, removed or updated"),
                (self.metadata_changed, f"metadata: {', '.join(self.metadata_changed)}"),
            ) or "schema version: patch change"
        return None, "no change"

    def sections(
        self, code: Callable[[str], str] = str, *, diffs: bool = True
    ) -> list[tuple[str, list[str]]]:
        """Each kind of change with its items as text, ids passed through ``code`` (Markdown
        wraps them in backticks); kinds without items are left out. ``diffs``: a changed
        item's text fields follow it as unified-diff lines (else its line says the counts)."""
        kinds = [
            ("Added", [f"{code(i)} {n}" for i, n in self.added]),
            ("Merged", [f"{code(o)} → {code(n)}" for o, n in self.merged]),
            ("Removed", [f"{code(i)} {n}" for i, n in self.removed]),
            ("Renamed", [f"{code(i)}: {o} → {n}" for i, o, n in self.renamed]),
            ("Changed", [_changed_item(i, c, code, diffs) for i, c in self.values]),
            ("Fields added", [code(f) for f in self.fields_added]),
            ("Fields removed", [code(f) for f in self.fields_removed]),
            ("Sources added", [code(i) for i in self.sources_added]),
            ("Sources removed", [code(i) for i in self.sources_removed]),
            ("Sources updated", [code(i) for i in self.sources_updated]),
            ("Metadata changed", [code(k) for k in self.metadata_changed]),
        ]
        return [(kind, items) for kind, items in kinds if items]

    def as_json(self) -> dict[str, Any]:
        bump, why = self.bump()
        return {
            "bump": bump,
            "why": why,
            "added": [{"id": i, "name": n} for i, n in self.added],
            "removed": [{"id": i, "name": n} for i, n in self.removed],
            "merged": [{"old": o, "new": n} for o, n in self.merged],
            "renamed": [{"id": i, "old": o, "new": n} for i, o, n in self.renamed],
            "changed": [
                {"id": i, "fields": [c.path for c in cs], "changes": [c.as_json() for c in cs]}
                for i, cs in self.values
            ],
            "fields_added": list(self.fields_added),
            "fields_removed": list(self.fields_removed),
            "sources_added": list(self.sources_added),
            "sources_removed": list(self.sources_removed),
            "sources_updated": list(self.sources_updated),
            "metadata_changed": list(self.metadata_changed),
            "counts": {what: {"old": old, "new": new} for what, old, new in self.counts},
        }


def _changed_item(
    i: str, changes: tuple[FieldChange, ...], code: Callable[[str], str], diffs: bool
) -> str:
    """ "`id`: position: supine → prone; steps: +1 −1 line(s)" and, with ``diffs``, each text
    field's unified diff under it, one line each."""
    head = f"{code(i)}: " + "; ".join(c.text() for c in changes)
    if not diffs:
        return head
    texts = [
        f"{c.path}:\n" + "\n".join(lines)
        for c in changes
        if c.path in TEXT_FIELDS and (lines := c.unified())
    ]
    return "\n".join([head, *texts])


def _paths(record: JSON) -> set[str]:
    """Field paths of a record: top-level keys, and ``dosage.*`` one level down."""
    paths = set(record)
    dosage = record.get("dosage")
    if isinstance(dosage, Mapping):
        paths |= {f"dosage.{k}" for k in dosage}
    return paths


def _changes(old: JSON, new: JSON) -> tuple[FieldChange, ...]:
    """The changed fields of one exercise with their values, in the schema's field order."""
    out: list[FieldChange] = []
    for key in _COMPARED:
        if key == "name" or old.get(key) == new.get(key):
            continue
        a, b = old.get(key), new.get(key)
        if key == "dosage" and isinstance(a, Mapping) and isinstance(b, Mapping):
            out.extend(
                FieldChange(f"dosage.{k}", a.get(k), b.get(k))
                for k in sorted(set(a) | set(b))
                if a.get(k) != b.get(k)
            )
        else:
            out.append(FieldChange(key, a, b))
    if old.get("sources") != new.get("sources"):  # mentions, or what a source says
        out.append(FieldChange("sources", old.get("sources"), new.get("sources")))
    return tuple(out)


def _mention_keys(record: JSON) -> frozenset[str]:
    return frozenset(s.get("mention", "") for s in record.get("sources", []))


def _successor(record: JSON, new: Mapping[str, JSON]) -> str | None:
    """The new exercise holding most of a vanished exercise's mentions, if any."""
    keys = _mention_keys(record)
    holders = Counter(
        {i: len(keys & _mention_keys(r)) for i, r in new.items() if keys & _mention_keys(r)}
    )
    if not holders:
        return None
    return min(holders, key=lambda i: (-holders[i], i))


def diff_datasets(
    old: JSON, new: JSON, *, id_map: Sequence[Mapping[str, Any]] | None = None
) -> DatasetDiff:
    """Compare two ``exercises.json`` documents; ``id_map`` entries (old, new, reason) say where
    vanished ids went, and without one the mentions they held decide."""
    before = {e["id"]: e for e in old.get("exercises", [])}
    after = {e["id"]: e for e in new.get("exercises", [])}
    mapped = {e["old"]: e.get("new") for e in id_map or () if e.get("old")}
    gone = sorted(set(before) - set(after))
    merged, removed = [], []
    for i in gone:
        target = mapped[i] if i in mapped else _successor(before[i], after)
        seen = {i}
        while target is not None and target not in after and target not in seen:
            seen.add(target)  # a chain of merges between releases: a -> b -> c
            target = mapped.get(target)
        if target is not None and target in after:
            merged.append((i, target))
        else:
            removed.append((i, before[i]["name"]))
    common = sorted(set(before) & set(after))
    renamed = [
        (i, before[i]["name"], after[i]["name"])
        for i in common
        if before[i]["name"] != after[i]["name"]
    ]
    values = [(i, c) for i in common if (c := _changes(before[i], after[i]))]
    old_paths = set().union(*(_paths(r) for r in before.values())) if before else set()
    new_paths = set().union(*(_paths(r) for r in after.values())) if after else set()
    if not before or not after:  # nothing to compare field sets with
        old_paths = new_paths = old_paths | new_paths

    def count(doc: JSON) -> tuple[int, int]:
        records = doc.get("exercises", [])
        return len(records), sum(len(r.get("sources", [])) for r in records)

    (old_n, old_m), (new_n, new_m) = count(old), count(new)
    old_meta, new_meta = old.get("dataset", {}), new.get("dataset", {})
    old_src = {x["source_id"]: x for x in old_meta.get("sources", [])}
    new_src = {x["source_id"]: x for x in new_meta.get("sources", [])}
    schema_step = None
    if old_meta.get("schema_version") and new_meta.get("schema_version"):
        try:
            a = Version.parse(old_meta["schema_version"])
            b = Version.parse(new_meta["schema_version"])
            schema_step = a.bump_to(b) or (None if a == b else "major")
        except ValueError:
            schema_step = None
    return DatasetDiff(
        added=tuple((i, after[i]["name"]) for i in sorted(set(after) - set(before))),
        removed=tuple(removed),
        merged=tuple(merged),
        renamed=tuple(renamed),
        values=tuple(values),
        fields_added=tuple(sorted(new_paths - old_paths)),
        fields_removed=tuple(sorted(old_paths - new_paths)),
        counts=(
            ("exercises", old_n, new_n),
            ("mentions", old_m, new_m),
            ("sources", len(old_src), len(new_src)),
        ),
        sources_added=tuple(sorted(set(new_src) - set(old_src))) if old_meta else (),
        sources_removed=tuple(sorted(set(old_src) - set(new_src))),
        sources_updated=tuple(
            sorted(i for i in set(old_src) & set(new_src) if old_src[i] != new_src[i])
        ),
        metadata_changed=tuple(
            k for k in _METADATA if old_meta and old_meta.get(k) != new_meta.get(k)
        ),
        schema_step=schema_step,
    )
