"""Sources stage: read article bytes and the manifest, decode, fingerprint, detect the format.

Reading files is the only I/O here (``read_raw``); ``decode`` and ``detect_format`` are pure so
that tests and the cache can run them on bytes directly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from exercise_pipeline.crawl import CONTAINER_SUFFIXES, ContainerError, container_kind, gunzip
from exercise_pipeline.crawl import page_id as page_id_for
from exercise_pipeline.crawl import unpack as unpack_container
from exercise_pipeline.encodings import LOW_CONFIDENCE, bom, detect, utf16_without_bom
from exercise_pipeline.errors import SourceError
from exercise_pipeline.models import Document, Format, SourceMeta
from exercise_pipeline.schemas import check

log = logging.getLogger(__name__)

MANIFEST = "sources.json"
ARTICLE_SUFFIXES = {
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
}


@dataclass(frozen=True, slots=True)
class SourcesSettings:
    """How articles are found and decoded.

    suffixes: file endings read as articles; anything else in ``raw/`` is ignored with a warning.
    max_bytes: larger files are rejected with a message (the largest of 110 real web pages in
      the benchmark is 0.9 MB). Every stage is linear: about 2-4 s and 25 MB of memory per MB
      of prose; text of many short lines costs per line and is bounded by
      ``ParseSettings.max_blocks``.
    fallback_encoding: used (with U+FFFD) for bytes that no code page fits.
    """

    suffixes: tuple[str, ...] = tuple(ARTICLE_SUFFIXES)
    max_bytes: int = 20_000_000
    fallback_encoding: str = "cp1252"


@dataclass(frozen=True, slots=True)
class RawFile:
    """An article's bytes, its file's name and its manifest entry when there is one. A page of
    a crawl container has the container's name and its record in ``meta.record``."""

    name: str
    data: bytes
    meta: SourceMeta | None

    @property
    def where(self) -> str:
        """The file, and the record of a page in a container, as messages name it."""
        record = self.meta.record if self.meta else None
        return self.name if record is None else f"{self.name} {record.id} ({record.url})"


@dataclass(frozen=True, slots=True)
class RemovedSource:
    """A source retired on purpose (``pipeline remove``): its ids are retired, with why."""

    source_id: str
    file: str
    reason: str
    date: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """``raw/sources.json``: dataset-level metadata, one entry per source, and the sources
    removed on purpose."""

    dataset: Mapping[str, object]
    sources: tuple[SourceMeta, ...]
    removed: tuple[RemovedSource, ...] = ()

    def by_file(self) -> dict[str, SourceMeta]:
        return {s.file: s for s in self.sources}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


SOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # as in schema/sources.schema.json


