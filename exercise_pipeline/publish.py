"""Publish stage: the only writer of output files. Atomic, deterministic, one generation.

Every file is rendered first (sorted keys, two-space indent, UTF-8, a final newline; the
records of ``exercises.json`` keep the schema's key order, so each starts with its id). The
files of a build are one *generation*: ``generation.json`` lists each file's sha256, and the
switch from the old generation to the new one is journalled so that it happens entirely or
not at all:

1. the changed files are written into ``.next.tmp/`` and flushed to disk;
2. the journal ``.switch.json`` naming them is written (atomically): from here the switch is
   decided;
3. each staged file is renamed over the old one, then the journal and the staging folder go.

A command killed before step 2 leaves the last generation untouched (its staging folder is
removed at the next start); killed during step 3, the next command that opens the folder
finishes the renames first (``recover``). Readers go through ``read_output``, which finishes a
pending switch and checks each file against ``generation.json``, so no reader sees files of
two generations. Files whose bytes did not change are not rewritten.

``PIPELINE_KILL_AT`` names a write step at which the process kills itself with SIGKILL; the
fault-injection tests use it to stop a real build between any two writes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import signal
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from exercise_pipeline.locks import writing

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PublishSettings:
    """indent: JSON indentation; the output contract uses 2."""

    indent: int = 2


_ORJSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE


def render_json(obj: Any, *, indent: int = 2) -> bytes:
    """Stable JSON bytes: sorted keys, no ASCII escaping, trailing newline.

    orjson renders it (the standard library's encoder is pure Python once it indents: 20
    times slower on a large build, the same bytes but for tiny floats, which it writes as
    ``0.00001`` not ``1e-05``); what orjson refuses (an integer over 64 bits, a key that is
    not a string) and other indents go to the standard library."""
    if indent == 2:
        try:
            return orjson.dumps(obj, option=_ORJSON)
        except orjson.JSONEncodeError:
            pass
    return (json.dumps(obj, indent=indent, sort_keys=True, ensure_ascii=False) + "\n").encode()


DATASET = "exercises.json"


def in_record_order(doc: Any, order: Sequence[str]) -> Any:
    """The dataset document with each exercise's keys in ``order`` (the schema's: id, name,
    aliases, ...; any other after them, sorted) and every other object's keys sorted: what
    renders with no key sort as ``render_json`` would, but for the records' key order."""

    def canonical(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: canonical(value[k]) for k in sorted(value)}
        if isinstance(value, list):
            return [canonical(v) for v in value]
        return value

    def record(exercise: Any) -> Any:
        if not isinstance(exercise, dict):
            return canonical(exercise)
        keys = [k for k in order if k in exercise] + sorted(k for k in exercise if k not in order)
        return {k: canonical(exercise[k]) for k in keys}

    if not isinstance(doc, dict):
        return canonical(doc)
    return {
        k: [record(e) for e in doc[k]]
        if k == "exercises" and isinstance(doc[k], list)
        else canonical(doc[k])
        for k in sorted(doc)
    }


