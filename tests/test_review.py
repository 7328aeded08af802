"""Review round trip: build, list, record every kind of decision, rebuild; stale decisions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from exercise_pipeline.cli import main

from .conftest import RAW

SEED1 = "001_f9fe001670b5d609"


@pytest.fixture()
def work(tmp_path: Path) -> Path:
    shutil.copytree(RAW, tmp_path / "raw")
    return tmp_path


def run(work: Path, *args: str, quiet: bool = True) -> Result:
    out = ["--out", str(work / "out")]
    decisions = ["--decisions", str(work / "review" / "decisions.json")]
    if args[0] == "build":
        flags = ["-q"] if quiet else []
        argv = [*flags, "build", "--raw", str(work / "raw"), *out, *decisions, *args[1:]]
    elif args[0] == "show":
        argv = ["review", *args, *out]
    elif args[0] == "undo":
        argv = ["review", *args, *decisions]
    else:
        argv = ["review", *args, *out, *decisions]
    return CliRunner().invoke(main, argv)


def load(work: Path, name: str) -> dict[str, Any]:
    return json.loads((work / "out" / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def exercise_of(work: Path, mention: str) -> dict[str, Any]:
    for e in load(work, "exercises.json")["exercises"]:
        if any(s["mention"] == mention for s in e["sources"]):
            return e  # type: ignore[no-any-return]
    raise AssertionError(f"{mention} is in no exercise")


def test_round_trip_every_decision_kind(work: Path) -> None:
    assert run(work, "build").exit_code == 0
    listed = run(work, "list", "--json")
    assert listed.exit_code == 0
    queue = json.loads(listed.output)
    keys = {c["key"] for c in queue}
    # A merge item between mentions that the other decisions below leave alone.
    merge_key = next(
        k for k in sorted(keys) if k.startswith("merge:") and "lateral-rotation" not in k
    )
    assert "field:knee-to-chest:hold_seconds" in keys
    assert f"unnamed:{SEED1}#unnamed-1" in keys
    fields_only = json.loads(run(work, "list", "--kind", "field", "--json").output)
    assert fields_only and {c["kind"] for c in fields_only} == {"field"}
    shown = run(work, "show", merge_key)
    assert (
        shown.exit_code == 0 and "score" in shown.output and "pipeline review same" in shown.output
    )

    a, b = merge_key.removeprefix("merge:").split("|")
    decisions = [
        ("different", a, b),
        ("prefer", f"{SEED1}#knee-to-chest", "--field", "hold_seconds"),
        ("rename", f"{SEED1}#unnamed-1", "Quadruped Hip Extension"),
        (
            "same",
            "000_996aa0c67327b4d0#side-to-side-twist",
            "002_6b439db970d9f650#the-supine-twist",
        ),
        ("reject", "000_996aa0c67327b4d0#lateral-rotation", "--note", "no instructions given"),
        (
            "prefer",
            "004_646fec9853ade4c5#wall-squats",
            "--field",
            "position",
            "--value",
            "kneeling",
        ),
        ("prefer", "003_702e463a85c5abe5#knee-to-chest-stretch"),
    ]
    for d in decisions:
        result = run(work, *d)
        assert result.exit_code == 0, result.output
        assert "recorded" in result.output
    again = run(work, *decisions[0])
    assert "already" in again.output
    recorded = json.loads((work / "review" / "decisions.json").read_text(encoding="utf-8"))
    assert [d["kind"] for d in recorded["decisions"]] == [d[0] for d in decisions]

    assert run(work, "build").exit_code == 0
    queue_after = {c["key"] for c in load(work, "conflicts.json")["conflicts"]}
    assert merge_key not in queue_after
    assert "field:knee-to-chest:hold_seconds" not in queue_after
    assert f"unnamed:{SEED1}#unnamed-1" not in queue_after

    knee = exercise_of(work, f"{SEED1}#knee-to-chest")
    assert knee["dosage"]["hold_seconds"] == {"min": 20, "max": 20}
    hold = next(c for c in knee["conflicts"] if c["field"] == "hold_seconds")
    assert hold["rule"] == "curator"
    assert knee["steps"][0] == "Lie on your back with knees bent and feet flat."  # 003's version
    assert exercise_of(work, f"{SEED1}#unnamed-1")["name"] == "Quadruped Hip Extension"
    twist = exercise_of(work, "000_996aa0c67327b4d0#side-to-side-twist")
    assert "002_6b439db970d9f650#the-supine-twist" in {s["mention"] for s in twist["sources"]}
    assert exercise_of(work, a)["id"] != exercise_of(work, b)["id"]
    assert exercise_of(work, "004_646fec9853ade4c5#wall-squats")["position"] == "kneeling"
    with pytest.raises(AssertionError):
        exercise_of(work, "000_996aa0c67327b4d0#lateral-rotation")


def test_a_decision_about_a_vanished_mention_is_reported_stale(work: Path) -> None:
    assert run(work, "build").exit_code == 0
    ok = run(work, "reject", "004_646fec9853ade4c5#heel-slides")
    assert ok.exit_code == 0
    from exercise_pipeline.ingest import remove_source

    remove_source(work / "raw", "004_646fec9853ade4c5", reason="duplicate", date="2026-12-01")
    built = run(work, "build", quiet=False)
    assert built.exit_code == 0
    assert "stale decision (reject 004_646fec9853ade4c5#heel-slides)" in built.output
    stale = run(work, "list", "--stale")
    assert "stale: reject 004_646fec9853ade4c5#heel-slides" in stale.output
    assert load(work, "conflicts.json")["stale_decisions"][0]["kind"] == "reject"


def test_decisions_naming_unknown_mentions_or_bad_values_are_refused(work: Path) -> None:
    assert run(work, "build").exit_code == 0
    unknown = run(work, "same", "nope#x", f"{SEED1}#knee-to-chest")
    assert unknown.exit_code == 2
    assert "nope#x: no such mention in the last build" in unknown.output
    bad = run(
        work, "prefer", f"{SEED1}#knee-to-chest", "--field", "hold_seconds", "--value", "[9, 2]"
    )
    assert bad.exit_code == 2 and "hold_seconds" in bad.output
    assert not (work / "review" / "decisions.json").exists()


def test_review_needs_a_build_first(work: Path) -> None:
    result = run(work, "list")
    assert result.exit_code == 2
    assert "conflicts.json: does not exist (run `pipeline build` first)" in result.output


def test_undo_takes_back_the_last_decision_or_those_of_a_key_and_a_rebuild_follows(
    work: Path,
) -> None:
    assert run(work, "build").exit_code == 0
    before = load(work, "exercises.json")
    mention = before["exercises"][0]["sources"][0]["mention"]
    renamed = run(work, "rename", mention, "Knee Rocking")
    assert renamed.exit_code == 0
    # The confirmation says what was decided, and the key that undoes it.
    assert f'rename {mention} to "Knee Rocking" (key rename:{mention})' in renamed.output
    assert run(work, "reject", mention).exit_code == 0
    assert run(work, "build").exit_code == 0
    assert load(work, "exercises.json") != before
    last = run(work, "undo")
    assert last.exit_code == 0 and "removed from" in last.output and "reject" in last.output
    decisions = json.loads((work / "review" / "decisions.json").read_text(encoding="utf-8"))
    assert [d["kind"] for d in decisions["decisions"]] == ["rename"]
    by_key = run(work, "undo", f"rename:{mention}")
    assert by_key.exit_code == 0 and '"Knee Rocking"' in by_key.output
    nothing = run(work, "undo")
    assert nothing.exit_code == 2 and "no decision to undo" in nothing.output
    assert run(work, "undo", "rename:no-such").exit_code == 2
    assert run(work, "build").exit_code == 0
    # Every decision taken back: the same exercises from the same mentions. (The rejected
    # exercise's id was retired by the build in between, and ids are never reused: it
    # comes back under a new one, which the id map records.)
    assert _contents(load(work, "exercises.json")) == _contents(before)


def _contents(dataset: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    return sorted(
        (e["name"], tuple(sorted(s["mention"] for s in e["sources"]))) for e in dataset["exercises"]
    )


def test_undo_by_mention_takes_every_decision_naming_it(work: Path) -> None:
    assert run(work, "build").exit_code == 0
    mention = f"{SEED1}#unnamed-1"
    assert run(work, "rename", mention, "Knee Rocking").exit_code == 0
    assert run(work, "reject", mention).exit_code == 0
    undone = run(work, "undo", mention)
    assert undone.exit_code == 0 and undone.output.count("removed from") == 2


def test_list_never_cuts_keys_and_lists_them_alone_with_keys(work: Path) -> None:
    assert run(work, "build").exit_code == 0
    keys = [c["key"] for c in json.loads(run(work, "list", "--json").output)]
    plain = run(work, "list", "--keys")
    assert plain.exit_code == 0 and plain.output.splitlines() == keys
    table = run(work, "list").output
    longest = max(keys, key=len)
    assert any(longest in line for line in table.splitlines())  # on one line, whole


def test_a_build_says_how_many_items_to_review_and_how(work: Path) -> None:
    built = run(work, "build", quiet=False)
    assert built.exit_code == 0
    assert "items to review: `pipeline review serve --out" in built.output
    assert "review.html in a browser, or `pipeline review list --out" in built.output


def test_two_records_under_one_name_are_queued_until_told_apart(work: Path) -> None:
    """Two articles call two different exercises "Ball Squeeze" (knees, supine; a hand,
    standing): the positions keep them apart, and one name for both is a review item."""
    (work / "raw" / "knees.txt").write_text(
        "Ball Squeeze\n\nLie on your back with your knees bent and squeeze a soft ball between "
        "your knees. Hold for 5 seconds and relax. Repeat 10 times.\n",
        encoding="utf-8",
    )
    (work / "raw" / "hands.txt").write_text(
        "Ball Squeeze\n\nStand tall and squeeze a tennis ball in your right hand as hard as you "
        "can. Hold for 3 seconds. Repeat 15 times with each hand.\n", encoding="utf-8")  # fmt: skip
    assert run(work, "build").exit_code == 0
    queue = json.loads(run(work, "list", "--kind", "name", "--json").output)
    item = next(c for c in queue if c["key"] == "name:ball-squeeze|ball-squeeze-2")
    a, b = item["mentions"]
    assert {a, b} == {"hands#ball-squeeze", "knees#ball-squeeze"}
    assert f'pipeline review rename {a} "NAME"' in item["commands"]
    assert run(work, "different", a, b).exit_code == 0  # two exercises: known, and kept
    assert run(work, "build").exit_code == 0
    assert not json.loads(run(work, "list", "--kind", "name", "--json").output)
    assert run(work, "undo").exit_code == 0
    assert run(work, "rename", a, "Hand Ball Squeeze").exit_code == 0
    assert run(work, "build").exit_code == 0
    assert not json.loads(run(work, "list", "--kind", "name", "--json").output)
    assert exercise_of(work, a)["name"] == "Hand Ball Squeeze"
