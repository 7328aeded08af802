"""Inputs from crawls: WARC, JSON Lines and Parquet of pages, and gzip of any supported file.

A container holds many pages; each page becomes one source with an id derived from its URL and
its provenance (container file, record, URL, fetch date, payload digest). Records that are not
pages (requests, metadata, redirects, error statuses, images...) are skipped and counted, never
fatal. ``unpack`` is pure over a byte stream: ``sources.read_raw`` opens the files.

WARC is read with warcio (Webrecorder's reader, which also inflates per-record gzip members);
Parquet with pyarrow, one row group at a time.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import urlsplit

from exercise_pipeline.models import Format, Record

WARC_SUFFIXES = (".warc", ".warc.gz")
LINES_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
PARQUET_SUFFIXES = (".parquet",)
CONTAINER_SUFFIXES = WARC_SUFFIXES + LINES_SUFFIXES + PARQUET_SUFFIXES
# A page's content in a JSON Lines or Parquet row, by the column it is in (first found wins).
CONTENT_COLUMNS = (("html", Format.HTML), ("markdown", Format.MARKDOWN), ("text", Format.TEXT))
_MEDIA = {
    "text/html": Format.HTML,
    "application/xhtml+xml": Format.HTML,
    "text/markdown": Format.MARKDOWN,
    "text/x-markdown": Format.MARKDOWN,
    "text/plain": Format.TEXT,
}


def container_kind(name: str) -> str | None:
    """``warc``, ``jsonl`` or ``parquet`` for a crawl container's file name, else None.

    >>> container_kind("CC-MAIN-2026-00001.warc.gz"), container_kind("pages.jsonl")
    ('warc', 'jsonl')
    >>> container_kind("knee.md.gz") is None
    True
    """
    lower = name.lower()
    if lower.endswith(WARC_SUFFIXES):
        return "warc"
    if lower.endswith(LINES_SUFFIXES):
        return "jsonl"
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    return None


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a container: its payload bytes and where it came from."""

    record: Record
    data: bytes
    format: Format | None  # from the HTTP content type or the column it was in


@dataclass(frozen=True, slots=True)
class Unpacked:
    """A container's pages, and the records skipped with why (``reason -> count``)."""

    pages: tuple[Page, ...]
    skipped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """``12 pages; skipped 5 (3 redirect, 2 not a page: image/png)``."""
        head = f"{len(self.pages)} page{'s' * (len(self.pages) != 1)}"
        if not self.skipped:
            return head
        parts = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items()))
        return f"{head}; skipped {sum(self.skipped.values())} ({parts})"


class ContainerError(ValueError):
    """A container that cannot be read at all (not WARC, truncated gzip, not Parquet)."""


def unpack(name: str, stream: IO[bytes]) -> Unpacked:
    """Every page of the container ``name`` read from ``stream``."""
    kind = container_kind(name)
    if kind == "warc":
        return _warc(name, stream)
    if kind == "jsonl":
        if name.lower().endswith(".gz"):
            return _rows(name, "jsonl", _json_lines(gzip.GzipFile(fileobj=stream)))
        return _rows(name, "jsonl", _json_lines(stream))
    if kind == "parquet":
        return _rows(name, "parquet", _parquet_rows(stream))
    raise ContainerError(f"{name}: not a crawl container ({', '.join(CONTAINER_SUFFIXES)})")


def gunzip(name: str, data: bytes, limit: int) -> bytes:
    """The content of a gzip file, refused past ``limit`` bytes (a gzip bomb stops there)."""
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as inflating:
            while chunk := inflating.read(1 << 20):
                out.write(chunk)
                if out.tell() > limit:
                    raise ContainerError(f"inflates to more than {limit:,} bytes")
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise ContainerError(f"is not a readable gzip file: {exc}") from exc
    return out.getvalue()


