"""Executors run the per-source map: the same work in this process, in a pool of processes, or
on a Dask cluster.

As in datatrove, an executor is a small class with one method, ``map``, and the pipeline does
not know which one runs it: ``map(work, items)`` yields ``(index, result)`` pairs as the work
finishes, and the runner puts them back in input order, so every executor gives the same
bytes. Work sent to a pool is a module-level function; what comes back should be plain data
(the runner sends packed records, not pickles of its objects).
"""

from __future__ import annotations

import ctypes
import itertools
import logging
import multiprocessing
import os
import signal
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

from exercise_pipeline.errors import PipelineError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    def map(self, work: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        """``(index, work(items[index]))`` for every item, in the order they finish."""
        ...


def cores() -> int:
    """The cores this process may run on (the default for ``--jobs``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class InProcess:
    """Every item in this process, one after the other."""

    def map(self, work: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        for index, item in enumerate(items):
            yield index, work(item)


def _worker_start(parent: int) -> None:
    """In each worker: end with the parent (a killed build leaves no worker behind), and
    write to the real stderr, not to a progress display's proxy of this process."""
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    if sys.platform == "linux":
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no prctl: the pipe to the parent still closes
            pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


_PR_SET_PDEATHSIG = 1


class ProcessPool:
    """Items spread over ``jobs`` worker processes. On Linux a worker is a fork of this
    process: it starts in milliseconds with every module loaded (the work touches no lock
    a thread of this process may hold; logging re-creates its locks after a fork). Elsewhere
    workers are spawned, and import the work's module first. At most ``2 * jobs`` items are in
    flight: inputs are sent as workers free up, not all at once."""

    def __init__(self, jobs: int) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs

    @staticmethod
    def _context() -> multiprocessing.context.BaseContext:
        method = "fork" if sys.platform == "linux" else "spawn"
        return multiprocessing.get_context(method)

    def map(self, work: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if len(items) < 2 or self.jobs == 1:
            yield from InProcess().map(work, items)
            return
        workers = min(self.jobs, len(items))
        log.debug("per-source work on %d processes", workers)
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=self._context(), initializer=_worker_start,
            initargs=(os.getpid(),),
        )  # fmt: skip
        try:
            yield from self._run(pool, work, items, workers)
        except BrokenProcessPool as exc:  # killed, or out of memory: nothing is published
            raise PipelineError(
                "per-source work", f"a worker process died ({exc})",
                "run it again; if it dies again, with fewer --jobs",
            ) from exc  # fmt: skip
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def _run(
        pool: ProcessPoolExecutor, work: Callable[[T], R], items: Sequence[T], workers: int
    ) -> Iterator[tuple[int, R]]:
        pending: dict[Future[R], int] = {}
        queue = iter(enumerate(items))
        for index, item in queue:
            pending[pool.submit(work, item)] = index
            if len(pending) >= 2 * workers:
                break
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=pending.__getitem__):
                index = pending.pop(future)
                yield index, future.result()
                for more, item in queue:
                    pending[pool.submit(work, item)] = more
                    break


class Dask:
    """Items mapped over a ``dask.distributed`` cluster: the scheduler at ``address``, or a
    LocalCluster of ``workers`` processes (one thread each) started for this map and closed
    after it. Items are submitted as results come back, at most ``4 * workers`` in flight, so
    the client never holds every input on the cluster at once; results are plain bytes. A
    worker that dies mid-task is replaced and the task runs again elsewhere (the scheduler
    retries it), so a lost worker costs time, not the build."""

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        self.address = address
        self.workers = workers or cores()

    def map(self, work: Callable[[T], R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        try:
            from distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise PipelineError(
                "--executor dask", "needs dask.distributed, which is not installed",
                "install it: pip install 'exercise-pipeline[dask]'",
            ) from exc  # fmt: skip
        if not items:
            return
        chatty = logging.getLogger("distributed")  # the scheduler's news, not the build's
        level = chatty.level
        chatty.setLevel(max(logging.WARNING, level))
        cluster = None
        try:
            if self.address is None:
                cluster = LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=min(self.workers, len(items)), threads_per_worker=1,
                    processes=True, host="127.0.0.1", dashboard_address=None,
                    silence_logs=logging.WARNING,
                )  # fmt: skip
            try:
                client = Client(cluster if cluster is not None else self.address)  # type: ignore[no-untyped-call]
            except OSError as exc:  # no scheduler at the address (the work's errors pass)
                raise PipelineError(
                    f"--scheduler {self.address}", f"cannot reach the Dask scheduler ({exc})",
                    "start it (dask scheduler), or leave --scheduler out for a local cluster",
                ) from exc  # fmt: skip
            with client:
                workers = max(1, len(client.scheduler_info()["workers"]))
                log.debug("per-source work on a Dask cluster of %d workers", workers)
                yield from self._run(client, as_completed, work, items, 4 * workers)
        finally:
            if cluster is not None:
                cluster.close()
            chatty.setLevel(level)

    @staticmethod
    def _run(
        client: Any,
        as_completed: Any,
        work: Callable[[T], R],
        items: Sequence[T],
        window: int,
    ) -> Iterator[tuple[int, R]]:
        queue = iter(enumerate(items))
        index: dict[str, int] = {}
        run = uuid.uuid4().hex  # keys of this map alone: builds may share a scheduler

        def submit(k: int, item: T) -> Any:
            future = client.submit(work, item, pure=False, key=f"source-{run}-{k}")
            index[future.key] = k
            return future

        running = as_completed([submit(k, item) for k, item in itertools.islice(queue, window)])
        for future in running:
            result = future.result()
            yield index.pop(future.key), result
            future.release()
            for k, item in queue:
                running.add(submit(k, item))
                break


EXECUTORS = ("local", "dask")


def executor_for(jobs: int, executor: str = "local", scheduler: str | None = None) -> Executor:
    """``local``: in this process for one job, a process pool for more; ``dask``: a Dask
    cluster (the scheduler at ``scheduler``, or a LocalCluster of ``jobs`` workers)."""
    if executor == "dask":
        return Dask(scheduler, jobs)
    if executor != "local":
        raise PipelineError("--executor", f"unknown executor {executor!r}", "local or dask")
    if scheduler is not None:
        raise PipelineError("--scheduler", "is for --executor dask", "add --executor dask")
    if jobs == 1:
        return InProcess()
    return ProcessPool(jobs)
