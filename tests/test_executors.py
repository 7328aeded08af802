"""Executors: the per-source work in this process or a process pool, with the same bytes."""

from __future__ import annotations

import gc
import os
import shutil
import time
from pathlib import Path

import pytest

from exercise_pipeline.cache import unpack_entry
from exercise_pipeline.errors import SourceError
from exercise_pipeline.executors import InProcess, ProcessPool, cores, executor_for
from exercise_pipeline.parse import ParseSettings
from exercise_pipeline.runner import Settings, build, collector_paused, process, work
from exercise_pipeline.sources import RawFile, SourcesSettings, decode

from .conftest import CORPUS, RAW


def _pid_after(delay: float) -> int:
    time.sleep(delay)
    return os.getpid()


def _square(n: int) -> int:
    return n * n


def test_a_pool_runs_items_in_several_processes_and_returns_every_one() -> None:
    pids = dict(ProcessPool(2).map(_pid_after, [0.3] * 4))
    assert sorted(pids) == [0, 1, 2, 3]
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    squares = dict(ProcessPool(2).map(_square, list(range(50))))
    assert squares == {n: n * n for n in range(50)}


def test_in_process_and_one_job_stay_in_this_process() -> None:
    assert dict(InProcess().map(_pid_after, [0.0, 0.0])) == {0: os.getpid(), 1: os.getpid()}
    assert isinstance(executor_for(1), InProcess)
    assert cores() >= 1
    with pytest.raises(ValueError, match="at least 1"):
        ProcessPool(0)


def test_work_sends_back_packed_records_equal_to_the_result() -> None:
    path = RAW / "000_996aa0c67327b4d0.txt"
    doc = decode(RawFile(path.name, path.read_bytes(), None), SourcesSettings())
    data, failure = work(doc, Settings())
    assert failure is None and isinstance(data, bytes)
    result = process(doc, Settings())
    assert unpack_entry(data) == (result.extraction, result.account)


def test_builds_with_two_jobs_are_byte_identical_to_one(tmp_path: Path) -> None:
    raw = Path(shutil.copytree(RAW, tmp_path / "raw"))
    for path in sorted((CORPUS / "dev").glob("*")) if (CORPUS / "dev").exists() else []:
        shutil.copy(path, raw / path.name)
    (raw / "zz_broken.html").write_bytes(b"\x00\x01\x02" * 50)  # fails to decode
    # Long articles fail in the workers: over a limit of blocks.
    settings = Settings(parse=ParseSettings(max_blocks=300))
    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        report = build(
            raw, out, decisions_path=tmp_path / "none.json", jobs=jobs, settings=settings
        )
        assert report.result.exit_code == 1
        outputs[jobs] = (
            {p.name: p.read_bytes() for p in sorted((tmp_path / f"out{jobs}").iterdir())},
            [str(e) for e in report.result.errors],
        )
    assert outputs[1] == outputs[2]
    errors = " ".join(outputs[2][1])
    assert "zz_broken.html" in errors and "over the limit of 300" in errors


def _die(n: int) -> int:
    if n == 1:
        os.kill(os.getpid(), 9)
    time.sleep(0.2)
    return n


def test_a_worker_that_dies_is_an_error_that_names_it_not_a_traceback() -> None:
    from exercise_pipeline.errors import PipelineError

    with pytest.raises(PipelineError, match="a worker process died"):
        dict(ProcessPool(2).map(_die, [0, 1, 2, 3]))


_ORPHAN = """
import os, sys, time
sys.path.insert(0, {root!r})
from exercise_pipeline.executors import ProcessPool

def pid_then_sleep(n):
    sys.stdout.write(f"{{os.getpid()}}\\n")  # one write: lines of two workers never mix
    sys.stdout.flush()
    time.sleep(60)
    return n

if __name__ == "__main__":
    for _ in ProcessPool(2).map(pid_then_sleep, [0, 1]):
        pass
"""


