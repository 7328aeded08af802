"""Adding articles to ``raw/``: checks, a stable source id, the manifest entry with its sha256.

``plan_additions`` is pure: given the articles already in ``raw/`` and the candidates, it decides
what is added under which id, what is refused and why, and what looks like a near-duplicate.
``add_articles`` is the edge that reads the candidates and writes ``raw/`` and its manifest.
Nothing is overwritten unless ``replace`` names the source to replace.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from pipeline.errors import PipelineError, SourceError
from pipeline.models import BlockKind, Document, Format, SourceMeta
from pipeline.parse import parse
from pipeline.publish import render_json, write_atomic
from pipeline.sources import (
    MANIFEST,
    Manifest,
    RawFile,
    SourcesSettings,
    article_files,
    decode,
    load_manifest,
    manifest_json,
    sha256,
)

log = logging.getLogger(__name__)

_SUFFIX_OF = {Format.TEXT: ".txt", Format.MARKDOWN: ".md", Format.HTML: ".html"}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
_WORD = re.compile(r"\w+")
_SOURCE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")  # as in schema/sources.schema.json


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article offered to ``raw/``: where it came from, its bytes, the metadata given."""

    path: str
    data: bytes
    title: str | None = None
    url: str | None = None
    license: str | None = None
    retrieved: str | None = None
    source_id: str | None = None  # asked for with --id


@dataclass(frozen=True, slots=True)
class Existing:
    """An article already in ``raw/``: its manifest entry (or a bare one) and its text."""

    meta: SourceMeta
    sha256: str
    text: str


@dataclass(frozen=True, slots=True)
class Addition:
    """One article to write: its file name in ``raw/`` and its manifest entry."""

    candidate: Candidate
    meta: SourceMeta
    replaces: SourceMeta | None = None


@dataclass(frozen=True, slots=True)
class AddPlan:
    additions: tuple[Addition, ...]
    refused: tuple[PipelineError, ...]
    warnings: tuple[str, ...]


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
    return stem if _SOURCE_ID.match(stem) and len(stem) <= 80 else slug_id(stem)


def visible_text(doc: Document) -> str:
    """The words a reader sees: tags and scripts gone for HTML, the text otherwise."""
    if doc.format is Format.HTML:
        soup = BeautifulSoup(doc.text, "lxml")
        for tag in soup(["script", "style", "noscript", "template"]):
            tag.decompose()
        return soup.get_text(" ")
    return doc.text


