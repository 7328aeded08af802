"""One writer at a time: build, add, review decisions, remove and publish lock what they write.

A lock is a ``filelock.FileLock`` (an OS file lock, released by the kernel when its holder
dies, so a killed command never leaves a stale lock) on a sibling file of the folder or file
written: ``raw/`` is locked through ``.raw.lock`` beside it, ``review/decisions.json`` through
``review/.decisions.json.lock``. A command takes every lock it needs before it reads anything
and holds them to the end, in one global order, so two writers never interleave and never
deadlock; a command taking a lock it already holds goes on. A second writer says that it
waits, and gives up with a message after ``PIPELINE_LOCK_TIMEOUT`` seconds (600 by default;
0 fails at once).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from exercise_pipeline.errors import PipelineError

log = logging.getLogger(__name__)

TIMEOUT_VARIABLE = "PIPELINE_LOCK_TIMEOUT"
_HELD: set[Path] = set()  # lock files this process holds: taking one again is a no-op
# (commands are single-threaded; threads of one process share these locks)
DEFAULT_TIMEOUT = 600.0


def lock_path(target: Path) -> Path:
    """The lock file of a folder or file: a hidden sibling."""
    target = target.absolute()
    target = target.resolve() if target.exists() else target.parent.resolve() / target.name
    return target.parent / f".{target.name}.lock"


def timeout_from(environ: Mapping[str, str]) -> float:
    value = environ.get(TIMEOUT_VARIABLE, "")
    try:
        return max(float(value), 0.0) if value.strip() else DEFAULT_TIMEOUT
    except ValueError:
        raise PipelineError(
            TIMEOUT_VARIABLE, f"{value!r} is not a number of seconds", "unset it or set 60"
        ) from None


@contextmanager
def writing(*targets: Path, environ: Mapping[str, str] | None = None) -> Iterator[None]:
    """Hold the write locks of ``targets`` for the duration."""
    timeout = timeout_from(os.environ if environ is None else environ)
    paths = sorted({lock_path(t) for t in targets} - _HELD)
    with ExitStack() as stack:
        for path in paths:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(path)
            try:
                lock.acquire(timeout=0)
            except Timeout:  # before OSError: a Timeout is a TimeoutError
                what = path.parent / path.name[1 : -len(".lock")]
                log.warning(
                    "%s: another pipeline command is writing it; waiting up to %g s (%s)",
                    what,
                    timeout,
                    TIMEOUT_VARIABLE,
                )
                try:
                    lock.acquire(timeout=timeout)
                except Timeout:
                    raise PipelineError(
                        str(what),
                        f"is still being written by another pipeline command after {timeout:g} s",
                        f"let it finish and run this again, or raise {TIMEOUT_VARIABLE}",
                    ) from None
            except OSError as exc:
                raise PipelineError(
                    str(path),
                    f"cannot be created: {exc.strerror}",
                    "check that the folder is writable",
                ) from None
            _HELD.add(path)
            stack.callback(_HELD.discard, path)
            stack.callback(lock.release)
        yield
