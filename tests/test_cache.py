"""The per-source cache: reused when nothing it depends on changed, never changing the output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import exercise_pipeline.cache
from exercise_pipeline.extract import ExtractSettings
from exercise_pipeline.ingest import add_articles
from exercise_pipeline.runner import CACHE_FILE, BuildReport, Settings, build

ARTICLE = (
    "# Wall Angels\n\nStand with your back against a wall. Slide your arms up the wall and "
    "back down. Repeat 10 times.\n"
)


def run(raw: Path, out: Path, cache: Path | None, **kw: object) -> BuildReport:
    report = build(raw, out, decisions_path=raw / "none.json", cache_dir=cache, **kw)  # type: ignore[arg-type]
    assert report.result.exit_code == 0
    return report


def files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_cached_and_uncached_builds_are_byte_identical(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = run(raw, tmp_path / "a", cache)
    warm = run(raw, tmp_path / "b", cache)
    fresh = run(raw, tmp_path / "c", None)
    assert (cold.processed, cold.reused) == (5, 0)
    assert (warm.processed, warm.reused) == (0, 5)
    assert (fresh.processed, fresh.reused) == (5, 0)
    assert files(tmp_path / "a") == files(tmp_path / "b") == files(tmp_path / "c")


def test_after_adding_an_article_only_that_article_is_extracted(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(raw, tmp_path / "out", cache)
    article = tmp_path / "wall-angels.md"
    article.write_text(ARTICLE, encoding="utf-8")
    add_articles(raw, [article])
    report = run(raw, tmp_path / "out", cache)
    assert (report.processed, report.reused) == (1, 5)
    names = {e["name"] for e in report.result.files["exercises.json"]["exercises"]}
    assert "Wall Angels" in names
    run(raw, tmp_path / "fresh", None)
    assert files(tmp_path / "out") == files(tmp_path / "fresh")


def test_changed_bytes_metadata_or_settings_are_not_served_from_the_cache(
    raw: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    run(raw, tmp_path / "out", cache)
    seed = raw / "002_6b439db970d9f650.txt"
    seed.write_bytes(seed.read_bytes() + b"\n\nPlank\n\nHold your body straight for 20 seconds.\n")
    assert run(raw, tmp_path / "out", cache).processed == 1
    other = Settings(extract=ExtractSettings(threshold=2.5))
    assert run(raw, tmp_path / "out2", cache, settings=other).processed == 5
    manifest = json.loads((raw / "sources.json").read_text(encoding="utf-8"))
    manifest["sources"][0]["title"] = "A corrected title"
    (raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    report = run(raw, tmp_path / "out", cache)
    assert (report.processed, report.reused) == (1, 4)
    dataset = report.result.files["exercises.json"]["dataset"]
    assert dataset["sources"][0]["title"] == "A corrected title"


def test_new_code_or_library_versions_invalidate_every_entry(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    run(raw, tmp_path / "out", cache)
    assert run(raw, tmp_path / "out", cache).processed == 0
    real = exercise_pipeline.cache._version
    monkeypatch.setattr(
        exercise_pipeline.cache, "_version", lambda p: "9.9" if p == "ftfy" else real(p)
    )  # a new ftfy repairs text differently
    exercise_pipeline.cache.code_fingerprint.cache_clear()
    try:
        assert run(raw, tmp_path / "out", cache).processed == 5
    finally:
        monkeypatch.undo()
        exercise_pipeline.cache.code_fingerprint.cache_clear()
    assert {"ftfy", "lxml", "drug-named-entity-recognition"} <= set(
        exercise_pipeline.cache.DEPENDENCIES
    )


def test_the_key_does_not_depend_on_the_order_of_sets() -> None:
    from exercise_pipeline.cache import stable
    from exercise_pipeline.clean import CleanSettings

    a = CleanSettings(disabled_rules=frozenset({"drug-lexicon", "toc", "comments"}))
    b = CleanSettings(disabled_rules=frozenset({"comments", "toc", "drug-lexicon"}))
    assert json.dumps(stable(a)) == json.dumps(stable(b))


def test_a_damaged_cache_is_reported_and_replaced(
    raw: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / CACHE_FILE).write_bytes(b"this is not a database" * 100)
    report = run(raw, tmp_path / "out", cache)
    assert (report.processed, report.reused) == (5, 0)
    assert "cache is damaged" in caplog.text and "starting a new one" in caplog.text
    run(raw, tmp_path / "fresh", None)
    assert files(tmp_path / "out") == files(tmp_path / "fresh")
    assert run(raw, tmp_path / "out", cache).reused == 5  # the new cache works


def test_a_cache_damaged_inside_is_replaced_when_written(raw: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(raw, tmp_path / "out", cache)
    db = cache / CACHE_FILE
    data = bytearray(db.read_bytes())
    for i in range(4096, len(data), 7):  # keep the header, break the pages
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))
    (cache / (CACHE_FILE + "-wal")).unlink(missing_ok=True)
    run(raw, tmp_path / "out", cache)
    assert run(raw, tmp_path / "out", cache).reused == 5  # a working cache again


class _Payload:
    """What a hostile cache would hold: unpickling it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        import os

        return (os.system, (f"touch {self.marker}",))


