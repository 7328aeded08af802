"""Cache of per-source work: what parse, clean and extract made of one decoded article.

Entries are keyed by everything the result depends on: the article's bytes (sha256), its
manifest entry, the settings of the per-source stages and a fingerprint of the package's code
and vocabularies. Change any of these and the key changes, so a stale entry is never used.
Decoding is not cached: it is cheap and it is what checks the file on every build.

The store is one SQLite file (``.cache/sources.sqlite`` by default, ignored by git). Entries
are plain data (``exercise_pipeline.records``: MessagePack of the records, never pickle),
checked when read: a cache restored from somewhere else can hold wrong data but cannot run
code. A cache that cannot be opened or read is reported and bypassed; the build never
depends on it.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import logging
import sqlite3
import sys
import unicodedata
import zlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Protocol

import msgpack

from exercise_pipeline.accounting import Account
from exercise_pipeline.dedup import FINGERPRINT_VERSION, Fingerprint
from exercise_pipeline.models import Document, Extraction
from exercise_pipeline.records import RecordError, pack, unpack

log = logging.getLogger(__name__)

CACHE_FORMAT = 8  # bump when the stored layout changes
_PACKAGE = Path(__file__).parent


# What one source's work leaves: its extraction (which holds the document) and its account.
Entry = tuple[Extraction, Account]


class ResultCache(Protocol):
    """Where ``run`` looks for per-source results before computing them."""

    def get(self, key: str) -> Entry | None: ...

    def put(self, key: str, source_id: str, variant: str, result: Entry) -> None: ...

    def put_packed(self, key: str, source_id: str, variant: str, data: bytes) -> None: ...

    def latest(self, source_id: str) -> Entry | None: ...


# Libraries whose behaviour per-source results depend on (text repair, HTML parsing, the drug
# dictionary): a new version of any of them invalidates every entry.
DEPENDENCIES = (
    "ftfy", "beautifulsoup4", "lxml", "drug-named-entity-recognition", "rapidfuzz", "wordfreq",
)  # fmt: skip


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


@functools.cache
def code_fingerprint() -> str:
    """A digest of every module and data file of the package, the versions of the libraries it
    relies on, Python's and Unicode's: any change invalidates entries."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml", ".json", ".pickle", ".txt"):
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    environment = [sys.version, unicodedata.unidata_version, *map(_version, DEPENDENCIES)]
    digest.update(json.dumps(environment).encode())
    return digest.hexdigest()