def slug_id(text: str, *, max_len: int = 60) -> str:
    """A source id from a title or file stem: lower-case ASCII words joined by hyphens.

    >>> slug_id("Lower Back Pain: 7 Stretches (2024)")
    'lower-back-pain-7-stretches-2024'
    >>> slug_id("Übungen für den Rücken")
    'ubungen-fur-den-rucken'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:max_len].strip("-")
    return slug or "article"


def id_from_stem(stem: str) -> str:
    """A source id from a file stem: the stem itself where it is a valid id.

    >>> id_from_stem("001_drtimfoo-lumbar-routine")
    '001_drtimfoo-lumbar-routine'
    >>> id_from_stem("Back pain (copy 2)")
    'back-pain-copy-2'
    """
    return stem if SOURCE_ID.fullmatch(stem) and len(stem) <= 80 else slug_id(stem)


def source_id_for(file_name: str) -> str:
    """A source's id: its file's stem, made a valid id where it is not one (spaces, accents).

    >>> source_id_for("Back pain (copy 2).txt")
    'back-pain-copy-2'
    >>> source_id_for("knee-rehab.md.gz")
    'knee-rehab'
    """
    return id_from_stem(Path(_without_gz(file_name)).stem)


def _without_gz(name: str) -> str:
    return name[:-3] if name.lower().endswith(".gz") else name


def is_input(name: str, settings: SourcesSettings) -> bool:
    """An article file (``.md``...), a crawl container (``.warc.gz``...), or gzip of either.

    >>> s = SourcesSettings()
    >>> [is_input(n, s) for n in ("a.md", "a.md.gz", "c.warc.gz", "p.parquet", "a.pdf")]
    [True, True, True, True, False]
    """
    if container_kind(name):
        return True
    return Path(_without_gz(name)).suffix.lower() in settings.suffixes


def load_manifest(raw_dir: Path) -> Manifest:
    """Read and schema-check ``raw/sources.json``; a missing manifest is an empty one."""
    path = raw_dir / MANIFEST
    if not path.exists():
        return Manifest({}, ())
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(str(path), f"not valid JSON: {exc}", "fix the file or delete it") from exc
    problems = check(doc, "sources.schema.json")
    if problems:
        raise SourceError(str(path), "; ".join(problems), "fix the listed entries")
    entries = tuple(
        SourceMeta(
            source_id=e.get("id") or source_id_for(e["file"]),
            file=e["file"],
            format=Format(e["format"]) if e.get("format") else None,
            title=e.get("title"),
            url=e.get("url"),
            retrieved=e.get("retrieved"),
            license=e.get("license"),
            sha256=e.get("sha256"),
            encoding=e.get("encoding"),
        )
        for e in doc.get("sources", [])
    )
    removed = tuple(
        RemovedSource(e["id"], e["file"], e["reason"], e["date"]) for e in doc.get("removed", [])
    )
    return Manifest(doc.get("dataset", {}), entries, removed)


def entry_json(s: SourceMeta) -> dict[str, object]:
    """One source's entry in ``raw/sources.json``."""
    return {
        "id": s.source_id,
        "file": s.file,
        "format": s.format.value if s.format else None,
        "title": s.title,
        "url": s.url,
        "retrieved": s.retrieved,
        "license": s.license,
        "sha256": s.sha256,
        **({"encoding": s.encoding} if s.encoding else {}),
    }


def manifest_json(manifest: Manifest) -> dict[str, object]:
    """The manifest as the JSON document stored in ``raw/sources.json``."""
    doc: dict[str, object] = {
        "dataset": dict(manifest.dataset),
        "sources": [entry_json(s) for s in sorted(manifest.sources, key=lambda s: s.source_id)],
    }
    if manifest.removed:
        doc["removed"] = [
            {"id": r.source_id, "file": r.file, "reason": r.reason, "date": r.date}
            for r in sorted(manifest.removed, key=lambda r: (r.source_id, r.date))
        ]
    return doc


def article_files(raw_dir: Path, settings: SourcesSettings) -> list[Path]:
    """Article files in ``raw_dir`` in a stable order; other files are skipped with a warning."""
    files = []
    for path in sorted(raw_dir.iterdir()):
        if path.name.startswith(".") or path.name == MANIFEST or path.is_dir():
            continue
        if not is_input(path.name, settings):
            kinds = ", ".join((*settings.suffixes, *CONTAINER_SUFFIXES, "and .gz of them"))
            log.warning("%s: skipped, not an article file or crawl container (%s)", path, kinds)
            continue
        files.append(path)
    return files


