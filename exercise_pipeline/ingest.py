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
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from rfc3986_validator import validate_rfc3986  # type: ignore[import-untyped]

from exercise_pipeline.crawl import container_kind
from exercise_pipeline.dedup import Fingerprint, FingerprintStore, Index, fingerprint
from exercise_pipeline.errors import PipelineError, SourceError
from exercise_pipeline.licenses import spdx
from exercise_pipeline.locks import writing
from exercise_pipeline.models import BlockKind, Document, Format, SourceMeta
from exercise_pipeline.parse import parse
from exercise_pipeline.publish import render_json, write_atomic
from exercise_pipeline.schemas import check
from exercise_pipeline.sources import (
    MANIFEST,
    SOURCE_ID,
    Manifest,
    RawFile,
    RemovedSource,
    SourcesSettings,
    article_files,
    decode,
    id_from_stem,
    load_manifest,
    manifest_json,
    sha256,
    slug_id,
    source_id_for,
)

log = logging.getLogger(__name__)

_SUFFIX_OF = {Format.TEXT: ".txt", Format.MARKDOWN: ".md", Format.HTML: ".html"}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)
SCHEMA = "sources.schema.json"
SETTINGS = SourcesSettings()
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article offered to ``raw/``: where it came from, its bytes, the metadata given.

    ``in_raw`` is set when the file already is in ``raw/`` (to be recorded where it is).
    """

    path: str
    data: bytes
    title: str | None = None
    url: str | None = None
    license: str | None = None
    retrieved: str | None = None
    source_id: str | None = None  # asked for with --id
    in_raw: bool = False
    link: bool = False  # a symbolic link: recorded as the bytes it points to


@dataclass(frozen=True, slots=True)
class Existing:
    """An article of ``raw/``: its manifest entry (or a bare one for an unlisted file), the
    sha256 and text of its file ("" when the file is missing or unreadable)."""

    meta: SourceMeta
    sha256: str
    text: str
    listed: bool = True
    present: bool = True
    # its text's signature, when the cache or an earlier read has it (then ``text`` is "")
    print: Fingerprint | None = None


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """An added article that shares most of the shorter text with a source of ``raw/``."""

    path: str
    file: str  # the file it is recorded as
    other: SourceMeta
    overlap: float

    def __str__(self) -> str:
        return (
            f"{self.path}: near-duplicate of source {self.other.source_id!r} "
            f"({self.other.file}): {self.overlap:.0%} of the shorter text is shared; added "
            f"anyway: if it is the same article, delete raw/{self.file} and its entry in "
            f"{MANIFEST}"
        )


@dataclass(frozen=True, slots=True)
class Addition:
    """One article to record: its manifest entry, and whether its bytes must be written."""

    candidate: Candidate
    meta: SourceMeta
    replaces: SourceMeta | None = None
    copy: bool = True  # write the bytes to raw/<meta.file>
    moved_from: str | None = None  # an unlisted file of raw/ recorded under another name


@dataclass(frozen=True, slots=True)
class AddPlan:
    additions: tuple[Addition, ...]
    refused: tuple[PipelineError, ...]
    warnings: tuple[str, ...]
    duplicates: tuple[NearDuplicate, ...] = ()
    prints: tuple[tuple[str, Fingerprint], ...] = ()  # (print_key, signature) of each addition


def visible_text(doc: Document) -> str:
    """The words a reader sees: tags and scripts gone for HTML, the text otherwise."""
    if doc.format is Format.HTML:
        soup = BeautifulSoup(doc.text, "lxml")
        for tag in soup(["script", "style", "noscript", "template"]):
            tag.decompose()
        return soup.get_text(" ")
    return doc.text


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
        if isinstance(target, str) and _URL.fullmatch(target):
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


def as_uri(url: str) -> str:
    """A URL as the manifest stores it: non-ASCII characters and spaces percent-encoded
    (the IRI-to-URI mapping of RFC 3987), everything else as given.

    >>> as_uri("https://de.example.org/übungen für den rücken")
    'https://de.example.org/%C3%BCbungen%20f%C3%BCr%20den%20r%C3%BCcken'
    """
    parts = urllib.parse.urlsplit(url.strip())
    try:
        host = parts.netloc.encode("idna").decode("ascii") if parts.netloc else ""
    except UnicodeError:
        host = urllib.parse.quote(parts.netloc, safe=":@[]%")
    keep = "!$&'()*+,;=:@%~"
    return urllib.parse.urlunsplit(
        (
            parts.scheme,
            host,
            urllib.parse.quote(parts.path, safe="/" + keep),
            urllib.parse.quote(parts.query, safe="/?" + keep),
            urllib.parse.quote(parts.fragment, safe="/?" + keep),
        )
    )


def is_url(text: str) -> bool:
    """An absolute http(s) URI (RFC 3986), as the manifest's schema checks it."""
    return bool(_URL.fullmatch(text)) and validate_rfc3986(text, rule="URI") is not None