def stable(value: object) -> object:
    """Settings as plain JSON with sets sorted, so that the key does not depend on hash order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: stable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, set | frozenset):
        return sorted(map(repr, value))
    if isinstance(value, list | tuple):
        return [stable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): stable(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, Enum):
        return value.value
    return value if isinstance(value, str | int | float | bool | None) else repr(value)


def variant(settings: object) -> str:
    """Code and settings: entries of one variant replace each other as sources change."""
    parts = [CACHE_FORMAT, code_fingerprint(), stable(settings)]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def cache_key(doc: Document, variant: str) -> str:
    """The key of one document's per-source work under a ``variant`` (code and settings)."""
    parts = [
        variant,
        doc.sha256,
        doc.source_id,
        doc.file,
        doc.format.value,
        doc.encoding,
        doc.encoding_reason,
        doc.encoding_confidence,
        doc.format_reason,
        stable(doc.meta),
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@dataclass(slots=True)
class CacheStats:
    hits: int = 0
    misses: int = 0


def unpack_entry(data: bytes) -> Entry:
    """An (extraction, account) pair from ``pack``'s bytes, or RecordError."""
    entry = unpack(data, tuple)
    if (
        len(entry) != 2
        or not isinstance(entry[0], Extraction)
        or not isinstance(entry[1], Account)
        or not isinstance(entry[0].cleaned.document, Document)
    ):
        raise RecordError("not an (extraction, account) pair")
    return entry[0], entry[1]


class SqliteCache:
    """A ``ResultCache`` in one SQLite file; keeps one entry per source (its latest version)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stats = CacheStats()
        self.salt = code_fingerprint()  # pair scores are kept per code version
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._open()
        except sqlite3.OperationalError as exc:  # locked, unwritable: leave the file alone
            self._disable(f"cannot be opened: {exc}")
        except sqlite3.DatabaseError as exc:  # not a database (any more): start a new one
            self._reset(exc)
        except OSError as exc:
            self._disable(f"cannot be opened: {exc}")

    def _reset(self, problem: Exception) -> None:
        log.warning("%s: cache is damaged (%s); starting a new one", self.path, problem)
        if self._db is not None:
            self._db.close()
            self._db = None
        for suffix in ("", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        try:
            self._db = self._open()
        except (OSError, sqlite3.Error) as again:
            self._disable(f"cannot be opened: {again}")

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            if db.execute("PRAGMA user_version").fetchone()[0] != CACHE_FORMAT:
                db.execute("DROP TABLE IF EXISTS results")  # another layout: start over
                db.execute("DROP TABLE IF EXISTS pairs")
                db.execute("DROP TABLE IF EXISTS prints")
                db.execute(f"PRAGMA user_version = {CACHE_FORMAT:d}")
            db.execute(
                "CREATE TABLE IF NOT EXISTS results "
                "(key TEXT PRIMARY KEY, source_id TEXT NOT NULL, variant TEXT NOT NULL, "
                "data BLOB NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS by_source ON results (source_id, variant)")
            db.execute(
                "CREATE TABLE IF NOT EXISTS pairs (key TEXT PRIMARY KEY, data BLOB NOT NULL)"
            )
            db.execute(  # near-duplicate signatures (exercise_pipeline.dedup), by file sha256
                "CREATE TABLE IF NOT EXISTS prints (key TEXT PRIMARY KEY, data BLOB NOT NULL)"
            )
            db.commit()
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _disable(self, problem: str) -> None:
        message = f"{self.path}: cache {problem}; building without it (delete the file to reset)"
        log.warning("%s", message)
        if self._db is not None:
            self._db.close()
        self._db = None

    def _read(self, query: str, arg: str) -> Entry | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute(query, (arg,)).fetchone()
            return unpack_entry(zlib.decompress(row[0])) if row else None
        except sqlite3.OperationalError as exc:
            self._disable(f"cannot be read: {exc}")
        except (sqlite3.DatabaseError, zlib.error) as exc:
            self._reset(exc)  # damaged pages or entries: the results are rebuilt
        except RecordError as exc:  # written by other code, or by someone else
            log.warning("%s: ignored a cache entry that is not a result (%s)", self.path, exc)
        return None

    def get(self, key: str) -> Entry | None:
        result = self._read("SELECT data FROM results WHERE key = ?", key)
        if result is None:
            self.stats.misses += 1
        else:
            self.stats.hits += 1
        return result

    def latest(self, source_id: str) -> Entry | None:
        """The source's most recently stored result, whatever its bytes, settings or code: what
        a build carries, marked stale, when the source fails."""
        query = "SELECT data FROM results WHERE source_id = ? ORDER BY rowid DESC LIMIT 1"
        return self._read(query, source_id)

    def put(self, key: str, source_id: str, variant: str, result: Entry) -> None:
        """Store a result; it replaces the source's earlier version under the same variant."""
        self.put_packed(key, source_id, variant, pack(result))

    def put_packed(self, key: str, source_id: str, variant: str, data: bytes) -> None:
        """``put`` of a result already packed (as a worker process sends it back)."""
        if self._db is None:
            return
        data = zlib.compress(data, 1)
        for attempt in (1, 2):
            if self._db is None:
                return
            try:
                with self._db:
                    self._db.execute(
                        "DELETE FROM results WHERE source_id = ? AND variant = ?",
                        (source_id, variant),
                    )
                    self._db.execute(
                        "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                        (key, source_id, variant, data),
                    )
                return
            except sqlite3.OperationalError as exc:  # locked, disk full: leave the file alone
                self._disable(f"cannot be written: {exc}")
            except sqlite3.DatabaseError as exc:  # damaged: start a new cache, try once more
                if attempt == 2:
                    self._disable(f"cannot be written: {exc}")
                else:
                    self._reset(exc)

    def pair_scores(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored pair scores of these pair keys (``merge.score.pair_key``), packed."""
        if self._db is None or not keys:
            return {}
        out: dict[str, bytes] = {}
        try:
            for at in range(0, len(keys), 500):
                chunk = list(keys[at : at + 500])
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, data FROM pairs WHERE key IN ({marks})"
                out.update(self._db.execute(query, chunk).fetchall())
        except sqlite3.OperationalError as exc:
            self._disable(f"cannot be read: {exc}")
        except sqlite3.DatabaseError as exc:
            self._reset(exc)
        return out

    def keep_pair_scores(self, new: Mapping[str, bytes], used: Collection[str]) -> None:
        """Store the pair scores this build computed (``new``, replacing a damaged row it
        scored again); the table keeps only the
        build's pairs (``used``) when it has grown past twice as many (pairs of mentions that
        changed are of no more use)."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO pairs VALUES (?, ?)", sorted(new.items())
                )
                (stored,) = self._db.execute("SELECT COUNT(*) FROM pairs").fetchone()
                if stored > 2 * len(used):
                    self._db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                    self._db.executemany("INSERT INTO used VALUES (?)", [(k,) for k in used])
                    self._db.execute("DELETE FROM pairs WHERE key NOT IN (SELECT key FROM used)")
                    self._db.execute("DROP TABLE used")
        except sqlite3.OperationalError as exc:
            self._disable(f"cannot be written: {exc}")
        except sqlite3.DatabaseError as exc:
            self._reset(exc)

    def fingerprint(self, key: str) -> Fingerprint | None:
        """The near-duplicate signature kept under ``key`` (``ingest.print_key``: a file's
        sha256 and how it decodes), if any."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT data FROM prints WHERE key = ?", (f"{FINGERPRINT_VERSION}:{key}",)
            ).fetchone()
            if row is None:
                return None
            size, hashes = msgpack.unpackb(row[0])
            if not isinstance(size, int) or not isinstance(hashes, bytes):
                return None
            return Fingerprint(size, hashes)
        except sqlite3.OperationalError as exc:
            self._disable(f"cannot be read: {exc}")
        except sqlite3.DatabaseError as exc:
            self._reset(exc)
        except (ValueError, TypeError, msgpack.UnpackException):
            return None  # a row another version wrote: computed again
        return None

    def keep_fingerprints(self, prints: Mapping[str, Fingerprint]) -> None:
        """Keep signatures under their keys (``ingest.print_key``)."""
        if self._db is None:
            return
        rows = [
            (f"{FINGERPRINT_VERSION}:{key}", msgpack.packb([fp.size, fp.hashes]))
            for key, fp in sorted(prints.items())
        ]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO prints VALUES (?, ?)", rows)
        except sqlite3.OperationalError as exc:
            self._disable(f"cannot be written: {exc}")
        except sqlite3.DatabaseError as exc:
            self._reset(exc)

    def forget(self, source_id: str) -> int:
        """Delete every result of a source (a source removed on purpose); how many rows."""
        if self._db is None:
            return 0
        try:
            with self._db:
                cursor = self._db.execute("DELETE FROM results WHERE source_id = ?", (source_id,))
            return cursor.rowcount
        except sqlite3.DatabaseError as exc:
            self._disable(f"cannot be written: {exc}")
            return 0

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> SqliteCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