def read_raw(
    raw_dir: Path, manifest: Manifest, settings: SourcesSettings
) -> tuple[list[RawFile], list[SourceError]]:
    """Read every article file's bytes. Unreadable files become errors, not exceptions."""
    known = manifest.by_file()
    files: list[RawFile] = []
    errors: list[SourceError] = []
    inputs = article_files(raw_dir, settings)
    paths = [p for p in inputs if not container_kind(p.name)]
    pages, errors = _container_pages([p for p in inputs if container_kind(p.name)], raw_dir, known)
    ids: dict[str, list[Path]] = {}  # source id -> the files that would have it
    for path in paths:
        meta = known.get(path.name)
        ids.setdefault(meta.source_id if meta else source_id_for(path.name), []).append(path)
    for page in pages:
        assert page.meta is not None
        ids.setdefault(page.meta.source_id, []).append(raw_dir / page.name)
    for path in paths:
        meta = known.get(path.name)
        source_id = meta.source_id if meta else source_id_for(path.name)
        sharing = ids[source_id]
        # One id, several files: the file the manifest lists keeps it; with none listed, none
        # does (a new file must never take over a published source's id and exercises).
        if len(sharing) > 1 and meta is None:
            keeper = next((p.name for p in sharing if p.name in known), None)
            others = ", ".join(p.name for p in sharing if p != path)
            fate = f" ({keeper}, which keeps it)" if keeper else "; none is built"
            errors.append(
                SourceError(
                    str(path),
                    f"would have the source id {source_id!r} of {others}{fate}",
                    "rename it, or record it with `pipeline add --id`",
                    source_id=None if keeper else source_id,
                )
            )
            continue
        if meta is None:
            stem = Path(_without_gz(path.name)).stem
            renamed = "" if source_id == stem else " (its name is not a valid id)"
            how = (  # `add` takes article files, not their gzip
                f"give it an entry in {MANIFEST}"
                if path.name.lower().endswith(".gz")
                else "record it with `pipeline add`"
            )
            log.warning(
                "%s: not in %s; built as source %r%s with no title, url or license (%s)",
                path,
                MANIFEST,
                source_id,
                renamed,
                how,
            )
        outside = _outside_link(path, raw_dir)
        if outside is not None:
            errors.append(
                SourceError(
                    str(path),
                    f"is a symbolic link to {outside}, outside the repository "
                    f"({raw_dir.resolve().parent}); refused",
                    "copy the article into raw/ with `pipeline add` instead of linking it",
                    source_id=source_id,
                )
            )
            continue
        try:
            data = path.read_bytes()
            if path.name.lower().endswith(".gz"):
                data = gunzip(path.name, data, settings.max_bytes)
        except OSError as exc:
            errors.append(
                SourceError(
                    str(path), f"cannot be read: {exc.strerror}", "check it", source_id=source_id
                )
            )
            continue
        except ContainerError as exc:
            errors.append(SourceError(str(path), str(exc), "replace it", source_id=source_id))
            continue
        files.append(RawFile(path.name, data, meta))
    for page in pages:
        assert page.meta is not None
        sharing = ids[page.meta.source_id]
        if len(sharing) > 1:
            others = ", ".join(p.name for p in sharing if p.name != page.name)
            errors.append(
                SourceError(
                    page.where,
                    f"would have the source id {page.meta.source_id!r} of {others}; not built",
                    "rename the file that has it",
                    source_id=None,
                )
            )
            continue
        files.append(page)
    for meta in manifest.sources:
        if not (raw_dir / meta.file).exists():
            errors.append(
                SourceError(
                    str(raw_dir / meta.file),
                    f"listed in {MANIFEST} as source {meta.source_id!r} but missing",
                    "restore the file, or retire it with `pipeline remove "
                    f"{meta.source_id} --reason WHY`",
                    source_id=meta.source_id,
                )
            )
    return files, errors


