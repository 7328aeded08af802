"""Sources stage: manifest, decoding with encoding detection, format detection, bad files."""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
from pathlib import Path

import pytest

from pipeline.errors import SourceError
from pipeline.models import Format
from pipeline.sources import (
    RawFile,
    SourcesSettings,
    decode,
    decode_bytes,
    detect_format,
    load_manifest,
    read_raw,
)

from .conftest import CORPUS, RAW

SETTINGS = SourcesSettings()


def test_raw_holds_the_seed_articles_byte_for_byte() -> None:
    seeds = sorted((CORPUS / "seeds").glob("*.txt")) if (CORPUS / "seeds").exists() else []
    if not seeds:
        pytest.skip("../shared/corpus/seeds not found")
    for seed in seeds:
        assert (RAW / seed.name).read_bytes() == seed.read_bytes()


def test_manifest_lists_every_seed_with_its_sha256() -> None:
    manifest = load_manifest(RAW)
    files = {s.file: s for s in manifest.sources}
    for path in sorted(RAW.glob("*.txt")):
        meta = files[path.name]
        assert meta.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert meta.source_id == path.stem
        assert meta.format is Format.TEXT


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Let’s stretch – gently".encode(), "utf-8"),
        ("Let’s stretch – gently".encode("cp1252"), "cp1252"),
        ("Pâté and café".encode("latin-1"), "iso-8859-1"),
        (codecs.BOM_UTF16_LE + "Let’s stretch".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + "Let’s stretch".encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF8 + "Let’s stretch".encode(), "utf-8"),
    ],
)
def test_encodings_are_detected_and_recorded(data: bytes, encoding: str) -> None:
    doc = decode(RawFile("a.txt", data, None), SETTINGS)
    assert doc.encoding == encoding
    assert doc.encoding_reason
    assert "\ufeff" not in doc.text
    assert doc.text.startswith(("Let’s", "Pâté"))


def test_html_meta_charset_is_honoured_for_non_utf8_bytes() -> None:
    data = '<html><head><meta charset="windows-1252"></head><body><p>Let’s</p></body></html>'
    text, encoding, reason = decode_bytes(data.encode("cp1252"))
    assert "Let’s" in text
    assert encoding == "cp1252"
    assert reason == "HTML meta charset"


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("Title: X\n\nURL Source: http://x\n\nMarkdown Content:\nHi", "a.txt", Format.MARKDOWN),
        ("---\ntitle: x\n---\n\n# Plank\n\nLie down.", "a.txt", Format.MARKDOWN),
        ("<!doctype html><html><body><p>Hi</p></body></html>", "a.md", Format.HTML),
        ("1. Knee to Chest\n\nLie on your back.\n", "a.md", Format.TEXT),
        ("## Plank\n\n**Hold:** 30 seconds", "a.txt", Format.MARKDOWN),
    ],
)
def test_format_comes_from_content_not_extension(text: str, name: str, expected: Format) -> None:
    assert detect_format(text, name)[0] is expected


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "is empty"),
        (b"  \n\n ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "is binary"),
    ],
)
def test_bad_files_are_rejected_with_the_file_named(data: bytes, problem: str) -> None:
    with pytest.raises(SourceError) as info:
        decode(RawFile("broken.txt", data, None), SETTINGS)
    assert "broken.txt" in str(info.value)
    assert problem in str(info.value)


def test_a_file_without_manifest_entry_builds_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "new-article.md").write_text("## Plank\n\nLie face down.\n", encoding="utf-8")
    manifest = load_manifest(tmp_path)
    with caplog.at_level(logging.WARNING):
        files, errors = read_raw(tmp_path, manifest, SETTINGS)
    assert not errors
    assert [f.name for f in files] == ["new-article.md"]
    assert "not in sources.json" in caplog.text
    assert decode(files[0], SETTINGS).source_id == "new-article"


def test_a_manifest_entry_whose_file_is_gone_is_an_error(tmp_path: Path) -> None:
    entry = {
        "id": "gone", "file": "gone.txt", "format": "text", "title": None, "url": None,
        "retrieved": None, "license": None, "sha256": "0" * 64,
    }  # fmt: skip
    (tmp_path / "sources.json").write_text(json.dumps({"sources": [entry]}), encoding="utf-8")
    _, errors = read_raw(tmp_path, load_manifest(tmp_path), SETTINGS)
    assert len(errors) == 1
    assert "gone.txt" in str(errors[0])
    assert "missing" in str(errors[0])


def test_an_invalid_manifest_names_every_bad_entry(tmp_path: Path) -> None:
    bad = {"sources": [{"id": "a", "file": "a.txt"}, {"file": "b/c.txt", "sha256": "xyz"}]}
    (tmp_path / "sources.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(SourceError) as info:
        load_manifest(tmp_path)
    message = str(info.value)
    assert "sources.json" in message
    assert "$.sources[0]" in message
    assert "$.sources[1].file" in message or "$.sources[1]" in message
