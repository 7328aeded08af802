"""Publish stage: atomic, deterministic writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise_pipeline import publish as publish_module
from exercise_pipeline.publish import publish, render_json

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


@given(json_values)
def test_rendering_is_stable_and_round_trips(value: object) -> None:
    import json

    data = render_json(value)
    assert data == render_json(json.loads(data))
    assert json.loads(data) == value
    assert data.endswith(b"\n")


def test_keys_are_sorted_and_text_is_not_escaped() -> None:
    assert render_json({"b": "é", "a": 1}) == '{\n  "a": 1,\n  "b": "é"\n}\n'.encode()


def test_publish_writes_atomically_and_skips_unchanged(tmp_path: Path) -> None:
    changed = publish({"a.json": {"x": 1}, "b.json": [1]}, tmp_path)
    assert sorted(p.name for p in changed) == ["a.json", "b.json", "generation.json"]
    assert publish({"a.json": {"x": 1}, "b.json": [1]}, tmp_path) == []
    assert not list(tmp_path.glob(".*.tmp"))
    assert (tmp_path / "a.json").stat().st_mode & 0o044  # readable, not mkstemp's 0600


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish({"a.json": {"version": 1}}, tmp_path)
    before = (tmp_path / "a.json").read_bytes()

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(publish_module.os, "fsync", fail)
    with pytest.raises(OSError, match="disk full"):
        publish({"a.json": {"version": 2}}, tmp_path)
    assert (tmp_path / "a.json").read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_nothing_is_written_when_rendering_fails(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        publish({"a.json": {"ok": 1}, "b.json": {"bad": object()}}, tmp_path)
    assert not (tmp_path / "a.json").exists()