def is_date(text: str) -> bool:
    """A calendar date written YYYY-MM-DD (not the other ISO 8601 forms)."""
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_metadata(candidate: Candidate) -> list[str]:
    """Problems with the metadata given on the command line, each saying what is expected."""
    problems = []
    if candidate.url is not None and not is_url(as_uri(candidate.url)):
        problems.append(f"--url {candidate.url!r} is not an http(s) URL")
    if candidate.retrieved is not None and not is_date(candidate.retrieved):
        problems.append(f"--retrieved {candidate.retrieved!r} is not a date (YYYY-MM-DD)")
    if candidate.source_id is not None and not SOURCE_ID.fullmatch(candidate.source_id):
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
    """Decide, without touching the disk, which candidates are recorded under which ids.

    A candidate is refused (with the reason) when its metadata is bad, it cannot be decoded,
    its bytes are those of another source, or its id belongs to a source whose file is
    missing. A file already in ``raw/`` but not listed is recorded there (renamed when its
    id asks for another name). With ``replace`` the one candidate takes that source's place
    and keeps its id. No file that is not being replaced is ever written over.
    """
    settings = settings or SourcesSettings()
    by_file = {e.meta.file: e for e in existing}
    by_id = {e.meta.source_id: e for e in existing if e.listed}
    by_sha: dict[str, list[Existing]] = {}
    for e in existing:
        if e.sha256:
            by_sha.setdefault(e.sha256, []).append(e)
    taken = {n.lower() for e in existing for n in (e.meta.source_id, Path(e.meta.file).stem)}
    index = Index()  # the signatures of raw/'s texts, then of each added one
    indexed: dict[str, SourceMeta] = {}

    def index_it(meta: SourceMeta, fp: Fingerprint) -> None:
        key = str(len(indexed))  # an ordinal: ids and file names are not unique among these
        indexed[key] = meta
        index.add(key, fp)

    for e in existing:
        fp = e.print or (fingerprint(e.text) if e.text else None)
        if fp is not None:
            index_it(e.meta, fp)
    duplicates: list[NearDuplicate] = []
    prints: list[tuple[str, Fingerprint]] = []
    additions: list[Addition] = []
    refused: list[PipelineError] = []
    warnings: list[str] = []
    target = by_id.get(replace) if replace else None
    if replace and target is None:
        hint = f"see {MANIFEST} for the ids"
        return AddPlan((), (PipelineError(replace, "is not a source in raw/", hint),), ())

    def refuse(cand: Candidate, problem: str, hint: str = "nothing was added") -> None:
        refused.append(PipelineError(cand.path, problem, hint))

    for cand in candidates:
        problems = check_metadata(cand)
        if problems:
            refuse(cand, "; ".join(problems))
            continue
        try:
            doc = decode(RawFile(Path(cand.path).name, cand.data, None), settings)
        except SourceError as exc:
            refuse(cand, exc.problem)
            continue
        digest = sha256(cand.data)
        name = Path(cand.path).name
        own = by_file.get(name) if cand.in_raw else None  # the candidate's own file in raw/
        if own is not None and own.listed and own is not target:
            if digest == own.meta.sha256:
                refuse(cand, f"is already recorded as source {own.meta.source_id!r}")
            else:
                refuse(
                    cand,
                    f"changed since {MANIFEST} recorded it as source {own.meta.source_id!r}",
                    f"record the new version with --replace {own.meta.source_id}",
                )
            continue
        twins = [e for e in by_sha.get(digest, []) if e is not own and e is not target]
        if twins:
            twin = twins[0].meta
            refuse(cand, f"is an exact duplicate of source {twin.source_id!r} ({twin.file})")
            continue
        if target is not None and digest == target.meta.sha256:
            refuse(
                cand,
                f"is what {MANIFEST} already records for source {target.meta.source_id!r}",
                "nothing to replace",
            )
            continue
        suffix = Path(name).suffix.lower()
        if suffix not in settings.suffixes:
            suffix = _SUFFIX_OF[doc.format]
        mine = {Path(name).stem.lower()} if own is not None else set()  # its own name is free
        if target is not None:
            source_id = target.meta.source_id
            file = target.meta.file
            if Path(file).suffix != suffix:
                file = source_id + suffix
                blocking = [
                    f
                    for f, e in by_file.items()
                    if f.lower() == file.lower() and e is not own and e is not target
                ]
                if blocking:
                    hint = f"move raw/{blocking[0]} away, then replace"
                    refuse(cand, f"raw/{blocking[0]} exists", hint)
                    continue
            mine |= {source_id.lower()}
        else:
            base = cand.source_id or id_from_stem(Path(name).stem)
            owner = by_id.get(base) or next(
                (e for i, e in by_id.items() if i.lower() == base.lower()), None
            )
            if owner is not None and not owner.present:
                refuse(
                    cand,
                    f"source {owner.meta.source_id!r} is listed in {MANIFEST} but its file "
                    f"{owner.meta.file} is missing",
                    f"restore the file, or --replace {owner.meta.source_id} with this one",
                )
                continue
            if cand.source_id and (owner is not None or (base.lower() in taken - mine)):
                where = owner.meta.file if owner is not None else "a file in raw/"
                refuse(
                    cand,
                    f"source id {cand.source_id!r} is taken by {where}",
                    "choose another --id"
                    + (f", or --replace {owner.meta.source_id}" if owner is not None else ""),
                )
                continue
            source_id = base
            if not cand.source_id and base != Path(name).stem:
                warnings.append(
                    f"{cand.path}: its name is not a valid source id; recorded as {base!r}"
                )
            if base.lower() in taken - mine:
                source_id = f"{base}-{digest[:8]}"  # a name taken: a new id, not an overwrite
            file = source_id + suffix
        stated_title, stated_url = described(doc)
        stated = as_uri(stated_url) if stated_url else None
        if stated_url and not (stated and is_url(stated)):
            warnings.append(
                f"{cand.path}: the URL it states, {stated_url!r}, is not valid; left out"
            )
            stated = None
        old = target.meta if target is not None else None
        meta = SourceMeta(
            source_id=source_id,
            file=file,
            format=doc.format,
            # A new version of a recorded article keeps what a person set for it.
            title=cand.title or (old.title if old else None) or stated_title,
            url=(as_uri(cand.url) if cand.url else None) or (old.url if old else None) or stated,
            retrieved=cand.retrieved,  # a new version is a new retrieval: its date or none
            license=cand.license or (old.license if old else None),
            sha256=digest,
            # only a certain encoding: a guess recorded here would pass for a fact later
            encoding=doc.encoding
            if doc.encoding_confidence == 1.0 and "+" not in doc.encoding
            else None,
        )
        signature = fingerprint(visible_text(doc))
        for key, overlap in index.near(signature, near_duplicate) if signature else ():
            other_meta = indexed[key]
            if (old is not None and other_meta.source_id == old.source_id) or (
                own is not None and other_meta.file == name
            ):
                continue
            duplicates.append(NearDuplicate(cand.path, file, other_meta, overlap))
        moved_from = name if own is not None and name != file else None
        additions.append(
            Addition(
                cand,
                meta,
                old,
                copy=own is None or name != file or cand.link,
                moved_from=moved_from,
            )
        )
        entry = Existing(meta, digest, "")
        by_sha.setdefault(digest, []).append(entry)
        by_id[source_id] = entry
        by_file[file] = entry
        taken |= {source_id.lower(), Path(file).stem.lower()}
        if signature is not None:
            index_it(meta, signature)
            prints.append((print_key(digest, meta, settings), signature))
    return AddPlan(
        tuple(additions), tuple(refused), tuple(warnings), tuple(duplicates), tuple(prints)
    )