def _container_pages(
    paths: Sequence[Path], raw_dir: Path, known: Mapping[str, SourceMeta]
) -> tuple[list[RawFile], list[SourceError]]:
    """The pages of every crawl container, each a source with an id from its URL; a URL an
    earlier page of these containers already has is told apart by its container and record
    (and, for a record id its container repeats, its position there)."""
    pages: list[RawFile] = []
    errors: list[SourceError] = []
    taken: set[str] = set()
    for path in paths:
        outside = _outside_link(path, raw_dir)
        if outside is not None:
            errors.append(
                SourceError(
                    str(path),
                    f"is a symbolic link to {outside}, outside the repository; refused",
                    "copy the container into raw/ instead of linking it",
                )
            )
            continue
        try:
            with path.open("rb") as stream:
                unpacked = unpack_container(path.name, stream)
        except OSError as exc:
            problem = f"cannot be read: {exc.strerror or exc}"
            errors.append(SourceError(str(path), problem, "check it"))
            continue
        except ContainerError as exc:
            errors.append(SourceError(str(path), str(exc), "replace it with a readable copy"))
            continue
        if unpacked.problem:  # the pages before the break still build
            errors.append(
                SourceError(
                    str(path),
                    f"{unpacked.problem}; the {len(unpacked.pages)} pages before it are built",
                    "replace it with a complete copy",
                )
            )
        listed = known.get(path.name)
        if listed is None:
            log.warning(
                "%s: not in %s; its pages are built with no license (give it an entry "
                "there with its license)",
                path,
                MANIFEST,
            )
        if not unpacked.pages:
            log.warning(
                "%s: no pages in it (%s); a page needs a url and html, markdown or text",
                path,
                unpacked.summary(),
            )
        listed_date = listed.retrieved if listed else None
        for n, page in enumerate(unpacked.pages):
            record = page.record
            source_id = page_id_for(record.url)
            if source_id in taken:
                source_id = page_id_for(record.url, record=f"{path.name}\n{record.id}")
            if source_id in taken:
                source_id = page_id_for(record.url, record=f"{path.name}\n{record.id}\n{n}")
            taken.add(source_id)
            fetched = record.fetched or ""
            meta = SourceMeta(
                source_id=source_id,
                file=path.name,
                format=page.format,
                url=record.url,
                retrieved=fetched[:10] if _DATE.match(fetched) else listed_date,
                license=listed.license if listed else None,
                record=record,
            )
            pages.append(RawFile(path.name, page.data, meta))
        log.info("%s: %s", path, unpacked.summary())
    return pages, errors


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ])")


def _outside_link(path: Path, raw_dir: Path) -> Path | None:
    """The target of a symbolic link that leaves the repository (``raw/``'s parent), if so."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    return None if target.is_relative_to(raw_dir.resolve().parent) else target


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes (outside UTF-16/32) or many control bytes."""
    head = data[:8192]
    if bom(head) is not None or utf16_without_bom(head) is not None:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05


_HTML_START = re.compile(
    r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|li|ul|ol|h[1-6]|br|table|section|article)\b[^>]*>", re.I
)
_MD_SIGNALS = (
    ("reader-style scrape header", re.compile(r"^(?:Title|URL Source|Markdown Content):", re.M)),
    ("front matter", re.compile(r"\A(?:---|\+\+\+)\s*\n")),
    ("ATX headings", re.compile(r"^#{1,6}\s+\S", re.M)),
    ("bold lines", re.compile(r"^\s*\*\*[^*\n]+\*\*\s*$", re.M)),
    ("image or link syntax", re.compile(r"!?\[[^\]\n]*\]\([^)\s]+[^)]*\)")),
    ("emphasis", re.compile(r"(?<![\w*])\*\*?[^*\s][^*\n]*\*\*?(?![\w*])")),
    ("fenced code or rules", re.compile(r"^(?:```|~~~|-{3,}\s*$|\*{3,}\s*$)", re.M)),
    ("tables", re.compile(r"^\|.*\|\s*$", re.M)),
)