def render_dataset(doc: Any, *, indent: int = 2) -> bytes:
    """``exercises.json``'s bytes: ``render_json``'s, each record's keys in the schema's order."""
    from exercise_pipeline.schemas import record_order

    ordered = in_record_order(doc, record_order())
    if indent == 2:
        try:
            return orjson.dumps(ordered, option=_ORJSON & ~orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass
    return (json.dumps(ordered, indent=indent, ensure_ascii=False) + "\n").encode()


def render(name: str, doc: Any, *, indent: int = 2) -> bytes:
    """A file's bytes: the dataset in record order, any other JSON document with sorted keys."""
    if name == DATASET:
        return render_dataset(doc, indent=indent)
    return render_json(doc, indent=indent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_synced(f: BinaryIO, data: bytes) -> None:
    """Write ``data`` to an open file, readable as published files are, and flush it to disk."""
    os.fchmod(f.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600
    f.write(data)
    f.flush()
    os.fsync(f.fileno())


def _name(exc: OSError, path: Path) -> None:
    if exc.errno is not None and exc.filename is None:
        exc.filename = str(path)


def write_atomic(path: Path, data: bytes) -> bool:
    """Replace ``path`` with ``data`` atomically; False when it already held exactly that."""
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_synced(f, data)
        Path(tmp).replace(path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            _name(exc, path)
        raise
    return True


GENERATION = "generation.json"
JOURNAL = ".switch.json"
STAGING = ".next.tmp"
KILL_VARIABLE = "PIPELINE_KILL_AT"


def checkpoint(step: str) -> None:
    """A write step: the fault-injection tests kill the process here (``PIPELINE_KILL_AT``)."""
    if os.environ.get(KILL_VARIABLE) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # platforms that cannot open folders
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def generation_document(rendered: Mapping[str, bytes]) -> dict[str, Any]:
    """What ``generation.json`` says: each file's digest and size, and the generation's id."""
    files = {
        name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
        for name, data in sorted(rendered.items())
        if name != GENERATION
    }
    digest = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    return {"generation": digest[:16], "files": files}


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def recover(out_dir: Path) -> None:
    """Finish a switch that a killed command decided, and remove temporaries it left.

    Call it holding the folder's write lock (``exercise_pipeline.locks``).
    """
    journal = out_dir / JOURNAL
    staging = out_dir / STAGING
    if journal.exists():
        try:
            digests = json.loads(journal.read_text(encoding="utf-8"))["files"]
        except (OSError, ValueError, KeyError, TypeError):
            digests = None  # written atomically, so unreadable means damaged by hand: undecided
        if isinstance(digests, dict):
            names = sorted(n for n in digests if isinstance(n, str) and "/" not in n)
            pending = [n for n in names if (staging / n).is_file()]
            for name in pending:
                (staging / name).replace(out_dir / name)
            _fsync_folder(out_dir)
            if pending:
                log.warning(
                    "%s: finished switching to the new generation that an interrupted "
                    "command left half written (%s)",
                    out_dir,
                    ", ".join(pending),
                )
            lost = [n for n in names if _digest(out_dir / n) != digests[n]]
            if lost:
                log.error(
                    "%s: the interrupted switch cannot be finished (%s not as written: the "
                    "staged copies are gone); run `pipeline build` to write a whole generation",
                    out_dir,
                    ", ".join(lost),
                )
        journal.unlink()
    if staging.is_dir():
        shutil.rmtree(staging)
    for stale in out_dir.glob(".*.tmp"):
        if stale.is_file():
            stale.unlink(missing_ok=True)


def publish(
    files: Mapping[str, Any | bytes], out_dir: Path, *, settings: PublishSettings | None = None
) -> list[Path]:
    """Write each ``name -> document`` (JSON) or ``name -> bytes`` into ``out_dir`` as one
    generation (with ``generation.json``). Call it holding the folder's write lock.

    All files are rendered before any is written, so a rendering error writes nothing.
    Returns the files that changed.
    """
    settings = settings or PublishSettings()
    rendered = {
        name: doc if isinstance(doc, bytes) else render(name, doc, indent=settings.indent)
        for name, doc in files.items()
    }
    rendered[GENERATION] = render_json(generation_document(rendered), indent=settings.indent)
    out_dir.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    changed = [
        name
        for name in sorted(rendered)
        if not ((out_dir / name).is_file() and (out_dir / name).read_bytes() == rendered[name])
    ]
    if not changed:
        return []
    staging = out_dir / STAGING
    staging.mkdir()
    try:
        for name in changed:
            _write_new(staging / name, rendered[name])
            checkpoint(f"stage:{name}")
        _fsync_folder(staging)
        digests = {n: hashlib.sha256(rendered[n]).hexdigest() for n in changed}
        write_atomic(out_dir / JOURNAL, render_json({"files": digests}))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    checkpoint("journal")
    for name in changed:
        (staging / name).replace(out_dir / name)
        checkpoint(f"switch:{name}")
    _fsync_folder(out_dir)
    (out_dir / JOURNAL).unlink()
    staging.rmdir()
    for name in changed:
        log.info("wrote %s (%d bytes)", out_dir / name, len(rendered[name]))
    return [out_dir / name for name in changed]


def _write_new(path: Path, data: bytes) -> None:
    try:
        with path.open("wb") as f:
            _write_synced(f, data)
    except OSError as exc:
        _name(exc, path)  # a full disk names the file it stopped at
        raise


class GenerationError(ValueError):
    """An output file that does not belong to its folder's generation."""


def read_output(out_dir: Path, name: str) -> bytes:
    """The bytes of output file ``name``, checked against ``generation.json``."""
    return read_outputs(out_dir, [name])[name]


def read_outputs(out_dir: Path, names: Sequence[str], *, attempts: int = 5) -> dict[str, bytes]:
    """Output files read as one generation: each checked against the same ``generation.json``,
    read again when a build switched generations meanwhile.

    A switch left pending by a killed command is finished first (under the folder's lock). A
    file whose digest is not its generation's raises GenerationError; a folder written
    before generations existed is read as it is.
    """
    if (out_dir / JOURNAL).exists() or (out_dir / STAGING).exists():
        with writing(out_dir):
            recover(out_dir)
    manifest_path = out_dir / GENERATION
    for attempt in range(attempts):
        before = manifest_path.read_bytes() if manifest_path.exists() else None
        files = {name: (out_dir / name).read_bytes() for name in names}
        after = manifest_path.read_bytes() if manifest_path.exists() else None
        if before != after:
            continue  # a build switched generations while we read: read again
        if before is None:
            return files
        try:
            listed = json.loads(before.decode("utf-8"))["files"]
        except (ValueError, KeyError, TypeError):
            raise GenerationError(f"{manifest_path} is not a generation manifest") from None
        for name, data in files.items():
            if name == GENERATION:
                continue
            if name not in listed:
                raise GenerationError(f"{manifest_path} does not list {name}")
            if hashlib.sha256(data).hexdigest() != listed[name]["sha256"]:
                if attempt + 1 < attempts:
                    break  # perhaps mid-switch: read again
                raise GenerationError(
                    f"{out_dir / name} is not the file of generation {manifest_path}: it was "
                    "changed after the build wrote it"
                )
        else:
            return files
    raise GenerationError(f"{out_dir}: generations kept changing while it was read")


def write_folder(files: Mapping[str, bytes], target: Path) -> Path:
    """Create folder ``target`` holding ``files``, all at once: the files are written into a
    temporary sibling folder that is renamed into place. An existing ``target`` is an error."""
    if target.exists():
        raise FileExistsError(f"{target} already exists")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        tmp.chmod(0o777 & ~_umask())
        for name in sorted(files):
            write_atomic(tmp / name, files[name])
        tmp.rename(target)
    except BaseException:
        for path in tmp.iterdir():
            path.unlink(missing_ok=True)
        tmp.rmdir()
        raise
    log.info("wrote %s (%d files)", target, len(files))
    return target