def _packed(name: str) -> bool:
    """A crawl container or a gzip file: ``build`` reads them, ``add`` does not."""
    return container_kind(name) is not None or name.lower().endswith(".gz")


def _collect(
    paths: Iterable[Path], settings: SourcesSettings
) -> tuple[list[Path], list[PipelineError]]:
    """Files to add: the files named, and the article files inside the folders named."""
    files: list[Path] = []
    problems: list[PipelineError] = []
    for path in paths:
        if path.is_dir():
            articles = []
            for p in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in p.relative_to(path).parts):
                    continue  # hidden files and folders (.git, .ipynb_checkpoints, ...)
                if p.is_symlink() and not p.exists():
                    problems.append(PipelineError(str(p), "is a broken link", "skipped"))
                elif p.is_file() and p.suffix.lower() in settings.suffixes:
                    articles.append(p)
            if not articles:
                problems.append(
                    PipelineError(str(path), "holds no article files", ", ".join(settings.suffixes))
                )
            files.extend(articles)
        elif path.exists() and _packed(path.name):
            problems.append(
                PipelineError(
                    str(path),
                    "is a crawl container or a gzip file; `pipeline add` takes article files",
                    "copy it into raw/ (build reads WARC, JSON Lines, Parquet and .gz there) "
                    f"and give it an entry in raw/{MANIFEST} for its license",
                )
            )
        elif path.exists():
            files.append(path)
        elif path.is_symlink():
            problems.append(PipelineError(str(path), "is a broken link"))
        else:
            problems.append(PipelineError(str(path), "no such file or folder"))
    return files, problems


