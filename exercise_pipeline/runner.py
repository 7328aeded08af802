"""The runner: chains the stages; reads inputs and writes outputs only at its edges.

``process`` is the per-source work (decode, parse, clean, extract, account) and is pure;
``run`` merges and validates all sources and renders the output documents, still without
touching the disk; ``build`` reads ``raw/``, the decisions and the id registry, calls ``run``
and hands the documents to ``publish``.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from exercise_pipeline.accounting import Account, account
from exercise_pipeline.cache import ResultCache, SqliteCache, cache_key, unpack_entry, variant
from exercise_pipeline.clean import CleanSettings, clean
from exercise_pipeline.decisions import load_decisions
from exercise_pipeline.document import (
    conflicts_document,
    exercises_document,
    generated_at,
    ids_document,
    registry_from_json,
    removed_document,
)
from exercise_pipeline.errors import PipelineError, SourceError
from exercise_pipeline.executors import Executor, InProcess, executor_for
from exercise_pipeline.extract import ExtractSettings, extract
from exercise_pipeline.locks import writing
from exercise_pipeline.merge import IdRegistry, MergeResult, MergeSettings, fitted, merge
from exercise_pipeline.models import Decision, Document, Extraction
from exercise_pipeline.parse import ParseSettings, parse
from exercise_pipeline.publish import PublishSettings, publish, read_output
from exercise_pipeline.records import pack
from exercise_pipeline.review import page as review_page
from exercise_pipeline.sources import (
    Manifest,
    RawFile,
    SourcesSettings,
    decode,
    load_manifest,
    read_raw,
    source_id_for,
)
from exercise_pipeline.validate import ValidateSettings, Validation, validate

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
    """Everything the pipeline made of one source. ``stale``: the source failed in this build
    and this is its last good result, carried (its mentions flagged ``stale_source``)."""

    document: Document
    extraction: Extraction
    account: Account
    stale: bool = False


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
    def publishable(self) -> bool:
        """A dataset that validates, built from more good sources than failed ones."""
        return self.validation.publishable and not self.most_failed

    @property
    def most_failed(self) -> bool:
        """More sources failed than built: publishing would retire most of the dataset."""
        failed = len({e.source_id or e.where for e in self.errors if isinstance(e, SourceError)})
        built = sum(1 for s in self.sources if not s.stale)
        return failed > built

    @property
    def exit_code(self) -> int:
        if not self.publishable:
            return 2
        return 0 if self.ok and not self.validation.record_errors else 1


def process(doc: Document, settings: Settings) -> SourceResult:
    """Per-source work: parse, clean, extract and account for one decoded document."""
    with collector_paused():
        parsed = parse(doc, settings=settings.parse)
        cleaned = clean(parsed, settings=settings.clean)
        extraction = extract(cleaned, settings=settings.extract)
        return SourceResult(doc, extraction, account(extraction))


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off for one source's work, then given back as it was.

    A page's work makes a node for every element and text of it, and spans, blocks and
    sentences after them, nearly all dropped when the source is done. The collector, run every
    700 allocations, walked the live ones again and again: a quarter of the CPU time of the
    110 bench pages (3.9 s with it, 2.9 s without; peak memory 176 and 173 MB). What one
    source leaves in cycles is collected once it is done. Re-entrant and safe across threads:
    the collector is given back when the last of the works that paused it ends.
    """
    global _paused, _was_enabled
    with _pause_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


_pause_lock = threading.Lock()
_paused = 0  # works holding the collector off
_was_enabled = True  # whether it was on before the first of them


def _nothing(stage: str, done: int, total: int, mentions: int) -> None:
    del stage, done, total, mentions


def cached(doc: Document, settings: Settings, cache: ResultCache | None) -> SourceResult | None:
    """The earlier result of ``process`` for the same bytes, metadata, settings and code."""
    if cache is None:
        return None
    hit = cache.get(cache_key(doc, _variant(settings)))
    if hit is not None and hit[0].cleaned.document == doc:
        return SourceResult(doc, *hit)
    return None


def _variant(settings: Settings) -> str:
    return variant((settings.parse, settings.clean, settings.extract))


# What per-source work sends back from a worker: the packed (extraction, account) records, or
# why the source could not be processed (where, problem, hint). Plain data, never a pickle.
Outcome = tuple[bytes, None] | tuple[None, tuple[str, str, str]]


def work(doc: Document, settings: Settings) -> Outcome:
    """``process`` as an executor runs it."""
    try:
        result = process(doc, settings)
    except SourceError as exc:
        return None, (exc.where, exc.problem, exc.hint)
    except (ValueError, RecursionError) as exc:  # a parser or rule failing on odd input
        return None, (doc.file, f"could not be processed: {exc}", "report it")
    return pack((result.extraction, result.account)), None


