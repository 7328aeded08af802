"""Crawl inputs: WARC, JSON Lines and Parquet of pages and gzip, built like article files.

The containers are written here, with warcio's writer and pyarrow, around real articles from
../shared (the dev corpus and the bench's web pages); the pipeline reads them with its own code.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from exercise_pipeline.crawl import ContainerError, page_id, unpack
from exercise_pipeline.runner import build

from .conftest import CORPUS, RAW

DEV = CORPUS / "dev"
PAGES = CORPUS.parent / "bench" / "pages"
GYM = DEV / "011_goldsgym-beginner-strength-workout.html"
FETCHED = "2026-11-20T10:15:00Z"

warcio = pytest.importorskip("warcio", reason="warcio is a dependency of the package")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402


def _need_shared() -> None:
    if not GYM.exists() or not PAGES.exists():
        pytest.skip("the real articles live in ../shared beside the repository")


def _markdown_articles() -> list[Path]:
    return sorted(DEV.glob("*.md"))[:3]


def _response(writer: Any, url: str, body: bytes, status: str, media: str) -> None:
    http = StatusAndHeaders(status, [("Content-Type", media)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Date": FETCHED},
    )
    writer.write_record(record)


def _warc(path: Path) -> dict[str, bytes]:
    """A gzipped WARC as a crawler writes it: warcinfo, a request, the gym article fetched
    twice, a German page served as ISO-8859-1, a redirect, a 404 and an image. Returns the
    pages it holds by URL."""
    german = next(PAGES.glob("cdu-fraktion-erfurt.de.*.html")).read_bytes()
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        host = [("Host", "gym.example")]
        request = StatusAndHeaders("GET / HTTP/1.1", host, is_http_request=True)
        writer.write_record(
            writer.create_warc_record(
                "https://gym.example/strength", "request", http_headers=request
            )
        )
        gym = (
            "https://gym.example/strength",
            GYM.read_bytes(),
            "200 OK",
            "text/html; charset=utf-8",
        )
        for url, body, status, media in (
            gym,
            ("https://schule.example/waldorf", german, "200 OK", "text/html; charset=ISO-8859-1"),
            ("https://gym.example/old", b"", "301 Moved Permanently", "text/html"),
            ("https://gym.example/gone", b"<p>Not found</p>", "404 Not Found", "text/html"),
            (
                "https://gym.example/logo.png",
                b"\x89PNG\r\n\x1a\n" + bytes(64),
                "200 OK",
                "image/png",
            ),
            gym,  # fetched again
        ):
            _response(writer, url, body, status, media)
    return {
        "https://gym.example/strength": GYM.read_bytes(),
        "https://schule.example/waldorf": german,
    }


def test_a_warc_gives_its_pages_and_counts_what_it_skips(tmp_path: Path) -> None:
    _need_shared()
    path = tmp_path / "crawl-0001.warc.gz"
    expected = _warc(path)
    with path.open("rb") as stream:
        got = unpack(path.name, stream)
    assert [p.record.url for p in got.pages] == [
        "https://gym.example/strength",
        "https://schule.example/waldorf",
        "https://gym.example/strength",
    ]
    assert [p.data for p in got.pages[:2]] == list(expected.values())
    assert dict(got.skipped) == {"redirect": 1, "error status": 1, "not a page: image/png": 1}
    first = got.pages[0].record
    assert (first.kind, first.fetched, first.charset) == ("warc", FETCHED, "utf-8")
    assert first.id.startswith("<urn:uuid:") and first.digest and first.digest.startswith("sha1:")
    assert got.pages[1].record.charset == "iso-8859-1"
    assert (
        got.summary()
    ) == "3 pages; skipped 3 (1 error status, 1 not a page: image/png, 1 redirect)"


def _outputs(out: Path) -> dict[str, Any]:
    return json.loads((out / "exercises.json").read_text(encoding="utf-8"))


def _mentions(doc: dict[str, Any], source_id: str) -> list[tuple[str, list[str]]]:
    return sorted(
        (m["name"], m["steps"])
        for e in doc["exercises"]
        for m in e["sources"]
        if m["source_id"] == source_id
    )


def test_pages_of_a_warc_build_as_their_files_do_with_their_provenance(tmp_path: Path) -> None:
    _need_shared()
    as_files = tmp_path / "files"
    as_files.mkdir()
    shutil.copy(GYM, as_files / GYM.name)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    _warc(crawl / "crawl-0001.warc.gz")
    for raw in (as_files, crawl):
        report = build(raw, tmp_path / f"out-{raw.name}", decisions_path=tmp_path / "none.json")
        assert report.result.exit_code == 0, report.result.errors
    from_file = _outputs(tmp_path / "out-files")
    from_warc = _outputs(tmp_path / "out-crawl")
    gym = page_id("https://gym.example/strength")
    # fetched twice: the second record is told apart by its container and record
    (again,) = {
        s["source_id"]
        for s in from_warc["dataset"]["sources"]
        if s["url"] == "https://gym.example/strength" and s["source_id"] != gym
    }
    expected = _mentions(from_file, GYM.stem)
    assert len(expected) >= 7  # the real article's exercises, Squats to Glute bridges
    assert _mentions(from_warc, gym) == expected
    assert _mentions(from_warc, again) == expected  # fetched twice: two sources, one per record
    sources = {s["source_id"]: s for s in from_warc["dataset"]["sources"]}
    assert set(sources) == {gym, again, page_id("https://schule.example/waldorf")}
    entry = sources[gym]
    assert entry["file"] == "crawl-0001.warc.gz" and entry["url"] == "https://gym.example/strength"
    assert entry["retrieved"] == "2026-11-20" and entry["format"] == "html"
    assert entry["record"]["kind"] == "warc" and entry["record"]["fetched"] == FETCHED
    assert entry["record"]["id"] == _record_ids(crawl)[0]
    german = sources[page_id("https://schule.example/waldorf")]
    # ISO-8859-1 as a web label means windows-1252 (the WHATWG Encoding Standard)
    assert german["encoding"] == "cp1252" and german["encoding_confidence"] == 1.0
    # the same bytes as one generation whatever the order the inputs are read in: build again
    report = build(crawl, tmp_path / "again", decisions_path=tmp_path / "none.json")
    assert (tmp_path / "again" / "exercises.json").read_bytes() == (
        tmp_path / "out-crawl" / "exercises.json"
    ).read_bytes()
    assert report.result.exit_code == 0


def _record_ids(crawl: Path) -> list[str]:
    with (crawl / "crawl-0001.warc.gz").open("rb") as stream:
        pages = unpack("crawl-0001.warc.gz", stream).pages
    return [p.record.id for p in pages if p.record.url == "https://gym.example/strength"]


def test_the_http_charset_decodes_a_page_with_no_other_hint(tmp_path: Path) -> None:
    _need_shared()
    text = next(
        t
        for t in (p.read_text(encoding="utf-8") for p in sorted(DEV.glob("*.md")))
        if any(ord(c) > 127 for c in t) and _fits_cp1252(t)
    )
    crawl = tmp_path / "raw"
    crawl.mkdir()
    with (crawl / "c.warc").open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        _response(
            writer,
            "https://blog.example/stretches",
            text.encode("cp1252"),
            "200 OK",
            "text/markdown; charset=windows-1252",
        )
    report = build(crawl, tmp_path / "out", decisions_path=tmp_path / "none.json")
    assert report.result.exit_code == 0
    (entry,) = _outputs(tmp_path / "out")["dataset"]["sources"]
    assert entry["encoding"] == "cp1252" and entry["format"] == "markdown"
    assert entry["encoding_confidence"] == 1.0


def _fits_cp1252(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def test_json_lines_parquet_and_gzip_build_as_the_files_do(tmp_path: Path) -> None:
    _need_shared()
    articles = _markdown_articles()
    files = tmp_path / "files"
    files.mkdir()
    for path in articles:
        shutil.copy(path, files / path.name)
    shutil.copy(GYM, files / GYM.name)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    lines = [
        json.dumps(
            {
                "url": f"https://blog.example/{p.stem}",
                "markdown": p.read_text("utf-8"),
                "fetched": "2026-10-01",
            }
        )
        for p in articles[:2]
    ]
    lines += [
        "{not json",
        json.dumps({"markdown": "no url"}),
        json.dumps({"url": "https://x.example/"}),
    ]
    (crawl / "pages.jsonl.gz").write_bytes(gzip.compress("\n".join(lines).encode()))
    table = pa.table(
        {
            "url": ["https://gym.example/strength"],
            "html": [GYM.read_text("utf-8")],
            "fetched": ["2026-10-02T08:00:00Z"],
        }
    )
    pq.write_table(table, crawl / "pages.parquet")
    (crawl / f"{articles[2].stem}.md.gz").write_bytes(gzip.compress(articles[2].read_bytes()))
    for raw in (files, crawl):
        report = build(raw, tmp_path / f"out-{raw.name}", decisions_path=tmp_path / "none.json")
        assert report.result.exit_code == 0, report.result.errors
    from_files = _outputs(tmp_path / "out-files")
    from_crawl = _outputs(tmp_path / "out-crawl")
    pairs = [(p.stem, page_id(f"https://blog.example/{p.stem}")) for p in articles[:2]]
    pairs += [(GYM.stem, page_id("https://gym.example/strength")), (articles[2].stem,) * 2]
    for file_id, crawl_id in pairs:
        expected = _mentions(from_files, file_id)
        assert expected, file_id
        assert _mentions(from_crawl, crawl_id) == expected, crawl_id
    sources = {s["source_id"]: s for s in from_crawl["dataset"]["sources"]}
    line = sources[pairs[0][1]]
    assert line["record"]["id"] == "line 1" and line["retrieved"] == "2026-10-01"
    assert line["record"]["digest"].startswith("sha256:")
    assert sources[pairs[2][1]]["record"] == {
        "kind": "parquet",
        "id": "row 1",
        "url": "https://gym.example/strength",
        "fetched": "2026-10-02T08:00:00Z",
        "digest": sources[pairs[2][1]]["record"]["digest"],
    }
    assert "record" not in sources[articles[2].stem]  # a gzipped article is a file, not a page


def test_a_broken_container_is_an_error_naming_it_and_the_rest_still_build(
    tmp_path: Path,
) -> None:
    raw = Path(shutil.copytree(RAW, tmp_path / "raw"))
    good = gzip.compress(b"WARC/1.0\r\n")
    (raw / "truncated.warc.gz").write_bytes(good[: len(good) // 2])
    (raw / "table.parquet").write_bytes(b"PAR1 this is not parquet")
    (raw / "notes.md.gz").write_bytes(b"plain bytes, not gzip")
    report = build(raw, tmp_path / "out", decisions_path=tmp_path / "none.json")
    assert report.result.exit_code == 1
    errors = {e.where: str(e) for e in report.result.errors}
    assert set(errors) == {
        str(raw / n) for n in ("truncated.warc.gz", "table.parquet", "notes.md.gz")
    }
    assert "not a readable WARC" in errors[str(raw / "truncated.warc.gz")]
    assert "not a readable Parquet" in errors[str(raw / "table.parquet")]
    assert "not a readable gzip" in errors[str(raw / "notes.md.gz")]
    doc = _outputs(tmp_path / "out")
    assert doc["dataset"]["counts"]["sources"] == 5  # the seeds still build


def test_a_gzip_bomb_stops_at_the_limit() -> None:
    from exercise_pipeline.crawl import gunzip

    bomb = gzip.compress(bytes(50_000_000))
    with pytest.raises(ContainerError, match="more than 1,000,000 bytes"):
        gunzip("big.md.gz", bomb, 1_000_000)


def _plain_warc(records: list[tuple[str, bytes, str, str]]) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    for url, body, status, media in records:
        _response(writer, url, body, status, media)
    return out.getvalue()


def _page(n: int) -> tuple[str, bytes, str, str]:
    body = f"<html><body><h2>Squat {n}</h2><p>Stand tall and sit back.</p></body></html>"
    return (f"https://gym.example/{n}", body.encode(), "200 OK", "text/html")


def test_a_warc_gzipped_whole_gives_every_page_and_a_cut_one_says_where_it_broke(
    tmp_path: Path,
) -> None:
    plain = _plain_warc([_page(n) for n in range(5)])
    whole = unpack("whole.warc.gz", io.BytesIO(gzip.compress(plain)))
    assert [p.record.url for p in whole.pages] == [f"https://gym.example/{n}" for n in range(5)]
    assert whole.problem is None
    raw = tmp_path / "raw"
    raw.mkdir()
    per_record = tmp_path / "per-record.warc.gz"
    with per_record.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(50):
            _response(writer, *_page(n))
    data = per_record.read_bytes()
    (raw / "cut.warc.gz").write_bytes(data[: len(data) // 2])
    report = build(raw, tmp_path / "out", decisions_path=tmp_path / "none.json")
    (error,) = report.result.errors
    assert error.where == str(raw / "cut.warc.gz") and "cut short after record" in str(error)
    built = _outputs(tmp_path / "out")["dataset"]["sources"]
    assert 10 < len(built) < 50  # the pages before the break


def test_odd_records_are_skipped_or_told_apart_never_fatal(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a", "b", "c"):  # one URL, three containers, three pages
        row = {"url": "https://e.org/x", "markdown": f"# Squat {name}\n\nSit back and stand."}
        (raw / f"{name}.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    # a lone surrogate: half an emoji, cut off in a crawl's text
    (raw / "d.jsonl").write_text(
        '{"url": "https://e.org/z", "markdown": "# Plank\\n\\nHold it. \\ud83d"}\n',
        encoding="utf-8",
    )
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    nameless = writer.create_warc_record(
        "https://e.org/r",
        "resource",
        payload=io.BytesIO(b"# Bridge\n\nLift your hips."),
        warc_content_type="text/markdown",
    )
    nameless.rec_headers.remove_header("WARC-Record-ID")
    writer.write_record(nameless)
    payload = b"<p>no status line</p>"  # a response record with no HTTP head, as written raw
    out.write(
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://e.org/bare\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"Content-Length: %d\r\n\r\n%s\r\n\r\n" % (len(payload), payload)
    )
    (raw / "e.warc").write_bytes(out.getvalue())
    with (raw / "e.warc").open("rb") as stream:
        got = unpack("e.warc", stream)
    assert dict(got.skipped) == {"not an HTTP response": 1}
    assert got.pages[0].record.id == "record 1"
    report = build(raw, tmp_path / "out", decisions_path=tmp_path / "none.json")
    assert report.result.exit_code == 0, report.result.errors
    sources = _outputs(tmp_path / "out")["dataset"]["sources"]
    assert sorted(s["url"] for s in sources) == [
        "https://e.org/r", *["https://e.org/x"] * 3, "https://e.org/z",
    ]  # fmt: skip
    assert len({s["source_id"] for s in sources}) == 5


def test_a_damaged_parquet_row_group_is_an_error_that_says_so(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    table = pa.table({"url": [f"https://e.org/{n}" for n in range(200)],
                      "text": [f"Squat {n}. Sit back." for n in range(200)]})  # fmt: skip
    pq.write_table(table, raw / "p.parquet", row_group_size=100, compression="NONE")
    data = bytearray((raw / "p.parquet").read_bytes())
    data[40:400] = bytes(b ^ 0xFF for b in data[40:400])
    (raw / "p.parquet").write_bytes(bytes(data))
    report = build(raw, tmp_path / "out", decisions_path=tmp_path / "none.json")
    (error,) = report.result.errors
    assert "not a readable Parquet file" in str(error) and "None" not in str(error)


def test_add_refuses_a_container_and_says_where_it_goes(tmp_path: Path) -> None:
    from exercise_pipeline.ingest import add_articles

    raw = Path(shutil.copytree(RAW, tmp_path / "raw"))
    crawl = tmp_path / "pages.jsonl"
    crawl.write_text(json.dumps({"url": "https://e.org/", "text": "Squat."}) + "\n")
    report = add_articles(raw, [crawl])
    assert not report.added
    (refused,) = report.refused
    assert "crawl container" in str(refused) and "copy it into raw/" in str(refused)


def test_the_pages_of_a_container_that_breaks_keep_their_last_good_result(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    out = tmp_path / "out"
    (raw / "c.warc").write_bytes(_plain_warc([_page(n) for n in range(3)]))
    (raw / "d.warc").write_bytes(_plain_warc([_page(n) for n in range(3, 7)]))
    cache = tmp_path / ".cache"
    first = build(raw, out, decisions_path=tmp_path / "none.json", cache_dir=cache)
    assert first.result.exit_code == 0
    (raw / "c.warc").write_bytes(b"not a WARC file any more")
    again = build(raw, out, decisions_path=tmp_path / "none.json", cache_dir=cache)
    (error,) = again.result.errors  # the container's, not one per page "not in raw/"
    assert error.where == str(raw / "c.warc")
    sources = _outputs(out)["dataset"]["sources"]
    stale = sorted(s["url"] for s in sources if s.get("stale"))
    assert len(sources) == 7 and stale == [f"https://gym.example/{n}" for n in range(3)]