def print_key(digest: str, meta: SourceMeta, settings: SourcesSettings) -> str:
    """What a signature is kept under: the file's sha256 and all that decides how its bytes
    decode (a recorded encoding, the format, the file's suffix, the fallback code page), so
    that a corrected ``encoding`` in the manifest signs the text afresh."""
    fmt = meta.format.value if meta.format else ""
    suffix = Path(meta.file).suffix.lower()
    return f"{digest}:{meta.encoding or ''}:{fmt}:{suffix}:{settings.fallback_encoding}"


def existing_articles(
    raw_dir: Path,
    manifest: Manifest,
    settings: SourcesSettings,
    store: FingerprintStore | None = None,
) -> list[Existing]:
    """Every article of ``raw/``: the files there, listed in the manifest or not, and the
    manifest's entries whose files are missing. A file's signature comes from ``store`` by
    its sha256 where it is kept there; the others are decoded once and kept there."""
    known = manifest.by_file()
    found = []
    on_disk = set()
    kept: dict[str, Fingerprint] = {}
    for path in article_files(raw_dir, settings):
        on_disk.add(path.name)
        if _packed(path.name):
            continue  # not one article: compared page by page at build time
        meta = known.get(path.name) or SourceMeta(source_id=path.stem, file=path.name)
        try:
            data = path.read_bytes()
        except OSError:
            found.append(Existing(meta, "", "", listed=path.name in known))
            continue
        digest = sha256(data)
        key = print_key(digest, meta, settings)
        signature = store.fingerprint(key) if store is not None else None
        if signature is None:
            try:
                text = visible_text(decode(RawFile(path.name, data, meta), settings))
            except SourceError:
                text = ""
            signature = fingerprint(text)
            if signature is not None:
                kept[key] = signature
        found.append(Existing(meta, digest, "", listed=path.name in known, print=signature))
    if store is not None and kept:
        store.keep_fingerprints(kept)
    found += [Existing(m, "", "", present=False) for m in manifest.sources if m.file not in on_disk]
    return found