def shingles(text: str, *, size: int = 5) -> frozenset[str]:
    """Overlapping runs of ``size`` words, lower-cased: a fingerprint to find near-duplicates."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of the smaller text the larger contains (1.0: one is inside the other)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


_SCRAPE_TITLE = re.compile(r"^Title:[ \t]*(?P<v>\S.*?)[ \t]*$", re.M)
_SCRAPE_URL = re.compile(r"^URL Source:[ \t]*(?P<v>https?://\S+)[ \t]*$", re.M)
_FRONT_TITLE = re.compile(
    r"\A(?:---|\+\+\+)\s*\n(?:.*\n)*?title\s*[:=]\s*[\"']?(?P<v>[^\"'\n]+)", re.M
)


def described(doc: Document) -> tuple[str | None, str | None]:
    """(title, url) the article states about itself: a reader-style scrape header ("Title:",
    "URL Source:"), front matter, or an HTML <title> and canonical link; else its first
    heading as the title."""
    head = doc.text[:5000]
    title = url = None
    if doc.format is Format.HTML:
        soup = BeautifulSoup(doc.text[:200_000], "lxml")
        if soup.title and soup.title.get_text(strip=True):
            title = soup.title.get_text(" ", strip=True)
        link = soup.find("link", rel="canonical") or soup.find("meta", property="og:url")
        target = (link.get("href") or link.get("content")) if isinstance(link, Tag) else None
        if isinstance(target, str) and _URL.match(target):
            url = target
    else:
        m = _SCRAPE_TITLE.search(head) or _FRONT_TITLE.search(head)
        title = m.group("v").strip() if m else None
        u = _SCRAPE_URL.search(head)
        url = u.group("v") if u else None
    if not title:
        title = next(
            (b.text.strip() for b in parse(doc).blocks if b.kind is BlockKind.HEADING),
            None,
        )
    return (title[:200] if title else None), url


def check_metadata(candidate: Candidate) -> list[str]:
    """Problems with the metadata given on the command line, each saying what is expected."""
    problems = []
    if candidate.url is not None and not _URL.match(candidate.url):
        problems.append(f"--url {candidate.url!r} is not an http(s) URL")
    if candidate.retrieved is not None:
        try:
            datetime.date.fromisoformat(candidate.retrieved)
        except ValueError:
            problems.append(f"--retrieved {candidate.retrieved!r} is not a date (YYYY-MM-DD)")
    if candidate.source_id is not None and not _SOURCE_ID.match(candidate.source_id):
        problems.append(
            f"--id {candidate.source_id!r} is not a source id "
            f"(letters, digits, '.', '_', '-'; try {slug_id(candidate.source_id)!r})"
        )
    return problems


def plan_additions(
    existing: Sequence[Existing],
    candidates: Sequence[Candidate],
    *,
    replace: str | None = None,
    near_duplicate: float = 0.8,
    settings: SourcesSettings | None = None,
) -> AddPlan:
    """Decide, without touching the disk, which candidates are added and under which ids."""
    settings = settings or SourcesSettings()
    by_sha = {e.sha256: e.meta for e in existing}
    by_id = {e.meta.source_id: e.meta for e in existing}
    taken_files = {e.meta.file for e in existing}
    prints = [(e.meta, shingles(e.text)) for e in existing]
    additions: list[Addition] = []
    refused: list[PipelineError] = []
    warnings: list[str] = []
    target = by_id.get(replace) if replace else None
    if replace and target is None:
        return AddPlan(
            (),
            (PipelineError(replace, "is not a source in raw/", "see raw/sources.json for ids"),),
            (),
        )
    for cand in candidates:
        problems = check_metadata(cand)
        if problems:
            refused.append(PipelineError(cand.path, "; ".join(problems), "nothing was added"))
            continue
        try:
            doc = decode(RawFile(Path(cand.path).name, cand.data, None), settings)
        except SourceError as exc:
            refused.append(PipelineError(cand.path, exc.problem, "nothing was added"))
            continue
        digest = sha256(cand.data)
        twin = by_sha.get(digest)
        if twin is not None and (target is None or twin.source_id != target.source_id):
            refused.append(
                PipelineError(
                    cand.path,
                    f"is an exact duplicate of source {twin.source_id!r} ({twin.file})",
                    "nothing was added",
                )
            )
            continue
        if target is not None and digest == target.sha256:
            refused.append(
                PipelineError(
                    cand.path,
                    f"is what {MANIFEST} already records for source {target.source_id!r}",
                    "nothing to replace",
                )
            )
            continue
        suffix = Path(cand.path).suffix.lower()
        if suffix not in settings.suffixes:
            suffix = _SUFFIX_OF[doc.format]
        stated_title, stated_url = described(doc)
        title = cand.title or stated_title
        url = cand.url or stated_url
        if target is not None:
            source_id = target.source_id
            file = target.file if Path(target.file).suffix == suffix else source_id + suffix
        else:
            base = cand.source_id or id_from_stem(Path(cand.path).stem)
            source_id = base
            if cand.source_id and cand.source_id in by_id:
                refused.append(
                    PipelineError(
                        cand.path,
                        f"source id {cand.source_id!r} is taken by {by_id[cand.source_id].file}",
                        f"choose another --id, or --replace {cand.source_id} to replace it",
                    )
                )
                continue
            if source_id in by_id or any(Path(f).stem == source_id for f in taken_files):
                source_id = f"{base}-{digest[:8]}"
            file = source_id + suffix
        fingerprint = shingles(visible_text(doc))
        for meta, other in prints:
            if target is not None and meta.source_id == target.source_id:
                continue
            overlap = containment(fingerprint, other)
            if overlap >= near_duplicate:
                warnings.append(
                    f"{cand.path}: near-duplicate of source {meta.source_id!r} ({meta.file}): "
                    f"{overlap:.0%} of the shorter text is shared; added anyway: if it is the "
                    f"same article, delete raw/{file} and its entry in {MANIFEST}"
                )
        meta = SourceMeta(
            source_id=source_id,
            file=file,
            format=doc.format,
            title=title,
            url=url or (target.url if target else None),
            retrieved=cand.retrieved or (target.retrieved if target else None),
            license=cand.license or (target.license if target else None),
            sha256=digest,
        )
        additions.append(Addition(cand, meta, target))
        by_sha[digest] = meta
        by_id[source_id] = meta
        taken_files.add(file)
        prints.append((meta, fingerprint))
    return AddPlan(tuple(additions), tuple(refused), tuple(warnings))


def _collect(
    paths: Iterable[Path], settings: SourcesSettings
) -> tuple[list[Path], list[PipelineError]]:
    """Files to add: the files named, and the article files inside the folders named."""
    files: list[Path] = []
    problems: list[PipelineError] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
            articles = [p for p in inside if p.suffix.lower() in settings.suffixes]
            if not articles:
                problems.append(
                    PipelineError(str(path), "holds no article files", ", ".join(settings.suffixes))
                )
            files.extend(articles)
        elif path.exists():
            files.append(path)
        else:
            problems.append(PipelineError(str(path), "no such file or folder"))
    return files, problems


def existing_articles(
    raw_dir: Path, manifest: Manifest, settings: SourcesSettings
) -> list[Existing]:
    """Every article in ``raw/`` with its text, listed in the manifest or not."""
    known = manifest.by_file()
    found = []
    for path in article_files(raw_dir, settings):
        data = path.read_bytes()
        meta = known.get(path.name) or SourceMeta(source_id=path.stem, file=path.name)
        try:
            text = visible_text(decode(RawFile(path.name, data, meta), settings))
        except SourceError:
            text = ""
        found.append(Existing(meta, sha256(data), text))
    return found


@dataclass(frozen=True, slots=True)
class AddReport:
    added: tuple[SourceMeta, ...]
    replaced: tuple[SourceMeta, ...]
    refused: tuple[PipelineError, ...]
    warnings: tuple[str, ...]


def add_articles(
    raw_dir: Path,
    paths: Sequence[Path],
    *,
    title: str | None = None,
    url: str | None = None,
    license: str | None = None,
    retrieved: str | None = None,
    source_id: str | None = None,
    replace: str | None = None,
    settings: SourcesSettings | None = None,
) -> AddReport:
    """Copy articles into ``raw_dir`` and record them in its manifest; refuse what is wrong.

    The article files are written first and the manifest last, each atomically, so an
    interrupted add leaves at worst an unlisted file that the next build reports.
    """
    settings = settings or SourcesSettings()
    if not raw_dir.is_dir():
        raise PipelineError(str(raw_dir), "is not a folder", "pass --raw DIR")
    manifest = load_manifest(raw_dir)
    files, missing = _collect(paths, settings)
    if (title or url or source_id or replace) and len(files) > 1:
        raise PipelineError(
            ", ".join(map(str, paths)),
            f"--title, --url, --id and --replace describe one article, not {len(files)}",
            "add the files one at a time",
        )
    refused: list[PipelineError] = list(missing)
    candidates = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            refused.append(PipelineError(str(path), f"cannot be read: {exc.strerror}", "check it"))
            continue
        candidates.append(Candidate(str(path), data, title, url, license, retrieved, source_id))
    plan = plan_additions(
        existing_articles(raw_dir, manifest, settings),
        candidates,
        replace=replace,
        settings=settings,
    )
    entries = {s.source_id: s for s in manifest.sources}
    for addition in plan.additions:
        write_atomic(raw_dir / addition.meta.file, addition.candidate.data)
        old = addition.replaces
        if old is not None and old.file != addition.meta.file:
            (raw_dir / old.file).unlink(missing_ok=True)
        entries[addition.meta.source_id] = addition.meta
    if plan.additions:
        updated = dataclasses.replace(manifest, sources=tuple(entries.values()))
        write_atomic(raw_dir / MANIFEST, render_json(manifest_json(updated)))
    return AddReport(
        tuple(a.meta for a in plan.additions if a.replaces is None),
        tuple(a.meta for a in plan.additions if a.replaces is not None),
        tuple(refused) + plan.refused,
        plan.warnings,
    )
