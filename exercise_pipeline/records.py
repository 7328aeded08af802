"""Plain-data form of the stage records, for the cache: MessagePack, never pickle.

A record is packed as a MessagePack extension whose code names its class among a fixed list
(``RECORDS``) and whose payload is the array of its field values; enums likewise carry their
value. Unpacking builds only those classes, from field values checked by count: a cache file
written by someone else can hold wrong data (the build then recomputes or fails a check), but
it can never run code. Arrays come back as tuples, the sequence type of every record.

>>> from exercise_pipeline.models import Range
>>> unpack(pack(Range(1, 2.5)), Range)
Range(low=1, high=2.5)
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from typing import TypeVar

import msgpack

from exercise_pipeline.accounting import Account
from exercise_pipeline.align import Aligned
from exercise_pipeline.models import (
    Block,
    BlockKind,
    Cleaned,
    Document,
    Evidence,
    Extraction,
    Fields,
    Format,
    Frequency,
    Mention,
    Parsed,
    Range,
    Record,
    Removal,
    Repair,
    Section,
    SourceMeta,
)

# Extension codes are positions in these lists: append, never reorder (or bump CACHE_FORMAT).
RECORDS: tuple[type, ...] = (
    Aligned, Account, Block, Cleaned, Document, Evidence, Extraction, Fields, Frequency,
    Mention, Parsed, Range, Removal, Repair, Section, SourceMeta, Record,
)  # fmt: skip
ENUMS: tuple[type[Enum], ...] = (BlockKind, Format)
_ENUM_BASE = 64  # extension codes of enums start here
_CODES = {cls: n for n, cls in enumerate(RECORDS)} | {
    cls: _ENUM_BASE + n for n, cls in enumerate(ENUMS)
}
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in RECORDS}

T = TypeVar("T")


class RecordError(ValueError):
    """Bytes that are not a packed record of the expected shape."""


def _default(obj: object) -> msgpack.ExtType | list[object]:
    if type(obj) is tuple:  # strict types: tuples are packed as arrays, and unpacked as tuples
        return list(obj)
    code = _CODES.get(type(obj))
    if code is None:
        raise TypeError(f"{type(obj).__name__} is not a cache record")
    if isinstance(obj, Enum):
        return msgpack.ExtType(code, _packb(str(obj.value)))
    values = [getattr(obj, name) for name in _FIELDS[type(obj)]]
    return msgpack.ExtType(code, _packb(values))


def _packb(value: object) -> bytes:
    # strict_types: a str enum (Format, BlockKind) is not packed as a plain str
    return bytes(msgpack.packb(value, default=_default, use_bin_type=True, strict_types=True))


def pack(record: object) -> bytes:
    """The record as MessagePack bytes."""
    return _packb(record)


_CLASSES = {c: cls for cls, c in _CODES.items()}


def _runtime_types(annotation: object) -> tuple[type, ...] | None:
    """The classes a field's value may be, from its annotation (None: anything)."""
    if annotation is object or annotation is typing.Any:
        return None
    if annotation is float:
        return (int, float)
    if annotation is type(None):
        return (type(None),)
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        found: list[type] = []
        for arm in typing.get_args(annotation):
            arms = _runtime_types(arm)
            if arms is None:
                return None
            found.extend(arms)
        return tuple(found)
    if origin is not None:
        return (origin,) if isinstance(origin, type) else None  # tuple[...], dict[...]
    return (annotation,) if isinstance(annotation, type) else None


# Each record's fields with the classes their values may be: checked on every unpacked record
# (one level deep: what a field holds is checked when it is unpacked itself).
_CHECKS = {
    cls: tuple(
        (name, _runtime_types(hint))
        for name, hint in typing.get_type_hints(cls).items()
        if name in _FIELDS[cls]
    )
    for cls in RECORDS
}
MAX_DEPTH = 16  # records nest 6 deep; deeper is a hostile entry, refused before C recursion
_depth = [0]


def _ext_hook(code: int, data: bytes) -> object:
    if _depth[0] >= MAX_DEPTH:
        raise RecordError(f"records nested over {MAX_DEPTH} deep")
    _depth[0] += 1
    try:
        return _record(code, data)
    finally:
        _depth[0] -= 1


def _record(code: int, data: bytes) -> object:
    cls = _CLASSES.get(code)
    if cls is None:
        raise RecordError(f"unknown record code {code}")
    if issubclass(cls, Enum):
        try:
            return cls(msgpack.unpackb(data))
        except ValueError as exc:
            raise RecordError(str(exc)) from exc
    values = msgpack.unpackb(data, ext_hook=_ext_hook, use_list=False, strict_map_key=True)
    names = _FIELDS[cls]
    if not isinstance(values, tuple) or len(values) != len(names):
        raise RecordError(f"{cls.__name__} needs {len(names)} fields")
    for (name, allowed), value in zip(_CHECKS[cls], values, strict=True):
        if allowed is not None and not isinstance(value, allowed):
            raise RecordError(f"{cls.__name__}.{name} holds a {type(value).__name__}")
    try:
        return cls(*values)
    except TypeError as exc:
        raise RecordError(f"{cls.__name__}: {exc}") from exc


def unpack(data: bytes, expected: type[T]) -> T:
    """Rebuild a record of class ``expected`` (or a tuple of records) from ``pack``'s bytes,
    or raise RecordError."""
    _depth[0] = 0
    try:
        record = msgpack.unpackb(data, ext_hook=_ext_hook, use_list=False, strict_map_key=True)
    except RecordError:
        raise
    except (ValueError, TypeError, RecursionError, msgpack.ExtraData, msgpack.FormatError) as exc:
        raise RecordError(f"not a packed record: {exc}") from exc
    if not isinstance(record, expected):
        raise RecordError(f"holds {type(record).__name__}, not {expected.__name__}")
    return record
