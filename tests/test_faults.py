"""Fault injection: real processes killed with SIGKILL at each write step, concurrent writers,
full disks, hostile caches and names. After each fault the last good generation is intact, no
decision is lost, and the next build equals a clean one byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from exercise_pipeline.locks import writing
from exercise_pipeline.publish import GENERATION, read_output

from .conftest import CORPUS, RAW

ARTICLE = (
    "# Wall Angels\n\nStand with your back against a wall. Slide your arms up the wall and "
    "back down. Repeat 10 times.\n"
)
# An article that changes every output, the review page too: its Knee to Chest holds for
# another time than a seed's (a field to review). Wall Angels alone changes no pair's score,
# so the review page, unchanged, is not written again.
REVIEWED = ARTICLE + (
    "\n## Knee to Chest\n\nLie on your back and pull one knee to your chest. Hold for 45 seconds.\n"
)


class Project:
    """A working copy (raw/, output/, review/, releases/, a cache) driven by real processes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.raw = Path(shutil.copytree(RAW, root / "raw"))
        self.out = root / "output"
        self.decisions = root / "review" / "decisions.json"
        self.releases = root / "releases"

    def args(self, command: str) -> list[str]:
        build = ["--raw", str(self.raw), "--out", str(self.out), "--decisions",
                 str(self.decisions), "--cache-dir", str(self.root / ".cache")]  # fmt: skip
        return {
            "build": build,
            "publish": [*build, "--releases", str(self.releases)],
            "add": ["--raw", str(self.raw)],
            "remove": ["--raw", str(self.raw)],
            "review": ["--out", str(self.out), "--decisions", str(self.decisions)],
        }.get(command, [])

    def start(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        command = [sys.executable, "-m", "exercise_pipeline", *args, *self.args(args[0])]
        return subprocess.Popen(
            command,
            cwd=self.root,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
        proc = self.start(*args, env=env)
        out, errors = proc.communicate(timeout=300)
        return proc.returncode, out + errors

    def files(self, folder: Path | None = None) -> dict[str, bytes]:
        folder = folder or self.out
        return {
            p.name: p.read_bytes()
            for p in sorted(folder.iterdir())
            if p.is_file() and not p.name.startswith(".")
        }


def clean_build(tmp: Path, raw: Path) -> dict[str, bytes]:
    """What a build from scratch of ``raw`` writes (no cache, no earlier output)."""
    fresh = Project(tmp)
    shutil.rmtree(fresh.raw)
    shutil.copytree(raw, fresh.raw)
    code, log = fresh.run("build", "--no-cache")
    assert code == 0, log
    return fresh.files()


def test_concurrent_review_decisions_are_all_kept(tmp_path: Path) -> None:
    p = Project(tmp_path)
    assert p.run("build")[0] == 0
    queue = json.loads((p.out / "conflicts.json").read_text(encoding="utf-8"))
    keys = sorted(queue["mention_keys"])
    pairs = [(keys[0], k) for k in keys[1:12]]
    assert len(pairs) == 11
    procs = [p.start("review", "different", a, b) for a, b in pairs]
    for proc in procs:
        out, errors = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + errors
    kept = json.loads(p.decisions.read_text(encoding="utf-8"))["decisions"]
    assert sorted(tuple(d["mentions"]) for d in kept) == sorted(pairs)


def test_a_second_writer_waits_with_a_message_then_gives_up_with_one(tmp_path: Path) -> None:
    p = Project(tmp_path)
    with writing(p.raw):
        code, log = p.run("build", env={"PIPELINE_LOCK_TIMEOUT": "1"})
        assert code == 2
        assert "another pipeline command is writing it; waiting up to 1 s" in log
        assert "is still being written by another pipeline command after 1 s" in log
        assert not p.out.exists()
        (tmp_path / "wall-angels.md").write_text(ARTICLE, encoding="utf-8")
        waiting = p.start("add", str(tmp_path / "wall-angels.md"))
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting for the lock
    out, errors = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, out + errors
    assert "waiting up to 600 s" in errors
    assert (p.raw / "wall-angels.md").exists()


def test_an_older_build_never_overwrites_a_newer_one(tmp_path: Path) -> None:
    """A build holds raw/ and output/ from its first read to its last write: an `add` and a
    second build started meanwhile run after it, so the added exercise is never lost."""
    p = Project(tmp_path)
    (tmp_path / "wall-angels.md").write_text(ARTICLE, encoding="utf-8")
    first = p.start("build", "--no-cache")
    while _free(tmp_path / ".raw.lock"):  # until the first build holds raw/'s lock
        assert first.poll() is None
        time.sleep(0.01)
    add = p.start("add", str(tmp_path / "wall-angels.md"))
    assert add.wait(timeout=300) == 0
    second = p.start("build")
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    names = {e["name"] for e in json.loads(read_output(p.out, "exercises.json"))["exercises"]}
    assert "Wall Angels" in names
    assert p.files() == clean_build(tmp_path / "clean", p.raw)


def _free(lock: Path) -> bool:
    """Whether nobody holds ``lock`` now (a non-blocking try, released at once)."""
    import fcntl

    if not lock.exists():
        return True
    with lock.open("a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(f, fcntl.LOCK_UN)
        return True


def _kill_steps(names: list[str]) -> list[str]:
    return [*(f"stage:{n}" for n in names), "journal", *(f"switch:{n}" for n in names)]


OUTPUTS = sorted(
    ["conflicts.json", "exercises.json", GENERATION, "ids.json", "removed.json", "review.html"]
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A project built once (with its cache) and what a clean build gives once an article is
    added: each fault starts from a copy."""
    root = tmp_path_factory.mktemp("built")
    p = Project(root)
    assert p.run("build")[0] == 0
    same_steps = copy_project((root, {}), tmp_path_factory.mktemp("after"))
    (same_steps.raw / "wall-angels.md").write_text(REVIEWED, encoding="utf-8")
    assert same_steps.run("build")[0] == 0
    after = same_steps.files()
    assert after == clean_build(root / "clean", same_steps.raw)  # here also a clean build's
    return root, after


def copy_project(built: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Project:
    shutil.copytree(built[0], tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("clean"))
    p = Project.__new__(Project)
    p.root, p.raw, p.out = tmp_path, tmp_path / "raw", tmp_path / "output"
    p.decisions, p.releases = tmp_path / "review" / "decisions.json", tmp_path / "releases"
    return p


DECIDED = [s for s in _kill_steps(OUTPUTS) if s == "journal" or s.startswith("switch:")]
STEPS = [(s, "build") for s in _kill_steps(OUTPUTS)] + [(s, "reader") for s in DECIDED]


@pytest.mark.parametrize(("step", "next_command"), STEPS)
def test_a_build_killed_at_any_write_step_leaves_one_generation(
    built: tuple[Path, dict[str, bytes]], tmp_path: Path, step: str, next_command: str
) -> None:
    """Killed before its journal, a build leaves the old generation untouched; killed after,
    the next command that opens output/ (the next build, or a reader) finishes the switch."""
    p = copy_project(built, tmp_path)
    before, after = p.files(), built[1]
    assert sorted(before) == OUTPUTS
    assert all(before[name] != after[name] for name in OUTPUTS)  # every step writes
    (p.raw / "wall-angels.md").write_text(REVIEWED, encoding="utf-8")
    code, log = p.run("build", env={"PIPELINE_KILL_AT": step})
    assert code == -signal.SIGKILL, log
    decided = step in DECIDED
    if not decided:
        assert p.files() == before  # the old generation, untouched
    if next_command == "reader":
        code, log = p.run("stats", "--out", str(p.out), "--json")
        assert code == 0, log
        if step != f"switch:{OUTPUTS[-1]}":  # after the last rename nothing is left to do
            assert "finished switching to the new generation" in log
        for name in OUTPUTS:
            assert read_output(p.out, name) == after[name]
    assert p.run("build")[0] == 0
    assert p.files() == after
    assert not [q.name for q in p.out.iterdir() if q.name.startswith(".")]


def _ids(p: Project) -> dict[str, object]:
    return json.loads(read_output(p.out, "ids.json"))


def _exercises(p: Project) -> list[dict[str, object]]:
    return json.loads(read_output(p.out, "exercises.json"))["exercises"]


SEED = "004_646fec9853ade4c5"


@pytest.mark.parametrize("cache", ["cache", "no-cache", "none"])
def test_a_source_that_fails_keeps_its_exercises_and_ids_until_it_comes_back(
    tmp_path: Path, cache: str
) -> None:
    """With the cache, or a build without it (`--no-cache` still reads the last good results
    of failing sources), its exercises are carried; with no cache at all, its ids wait."""
    p = Project(tmp_path)
    nowhere = ("--no-cache", "--cache-dir", str(tmp_path / "none"))
    first = nowhere if cache == "none" else ()  # `make build` uses the cache
    options = {"cache": (), "no-cache": ("--no-cache",), "none": nowhere}[cache]
    assert p.run("build", *first)[0] == 0
    good = p.files()
    ids_before = {e["id"] for e in _exercises(p)}
    article = p.raw / f"{SEED}.txt"
    text = article.read_bytes()
    article.write_bytes(b"")  # empty after a bad sync
    code, log = p.run("build", *options)
    assert code == 1 and f"{SEED}.txt: is empty" in log
    registry = _ids(p)
    assert not [c for c in registry["id_map"] if c["new"] is None]  # nothing retired
    records = _exercises(p)
    if cache != "none":  # its last good exercises, carried and marked
        assert {e["id"] for e in records} == ids_before
        stale = [m for e in records for m in e["sources"] if m["source_id"] == SEED]
        assert stale and all("stale_source" in m["flags"] for m in stale)
        dataset = json.loads(read_output(p.out, "exercises.json"))["dataset"]
        assert [s.get("stale") for s in dataset["sources"] if s["source_id"] == SEED] == [True]
        assert "kept its last good result" in log
    else:  # left out of this build, but their ids are reserved
        assert {e["id"] for e in records} < ids_before
        assert "keep their ids" in log
    article.write_bytes(text)
    assert p.run("build", *options)[0] == 0
    assert p.files() == good  # the same ids, byte for byte: nothing was lost


@pytest.mark.parametrize(("failing", "published"), [(2, True), (3, False), (5, False)])
def test_a_build_in_which_most_sources_fail_publishes_nothing(
    tmp_path: Path, failing: int, published: bool
) -> None:
    p = Project(tmp_path)
    assert p.run("build")[0] == 0
    good = p.files()
    for article in sorted(p.raw.glob("*.txt"))[:failing]:
        article.write_bytes(b"")
    code, log = p.run("build")
    if published:  # 2 of 5 failed: the rest publish, the failed keep their last good result
        assert code == 1 and "nothing published" not in log
        assert {e["id"] for e in _exercises(p)} == {
            e["id"] for e in json.loads(good["exercises.json"])["exercises"]
        }
    else:
        assert code == 2
        assert "nothing published: most sources failed in this build" in log
        assert p.files() == good


def test_a_published_source_gone_without_remove_is_an_error_not_a_retirement(
    tmp_path: Path,
) -> None:
    p = Project(tmp_path)
    (p.raw / "wall-angels.md").write_text(ARTICLE, encoding="utf-8")  # built, never recorded
    assert p.run("build")[0] == 0
    good = p.files()
    (p.raw / "wall-angels.md").unlink()
    code, log = p.run("build")
    assert code == 1
    assert "wall-angels: was published by the last build but is not in raw/ any more" in log
    assert "Wall Angels" in {e["name"] for e in _exercises(p)}
    assert not [c for c in _ids(p)["id_map"] if c["new"] is None]
    (p.raw / "wall-angels.md").write_text(ARTICLE, encoding="utf-8")
    assert p.run("build")[0] == 0
    assert p.files() == good


def _cached_rows(p: Project, source_id: str) -> int:
    with sqlite3.connect(p.root / ".cache" / "sources.sqlite") as db:
        (count,) = db.execute(
            "SELECT COUNT(*) FROM results WHERE source_id = ?", (source_id,)
        ).fetchone()
    return int(count)


def test_only_a_removal_on_purpose_retires_ids_and_says_why(tmp_path: Path) -> None:
    p = Project(tmp_path)
    assert p.run("build")[0] == 0
    held = {e["id"] for e in _exercises(p) if {m["source_id"] for m in e["sources"]} == {SEED}}
    assert held
    assert _cached_rows(p, SEED) == 1
    code, log = p.run("remove", SEED, "--reason", "licence withdrawn", "--date", "2026-12-01")
    assert code == 0, log
    assert _cached_rows(p, SEED) == 0  # its cache rows go too
    manifest = json.loads((p.raw / "sources.json").read_text(encoding="utf-8"))
    assert manifest["removed"] == [
        {"id": SEED, "file": f"{SEED}.txt", "reason": "licence withdrawn", "date": "2026-12-01"}
    ]
    assert SEED not in {s["id"] for s in manifest["sources"]}
    assert not (p.raw / f"{SEED}.txt").exists()
    assert p.run("build")[0] == 0
    retired = {c["old"] for c in _ids(p)["id_map"] if c["new"] is None}
    assert retired == held
    unknown = p.run("remove", "no-such-source", "--reason", "x")
    assert unknown[0] == 2 and "no-such-source: is not a source" in unknown[1]


def _state(p: Project) -> dict[str, bytes]:
    state = {f"output/{k}": v for k, v in p.files().items()}
    state["raw/sources.json"] = (p.raw / "sources.json").read_bytes()
    for folder in sorted(p.releases.iterdir()):
        state |= {f"releases/{folder.name}/{k}": v for k, v in p.files(folder).items()}
    return state


@pytest.fixture(scope="module")
def released(
    built: tuple[Path, dict[str, bytes]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """What an uninterrupted `publish --version 0.2.0` leaves, from the built project."""
    p = copy_project(built, tmp_path_factory.mktemp("released"))
    code, log = p.run("publish", "--version", "0.2.0")
    assert code == 0, log
    return _state(p)


@pytest.mark.parametrize(
    "step", ["stage:exercises.json", "journal", "switch:exercises.json", "release:folder"]
)
def test_a_publish_killed_at_any_step_is_finished_by_running_it_again(
    built: tuple[Path, dict[str, bytes]], released: dict[str, bytes], tmp_path: Path, step: str
) -> None:
    p = copy_project(built, tmp_path)
    code, log = p.run("publish", "--version", "0.2.0", env={"PIPELINE_KILL_AT": step})
    assert code == -signal.SIGKILL, log
    assert (p.releases / "0.2.0").is_dir()  # the folder is written before anything else
    code, log = p.run("publish", "--version", "0.2.0")
    assert code == 0, log
    assert "finishing release 0.2.0, which an interrupted publish wrote but did not record" in log
    assert _state(p) == released
    again = p.run("publish", "--version", "0.2.0")
    assert again[0] == 2 and "is the same as release 0.2.0" in again[1], again  # done, recorded


def test_an_unrecorded_release_folder_of_another_dataset_is_not_adopted(
    built: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    p = copy_project(built, tmp_path)
    code, _ = p.run("publish", "--version", "0.2.0", env={"PIPELINE_KILL_AT": "release:folder"})
    assert code == -signal.SIGKILL
    (p.raw / "wall-angels.md").write_text(ARTICLE, encoding="utf-8")
    code, log = p.run("publish", "--version", "0.2.0")
    assert code == 2
    assert "was never recorded in sources.json and holds another dataset than this build" in log


def test_file_names_that_cannot_be_ids_get_valid_ids_with_a_warning(tmp_path: Path) -> None:
    p = Project(tmp_path)
    hostile = {
        "Back pain (copy 2).txt": "back-pain-copy-2",
        "Übungen für den Rücken.md": "ubungen-fur-den-rucken",
    }
    for name in hostile:
        (p.raw / name).write_text(ARTICLE, encoding="utf-8")
    code, log = p.run("build")
    assert code == 0, log
    for source_id in hostile.values():
        assert f"built as source {source_id!r} (its name is not a valid id)" in log
    dataset = json.loads(read_output(p.out, "exercises.json"))
    walls = [e for e in dataset["exercises"] if e["name"] == "Wall Angels"]
    assert {m["source_id"] for e in walls for m in e["sources"]} == set(hostile.values())
    outside = tmp_path / "incoming" / "Hip pain – part 1.md"
    outside.parent.mkdir()
    outside.write_text(ARTICLE.replace("Wall Angels", "Hip Circles"), encoding="utf-8")
    code, log = p.run("add", str(outside))
    assert code == 0, log
    assert "its name is not a valid source id; recorded as 'hip-pain-part-1'" in log
    assert (p.raw / "hip-pain-part-1.md").exists()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 400 KB tmpfs for output/, where this platform lets the tests mount one."""
    folder = tmp_path / "output"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def test_a_full_disk_keeps_the_last_generation_and_says_so(
    small_disk: Path, tmp_path: Path
) -> None:
    p = Project(tmp_path)
    assert p.run("build")[0] == 0
    good = p.files()
    big = CORPUS / "dev" / "009_sciaticaspot-12-sciatica-exercises-affiliate.md"
    if not big.exists():
        pytest.skip("the dev corpus lives in ../shared/corpus beside the repository")
    shutil.copy(big, p.raw)
    code, log = p.run("build")
    assert code == 2
    assert "No space left on device (the disk is full: free some space" in log
    assert "Traceback" not in log
    assert p.files() == good  # the last good generation, whole
    assert not [q.name for q in small_disk.iterdir() if q.name.startswith(".")]
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_disk)], check=True)
    assert p.run("build")[0] == 0
    same_steps = Project(tmp_path / "reference")  # the same two builds, with room to write
    assert same_steps.run("build")[0] == 0
    shutil.copy(big, same_steps.raw)
    assert same_steps.run("build")[0] == 0
    assert p.files() == same_steps.files()


def test_a_read_only_output_or_deep_nesting_is_a_message_not_a_traceback(
    small_disk: Path, tmp_path: Path
) -> None:
    p = Project(tmp_path)
    assert p.run("build")[0] == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    (p.raw / "wall-angels.md").write_text(ARTICLE, encoding="utf-8")
    code, log = p.run("build")
    assert code == 2 and "Traceback" not in log
    assert "Read-only file system" in log
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    code, log = p.run("validate", str(deep))
    assert code == 2 and "nested too deeply" in log and "Traceback" not in log


def test_a_source_over_the_size_limit_is_refused_by_name_and_the_rest_build(
    tmp_path: Path,
) -> None:
    p = Project(tmp_path)
    huge = b"Plank\n\nHold it for 20 seconds.\n" * 700_000  # 21.7 MB
    (p.raw / "huge.txt").write_bytes(huge)
    lines = b"Plank\n\nHold it for 20 seconds.\n" * 110_000  # 3.4 MB in 220,000 blocks
    (p.raw / "lines.txt").write_bytes(lines)
    code, log = p.run("build")
    assert code == 1
    assert f"huge.txt: is {len(huge):,} bytes, over the limit of 20,000,000 per source" in log
    assert "lines.txt: has 220,000 blocks (lines, paragraphs, items), over the limit" in log
    assert len(_exercises(p)) > 20  # the seeds still build


def test_a_new_file_never_takes_over_a_published_source_id(tmp_path: Path) -> None:
    p = Project(tmp_path)
    (p.raw / "wall-angels.md").write_text(ARTICLE, encoding="utf-8")  # unlisted, published
    assert p.run("build")[0] == 0
    good = p.files()
    other = ARTICLE.replace("Wall Angels", "Cat Cow")
    (p.raw / "Wall Angels.md").write_text(other, encoding="utf-8")  # slugs to the same id
    code, log = p.run("build")
    assert code == 1 and "would have the source id 'wall-angels'" in log and "none is built" in log
    records = {e["id"]: e["name"] for e in _exercises(p)}
    assert records["wall-angels"] == "Wall Angels"  # the published exercise, kept (stale)
    assert "Cat Cow" not in records.values()
    assert not [c for c in _ids(p)["id_map"] if c["new"] is None]
    (p.raw / "Wall Angels.md").unlink()
    assert p.run("build")[0] == 0
    assert p.files() == good


def test_a_renamed_source_is_retired_by_its_old_id_after_the_file_is_gone(
    tmp_path: Path,
) -> None:
    p = Project(tmp_path)
    (p.raw / "Back pain (copy 2).txt").write_text(ARTICLE, encoding="utf-8")
    assert p.run("build")[0] == 0
    (p.raw / "Back pain (copy 2).txt").rename(p.raw / "wall_angels.txt")  # by hand
    code, log = p.run("build")
    assert code == 1 and "back-pain-copy-2: was published by the last build" in log
    code, log = p.run("remove", "back-pain-copy-2", "--reason", "renamed", "--out", str(p.out))
    assert code == 0, log
    assert p.run("build")[0] == 0
    walls = [e for e in _exercises(p) if e["name"] == "Wall Angels"]
    assert [m["source_id"] for e in walls for m in e["sources"]] == ["wall_angels"]


def test_a_decided_switch_whose_staged_files_are_gone_says_so_and_the_next_build_mends_it(
    built: tuple[Path, dict[str, bytes]], tmp_path: Path
) -> None:
    p = copy_project(built, tmp_path)
    (p.raw / "wall-angels.md").write_text(REVIEWED, encoding="utf-8")
    code, _ = p.run("build", env={"PIPELINE_KILL_AT": "journal"})
    assert code == -signal.SIGKILL
    shutil.rmtree(p.out / ".next.tmp")  # lost: a `git clean -fdX`, a hand
    code, log = p.run("build")
    assert code == 0, log
    assert "the interrupted switch cannot be finished" in log
    assert p.files() == built[1]