def process_all(
    docs: Sequence[Document],
    settings: Settings,
    *,
    cache: ResultCache | None = None,
    executor: Executor | None = None,
    progress: Progress = _nothing,
) -> list[SourceResult | SourceError]:
    """Per-source work for every document, in their order: from the cache where it holds
    the result, else by the executor (in this process by default), stored in the cache."""
    out: list[SourceResult | SourceError | None] = [cached(doc, settings, cache) for doc in docs]
    todo = [k for k, r in enumerate(out) if r is None]
    found = sum(len(r.extraction.mentions) for r in out if isinstance(r, SourceResult))
    progress("sources", len(docs) - len(todo), len(docs), found)
    runner = executor or InProcess()
    done = len(docs) - len(todo)
    for k, (data, failure) in runner.map(partial(work, settings=settings), [docs[k] for k in todo]):
        doc = docs[todo[k]]
        if data is None:
            assert failure is not None
            out[todo[k]] = SourceError(*failure, source_id=doc.source_id)
        else:
            extraction, acc = unpack_entry(data)
            out[todo[k]] = SourceResult(doc, extraction, acc)
            found += len(extraction.mentions)
            if cache is not None:
                kind = _variant(settings)
                cache.put_packed(cache_key(doc, kind), doc.source_id, kind, data)
        done += 1
        progress("sources", done, len(docs), found)
    return [r for r in out if r is not None]


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
    failed: Sequence[SourceError] = (),
    stale_cache: ResultCache | None = None,
    executor: Executor | None = None,
) -> BuildResult:
    """All stages on in-memory inputs; bad sources become errors and the rest still build.

    ``cache`` (optional) holds earlier per-source results; ``version`` overrides the dataset
    version recorded in the manifest (``publish`` sets the release's); ``failed``: sources
    that could not even be read. A source the registry knows that fails or is gone without
    a ``pipeline remove`` keeps its last good result from the cache, marked stale, and its
    ids either way (``carry_stale``); ``stale_cache`` is where to look when ``cache`` is None
    (a build without the cache still carries what an earlier build cached). ``executor``
    runs the per-source work (in this process by default); every executor gives the same bytes.
    """
    settings = settings or Settings()
    environ = os.environ if environ is None else environ
    results: list[SourceResult] = []
    errors: list[PipelineError] = list(failed)
    docs: list[Document] = []
    for raw in files:
        source_id = raw.meta.source_id if raw.meta else source_id_for(raw.name)
        try:
            docs.append(decode(raw, settings.sources))
        except SourceError as exc:
            exc.source_id = exc.source_id or source_id
            errors.append(exc)
        except (ValueError, RecursionError) as exc:
            problem = f"could not be decoded: {exc}"
            errors.append(SourceError(raw.name, problem, "report it", source_id=source_id))
    for outcome in process_all(docs, settings, cache=cache, executor=executor, progress=progress):
        if isinstance(outcome, SourceResult):
            results.append(outcome)
        else:
            errors.append(outcome)
    found = sum(len(r.extraction.mentions) for r in results)
    carried, held, vanished = carry_stale(
        results, errors, manifest, registry, cache if cache is not None else stale_cache
    )
    results.extend(carried)
    errors.extend(vanished)
    for r in results:
        for problem in r.account.problems:
            log.error("%s: accounting: %s", r.document.file, problem)
    mentions = [m for r in results for m in r.extraction.mentions]
    progress("merge", 0, 1, found)
    merged = merge(
        mentions,
        decisions=decisions,
        registry=registry,
        held_sources=held,
        settings=settings.merge,
        store=cache if isinstance(cache, SqliteCache) else None,  # pair scores kept there
    )
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
        stale=frozenset(r.document.source_id for r in results if r.stale),
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


STALE_FLAG = "stale_source"