def detect_format(text: str, file_name: str, declared: Format | None = None) -> tuple[Format, str]:
    """Decide the format from content; the extension and manifest are only tie-breakers.

    >>> detect_format("<!DOCTYPE html><html><body><p>x</p></body></html>", "a.txt")[0]
    <Format.HTML: 'html'>
    >>> detect_format("Title: X\\n\\nURL Source: http://x\\n\\n## Plank\\n", "a.txt")[0]
    <Format.MARKDOWN: 'markdown'>
    >>> detect_format("Plank\\n\\nLie face down.\\n", "a.md")[0]
    <Format.TEXT: 'text'>
    """
    head = text[:20000]
    if _HTML_START.search(head):
        return Format.HTML, "starts with an HTML document tag"
    found = [name for name, rx in _MD_SIGNALS if rx.search(head)]
    strong = {"reader-style scrape header", "front matter", "ATX headings", "image or link syntax"}
    tags = len(_HTML_TAG.findall(head))
    # Embedded players or a few tags do not make a Markdown post HTML.
    structural = {"reader-style scrape header", "front matter", "ATX headings"}
    if tags >= 5 and tags * 40 > len(head.split("\n")) and not structural & set(found):
        return Format.HTML, f"{tags} HTML block tags"
    if strong & set(found) or len(found) >= 2:
        return Format.MARKDOWN, "Markdown signals: " + ", ".join(found)
    ext = ARTICLE_SUFFIXES.get(Path(file_name).suffix.lower())
    reason = "no markup signals"
    if declared is Format.TEXT or ext is Format.TEXT or not found:
        return Format.TEXT, reason
    return Format.MARKDOWN, "extension .md with signals: " + ", ".join(found)


def decode(raw: RawFile, settings: SourcesSettings) -> Document:
    """Turn one file's bytes into a Document, or raise a SourceError naming the problem."""
    source_id = raw.meta.source_id if raw.meta else source_id_for(raw.name)
    if not raw.data.strip():
        raise SourceError(raw.where, "is empty", "remove it or replace it with the article")
    if len(raw.data) > settings.max_bytes:
        raise SourceError(
            raw.where,
            f"is {len(raw.data):,} bytes, over the limit of {settings.max_bytes:,} per source",
            "split it into articles, or raise SourcesSettings.max_bytes",
        )
    if looks_binary(raw.data):
        raise SourceError(
            raw.where, "is binary, not text", "save the article as text, Markdown or HTML"
        )
    digest = sha256(raw.data)
    # the encoding recorded for these very bytes; a file changed since is detected afresh
    recorded = raw.meta.encoding if raw.meta and raw.meta.sha256 in (None, digest) else None
    record = raw.meta.record if raw.meta else None
    decoded = detect(
        raw.data,
        recorded=recorded,
        declared=record.charset if record else None,
        fallback=settings.fallback_encoding,
    )
    if decoded.confidence < LOW_CONFIDENCE:
        log.warning(
            "%s: encoding guessed as %s with confidence %.2f (%s); if the text looks wrong, "
            'record the right one as its "encoding" in %s',
            raw.where,
            decoded.encoding,
            decoded.confidence,
            decoded.reason,
            MANIFEST,
        )
    meta_format = raw.meta.format if raw.meta else None
    fmt, format_reason = detect_format(decoded.text, _without_gz(raw.name), meta_format)
    meta = raw.meta or SourceMeta(source_id=source_id, file=raw.name)
    if meta.sha256 and meta.sha256 != digest:
        log.warning(
            "%s: sha256 differs from %s (the file changed since it was recorded); record "
            "the new version with `pipeline add raw/%s --replace %s`",
            raw.name,
            MANIFEST,
            raw.name,
            source_id,
        )
    return Document(
        source_id=source_id,
        file=raw.name,
        format=fmt,
        text=decoded.text,
        sha256=digest,
        encoding=decoded.encoding,
        encoding_reason=decoded.reason,
        format_reason=format_reason,
        meta=meta,
        encoding_confidence=decoded.confidence,
    )


def decode_all(
    files: Iterable[RawFile], settings: SourcesSettings
) -> tuple[list[Document], list[SourceError]]:
    """Decode every file; a bad file becomes an error and the others still decode."""
    docs: list[Document] = []
    errors: list[SourceError] = []
    for raw in files:
        try:
            docs.append(decode(raw, settings))
        except SourceError as exc:
            errors.append(exc)
    return docs, errors
