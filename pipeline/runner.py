"""The runner: chains the stages; reads inputs and writes outputs only at its edges.

``process`` is the per-source work (decode, parse, clean, extract, account) and is pure;
``run`` merges and validates all sources and renders the output documents, still without
touching the disk; ``build`` reads ``raw/``, the decisions and the id registry, calls ``run``
and hands the documents to ``publish``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.accounting import Account, account
from pipeline.cache import ResultCache, SqliteCache, cache_key, variant
from pipeline.clean import CleanSettings, clean
from pipeline.decisions import load_decisions
from pipeline.document import (
    conflicts_document,
    exercises_document,
    generated_at,
    ids_document,
    registry_from_json,
    removed_document,
)
from pipeline.errors import PipelineError, SourceError
from pipeline.extract import ExtractSettings, extract
from pipeline.locks import writing
from pipeline.merge import IdRegistry, MergeResult, MergeSettings, fitted, merge
from pipeline.models import Decision, Document, Extraction
from pipeline.parse import ParseSettings, parse
from pipeline.publish import PublishSettings, publish, read_output
from pipeline.review import page as review_page
from pipeline.sources import Manifest, RawFile, SourcesSettings, decode, load_manifest, read_raw
from pipeline.validate import ValidateSettings, Validation, validate

log = logging.getLogger(__name__)

# progress(stage, done, total, mentions so far): called as work advances.
Progress = Callable[[str, int, int, int], None]


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings of every stage, with their documented defaults."""

    sources: SourcesSettings = field(default_factory=SourcesSettings)
    parse: ParseSettings = field(default_factory=ParseSettings)
    clean: CleanSettings = field(default_factory=CleanSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    merge: MergeSettings = field(default_factory=fitted)
    validate: ValidateSettings = field(default_factory=ValidateSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)


@dataclass(frozen=True, slots=True)
class SourceResult:
    """Everything the pipeline made of one source."""

    document: Document
    extraction: Extraction
    account: Account


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The outcome of a build: per-source results, errors, merge, validation, documents."""

    sources: tuple[SourceResult, ...]
    errors: tuple[PipelineError, ...]
    merge: MergeResult
    validation: Validation
    files: Mapping[str, Any]

    @property
    def ok(self) -> bool:
        accounting = all(s.account.ok for s in self.sources)
        return not self.errors and self.validation.publishable and accounting

    @property
    def exit_code(self) -> int:
        if not self.validation.publishable:
            return 2
        return 0 if self.ok and not self.validation.record_errors else 1


def process(doc: Document, settings: Settings) -> SourceResult:
    """Per-source work: parse, clean, extract and account for one decoded document."""
    parsed = parse(doc, settings=settings.parse)
    cleaned = clean(parsed, settings=settings.clean)
    extraction = extract(cleaned, settings=settings.extract)
    return SourceResult(doc, extraction, account(extraction))


def _nothing(stage: str, done: int, total: int, mentions: int) -> None:
    del stage, done, total, mentions


def process_cached(doc: Document, settings: Settings, cache: ResultCache | None) -> SourceResult:
    """``process``, or its earlier result for the same bytes, metadata, settings and code."""
    if cache is None:
        return process(doc, settings)
    kind = variant((settings.parse, settings.clean, settings.extract))
    key = cache_key(doc, kind)
    hit = cache.get(key)
    if hit is not None and hit[0].cleaned.document == doc:
        return SourceResult(doc, *hit)
    result = process(doc, settings)
    cache.put(key, doc.source_id, kind, (result.extraction, result.account))
    return result


def run(
    files: Sequence[RawFile],
    manifest: Manifest,
    *,
    decisions: Sequence[Decision] = (),
    registry: IdRegistry | None = None,
    settings: Settings | None = None,
    environ: Mapping[str, str] | None = None,
    progress: Progress = _nothing,
    cache: ResultCache | None = None,
    version: str | None = None,
) -> BuildResult:
    """All stages on in-memory inputs; bad sources become errors and the rest still build.

    ``cache`` (optional) holds earlier per-source results; ``version`` overrides the dataset
    version recorded in the manifest (``publish`` sets the release's).
    """
    settings = settings or Settings()
    environ = os.environ if environ is None else environ
    results: list[SourceResult] = []
    errors: list[PipelineError] = []
    found = 0
    for n, raw in enumerate(files):
        progress("sources", n, len(files), found)
        try:
            results.append(process_cached(decode(raw, settings.sources), settings, cache))
            found += len(results[-1].extraction.mentions)
        except SourceError as exc:
            errors.append(exc)
        except (ValueError, RecursionError) as exc:  # a parser or rule failing on odd input
            errors.append(SourceError(raw.name, f"could not be processed: {exc}", "report it"))
    progress("sources", len(files), len(files), found)
    for r in results:
        for problem in r.account.problems:
            log.error("%s: accounting: %s", r.document.file, problem)
    mentions = [m for r in results for m in r.extraction.mentions]
    progress("merge", 0, 1, found)
    merged = merge(mentions, decisions=decisions, registry=registry, settings=settings.merge)
    progress("merge", 1, 1, found)
    for d in merged.stale:
        log.warning(
            "stale decision (%s %s): its mentions no longer exist; run `pipeline review list "
            "--stale` and remove or update it",
            d.kind,
            " ".join(d.mentions),
        )
    version = version or str(manifest.dataset.get("version", "0.0.0"))
    documents = [r.document for r in results]
    dataset = exercises_document(
        manifest.dataset,
        documents,
        merged.exercises,
        version=version,
        generated=generated_at(environ),
    )
    validation = validate(dataset, settings=settings.validate)
    for problem in validation.errors:
        log.error("validation: %s", problem)
    by_key = {m.key: m for m in mentions}
    queue = conflicts_document(
        merged.conflicts,
        by_key,
        version=version,
        texts={r.document.source_id: r.document.text for r in results},
        exercise_names={e.id: e.name for e in merged.exercises},
        stale=merged.stale,
    )
    files_out = {
        "exercises.json": validation.document,
        "conflicts.json": queue,
        "review.html": review_page.render(queue).encode(),
        "removed.json": removed_document(
            [rm for r in results for rm in r.extraction.cleaned.removals],
            {r.document.source_id: r.account.as_json() for r in results},
            version=version,
            repairs=[rp for r in results for rp in r.extraction.cleaned.repairs],
        ),
        "ids.json": ids_document(merged.registry),
    }
    return BuildResult(tuple(results), tuple(errors), merged, validation, files_out)


def load_registry(path: Path) -> IdRegistry:
    """The id registry of the last published build; none yet is an empty registry. In a build
    folder it is read as part of its generation (``publish.read_output``)."""
    if not path.exists():
        return IdRegistry()
    try:
        data = read_output(path.parent, path.name)
        return registry_from_json(json.loads(data.decode("utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        hint = "restore it from git"
        raise PipelineError(str(path), f"is not a valid id registry: {exc}", hint) from exc


@dataclass(frozen=True, slots=True)
class BuildReport:
    result: BuildResult
    written: tuple[Path, ...]
    reused: int = 0  # sources whose per-source work came from the cache
    processed: int = 0  # sources parsed, cleaned and extracted in this build


CACHE_FILE = "sources.sqlite"


def build_in_memory(
    raw_dir: Path,
    out_dir: Path,
    *,
    decisions_path: Path,
    ids_path: Path | None = None,
    cache_dir: Path | None = None,
    settings: Settings | None = None,
    progress: Progress = _nothing,
    version: str | None = None,
) -> tuple[BuildResult, int, int]:
    """Read the inputs and run every stage; returns the result and (reused, processed)."""
    settings = settings or Settings()
    if not raw_dir.is_dir():
        raise PipelineError(str(raw_dir), "is not a folder", "pass --raw DIR with the articles")
    manifest = load_manifest(raw_dir)
    files, read_errors = read_raw(raw_dir, manifest, settings.sources)
    decisions = load_decisions(decisions_path)
    registry = load_registry(ids_path or out_dir / "ids.json")
    cache = SqliteCache(cache_dir / CACHE_FILE) if cache_dir is not None else None
    try:
        result = run(
            files,
            manifest,
            decisions=decisions,
            registry=registry,
            settings=settings,
            progress=progress,
            cache=cache,
            version=version,
        )
    finally:
        if cache is not None:
            cache.close()
    if read_errors:
        result = BuildResult(
            result.sources,
            tuple(read_errors) + result.errors,
            result.merge,
            result.validation,
            result.files,
        )
    reused = cache.stats.hits if cache is not None else 0
    return result, reused, len(result.sources) - reused


def build(
    raw_dir: Path,
    out_dir: Path,
    *,
    decisions_path: Path,
    ids_path: Path | None = None,
    cache_dir: Path | None = None,
    settings: Settings | None = None,
    progress: Progress = _nothing,
) -> BuildReport:
    """Read inputs, run every stage, publish the outputs when the dataset validates.

    ``cache_dir`` holds the per-source cache; None builds every source from scratch. Both give
    byte-identical outputs.
    """
    settings = settings or Settings()
    with writing(raw_dir, out_dir):  # inputs read and outputs written by one writer
        result, reused, processed = build_in_memory(
            raw_dir,
            out_dir,
            decisions_path=decisions_path,
            ids_path=ids_path,
            cache_dir=cache_dir,
            settings=settings,
            progress=progress,
        )
        written: list[Path] = []
        if result.validation.publishable:
            written = publish(result.files, out_dir, settings=settings.publish)
        else:
            log.error("nothing published: the dataset does not validate")
    return BuildReport(result, tuple(written), reused, processed)