def carry_stale(
    results: Sequence[SourceResult],
    errors: Sequence[PipelineError],
    manifest: Manifest,
    registry: IdRegistry | None,
    cache: ResultCache | None,
) -> tuple[list[SourceResult], frozenset[str], list[SourceError]]:
    """What a build keeps of sources it published before that are missing from it now (a file
    unreadable, empty after a bad sync, failing to parse, or gone) unless they were removed on
    purpose: their last good result from the cache, marked stale; the ids of those with none
    (``held``); and an error for each that vanished without one."""
    present = {r.document.source_id for r in results}
    removed = {r.source_id for r in manifest.removed}
    reported = {e.source_id for e in errors if isinstance(e, SourceError)}
    # a container that failed whole reports its pages too (they have no error of their own)
    failed_files = {Path(e.where).name for e in errors if isinstance(e, SourceError)}
    published = {ref.source_id for ref in registry.mentions.values()} if registry else set()
    carried: list[SourceResult] = []
    held: set[str] = set()
    vanished: list[SourceError] = []
    for source_id in sorted(published - present - removed):
        entry = cache.latest(source_id) if cache is not None else None
        was_in = entry[0].cleaned.document.file if entry is not None else None
        if source_id not in reported and was_in not in failed_files:
            vanished.append(
                SourceError(
                    source_id,
                    "was published by the last build but is not in raw/ any more",
                    f"restore its file, or retire it with `pipeline remove {source_id} "
                    "--reason WHY`",
                    source_id=source_id,
                )
            )
        if entry is None or entry[0].cleaned.document.source_id != source_id:
            held.add(source_id)
            log.warning(
                "%s: no earlier result in the cache; its exercises are left out of this build "
                "but keep their ids",
                source_id,
            )
            continue
        extraction, acc = entry
        mentions = tuple(
            dataclasses.replace(m, flags=(*m.flags, STALE_FLAG)) for m in extraction.mentions
        )
        extraction = dataclasses.replace(extraction, mentions=mentions)
        carried.append(SourceResult(extraction.cleaned.document, extraction, acc, stale=True))
        log.warning(
            "%s: kept its last good result (%d mentions), marked stale",
            source_id,
            len(mentions),
        )
    return carried, frozenset(held), vanished


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
TEAM_WEIGHTS = "merge_weights.json"  # beside review/decisions.json: a team's fitted weights


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
    stale_dir: Path | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
) -> tuple[BuildResult, int, int]:
    """Read the inputs and run every stage; returns the result and (reused, processed).

    ``stale_dir``: a cache folder read only for the last good results of failing sources
    when ``cache_dir`` is None; ``jobs``: processes for the per-source work (``executor``
    ``local``), or workers of a local Dask cluster (``dask``, with no ``scheduler``). Without
    ``settings``, a team's own pair-score weights beside the decisions (``TEAM_WEIGHTS``,
    written by ``pipeline review learn``) replace the shipped ones."""
    if settings is None:
        team = decisions_path.parent / TEAM_WEIGHTS
        settings = Settings(merge=fitted(team)) if team.is_file() else Settings()
        if team.is_file():
            log.info("pair-score weights from %s", team)
    if not raw_dir.is_dir():
        raise PipelineError(str(raw_dir), "is not a folder", "pass --raw DIR with the articles")
    manifest = load_manifest(raw_dir)
    files, read_errors = read_raw(raw_dir, manifest, settings.sources)
    decisions = load_decisions(decisions_path)
    registry = load_registry(ids_path or out_dir / "ids.json")
    cache = SqliteCache(cache_dir / CACHE_FILE) if cache_dir is not None else None
    earlier = stale_dir / CACHE_FILE if stale_dir is not None and cache is None else None
    stale_cache = SqliteCache(earlier) if earlier is not None and earlier.exists() else None
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
            failed=read_errors,
            stale_cache=stale_cache,
            executor=executor_for(jobs, executor, scheduler),
        )
    finally:
        for opened in (cache, stale_cache):
            if opened is not None:
                opened.close()
    reused = cache.stats.hits if cache is not None else 0
    return result, reused, sum(1 for s in result.sources if not s.stale) - reused


def build(
    raw_dir: Path,
    out_dir: Path,
    *,
    decisions_path: Path,
    ids_path: Path | None = None,
    cache_dir: Path | None = None,
    settings: Settings | None = None,
    progress: Progress = _nothing,
    stale_dir: Path | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
) -> BuildReport:
    """Read inputs, run every stage, publish the outputs when the dataset validates.

    ``cache_dir`` holds the per-source cache; None builds every source from scratch; ``jobs``
    processes do the per-source work, or ``executor="dask"`` a Dask cluster (``scheduler``:
    its address; none starts a LocalCluster). All give byte-identical outputs.
    """
    publishing = (settings or Settings()).publish
    with writing(raw_dir, out_dir):  # inputs read and outputs written by one writer
        result, reused, processed = build_in_memory(
            raw_dir,
            out_dir,
            decisions_path=decisions_path,
            ids_path=ids_path,
            cache_dir=cache_dir,
            settings=settings,
            progress=progress,
            stale_dir=stale_dir,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
        )
        written: list[Path] = []
        if result.publishable:
            written = publish(result.files, out_dir, settings=publishing)
        elif result.most_failed:
            log.error(
                "nothing published: most sources failed in this build; the last good "
                "dataset in %s is kept",
                out_dir,
            )
        else:
            log.error("nothing published: the dataset does not validate")
    return BuildReport(result, tuple(written), reused, processed)