def page_id(url: str, *, record: str | None = None) -> str:
    """A source id from a page's URL: its host and path as words, and a digest of the URL
    (of the URL and ``record`` where one URL has several records).

    >>> page_id("https://www.example.org/blog/knee-rehab-exercises/")
    'example-org-blog-knee-rehab-exercises-4a108313'
    >>> page_id("https://example.org/a", record="<urn:uuid:1>") != page_id("https://example.org/a")
    True
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = host.removeprefix("www.")
    words = re.findall(r"[a-z0-9]+", f"{host} {parts.path}".lower())
    stem = "-".join(words)[:60].strip("-") or "page"
    key = url if record is None else f"{url}\n{record}"
    return f"{stem}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"


# --- WARC --------------------------------------------------------------------------------------


def _warc(name: str, stream: IO[bytes]) -> Unpacked:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    pages: list[Page] = []
    skipped: Counter[str] = Counter()
    try:
        for rec in ArchiveIterator(stream):
            page, why = _warc_page(name, rec)
            if page is not None:
                pages.append(page)
            elif why:
                skipped[why] += 1
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        if not pages and not skipped:
            raise ContainerError(f"is not a readable WARC file: {exc}") from exc
        skipped[f"unreadable after record {len(pages) + sum(skipped.values())}"] += 1
    return Unpacked(tuple(pages), skipped)


def _warc_page(name: str, rec: object) -> tuple[Page | None, str | None]:
    headers = rec.rec_headers  # type: ignore[attr-defined]
    kind = headers.get_header("WARC-Type")
    if kind not in ("response", "resource"):
        return None, None  # requests, metadata, warcinfo: not pages, not worth counting
    url = headers.get_header("WARC-Target-URI") or ""
    record_id = headers.get_header("WARC-Record-ID") or ""
    media = ""
    if kind == "response":
        http = rec.http_headers  # type: ignore[attr-defined]
        if http is None:
            return None, "not an HTTP response"
        status = http.get_statuscode() or ""
        if status.startswith("3"):
            return None, "redirect"
        if not status.startswith("2"):
            return None, "error status"
        media = http.get_header("Content-Type") or ""
    else:
        media = headers.get_header("Content-Type") or ""
    fmt, charset = _media(media)
    if fmt is None:
        return None, f"not a page: {media.split(';')[0].strip().lower() or 'no content type'}"
    if not url:
        return None, "no URL"
    data = rec.content_stream().read()  # type: ignore[attr-defined]
    digest = headers.get_header("WARC-Payload-Digest") or _sha256(data)
    record = Record(
        container=name,
        kind="warc",
        id=record_id,
        url=url,
        fetched=headers.get_header("WARC-Date"),
        digest=digest,
        charset=charset,
    )
    return Page(record, data, fmt), None


def _media(content_type: str) -> tuple[Format | None, str | None]:
    """The format and charset of a Content-Type header.

    >>> _media("text/html; charset=ISO-8859-1")
    (<Format.HTML: 'html'>, 'iso-8859-1')
    >>> _media("image/png")
    (None, None)
    """
    media, _, params = content_type.partition(";")
    fmt = _MEDIA.get(media.strip().lower())
    found = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", params, re.I)
    return fmt, (found.group(1).lower() if found else None)


# --- JSON Lines and Parquet --------------------------------------------------------------------


def _json_lines(body: IO[bytes] | gzip.GzipFile) -> Iterator[tuple[str, dict[str, object] | str]]:
    """(``line N``, the row) for each line; a line that is not a JSON object gives why."""
    try:
        for n, line in enumerate(body, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                yield f"line {n}", "not JSON"
                continue
            yield f"line {n}", row if isinstance(row, dict) else "not a JSON object"
    except (OSError, EOFError) as exc:
        raise ContainerError(f"is not readable JSON Lines: {exc}") from exc


def _parquet_rows(stream: IO[bytes]) -> Iterator[tuple[str, dict[str, object] | str]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(stream)
    except (pa.ArrowException, OSError) as exc:
        raise ContainerError(f"is not a readable Parquet file: {exc}") from exc
    n = 0
    for group in range(parquet.num_row_groups):
        for row in parquet.read_row_group(group).to_pylist():
            n += 1
            yield f"row {n}", row


def _rows(name: str, kind: str, rows: Iterator[tuple[str, dict[str, object] | str]]) -> Unpacked:
    pages: list[Page] = []
    skipped: Counter[str] = Counter()
    for where, row in rows:
        if isinstance(row, str):
            skipped[row] += 1
            continue
        url = row.get("url")
        if not isinstance(url, str) or not url.strip():
            skipped["no URL"] += 1
            continue
        data, fmt, given_text = b"", Format.TEXT, False
        for column, column_format in CONTENT_COLUMNS:
            value = row.get(column)
            if isinstance(value, str | bytes) and value:
                given_text = isinstance(value, str)
                data = value.encode("utf-8") if isinstance(value, str) else value
                fmt = column_format
                break
        if not data:
            skipped["no html, markdown or text"] += 1
            continue
        fetched = row.get("fetched")
        record = Record(
            container=name,
            kind=kind,
            id=where,
            url=url.strip(),
            fetched=str(fetched) if fetched is not None else None,
            digest=_sha256(data),
            charset="utf-8" if given_text else None,
        )
        pages.append(Page(record, data, fmt))
    return Unpacked(tuple(pages), skipped)


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()