def test_workers_end_with_a_killed_parent(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    script = tmp_path / "orphans.py"
    script.write_text(_ORPHAN.format(root=str(RAW.parent)), encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    workers = [int(parent.stdout.readline()) for _ in range(2)]
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except FileNotFoundError:
        return False
    return stat.split(") ", 1)[1][0] != "Z"  # a zombie has ended


def test_per_source_work_gives_the_cycle_collector_back_as_it_found_it() -> None:
    """``process`` holds the collector off for one source (it walked the page's nodes again
    and again) and leaves it as it was: on, off, and after a source that fails."""
    raw = RawFile("page.html", b"<p>Lie on your back. Hold 30 seconds.</p>", None)
    doc = decode(raw, SourcesSettings())
    too_small = Settings(parse=ParseSettings(max_blocks=0))
    assert gc.isenabled()
    try:
        process(doc, Settings())
        assert gc.isenabled()
        with pytest.raises(SourceError, match="over the limit"):
            process(doc, too_small)
        assert gc.isenabled()
        gc.disable()
        process(doc, Settings())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_stays_off_until_the_last_pause_ends() -> None:
    """Nested or concurrent pauses: the collector comes back when the last one ends."""
    assert gc.isenabled()
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer work is still running
    assert gc.isenabled()


# --- Dask: a LocalCluster started by the executor, real worker processes -----------------------

distributed = pytest.importorskip("distributed", reason="dask.distributed is in the test extra")


def _dev_raw(tmp_path: Path) -> Path:
    raw = Path(shutil.copytree(RAW, tmp_path / "raw"))
    for path in sorted((CORPUS / "dev").glob("*")) if (CORPUS / "dev").exists() else []:
        shutil.copy(path, raw / path.name)
    return raw


def test_a_build_on_a_dask_local_cluster_is_byte_identical_to_one_job(tmp_path: Path) -> None:
    raw = _dev_raw(tmp_path)
    (raw / "zz_broken.html").write_bytes(b"\x00\x01\x02" * 50)  # fails to decode
    outputs = {}
    for executor, jobs in (("local", 1), ("dask", 2)):
        out = tmp_path / f"out-{executor}"
        report = build(
            raw, out, decisions_path=tmp_path / "none.json", jobs=jobs, executor=executor
        )
        assert report.result.exit_code == 1  # the broken file, named
        outputs[executor] = (
            {p.name: p.read_bytes() for p in sorted(out.iterdir())},
            [str(e) for e in report.result.errors],
        )
    assert outputs["dask"] == outputs["local"]
    assert "zz_broken.html" in " ".join(outputs["dask"][1])


def _die_once(work: object, marker: str, item: object) -> object:
    """The work, after killing its worker process the first time any item reaches it."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return work(item)  # type: ignore[operator]
    os.close(fd)
    os._exit(1)  # the worker process dies mid-task, as an OOM kill would


class _KillingDask:
    """A Dask executor whose first task kills the worker running it."""

    def __init__(self, marker: Path) -> None:
        from exercise_pipeline.executors import Dask

        self.inner = Dask(workers=2)
        self.marker = str(marker)

    def map(self, work, items):  # type: ignore[no-untyped-def]
        from functools import partial

        return self.inner.map(partial(_die_once, work, self.marker), items)


def test_a_dask_worker_killed_mid_build_is_replaced_and_the_output_is_the_same(
    tmp_path: Path,
) -> None:
    from exercise_pipeline.runner import run
    from exercise_pipeline.sources import load_manifest, read_raw

    raw = _dev_raw(tmp_path)
    manifest = load_manifest(raw)
    files, failed = read_raw(raw, manifest, SourcesSettings())
    alone = run(files, manifest, failed=failed)
    marker = tmp_path / "killed-once"
    survived = run(files, manifest, failed=failed, executor=_KillingDask(marker))
    assert marker.exists()  # a worker did die
    assert survived.files == alone.files
    assert [str(e) for e in survived.errors] == [str(e) for e in alone.errors]


def _tagged(tag: str, n: int) -> tuple[str, int]:
    time.sleep(0.2)  # both maps in flight at once
    return tag, n


def test_two_builds_sharing_one_scheduler_each_get_their_own_results() -> None:
    from concurrent.futures import ThreadPoolExecutor
    from functools import partial

    from exercise_pipeline.executors import Dask

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        host="127.0.0.1",
    ) as cluster:  # fmt: skip

        def build_of(tag: str) -> list[tuple[int, tuple[str, int]]]:
            return sorted(Dask(cluster.scheduler_address).map(partial(_tagged, tag), [0, 1, 2]))

        with ThreadPoolExecutor(2) as pool:
            a, b = pool.map(build_of, ["a", "b"])
    assert a == [(n, ("a", n)) for n in range(3)]
    assert b == [(n, ("b", n)) for n in range(3)]
