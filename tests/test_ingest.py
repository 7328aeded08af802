"""`pipeline add`: articles recorded in raw/ with a stable id and sha256, bad input refused."""

from __future__ import annotations

import hashlib
import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise_pipeline.cli import main
from exercise_pipeline.dedup import shingles
from exercise_pipeline.ingest import Candidate, Existing, add_articles, plan_additions
from exercise_pipeline.models import SourceMeta

from .conftest import CORPUS, RAW

ARTICLE = (
    "# Bird Dog\n\nKneel on all fours with your hands under your shoulders. Reach one arm "
    "forward and the opposite leg back. Hold for 5 seconds, then switch sides.\n"
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def manifest(raw: Path) -> dict[str, dict[str, object]]:
    doc = json.loads((raw / "sources.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in doc["sources"]}


def add(raw: Path, *args: str) -> tuple[int, str]:
    cache = str(raw.parent / ".cache")  # beside the scratch raw/, not the repository's
    result = CliRunner().invoke(main, ["add", *args, "--raw", str(raw), "--cache-dir", cache])
    return result.exit_code, result.output


def test_an_article_is_copied_byte_for_byte_and_recorded(raw: Path, tmp_path: Path) -> None:
    src = tmp_path / "bird-dog.md"
    src.write_text(ARTICLE, encoding="utf-8")
    code, out = add(
        raw, str(src), "--url", "https://example.org/bird-dog", "--license", "CC-BY-4.0",
        "--retrieved", "2026-11-01",
    )  # fmt: skip
    assert code == 0, out
    assert (raw / "bird-dog.md").read_bytes() == src.read_bytes()
    entry = manifest(raw)["bird-dog"]
    assert entry == {
        "id": "bird-dog",
        "file": "bird-dog.md",
        "format": "markdown",
        "title": "Bird Dog",
        "url": "https://example.org/bird-dog",
        "retrieved": "2026-11-01",
        "license": "CC-BY-4.0",
        "sha256": hashlib.sha256(src.read_bytes()).hexdigest(),
        "encoding": "utf-8",
    }
    assert len(manifest(raw)) == 6  # the five seeds are still there


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "is an exact duplicate of source '000_996aa0c67327b4d0'"),
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "is binary, not text"),
    ],
    ids=["duplicate", "empty", "blank", "binary"],
)
def test_bad_input_is_refused_with_its_reason_and_changes_nothing(
    raw: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    src = tmp_path / "candidate.txt"
    src.write_bytes((RAW / "000_996aa0c67327b4d0.txt").read_bytes() if content is None else content)
    before = snapshot(raw)
    code, out = add(raw, str(src))
    assert code == 2
    assert f"error: {src}: {message}" in out
    assert snapshot(raw) == before


def test_an_unreadable_file_is_refused(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "locked.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self == src:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    before = snapshot(raw)
    report = add_articles(raw, [src])
    assert [str(e) for e in report.refused] == [
        f"{src}: cannot be read: Permission denied (check it)"
    ]
    assert snapshot(raw) == before


def test_a_near_duplicate_is_added_with_a_warning(raw: Path, tmp_path: Path) -> None:
    seed = (RAW / "000_996aa0c67327b4d0.txt").read_bytes()
    src = tmp_path / "same-article-crlf.txt"
    src.write_bytes(seed.replace(b"\n", b"\r\n"))  # other bytes, the same text
    code, out = add(raw, str(src))
    assert code == 0
    assert "near-duplicate of source '000_996aa0c67327b4d0'" in out
    assert "same-article-crlf" in manifest(raw)


def test_nothing_is_overwritten_silently(raw: Path, tmp_path: Path) -> None:
    first = tmp_path / "a" / "routine.md"
    second = tmp_path / "b" / "routine.md"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(ARTICLE, encoding="utf-8")
    second.write_text(ARTICLE.replace("Bird Dog", "Dead Bug"), encoding="utf-8")
    assert add(raw, str(first))[0] == 0
    code, out = add(raw, str(second))  # the same file name: a new id, not an overwrite
    assert code == 0, out
    assert (raw / "routine.md").read_bytes() == first.read_bytes()
    ids = sorted(i for i in manifest(raw) if i.startswith("routine"))
    digest = hashlib.sha256(second.read_bytes()).hexdigest()
    assert ids == ["routine", f"routine-{digest[:8]}"]
    third = tmp_path / "plank.md"
    third.write_text(ARTICLE.replace("Bird Dog", "Plank"), encoding="utf-8")
    code, out = add(raw, str(third), "--id", "routine")  # an id that is taken
    assert code == 2
    assert "source id 'routine' is taken by routine.md" in out
    assert "--replace routine" in out


def test_replace_keeps_the_id_and_records_the_new_sha256(raw: Path, tmp_path: Path) -> None:
    src = tmp_path / "v2.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    code, out = add(raw, str(src), "--replace", "003_702e463a85c5abe5")
    assert code == 0, out
    entry = manifest(raw)["003_702e463a85c5abe5"]
    assert entry["file"] == "003_702e463a85c5abe5.txt"
    assert entry["sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert (raw / "003_702e463a85c5abe5.txt").read_bytes() == src.read_bytes()
    assert len(manifest(raw)) == 5
    assert entry["retrieved"] is None  # a new version is a new retrieval: its date or none
    code, out = add(raw, str(src), "--replace", "no-such-source")
    assert code == 2 and "no-such-source: is not a source in raw/" in out


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--url", "example.org/x", "is not an http(s) URL"),
        ("--retrieved", "21/11/2026", "is not a date (YYYY-MM-DD)"),
        ("--retrieved", "20261121", "is not a date (YYYY-MM-DD)"),
        ("--retrieved", "2026-02-30", "is not a date (YYYY-MM-DD)"),
        ("--id", "my article", "is not a source id"),
    ],
)
def test_bad_metadata_is_refused(
    raw: Path, tmp_path: Path, option: str, value: str, message: str
) -> None:
    src = tmp_path / "x.md"
    src.write_text(ARTICLE, encoding="utf-8")
    before = snapshot(raw)
    code, out = add(raw, str(src), option, value)
    assert code == 2 and message in out
    assert snapshot(raw) == before


def test_a_folder_adds_its_articles_and_reads_what_they_say_about_themselves(
    raw: Path,
) -> None:
    dev = CORPUS / "dev"
    if not dev.exists():
        pytest.skip("the dev corpus lives in ../shared/corpus beside the repository")
    code, out = add(raw, str(dev))
    assert code == 0, out
    entries = manifest(raw)
    lumbar = entries["001_drtimfoo-lumbar-routine"]
    assert lumbar["title"] == "Basic Lumbar Routine — Dr Tim Foo | State Of Flow"
    assert lumbar["url"] == "https://www.drtimfoo.com/blog/lumbar-routine"
    gym = entries["011_goldsgym-beginner-strength-workout"]
    assert gym["format"] == "html" and gym["title"].startswith("Gym Workouts for Beginners")
    assert gym["url"].startswith("https://www.goldsgym.com/")
    for entry in entries.values():
        data = (raw / str(entry["file"])).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_plan_refuses_a_duplicate_within_one_batch() -> None:
    text = ARTICLE.encode()
    plan = plan_additions(
        [], [Candidate("a/one.md", text), Candidate("b/two.md", text)], settings=None
    )
    assert [a.meta.source_id for a in plan.additions] == ["one"]
    assert [e.problem for e in plan.refused] == ["is an exact duplicate of source 'one' (one.md)"]


def test_shingle_containment_finds_an_article_inside_a_longer_page() -> None:
    existing = Existing(SourceMeta("seed", "seed.txt"), "0" * 64, ARTICLE * 3)
    page = "<html><body><nav>Home | Blog</nav><main>" + ARTICLE * 3 + "</main></body></html>"
    plan = plan_additions([existing], [Candidate("page.html", page.encode())])
    assert len(plan.additions) == 1
    (found,) = plan.duplicates
    assert "near-duplicate of source 'seed'" in str(found) and found.overlap > 0.9
    assert shingles("a b c") == frozenset({"a b c"})


def test_an_article_edited_in_place_is_recorded_again_with_replace(
    raw: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from exercise_pipeline.sources import RawFile, SourcesSettings, decode, load_manifest

    seed = raw / "001_f9fe001670b5d609.txt"
    seed.write_bytes(seed.read_bytes().replace(b"Lower Back", b"Low Back"))
    meta = load_manifest(raw).by_file()[seed.name]
    decode(RawFile(seed.name, seed.read_bytes(), meta), SourcesSettings())
    assert f"pipeline add raw/{seed.name} --replace 001_f9fe001670b5d609" in caplog.text
    code, out = add(raw, str(seed), "--replace", "001_f9fe001670b5d609")
    assert code == 0, out
    assert (
        manifest(raw)["001_f9fe001670b5d609"]["sha256"]
        == hashlib.sha256(seed.read_bytes()).hexdigest()
    )
    code, out = add(raw, str(seed), "--replace", "001_f9fe001670b5d609")
    assert code == 2 and "already records for source '001_f9fe001670b5d609'" in out


def test_a_url_with_non_ascii_characters_is_stored_percent_encoded(
    raw: Path, tmp_path: Path
) -> None:
    page = tmp_path / "ubungen.html"
    page.write_text(
        '<html><head><title>Übungen</title><link rel="canonical" '
        'href="https://de.example.org/übungen-für-den-rücken"></head><body><main>'
        "<h2>Brücke</h2><p>Lege dich auf den Rücken. Hebe das Becken. Halte 5 Sekunden.</p>"
        "</main></body></html>",
        encoding="utf-8",
    )
    code, out = add(raw, str(page))
    assert code == 0, out
    url = manifest(raw)["ubungen"]["url"]
    assert url == "https://de.example.org/%C3%BCbungen-f%C3%BCr-den-r%C3%BCcken"
    result = CliRunner().invoke(main, ["build", "--raw", str(raw), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output  # the manifest still loads


def test_a_listed_source_whose_file_is_missing_is_not_taken_over(raw: Path, tmp_path: Path) -> None:
    (raw / "003_702e463a85c5abe5.txt").unlink()
    other = tmp_path / "003_702e463a85c5abe5.md"
    other.write_text(ARTICLE, encoding="utf-8")
    before = snapshot(raw)
    code, out = add(raw, str(other))
    assert code == 2
    assert "source '003_702e463a85c5abe5' is listed in sources.json but its file" in out
    assert "--replace 003_702e463a85c5abe5" in out
    assert snapshot(raw) == before


def test_a_file_already_in_raw_is_recorded_where_it_is(raw: Path) -> None:
    unlisted = raw / "dead-bug.md"
    unlisted.write_text(ARTICLE.replace("Bird Dog", "Dead Bug"), encoding="utf-8")
    code, out = add(raw, str(unlisted))
    assert code == 0, out
    assert manifest(raw)["dead-bug"]["file"] == "dead-bug.md"
    assert sorted(p.name for p in raw.glob("dead-bug*")) == ["dead-bug.md"]
    code, out = add(raw, str(unlisted))
    assert code == 2 and "is already recorded as source 'dead-bug'" in out


def test_a_folder_skips_hidden_folders_and_reports_broken_links(raw: Path, tmp_path: Path) -> None:
    folder = tmp_path / "scrapes"
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    (folder / "plank.md").write_text(ARTICLE.replace("Bird Dog", "Plank"), encoding="utf-8")
    (folder / ".ipynb_checkpoints" / "plank-checkpoint.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "gone.md").symlink_to(folder / "nowhere.md")
    (raw / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")  # raw/ itself has a bad file
    code, out = add(raw, str(folder))
    assert code == 1, out  # one added, one problem reported
    assert "gone.md: is a broken link" in out
    added = set(manifest(raw)) - {p.stem for p in RAW.glob("*.txt")}
    assert added == {"plank"}


def test_names_that_differ_only_in_case_do_not_overwrite(raw: Path, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    lower, upper = tmp_path / "a" / "routine.md", tmp_path / "b" / "Routine.md"
    lower.write_text(ARTICLE, encoding="utf-8")
    upper.write_text(ARTICLE.replace("Bird Dog", "Side Plank"), encoding="utf-8")
    assert add(raw, str(lower))[0] == 0
    assert add(raw, str(upper))[0] == 0
    files = sorted(str(e["file"]).lower() for e in manifest(raw).values())
    assert len(files) == len(set(files)) == 7


def test_a_listed_file_edited_in_place_needs_replace(raw: Path) -> None:
    seed = raw / "002_6b439db970d9f650.txt"
    seed.write_bytes(seed.read_bytes() + b"\nOne more line.\n")
    before = snapshot(raw)
    code, out = add(raw, str(seed))
    assert code == 2
    assert "changed since sources.json recorded it as source '002_6b439db970d9f650'" in out
    assert "--replace 002_6b439db970d9f650" in out
    assert snapshot(raw) == before


def test_files_dropped_into_raw_are_recorded_renamed_or_linked(raw: Path, tmp_path: Path) -> None:
    (raw / "My Article (1).md").write_text(ARTICLE, encoding="utf-8")
    code, out = add(raw, str(raw / "My Article (1).md"))
    assert code == 0, out
    assert manifest(raw)["my-article-1"]["file"] == "my-article-1.md"
    assert not (raw / "My Article (1).md").exists()
    (raw / "foo.md").write_text(ARTICLE.replace("Bird Dog", "Foo Raise"), encoding="utf-8")
    assert add(raw, str(raw / "foo.md"), "--id", "bar")[0] == 0
    assert manifest(raw)["bar"]["file"] == "bar.md" and not (raw / "foo.md").exists()
    outside = tmp_path / "linked.md"
    outside.write_text(ARTICLE.replace("Bird Dog", "Linked Lift"), encoding="utf-8")
    (raw / "linked.md").symlink_to(outside)
    code, out = add(raw, str(raw / "linked.md"))
    assert code == 0, out
    assert not (raw / "linked.md").is_symlink()  # the article itself is kept in raw/
    assert (raw / "linked.md").read_bytes() == outside.read_bytes()


def test_a_new_version_dropped_into_raw_replaces_the_old_one(raw: Path) -> None:
    newer = raw / "000-v2.txt"
    newer.write_bytes((raw / "000_996aa0c67327b4d0.txt").read_bytes() + b"\nUpdated.\n")
    code, out = add(raw, str(newer), "--replace", "000_996aa0c67327b4d0")
    assert code == 0, out
    assert not newer.exists()
    entry = manifest(raw)["000_996aa0c67327b4d0"]
    assert entry["title"] == "6 Exercises for Lower Back Pain"  # what was recorded is kept
    assert (raw / "000_996aa0c67327b4d0.txt").read_bytes().endswith(b"Updated.\n")


def test_replacing_with_another_format_never_writes_over_an_unrelated_file(
    raw: Path, tmp_path: Path
) -> None:
    notes = raw / "000_996aa0c67327b4d0.md"
    notes.write_text("# My notes\n\nNot an article about exercises at all.\n", encoding="utf-8")
    new = tmp_path / "new.md"
    new.write_text(ARTICLE, encoding="utf-8")
    before = snapshot(raw)
    code, out = add(raw, str(new), "--replace", "000_996aa0c67327b4d0")
    assert code == 2 and "raw/000_996aa0c67327b4d0.md exists" in out
    assert snapshot(raw) == before


def test_a_url_an_article_states_that_is_not_valid_is_left_out(raw: Path, tmp_path: Path) -> None:
    src = tmp_path / "scrape.md"
    src.write_text(
        "Title: Bird Dog\n\nURL Source: https://example.org:80a/page\n\nMarkdown Content:\n"
        + ARTICLE,
        encoding="utf-8",
    )
    code, out = add(raw, str(src))
    assert code == 0, out
    assert "the URL it states, 'https://example.org:80a/page', is not valid; left out" in out
    assert manifest(raw)["scrape"]["url"] is None
    brackets = tmp_path / "brackets.md"
    brackets.write_text(
        "Title: Plank\n\nURL Source: https://example.org/page[1].html\n\nMarkdown Content:\n"
        + ARTICLE.replace("Bird Dog", "Plank"),
        encoding="utf-8",
    )
    assert add(raw, str(brackets))[0] == 0
    assert manifest(raw)["brackets"]["url"] == "https://example.org/page%5B1%5D.html"


def test_the_manifest_is_checked_before_anything_is_written(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exercise_pipeline.ingest

    monkeypatch.setattr(
        exercise_pipeline.ingest, "is_url", lambda text: True
    )  # let a bad URL through
    src = tmp_path / "x.md"
    src.write_text(ARTICLE, encoding="utf-8")
    before = snapshot(raw)
    code, out = add(raw, str(src), "--url", "https://exa mple.org:x/")
    assert code == 2 and "sources.json: $.sources" in out and "nothing was added" in out
    assert snapshot(raw) == before


def test_two_files_with_one_source_id_are_reported_by_the_build(raw: Path, tmp_path: Path) -> None:
    (raw / "000_996aa0c67327b4d0.md").write_text(ARTICLE, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--raw", str(raw), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert (
        "000_996aa0c67327b4d0.md: would have the source id '000_996aa0c67327b4d0' of "
        "000_996aa0c67327b4d0.txt (000_996aa0c67327b4d0.txt, which keeps it)" in result.output
    )  # the file the manifest lists keeps its id, whatever sorts first
    ids = [
        s["source_id"]
        for s in json.loads((tmp_path / "o" / "exercises.json").read_text())["dataset"]["sources"]
    ]
    assert len(ids) == len(set(ids)) == 5


def test_many_near_duplicates_are_one_summary_of_their_groups_or_each_when_asked(
    raw: Path, tmp_path: Path
) -> None:
    dev = sorted((CORPUS / "dev").glob("*.md"))[:3]
    if not dev:
        pytest.skip("the dev corpus lives in ../shared")
    folder = tmp_path / "scrapes"
    folder.mkdir()
    for n in range(12):  # four copies of each of three real articles, a line apart
        src = dev[n % 3]
        (folder / f"copy{n:02d}.md").write_bytes(src.read_bytes() + f"\n\nCopy {n}.\n".encode())
    code, out = add(raw, str(folder))
    assert code == 0
    assert out.count("near-duplicate of source") == 0
    (summary,) = [line for line in out.splitlines() if "groups of near-duplicates" in line]
    assert "9 added articles" in summary and "18 pairs in 3 groups" in summary
    assert "--show-duplicates" in summary
    again = tmp_path / "more"
    again.mkdir()
    for n in range(4):
        (again / f"more{n}.md").write_bytes(dev[0].read_bytes() + f"\nMore {n}.\n".encode())
    code, out = add(raw, str(again), "--show-duplicates")
    assert code == 0
    # each of the four is a near-duplicate of the four copies and of the ones added before it
    assert out.count("near-duplicate of source") == 4 * 4 + (0 + 1 + 2 + 3)


def test_an_add_reads_the_signatures_of_raw_from_the_cache(raw: Path, tmp_path: Path) -> None:
    from exercise_pipeline.cache import SqliteCache
    from exercise_pipeline.dedup import fingerprint
    from exercise_pipeline.ingest import existing_articles, print_key, visible_text
    from exercise_pipeline.sources import RawFile, SourcesSettings, decode, load_manifest

    src = tmp_path / "bird-dog.md"
    src.write_text(ARTICLE, encoding="utf-8")
    with SqliteCache(tmp_path / "cache.sqlite") as store:
        report = add_articles(raw, [src], store=store)
        assert [m.source_id for m in report.added] == ["bird-dog"]
        manifest = load_manifest(raw)
        fresh = existing_articles(raw, manifest, SourcesSettings())  # no store: decoded
        kept = existing_articles(raw, manifest, SourcesSettings(), store)
    assert [e.meta.source_id for e in kept] == [e.meta.source_id for e in fresh]
    for e in kept:  # every file's signature from the cache, the same as computed afresh
        path = raw / e.meta.file
        doc = decode(RawFile(path.name, path.read_bytes(), e.meta), SourcesSettings())
        assert e.print == fingerprint(visible_text(doc))
    with SqliteCache(tmp_path / "cache.sqlite") as store:
        assert all(
            store.fingerprint(print_key(e.sha256, e.meta, SourcesSettings())) == e.print
            for e in kept
        )


def test_the_estimated_containment_is_near_the_exact_one_on_real_articles() -> None:
    from exercise_pipeline.dedup import Index, containment, fingerprint

    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "dev").glob("*.md"))]
    if not texts:
        pytest.skip("the dev corpus lives in ../shared")
    variants = []
    for text in texts:
        variants += [text, text[: len(text) // 2], "Home | Blog | Shop\n" + text + "\nShare"]
    prints = [fingerprint(v) for v in variants]
    sets = [shingles(v) for v in variants]
    index = Index()
    for k, fp in enumerate(prints):
        assert fp is not None
        index.add(str(k), fp)
    for i, j in itertools.combinations(range(len(variants)), 2):
        exact = len(sets[i] & sets[j]) / min(len(sets[i]), len(sets[j]))
        a, b = prints[i], prints[j]
        assert a is not None and b is not None
        assert abs(containment(a, b) - exact) < 0.15, (i, j)
        if exact >= 0.9:  # the index offers every pair that matters
            assert str(j) in dict(index.near(a, 0.8)), (i, j)


def test_a_corrected_encoding_signs_the_text_afresh(tmp_path: Path) -> None:
    """The same bytes decode to other words under another code page: the cache keeps their
    signature under the encoding too, so correcting it in the manifest is seen."""
    from exercise_pipeline.cache import SqliteCache
    from exercise_pipeline.dedup import fingerprint
    from exercise_pipeline.ingest import existing_articles
    from exercise_pipeline.models import SourceMeta
    from exercise_pipeline.sources import Manifest, SourcesSettings

    raw = tmp_path / "raw"
    raw.mkdir()
    text = "Приседания у стены: спина прижата к стене, колени согнуты, держите 30 секунд. " * 4
    (raw / "wall.txt").write_bytes(text.encode("cp1251"))
    settings = SourcesSettings()
    with SqliteCache(tmp_path / "cache.sqlite") as store:
        signed = {}
        for encoding in ("cp1252", "cp1251", "cp1252"):
            manifest = Manifest({}, (SourceMeta("wall", "wall.txt", encoding=encoding),))
            (found,) = existing_articles(raw, manifest, settings, store)
            signed.setdefault(encoding, found.print)
            assert found.print == signed[encoding]  # the second cp1252 read: from the cache
    assert signed["cp1251"] == fingerprint(text)
    assert signed["cp1252"] != signed["cp1251"]