def _nested(depth: int) -> bytes:
    import msgpack

    data = msgpack.packb([])
    for _ in range(depth):
        data = msgpack.packb(msgpack.ExtType(11, data))  # Range, inside Range, inside ...
    return bytes(data)


def test_a_poisoned_cache_runs_nothing_and_changes_nothing(
    raw: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import pickle
    import sqlite3
    import zlib

    import msgpack

    cache = tmp_path / "cache"
    run(raw, tmp_path / "out", cache)
    marker = tmp_path / "ran"
    hostile = [
        zlib.compress(pickle.dumps(_Payload(marker))),  # code, the old format's risk
        zlib.compress(msgpack.packb([msgpack.ExtType(99, b"\x90"), 1])),  # unknown record
        zlib.compress(msgpack.packb(msgpack.ExtType(3, msgpack.packb([1, 2])))),  # wrong shape
        zlib.compress(_nested(400)),  # nested until the C unpacker's stack would overflow
        zlib.compress(msgpack.packb(msgpack.ExtType(11, msgpack.packb(["a", None])))),  # types
    ]
    for payload in hostile:
        with sqlite3.connect(cache / CACHE_FILE) as db:
            db.execute("UPDATE results SET data = ?", (payload,))
        report = run(raw, tmp_path / "out", cache)
        assert (report.processed, report.reused) == (5, 0)
        assert not marker.exists()
    assert "ignored a cache entry that is not a result" in caplog.text
    run(raw, tmp_path / "fresh", None)
    assert files(tmp_path / "out") == files(tmp_path / "fresh")


def test_records_round_trip_through_the_plain_data_form(raw: Path) -> None:
    from exercise_pipeline.records import pack, unpack
    from exercise_pipeline.runner import process
    from exercise_pipeline.sources import RawFile, SourcesSettings, decode

    settings = Settings()
    for path in sorted(raw.glob("*.txt")):
        doc = decode(RawFile(path.name, path.read_bytes(), None), SourcesSettings())
        result = process(doc, settings)
        entry = (result.extraction, result.account)
        data = pack(entry)
        assert b"pickle" not in data and not data.startswith(b"\x80")
        back = unpack(data, tuple)
        assert back == entry
        assert [type(b.kind) for b in back[0].cleaned.blocks] == [
            type(b.kind) for b in entry[0].cleaned.blocks
        ]  # enums come back as enums, not as the strings they equal
        assert type(back[0].cleaned.document.format) is type(entry[0].cleaned.document.format)


def test_unpacked_fields_are_checked_against_their_types() -> None:
    import msgpack

    from exercise_pipeline.records import RecordError, unpack

    with pytest.raises(RecordError, match=r"Range\.low holds a str"):
        unpack(msgpack.packb(msgpack.ExtType(11, msgpack.packb(["a", None]))), object)
