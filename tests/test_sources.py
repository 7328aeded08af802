"""Sources stage: manifest, decoding with encoding detection, format detection, bad files."""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
from pathlib import Path

import pytest

from exercise_pipeline.encodings import detect
from exercise_pipeline.errors import SourceError
from exercise_pipeline.models import Format
from exercise_pipeline.sources import (
    RawFile,
    SourcesSettings,
    decode,
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


ENGLISH = (
    "Knee to Chest\n\nLie on your back and pull one knee toward your chest. Hold for 20 "
    "seconds, then switch sides. Repeat 5 times.\n\n"
)
# An English article with an alias and a paragraph in another language, in a legacy encoding.
FOREIGN = {
    "cp1251": "Притягивание колена к груди. Лягте на спину и подтяните колено к груди.",
    "cp1252": "Don’t bounce – it’s a gentle stretch… and keep breathing “slowly”.",
    "latin-1": "Übungen für den Rücken: schön ruhig, Café crème, Knie zur Brust.",
    "shift_jis": "膝を胸に引き寄せるストレッチ。仰向けに寝て、片膝を胸に引き寄せます。",
    "gb18030": "膝盖到胸部的伸展。仰卧，将一个膝盖拉向胸部。保持二十秒。",
}


@pytest.mark.parametrize("codec", sorted(FOREIGN))
def test_legacy_encodings_decode_to_the_text_written(codec: str) -> None:
    text = ENGLISH + FOREIGN[codec] + "\n"
    doc = decode(RawFile("a.txt", text.encode(codec), None), SETTINGS)
    assert doc.text == text
    assert doc.encoding_reason and 0 < doc.encoding_confidence <= 1


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("with_bom", [True, False], ids=["bom", "no-bom"])
def test_utf16_with_and_without_a_byte_order_mark(codec: str, with_bom: bool) -> None:
    text = ENGLISH + "Don’t bounce – it’s gentle.\n"
    mark = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}[codec]
    data = (mark if with_bom else b"") + text.encode(codec)
    doc = decode(RawFile("a.txt", data, None), SETTINGS)  # not "binary", not UTF-8 with NULs
    assert doc.text == text and "\x00" not in doc.text
    assert doc.encoding == codec
    assert doc.encoding_reason == ("byte-order mark" if with_bom else
                                   "UTF-16 without a byte-order mark (NUL bytes)")  # fmt: skip


def test_a_utf8_article_with_one_cp1252_paragraph_keeps_both() -> None:
    utf8 = ENGLISH.replace("Chest", "Chest – the classic").encode()
    pasted = "Don’t bounce; it’s a “gentle” stretch.\n".encode("cp1252")
    doc = decode(RawFile("a.txt", utf8 + pasted + "Café au lait.\n".encode(), None), SETTINGS)
    assert "Knee to Chest – the classic" in doc.text
    assert "Don’t bounce; it’s a “gentle” stretch." in doc.text
    assert "Café au lait." in doc.text
    assert doc.encoding == "utf-8+cp1252"
    assert doc.encoding_reason == "UTF-8 but 1 of 6 lines, decoded as cp1252"


def test_utf8_and_byte_order_marks_are_certain_and_not_part_of_the_text() -> None:
    for data in ("Let’s".encode(), codecs.BOM_UTF8 + "Let’s".encode()):
        decoded = detect(data)
        assert (decoded.text, decoded.encoding, decoded.confidence) == ("Let’s", "utf-8", 1.0)


def test_a_charset_the_server_declares_wins_over_a_guess() -> None:
    data = "Pâté and café".encode("iso-8859-15")
    assert detect(data, declared="iso-8859-15").reason == "declared by the server (HTTP charset)"


def test_a_low_confidence_guess_is_a_warning_naming_the_file_and_encoding(
    caplog: pytest.LogCaptureFixture,
) -> None:
    noise = bytes(range(0x80, 0x100)) * 4  # no code page reads this as text
    with caplog.at_level(logging.WARNING):
        doc = decode(RawFile("odd.txt", b"Plank. " + noise, None), SETTINGS)
    assert doc.encoding_confidence < 0.8
    assert f"odd.txt: encoding guessed as {doc.encoding} with confidence" in caplog.text


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


def test_add_records_the_encoding_and_a_corrected_one_decides(tmp_path: Path) -> None:
    from exercise_pipeline.ingest import add_articles

    raw = tmp_path / "raw"
    raw.mkdir()
    article = tmp_path / "knee.txt"
    article.write_bytes((ENGLISH + FOREIGN["cp1251"] + "\n").encode("cp1251"))
    add_articles(raw, [article])
    doc = json.loads((raw / "sources.json").read_text(encoding="utf-8"))
    assert doc["sources"][0]["encoding"] == "cp1251"
    doc["sources"][0]["encoding"] = "koi8-r"  # a person says otherwise: the manifest decides
    (raw / "sources.json").write_text(json.dumps(doc), encoding="utf-8")
    meta = load_manifest(raw).sources[0]
    decoded = decode(RawFile("knee.txt", article.read_bytes(), meta), SETTINGS)
    assert (decoded.encoding, decoded.encoding_reason) == ("koi8-r", "recorded in the manifest")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Costs 5 € per class.", "cp1252"),  # charset-normalizer alone: cp1125, "5 А"
        ("Bend to 90°.", "latin-1"),  # alone: cp932, "90ｰ"
        (ENGLISH + "Połóż się na plecach i przyciągnij kolano. Źle, żółć.", "cp1250"),
    ],
)
def test_short_and_central_european_texts_decode_as_written(text: str, codec: str) -> None:
    decoded = detect(text.encode(codec))
    assert decoded.text == text
    if len(text) < 40:  # one non-ASCII byte fits many code pages: not sure, so it warns
        assert decoded.confidence < 0.8


def test_declared_labels_mean_what_browsers_read() -> None:
    latin = detect(b'<meta charset="iso-8859-1"><p>Don\x92t</p>')  # iso-8859-1 is cp1252
    assert "Don’t" in latin.text and latin.encoding == "cp1252"
    wide = detect(b'<meta charset="utf-16"><p>caf\xe9 au lait, cr\xe8me</p>')  # not UTF-16
    assert "café au lait, crème" in wide.text
