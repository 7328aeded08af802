"""Publishing a release: checks, the build, the release folder, the version record.

``plan_release`` is pure: from a build and the previous release it decides the version, the
difference and the files, or the reasons not to publish. ``publish_release`` is the edge: it
builds, reads ``releases/``, writes the new release folder atomically, brings ``output/`` to
the released dataset and records the version in ``raw/sources.json``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercise_pipeline.document import generated_at
from exercise_pipeline.errors import PipelineError
from exercise_pipeline.ingest import is_date
from exercise_pipeline.licenses import spdx
from exercise_pipeline.locks import writing
from exercise_pipeline.publish import (
    DATASET,
    checkpoint,
    publish,
    render_dataset,
    render_json,
    write_atomic,
    write_folder,
)
from exercise_pipeline.release import changelog
from exercise_pipeline.release.card import check as card_check
from exercise_pipeline.release.diff import BUMPS, DatasetDiff, Version, diff_datasets
from exercise_pipeline.release.package import CHANGELOG, ID_MAP, release_files
from exercise_pipeline.runner import BuildResult, Progress, Settings, build_in_memory
from exercise_pipeline.schemas import schema_dir
from exercise_pipeline.sources import MANIFEST, load_manifest, manifest_json

log = logging.getLogger(__name__)

JSON = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Previous:
    """The latest release: its version, dataset and changelog (None before the first)."""

    version: Version
    dataset: JSON
    changelog: str
    released: frozenset[str] = frozenset()  # every id some release has shipped


@dataclass(frozen=True, slots=True)
class ReleasePlan:
    version: str | None  # None: a dry run, nothing to write
    proposed: str
    bump: str | None
    why: str
    diff: DatasetDiff
    previous: str | None
    problems: tuple[PipelineError, ...]
    warnings: tuple[str, ...]
    files: Mapping[str, bytes]

    @property
    def ok(self) -> bool:
        return not self.problems


def releases(releases_dir: Path) -> list[tuple[Version, Path]]:
    """The release folders (named by version) in ascending version order."""
    found = []
    if releases_dir.is_dir():
        for path in releases_dir.iterdir():
            try:
                found.append((Version.parse(path.name), path))
            except ValueError:
                continue
    return sorted(found)


def load_previous(releases_dir: Path) -> Previous | None:
    """The latest release in ``releases_dir``, or None when there is none yet."""
    found = releases(releases_dir)
    if not found:
        return None
    version, path = found[-1]
    try:
        dataset = json.loads((path / DATASET).read_text(encoding="utf-8"))
        log_text = (path / CHANGELOG).read_text(encoding="utf-8")
        mapped = json.loads((path / ID_MAP).read_text(encoding="utf-8"))["id_map"]
    except (OSError, ValueError, KeyError) as exc:
        raise PipelineError(str(path), f"is not a readable release: {exc}", "restore it") from exc
    # the latest release's ids and those its id map accounts for (each released before)
    released = frozenset(e["id"] for e in dataset.get("exercises", [])) | frozenset(
        e["old"] for e in mapped
    )
    return Previous(version, dataset, log_text, released)


def released_id_map(
    id_map: Sequence[JSON], released: frozenset[str], now: frozenset[str]
) -> list[dict[str, Any]]:
    """The id map a release ships: changes of ids some release shipped, each pointing to
    where the id is now (a -> b -> c, b never released, is a -> c); ids that only ever
    existed between releases are left out."""
    hops = {e["old"]: e for e in id_map}
    out = []
    for e in id_map:
        if e["old"] not in released:
            continue
        last, seen = e, {e["old"]}
        while (nxt := last.get("new")) is not None and nxt not in now and nxt in hops:
            if nxt in seen:
                break
            seen.add(nxt)
            last = hops[nxt]
        out.append({**e, "new": last.get("new"), "reason": last.get("reason", e.get("reason"))})
    return out


def release_date(environ: Mapping[str, str], date: str | None) -> str | None:
    """The release date: given, else from SOURCE_DATE_EPOCH, else none (no wall clock)."""
    if date:
        return date
    stamp = generated_at(environ)
    return stamp[:10] if stamp else None


def _build_problems(result: BuildResult) -> list[PipelineError]:
    problems = [
        PipelineError(e.where, e.problem, "fix or remove the source before publishing")
        for e in result.errors
    ]
    problems += [
        PipelineError(s.document.file, f"accounting: {p}", "report it")
        for s in result.sources
        for p in s.account.problems
    ]
    if not result.validation.publishable or result.validation.record_errors:
        problems.append(
            PipelineError(
                "dataset",
                "does not validate: " + "; ".join(result.validation.errors[:3]),
                "run `pipeline build` and fix what it reports",
            )
        )
    return problems


def plan_release(
    result: BuildResult,
    previous: Previous | None,
    *,
    version: str | None,
    id_map: Sequence[JSON],
    schema: bytes,
    date: str | None = None,
    allow_smaller_bump: bool = False,
    require_licenses: bool = False,
    card_template: str | None = None,
) -> ReleasePlan:
    """Decide what to publish; every reason to refuse is collected, not just the first."""
    dataset = result.files[DATASET]
    old: JSON = previous.dataset if previous else {"exercises": [], "dataset": {}}
    diff = diff_datasets(old, dataset, id_map=id_map)
    bump, why = diff.bump()
    base = previous.version if previous else None
    try:  # the version recorded in the manifest, unless none (0.0.0) or not X.Y.Z
        recorded = Version.parse(str(dataset["dataset"].get("version")))
        first = str(recorded) if recorded != Version(0, 0, 0) else "0.1.0"
    except ValueError:
        first = "0.1.0"
    proposed = str(base.bumped(bump or "patch")) if base else first
    problems = _build_problems(result)
    warnings: list[str] = []
    mapped = {e["old"] for e in id_map}
    now = frozenset(e["id"] for e in dataset["exercises"])
    vanished = sorted(e["id"] for e in old.get("exercises", []) if e["id"] not in now)
    unmapped = [i for i in vanished if i not in mapped]
    if unmapped:
        problems.append(
            PipelineError(
                "ids",
                f"{len(unmapped)} id(s) of release {base} vanished without an id-map entry: "
                + ", ".join(unmapped[:10]),
                "build with the id registry of that release (output/ids.json) so that merges "
                "and removals are recorded",
            )
        )
    if require_licenses:
        problems += _license_problems(dataset["dataset"].get("sources", []))
    if previous is not None and diff.empty:
        problems.append(
            PipelineError("dataset", f"is the same as release {base}", "nothing to publish")
        )
    if version is not None:
        try:
            asked = Version.parse(version)
        except ValueError as exc:
            problems.append(PipelineError("--version", str(exc), f"publish as {proposed}"))
        else:
            step = base.bump_to(asked) if base else "major"
            if base is not None and step is None:
                problems.append(
                    PipelineError(
                        "--version",
                        f"{asked} does not increase on the latest release {base}",
                        f"publish as {proposed}",
                    )
                )
            elif bump and step and BUMPS.index(step) < BUMPS.index(bump):
                message = f"{asked} is a {step} release but the changes are {bump} ({why})"
                if allow_smaller_bump:
                    warnings.append(message)
                else:
                    problems.append(
                        PipelineError(
                            "--version",
                            message,
                            f"publish as {proposed}, or pass --allow-smaller-bump",
                        )
                    )
    files: Mapping[str, bytes] = {}
    if version is not None and not problems:
        entry = changelog.entry(diff, version, previous=str(base) if base else None, date=date)
        files = release_files(
            dataset,
            schema,
            id_map=released_id_map(id_map, previous.released if previous else frozenset(), now),
            changelog=changelog.with_entry(previous.changelog if previous else None, entry),
            created=f"{date}T00:00:00Z" if date else None,
            review=dict(result.files.get("conflicts.json", {}).get("counts", {})),
            card_template=card_template,
        )
    return ReleasePlan(
        version,
        proposed,
        bump,
        why,
        diff,
        str(base) if base else None,
        tuple(problems),
        tuple(warnings),
        files,
    )


def _license_problems(sources: Sequence[JSON]) -> list[PipelineError]:
    """``--require-licenses``: every source records an SPDX licence."""
    problems = []
    for s in sources:
        license_ = s.get("license")
        if not license_:
            problems.append(
                PipelineError(
                    f"source {s['source_id']}",
                    "records no licence",
                    f"record it: pipeline add {s['file']} --replace {s['source_id']} "
                    "--license SPDX-ID, or edit raw/sources.json",
                )
            )
        elif spdx(str(license_)) is None:
            problems.append(
                PipelineError(
                    f"source {s['source_id']}",
                    f"licence {license_!r} is not an SPDX identifier or expression",
                    "use an id of https://spdx.org/licenses/ (CC-BY-4.0, CC0-1.0, ...)",
                )
            )
    return problems


@dataclass(frozen=True, slots=True)
class ReleaseReport:
    plan: ReleasePlan
    folder: Path | None
    reused: int
    processed: int


def publish_release(
    raw_dir: Path,
    out_dir: Path,
    releases_dir: Path,
    *,
    version: str | None,
    decisions_path: Path,
    ids_path: Path | None = None,
    cache_dir: Path | None = None,
    date: str | None = None,
    allow_smaller_bump: bool = False,
    require_licenses: bool = False,
    card_template: Path | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
    jobs: int = 1,
) -> ReleaseReport:
    """Build from ``raw_dir`` and publish release ``version`` into ``releases_dir/<version>``.

    With ``version`` None nothing is written: the plan shows the difference and the version
    the changes call for.
    """
    given = settings  # None: the build reads a team's weights beside the decisions
    settings = settings or Settings()
    environ = os.environ if environ is None else environ
    if date is not None and not is_date(date):
        raise PipelineError("--date", f"{date!r} is not a date (YYYY-MM-DD)", "nothing published")
    template = None
    if card_template is not None:
        try:
            template = card_template.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PipelineError(
                str(card_template), f"cannot be read: {exc}", "nothing published"
            ) from exc
        card_check(template)
    if version is not None:
        try:
            Version.parse(version)
        except ValueError as exc:
            raise PipelineError("--version", str(exc), "X.Y.Z, for example 0.2.0") from exc
    build_args: dict[str, Any] = {
        "decisions_path": decisions_path,
        "ids_path": ids_path,
        "cache_dir": cache_dir,
        "settings": given,
        "version": version,
        "progress": progress or (lambda *_: None),
        "jobs": jobs,
    }
    with writing(raw_dir, out_dir, releases_dir):
        _clean_temporaries(releases_dir)
        pending = _unrecorded(raw_dir, releases_dir, version)
        if pending is not None:
            return _finish(raw_dir, out_dir, releases_dir, pending, build_args, settings)
        previous = load_previous(releases_dir)
        result, reused, processed = build_in_memory(raw_dir, out_dir, **build_args)
        id_map = result.files["ids.json"]["id_map"]
        schema = (schema_dir() / "exercise.schema.json").read_bytes()
        plan = plan_release(
            result,
            previous,
            version=version,
            id_map=id_map,
            schema=schema,
            date=release_date(environ, date),
            allow_smaller_bump=allow_smaller_bump,
            require_licenses=require_licenses,
            card_template=template,
        )
        folder = None
        if plan.ok and plan.version is not None:
            target = releases_dir / plan.version
            if target.exists():
                raise PipelineError(str(target), "already exists", "choose another --version")
            folder = write_folder(plan.files, target)
            checkpoint("release:folder")
            _record(raw_dir, out_dir, result, plan.version, settings)
    return ReleaseReport(plan, folder, reused, processed)


def _record(
    raw_dir: Path, out_dir: Path, result: BuildResult, version: str, settings: Settings
) -> None:
    """After the release folder: bring ``output/`` to the released build, then record the
    version in the manifest. A publish killed before this is finished by running it again."""
    publish(result.files, out_dir, settings=settings.publish)
    manifest = load_manifest(raw_dir)
    updated = dataclasses.replace(manifest, dataset={**manifest.dataset, "version": version})
    write_atomic(raw_dir / MANIFEST, render_json(manifest_json(updated)))
    checkpoint("release:manifest")


def _unrecorded(raw_dir: Path, releases_dir: Path, version: str | None) -> Path | None:
    """The release folder ``version`` when an interrupted publish wrote it but did not record
    it: the latest release, newer than the version the manifest records."""
    found = releases(releases_dir)
    if version is None or not found or found[-1][1].name != version:
        return None
    try:
        recorded = Version.parse(str(load_manifest(raw_dir).dataset.get("version")))
    except ValueError:
        return found[-1][1]
    return found[-1][1] if recorded < found[-1][0] else None


def _finish(
    raw_dir: Path,
    out_dir: Path,
    releases_dir: Path,
    folder: Path,
    build_args: Mapping[str, Any],
    settings: Settings,
) -> ReleaseReport:
    """Finish a release whose folder an interrupted publish wrote but did not record: the same
    build must give the dataset the folder holds."""
    result, reused, processed = build_in_memory(raw_dir, out_dir, **build_args)
    try:
        files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
    except OSError as exc:
        raise PipelineError(str(folder), f"cannot be read: {exc.strerror}", "restore it") from exc
    if files.get(DATASET) != render_dataset(result.files[DATASET]):
        raise PipelineError(
            str(folder),
            f"was never recorded in {MANIFEST} and holds another dataset than this build",
            "move it out of the releases folder and publish again",
        )
    log.warning(
        "%s: finishing release %s, which an interrupted publish wrote but did not record",
        folder,
        folder.name,
    )
    _record(raw_dir, out_dir, result, folder.name, settings)
    before = [(v, p) for v, p in releases(releases_dir) if p != folder]
    old = json.loads((before[-1][1] / DATASET).read_bytes()) if before else None
    diff = diff_datasets(
        old or {"exercises": [], "dataset": {}},
        result.files[DATASET],
        id_map=result.files["ids.json"]["id_map"],
    )
    bump, why = diff.bump()
    previous = str(before[-1][0]) if before else None
    plan = ReleasePlan(folder.name, folder.name, bump, why, diff, previous, (), (), files)
    return ReleaseReport(plan, folder, reused, processed)


def _clean_temporaries(releases_dir: Path) -> None:
    """Folders a killed ``write_folder`` left (``.0.2.0.xxxx.tmp``): never a release."""
    if releases_dir.is_dir():
        for stale in releases_dir.glob(".*.tmp"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
                log.info("removed %s, left by an interrupted publish", stale)
