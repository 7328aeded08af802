"""Inputs from crawls: WARC, JSON Lines and Parquet of pages, and gzip of any supported file.

A container holds many pages; each page becomes one source with an id derived from its URL and
its provenance (container file, record, URL, fetch date, payload digest). Records that are not
pages (requests, metadata, redirects, error statuses, images...) are skipped and counted, never
fatal. ``unpack`` is pure over a byte stream: ``sources.read_raw`` opens the files.

WARC is read with warcio (Webrecorder's reader) through gzip for ``.warc.gz``, whether the
file is compressed per record (as crawlers write it) or whole; Parquet with pyarrow, one row
group at a time. A container that ends early (a truncated download) keeps the pages read up to
there and says where it broke (``Unpacked.problem``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import zlib
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
    """A container's pages, the records skipped with why (``reason -> count``), and what
    stopped the reading early, if something did (the pages before it are kept)."""

    pages: tuple[Page, ...]
    skipped: Counter[str] = field(default_factory=Counter)
    problem: str | None = None

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
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{stem}-{digest[:8]}"


# --- WARC --------------------------------------------------------------------------------------


def _warc(name: str, stream: IO[bytes]) -> Unpacked:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    gunzipped = _Gunzipped(stream) if name.lower().endswith(".gz") else None
    body: IO[bytes] | _Gunzipped = gunzipped or stream
    pages: list[Page] = []
    skipped: Counter[str] = Counter()
    seen = 0
    failure: Exception | None = None
    try:
        for seen, rec in enumerate(ArchiveIterator(body), 1):
            if rec.format != "warc":  # warcio reads any first line as an old ARC header
                raise ValueError(f"record {seen} is no WARC record (it starts {rec.format!r})")
            page, why = _warc_page(name, rec, seen)
            if page is not None:
                pages.append(page)
            elif why:
                skipped[why] += 1
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        failure = exc
    if failure is None and gunzipped is not None:
        failure = gunzipped.error  # warcio ends quietly where gzip's data does
    if failure is None:
        return Unpacked(tuple(pages), skipped)
    if not pages and not skipped:
        raise ContainerError(f"is not a readable WARC file: {failure}") from failure
    return Unpacked(tuple(pages), skipped, f"is cut short after record {seen}: {failure}")


class _Gunzipped:
    """The gzip members of a stream one after another, inflated as they are read (a crawler's
    per-record members, or one for the whole file). Data that ends inside a member, or that
    is not gzip, is an ``error`` once what came before it has been read: warcio takes a
    short read for the end of the file, so the reader asks here."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.error: Exception | None = None
        self._inflate = zlib.decompressobj(wbits=31)
        self._inside = False  # data fed to the current member, which has not ended
        self._out = bytearray()
        self._done = False

    def _fill(self, size: int) -> None:
        while not self._done and (size < 0 or len(self._out) < size):
            data = self.inner.read(1 << 16)
            if not data:
                self._done = True
                if self._inside:
                    self.error = EOFError("the gzip data ends inside a member (cut short)")
                return
            try:
                while data:
                    self._out += self._inflate.decompress(data)
                    self._inside = not self._inflate.eof
                    if self._inflate.eof:
                        data = self._inflate.unused_data
                        self._inflate = zlib.decompressobj(wbits=31)
                    else:
                        data = b""
            except zlib.error as exc:
                self.error, self._done = exc, True

    def read(self, size: int = -1) -> bytes:
        self._fill(size)
        n = len(self._out) if size < 0 else min(size, len(self._out))
        out = bytes(self._out[:n])
        del self._out[:n]
        return out

    def readline(self, size: int = -1) -> bytes:
        while b"\n" not in self._out and not self._done:
            self._fill(len(self._out) + (1 << 16))
        end = self._out.find(b"\n")
        n = len(self._out) if end < 0 else end + 1
        return self.read(n if size < 0 else min(n, size))


def _warc_page(name: str, rec: object, n: int) -> tuple[Page | None, str | None]:
    """Record ``n`` of the container as a page, or why it is none (None: not worth counting)."""
    headers = rec.rec_headers  # type: ignore[attr-defined]
    kind = headers.get_header("WARC-Type")
    if kind not in ("response", "resource"):
        return None, None  # requests, metadata, warcinfo: not pages, not worth counting
    url = headers.get_header("WARC-Target-URI") or ""
    record_id = headers.get_header("WARC-Record-ID") or f"record {n}"
    media = ""
    if kind == "response":
        http = rec.http_headers  # type: ignore[attr-defined]
        if http is None or not (http.protocol or "").upper().startswith("HTTP/"):
            return None, "not an HTTP response"  # a payload with no status line
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
        try:
            rows = parquet.read_row_group(group).to_pylist()
        except (pa.ArrowException, OSError) as exc:
            raise ContainerError(
                f"is not a readable Parquet file: row group {group}: {exc}"
            ) from exc
        for row in rows:
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
        if not _text(url):
            skipped["URL not valid text"] += 1
            continue
        data, fmt, given_text = b"", Format.TEXT, False
        for column, column_format in CONTENT_COLUMNS:
            value = row.get(column)
            if isinstance(value, str | bytes) and value:
                given_text = isinstance(value, str)
                # a lone surrogate ("\\ud83d", half an emoji cut off) is no character
                data = value.encode("utf-8", "replace") if isinstance(value, str) else value
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


def _text(value: str) -> bool:
    """Whether a string is text UTF-8 can hold (no lone surrogates)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()
