"""Cache of per-source work: what parse, clean and extract made of one decoded article.

Entries are keyed by everything the result depends on: the article's bytes (sha256), its
manifest entry, the settings of the per-source stages and a fingerprint of the package's code
and vocabularies. Change any of these and the key changes, so a stale entry is never used.
Decoding is not cached: it is cheap and it is what checks the file on every build.

The store is one SQLite file (``.cache/sources.sqlite`` by default, ignored by git). A cache
that cannot be opened or read is reported and bypassed; the build never depends on it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import pickle
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pipeline.models import Document

log = logging.getLogger(__name__)

CACHE_FORMAT = 1  # bump when the stored layout changes
_PACKAGE = Path(__file__).parent


class ResultCache(Protocol):
    """Where ``run`` looks for per-source results before computing them."""

    def get(self, key: str) -> Any | None: ...

    def put(self, key: str, source_id: str, result: Any) -> None: ...


@functools.cache
def code_fingerprint() -> str:
    """A digest of every module and data file of the package: any change invalidates entries."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml", ".json", ".pickle", ".txt"):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def cache_key(doc: Document, settings: object) -> str:
    """The key of one document's per-source work under ``settings`` (a frozen dataclass)."""
    parts = [
        CACHE_FORMAT,
        code_fingerprint(),
        doc.sha256,
        doc.source_id,
        doc.file,
        doc.format.value,
        doc.encoding,
        doc.encoding_reason,
        doc.format_reason,
        repr(doc.meta),
        repr(settings),
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


@dataclass(slots=True)
class CacheStats:
    hits: int = 0
    misses: int = 0
    errors: list[str] = field(default_factory=list)


class SqliteCache:
    """A ``ResultCache`` in one SQLite file; keeps one entry per source (its latest version)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stats = CacheStats()
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.DatabaseError as exc:  # not a database (any more): start a new one
            log.warning("%s: cache is damaged (%s); starting a new one", path, exc)
            for damaged in (path, path.with_name(path.name + "-wal")):
                damaged.unlink(missing_ok=True)
            try:
                self._db = self._open()
            except (OSError, sqlite3.Error) as again:
                self._disable(f"cannot be opened: {again}")
        except (OSError, sqlite3.Error) as exc:
            self._disable(f"cannot be opened: {exc}")

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS results "
                "(key TEXT PRIMARY KEY, source_id TEXT NOT NULL, data BLOB NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS by_source ON results (source_id)")
            db.commit()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _disable(self, problem: str) -> None:
        message = f"{self.path}: cache {problem}; building without it (delete the file to reset)"
        log.warning("%s", message)
        self.stats.errors.append(message)
        if self._db is not None:
            self._db.close()
        self._db = None

    def get(self, key: str) -> Any | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT data FROM results WHERE key = ?", (key,)).fetchone()
            result = pickle.loads(zlib.decompress(row[0])) if row else None
        except (sqlite3.Error, zlib.error, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            self._disable(f"cannot be read: {exc}")
            result = None
        if result is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return result

    def put(self, key: str, source_id: str, result: Any) -> None:
        if self._db is None:
            return
        data = zlib.compress(pickle.dumps(result, protocol=5), 1)
        try:
            with self._db:
                self._db.execute("DELETE FROM results WHERE source_id = ?", (source_id,))
                self._db.execute(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?)", (key, source_id, data)
                )
        except sqlite3.Error as exc:
            self._disable(f"cannot be written: {exc}")

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> SqliteCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