@dataclass(frozen=True, slots=True)
class AddReport:
    added: tuple[SourceMeta, ...]
    replaced: tuple[SourceMeta, ...]
    refused: tuple[PipelineError, ...]
    warnings: tuple[str, ...]
    duplicates: tuple[NearDuplicate, ...] = ()


_LISTED = 3  # near-duplicates listed one by one; more are summarised


def duplicate_warnings(found: Sequence[NearDuplicate], *, every: bool = False) -> list[str]:
    """What to say of the near-duplicates an add found: each pair when they are few (or
    ``every``), else one summary of the groups they make (copies of one article together)."""
    if every or len(found) <= _LISTED:
        return [str(d) for d in found]
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for d in found:
        a, b = root(d.file), root(d.other.file)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for name in sorted(parent):
        groups.setdefault(root(name), []).append(name)
    largest = max(groups.values(), key=lambda g: (len(g), [-ord(c) for c in g[0]]))
    added = len({d.file for d in found})
    return [
        f"{added} added articles share most of their text with another source: "
        f"{len(found)} pairs in {len(groups)} groups of near-duplicates (the largest: "
        f"{len(largest)} files, {largest[0]} and others); added anyway: `pipeline add "
        "--show-duplicates` lists each pair; delete the copies that are the same article"
    ]


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
    store: FingerprintStore | None = None,
    show_duplicates: bool = False,
) -> AddReport:
    """Copy articles into ``raw_dir`` and record them in its manifest; refuse what is wrong.

    ``store`` keeps the near-duplicate signatures of ``raw/``'s files between adds (the
    cache), so that an add reads only what it adds; ``show_duplicates`` lists every
    near-duplicate pair rather than a summary of many.

    One writer at a time holds the lock of ``raw_dir`` (``exercise_pipeline.locks``). The article
    files are written first, then the manifest, each atomically; files it replaces or renames
    are removed last. An interrupted add leaves at worst an unlisted file that the next build
    reports.
    """
    settings = settings or SourcesSettings()
    if not raw_dir.is_dir():
        raise PipelineError(str(raw_dir), "is not a folder", "pass --raw DIR")
    with writing(raw_dir):
        return _add(
            raw_dir, paths, title, url, license, retrieved, source_id, replace, settings,
            store, show_duplicates,
        )  # fmt: skip


def _add(
    raw_dir: Path,
    paths: Sequence[Path],
    title: str | None,
    url: str | None,
    license: str | None,
    retrieved: str | None,
    source_id: str | None,
    replace: str | None,
    settings: SourcesSettings,
    store: FingerprintStore | None = None,
    show_duplicates: bool = False,
) -> AddReport:
    manifest = load_manifest(raw_dir)
    files, missing = _collect(paths, settings)
    if (title or url or source_id or replace) and len(files) > 1:
        raise PipelineError(
            ", ".join(map(str, paths)),
            f"--title, --url, --id and --replace describe one article, not {len(files)}",
            "add the files one at a time",
        )
    refused: list[PipelineError] = list(missing)
    warnings: list[str] = []
    if license is not None:
        known = spdx(license)
        if known is None:
            warnings.append(
                f"--license {license!r} is not an SPDX licence identifier or expression "
                "(https://spdx.org/licenses/); recorded as given, and the dataset's licence "
                "cannot be derived from it"
            )
        license = known or license  # "cc-by-4.0" is recorded as "CC-BY-4.0"
    candidates = []
    raw_resolved = raw_dir.resolve()
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            refused.append(PipelineError(str(path), f"cannot be read: {exc.strerror}", "check it"))
            continue
        in_raw = path.absolute().parent.resolve() == raw_resolved  # the link, not its target
        link = path.is_symlink()
        candidates.append(
            Candidate(str(path), data, title, url, license, retrieved, source_id, in_raw, link)
        )
    plan = plan_additions(
        existing_articles(raw_dir, manifest, settings, store),
        candidates,
        replace=replace,
        settings=settings,
    )
    entries = {s.source_id: s for s in manifest.sources}
    for addition in plan.additions:
        entries[addition.meta.source_id] = addition.meta
    back = {a.meta.source_id for a in plan.additions}  # re-added: no longer removed
    updated = manifest_json(
        dataclasses.replace(
            manifest,
            sources=tuple(entries.values()),
            removed=tuple(r for r in manifest.removed if r.source_id not in back),
        )
    )
    problems = check(updated, SCHEMA)
    if problems:  # a last guard: the manifest must stay loadable by every later command
        raise PipelineError(str(raw_dir / MANIFEST), "; ".join(problems), "nothing was added")
    for addition in plan.additions:
        if addition.copy:
            target = raw_dir / addition.meta.file
            if target.is_symlink():
                target.unlink()  # a link recorded under its own name becomes the file
            write_atomic(target, addition.candidate.data)
    if plan.additions:
        write_atomic(raw_dir / MANIFEST, render_json(updated))
    if store is not None and plan.prints:
        store.keep_fingerprints(dict(plan.prints))  # the next add reads none of these again
    for addition in plan.additions:
        gone = [addition.moved_from]
        if addition.replaces is not None and addition.replaces.file != addition.meta.file:
            gone.append(addition.replaces.file)
        for name in filter(None, gone):
            (raw_dir / name).unlink(missing_ok=True)
    return AddReport(
        tuple(a.meta for a in plan.additions if a.replaces is None),
        tuple(a.meta for a in plan.additions if a.replaces is not None),
        tuple(refused) + plan.refused,
        (*warnings, *plan.warnings, *duplicate_warnings(plan.duplicates, every=show_duplicates)),
        plan.duplicates,
    )


def remove_source(
    raw_dir: Path,
    source: str,
    *,
    reason: str,
    date: str,
    published: frozenset[str] = frozenset(),
) -> RemovedSource:
    """Retire source ``source`` (its id or file name) on purpose: its file leaves ``raw_dir``,
    its manifest entry moves to ``removed`` with ``reason`` and ``date``, and the next build
    retires the ids only it held. ``published``: source ids the last build published, which
    may be retired even when their file and entry are gone already (renamed or deleted by
    hand). The manifest is written first, then the file deleted."""
    if not reason.strip():
        raise PipelineError("--reason", "is empty", "say why the source is removed")
    if not is_date(date):
        raise PipelineError("--date", f"{date!r} is not a date (YYYY-MM-DD)", "")
    with writing(raw_dir):
        manifest = load_manifest(raw_dir)
        entry = next((m for m in manifest.sources if source in (m.source_id, m.file)), None)
        if entry is None:
            present = {source_id_for(p.name): p.name for p in article_files(raw_dir, SETTINGS)}
            name = source if (raw_dir / source).is_file() else present.get(source)
            if name is not None and name != MANIFEST:
                entry = SourceMeta(source_id=source_id_for(name), file=name)
            elif source in published:  # its file is gone already: record the retirement
                entry = SourceMeta(source_id=source, file=f"{source}.txt")
            else:
                raise PipelineError(
                    source,
                    f"is not a source in {raw_dir} or in the last build",
                    "see raw/sources.json or `pipeline stats` for the ids",
                )
        removed = RemovedSource(entry.source_id, entry.file, reason.strip(), date)
        updated = dataclasses.replace(
            manifest,
            sources=tuple(m for m in manifest.sources if m is not entry),
            removed=(*manifest.removed, removed),
        )
        doc = manifest_json(updated)
        problems = check(doc, SCHEMA)
        if problems:
            raise PipelineError(str(raw_dir / MANIFEST), "; ".join(problems), "nothing removed")
        write_atomic(raw_dir / MANIFEST, render_json(doc))
        (raw_dir / entry.file).unlink(missing_ok=True)
    return removed
