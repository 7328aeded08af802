"""Releases: a whole session (add → build → publish, twice), the refusals, and the diff rules."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator, FormatChecker

from exercise_pipeline.cli import main
from exercise_pipeline.release.changelog import entry as changelog_entry
from exercise_pipeline.release.changelog import with_entry
from exercise_pipeline.release.diff import Version, diff_datasets

from .conftest import CORPUS, RAW, ROOT

DEV = CORPUS / "dev"


class Session:
    """A data team's working copy: raw/, output/, releases/, a cache, driven by the CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.raw = Path(shutil.copytree(RAW, root / "raw"))
        self.out = root / "output"
        self.releases = root / "releases"

    def run(self, *args: str, ok: bool = True) -> Result:
        common = {
            "build": ["--raw", str(self.raw), "--out", str(self.out), "--cache-dir",
                      str(self.root / "cache"), "--decisions", str(self.root / "d.json")],
            "add": ["--raw", str(self.raw)],
            "remove": ["--raw", str(self.raw)],
        }  # fmt: skip
        common["publish"] = [*common["build"], "--releases", str(self.releases)]
        result = CliRunner().invoke(main, [*args, *common.get(args[0], [])])
        if ok:
            assert result.exit_code == 0, result.output
        return result

    def release(self, version: str) -> Path:
        return self.releases / version

    def dataset(self, version: str) -> dict[str, Any]:
        return load(self.release(version) / "exercises.json")

    def snapshot(self) -> dict[str, bytes]:
        return {
            str(p.relative_to(self.root)): p.read_bytes()
            for folder in (self.raw, self.out, self.releases)
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def ids(doc: dict[str, Any]) -> set[str]:
    return {e["id"] for e in doc["exercises"]}


# Two articles written for the session: new exercises, and one the seeds already describe.
DESK = (
    "# Desk Stretches\n\n## Wall Angels\n\nStand with your back against a wall. Slide your "
    "arms up the wall and back down. Repeat 10 times.\n\n## Chin Tuck\n\nSit tall and draw "
    "your chin straight back. Hold for 5 seconds. Repeat 10 times.\n\n## Knee to Chest "
    "Stretch\n\nLie on your back with your knees bent. Pull one knee to your chest and hold "
    "for 20 seconds. Repeat 3 times on each side.\n"
)
CORE = (
    "<html><head><title>Core basics</title></head><body><main><h1>Core basics</h1>"
    "<h2>Dead Bug</h2><ol><li>Lie on your back with your arms up and knees bent.</li>"
    "<li>Lower the opposite arm and leg slowly, then switch.</li></ol><p>Repeat 8 times.</p>"
    "<h2>Side Plank</h2><p>Lie on your side and lift your hips off the floor, resting on your "
    "forearm. Hold for 15 seconds on each side.</p></main></body></html>"
)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    """Seeds published as 0.1.0, then two articles added and published as 0.2.0."""
    s = Session(tmp_path_factory.mktemp("session"))
    s.run("build")
    s.run("publish", "--version", "0.1.0")
    articles = s.root / "new"
    articles.mkdir()
    (articles / "desk-stretches.md").write_text(DESK, encoding="utf-8")
    (articles / "core-basics.html").write_text(CORE, encoding="utf-8")
    s.run("add", str(articles), "--retrieved", "2026-11-20")
    built = s.run("build")
    assert "(2 extracted, 5 from the cache)" in built.output
    dry = s.run("publish")
    assert "proposed version: 0.2.0" in dry.output  # exercises added: a minor release
    s.run("publish", "--version", "0.2.0")
    return s


def test_ids_are_kept_and_the_changelog_lists_what_was_added(session: Session) -> None:
    first, second = session.dataset("0.1.0"), session.dataset("0.2.0")
    assert ids(first) <= ids(second)  # nothing merged away or removed by adding articles
    added = ids(second) - ids(first)
    assert {"wall-angels", "chin-tuck", "dead-bug", "side-plank"} <= added
    knee = next(e for e in second["exercises"] if e["id"] == "knee-to-chest")
    assert "desk-stretches" in {x["source_id"] for x in knee["sources"]}  # merged, id kept
    log = (session.release("0.2.0") / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = log.split("## [0.2.0]")[1].split("## [0.1.0]")[0]
    section = entry.split("### Added")[1].split("###")[0].splitlines()
    listed = {line.split("`")[1] for line in section if line.startswith("- `")}
    assert listed == added
    assert "Compared with 0.1.0: minor change" in entry
    assert "## [0.1.0]" in log and "First release" in log  # the history is kept
    renamed = {(e["id"], e["name"]) for e in second["exercises"]} - {
        (e["id"], e["name"]) for e in first["exercises"]
    }
    for exercise_id, name in renamed - {(i, n) for i, n in renamed if i in added}:
        assert f"`{exercise_id}`: " in entry and f"→ {name}" in entry


def test_a_release_validates_with_frictionless_and_its_checksums_hold(session: Session) -> None:
    frictionless = pytest.importorskip("frictionless")
    for version in ("0.1.0", "0.2.0"):
        folder = session.release(version)
        report = frictionless.validate(str(folder / "datapackage.json"))
        assert report.valid, report.flatten(["type", "message"])
        package = load(folder / "datapackage.json")
        assert package["version"] == version
        assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
        for resource in package["resources"]:
            data = (folder / resource["path"]).read_bytes()
            assert resource["bytes"] == len(data)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert package["resources"][0]["jsonSchema"] == "exercise.schema.json"
        # Frictionless does not apply a JSON resource's schema: check it with jsonschema.
        schema = load(folder / "exercise.schema.json")
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        assert list(validator.iter_errors(load(folder / "exercises.json"))) == []
        sums = (folder / "SHA256SUMS").read_text().splitlines()
        listed = {line.split("  ")[1]: line.split("  ")[0] for line in sums}
        assert set(listed) == {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
        for name, digest in listed.items():
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_the_tables_hold_every_exercise(session: Session) -> None:
    folder = session.release("0.2.0")
    dataset = session.dataset("0.2.0")
    csv = pd.read_csv(io.BytesIO((folder / "exercises.csv").read_bytes()), keep_default_na=False)
    parquet = pd.read_parquet(folder / "exercises.parquet")
    assert list(csv["id"]) == list(parquet["id"]) == [e["id"] for e in dataset["exercises"]]
    first = dataset["exercises"][0]
    assert list(parquet.iloc[0]["steps"]) == first["steps"]
    assert csv.iloc[0]["steps"].split("\n") == first["steps"]
    assert int(csv["mention_count"].sum()) == sum(len(e["sources"]) for e in dataset["exercises"])


def test_publishing_brings_output_and_the_manifest_to_the_release(session: Session) -> None:
    assert (session.out / "exercises.json").read_bytes() == (
        session.release("0.2.0") / "exercises.json"
    ).read_bytes()
    assert load(session.raw / "sources.json")["dataset"]["version"] == "0.2.0"


def test_diff_between_releases_matches_the_changelog(session: Session) -> None:
    result = session.run(
        "diff", str(session.release("0.1.0")), str(session.release("0.2.0")), "--json"
    )
    diff = json.loads(result.output)
    assert {a["id"] for a in diff["added"]} == ids(session.dataset("0.2.0")) - ids(
        session.dataset("0.1.0")
    )
    assert diff["bump"] == "minor" and diff["removed"] == [] and diff["merged"] == []


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("0.2.0", "0.2.0 does not increase on the latest release 0.2.0"),
        ("0.1.5", "0.1.5 does not increase on the latest release 0.2.0"),
        ("0.3.0", "dataset: is the same as release 0.2.0 (nothing to publish)"),
        ("v1", "'v1' is not a semantic version X.Y.Z"),
    ],
)
def test_publishing_is_refused_and_changes_nothing(
    session: Session, version: str, message: str
) -> None:
    before = session.snapshot()
    result = session.run("publish", "--version", version, ok=False)
    assert result.exit_code == 2
    assert message in result.output
    assert session.snapshot() == before


def test_removing_an_article_is_a_major_change_and_ids_need_the_id_map(
    tmp_path: Path,
) -> None:
    s = Session(tmp_path)
    s.run("build")
    s.run("publish", "--version", "0.1.0")
    s.run("remove", "004_646fec9853ade4c5", "--reason", "licence withdrawn")
    assert not (s.raw / "004_646fec9853ade4c5.txt").exists()
    s.run("build")
    refused = s.run("publish", "--version", "0.2.0", ok=False)
    assert "0.2.0 is a minor release but the changes are major" in refused.output
    assert "publish as 1.0.0, or pass --allow-smaller-bump" in refused.output
    # Without the id registry the vanished ids have no id-map entry: refused.
    s.out.joinpath("ids.json").rename(tmp_path / "ids.json")
    lost = s.run("publish", "--version", "1.0.0", ok=False)
    assert "vanished without an id-map entry" in lost.output
    (tmp_path / "ids.json").rename(s.out / "ids.json")
    s.run("publish", "--version", "1.0.0")
    log = (s.release("1.0.0") / "CHANGELOG.md").read_text(encoding="utf-8")
    removed = ids(s.dataset("0.1.0")) - ids(s.dataset("1.0.0"))
    assert removed and "### Removed" in log
    for exercise_id in removed:
        assert f"- `{exercise_id}`" in log.split("### Removed")[1]
    id_map = load(s.release("1.0.0") / "id_map.json")["id_map"]
    assert {e["old"] for e in id_map if e["new"] is None} >= removed


def test_the_same_build_publishes_to_the_same_bytes(tmp_path: Path) -> None:
    sums = []
    for name in ("a", "b"):
        s = Session(tmp_path / name)
        s.run("publish", "--version", "0.1.0")
        sums.append((s.release("0.1.0") / "SHA256SUMS").read_bytes())
    assert sums[0] == sums[1]


def test_a_failing_source_blocks_publishing(tmp_path: Path) -> None:
    s = Session(tmp_path)
    (s.raw / "broken.txt").write_bytes(b"")
    result = s.run("publish", "--version", "0.1.0", ok=False)
    assert result.exit_code == 2
    assert "broken.txt: is empty (fix or remove the source before publishing)" in result.output
    assert not s.releases.exists()


# --- the rules of the difference -------------------------------------------------------------


def exercise(i: str, name: str, mentions: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "id": i,
        "name": name,
        "steps": fields.pop("steps", ["Lie on your back."]),
        "sources": [{"mention": m, "source_id": m.split("#")[0]} for m in mentions],
        **fields,
    }


def dataset(*records: dict[str, Any]) -> dict[str, Any]:
    return {"dataset": {"sources": []}, "exercises": list(records)}


def test_diff_names_each_kind_of_change_and_the_bump_it_calls_for() -> None:
    old = dataset(
        exercise("bridge", "Bridge", ["a#bridge"]),
        exercise("knee-hug", "Knee Hug", ["b#knee-hug"]),
        exercise("knee-to-chest", "Knee to Chest", ["a#knee-to-chest"]),
        exercise("plank", "Plank", ["c#plank"]),
    )
    new = dataset(
        exercise("bridge", "Glute Bridge", ["a#bridge"], steps=["Lie down.", "Lift."]),
        exercise("knee-to-chest", "Knee to Chest", ["a#knee-to-chest", "b#knee-hug"]),
        exercise("bird-dog", "Bird Dog", ["d#bird-dog"]),
    )
    diff = diff_datasets(old, new)
    assert diff.added == (("bird-dog", "Bird Dog"),)
    assert diff.merged == (("knee-hug", "knee-to-chest"),)  # its mention moved there
    assert diff.removed == (("plank", "Plank"),)
    assert diff.renamed == (("bridge", "Bridge", "Glute Bridge"),)
    assert dict(diff.changed) == {"bridge": ("steps",), "knee-to-chest": ("sources",)}
    assert diff.bump()[0] == "major"
    # The id map wins over mention overlap: it records what the build decided.
    mapped = diff_datasets(old, new, id_map=[{"old": "plank", "new": "bridge", "reason": "merged"}])
    assert ("plank", "bridge") in mapped.merged and not mapped.removed


@pytest.mark.parametrize(
    ("new", "bump"),
    [
        (dataset(exercise("a", "A", ["s#a"]), exercise("b", "B", ["s#b"])), "minor"),
        (dataset(exercise("a", "A", ["s#a"], category="stretch")), "minor"),  # a field added
        (dataset(exercise("a", "A", ["s#a"], steps=["Sit."])), "patch"),
        (dataset(exercise("a", "A2", ["s#a"])), "patch"),
        (dataset(exercise("a", "A", ["s#a"])), None),
        (dataset(), "major"),
    ],
    ids=["exercise added", "field added", "value corrected", "renamed", "same", "removed"],
)
def test_the_bump_follows_semantic_versioning(new: dict[str, Any], bump: str | None) -> None:
    old = dataset(exercise("a", "A", ["s#a"]))
    assert diff_datasets(old, new).bump()[0] == bump


def test_a_field_dropped_from_every_record_is_major() -> None:
    old = dataset(exercise("a", "A", ["s#a"], category="stretch"))
    new = dataset(exercise("a", "A", ["s#a"]))
    diff = diff_datasets(old, new)
    assert diff.fields_removed == ("category",) and diff.bump()[0] == "major"


def test_versions_compare_as_numbers() -> None:
    assert Version.parse("0.10.0") > Version.parse("0.9.12")
    assert Version.parse("1.2.3").bump_to(Version.parse("1.3.0")) == "minor"
    assert Version.parse("1.2.3").bump_to(Version.parse("1.2.3")) is None
    with pytest.raises(ValueError, match="not a semantic version"):
        Version.parse("1.2")


def test_a_curator_merging_two_exercises_is_a_major_release(tmp_path: Path) -> None:
    s = Session(tmp_path)
    s.run("build")
    s.run("publish", "--version", "0.1.0")
    first = s.dataset("0.1.0")
    keys = {e["id"]: e["sources"][0]["mention"] for e in first["exercises"]}
    s.run(
        "review", "same", keys["lying-knee-twist"], keys["lower-back-rotational-stretch"],
        "--out", str(s.out), "--decisions", str(s.root / "d.json"),
    )  # fmt: skip
    s.run("build")
    assert "proposed version: 1.0.0" in s.run("publish").output
    s.run("publish", "--version", "1.0.0")
    second = s.dataset("1.0.0")
    (gone,) = ids(first) - ids(second)
    (kept,) = {"lying-knee-twist", "lower-back-rotational-stretch"} - {gone}
    log = (s.release("1.0.0") / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"### Merged\n\n- `{gone}` → `{kept}`" in log
    assert "Compared with 0.1.0: major change (1 id(s) merged)" in log
    id_map = load(s.release("1.0.0") / "id_map.json")["id_map"]
    assert {"old": gone, "new": kept, "reason": "merged"} in id_map
    diff = json.loads(
        s.run("diff", str(s.release("0.1.0")), str(s.release("1.0.0")), "--json").output
    )
    assert diff["merged"] == [{"old": gone, "new": kept}] and diff["bump"] == "major"


def test_real_articles_from_the_dev_corpus_publish_a_valid_release(tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    if not DEV.exists():
        pytest.skip("the dev corpus lives in ../shared/corpus beside the repository")
    s = Session(tmp_path)
    s.run("publish", "--version", "0.1.0")
    s.run("add", str(DEV))
    s.run("publish", "--version", "0.2.0")
    assert ids(s.dataset("0.1.0")) <= ids(s.dataset("0.2.0"))
    seeds = len(s.dataset("0.1.0")["dataset"]["sources"])
    assert len(s.dataset("0.2.0")["dataset"]["sources"]) == seeds + len(list(DEV.iterdir()))
    report = frictionless.validate(str(s.release("0.2.0") / "datapackage.json"))
    assert report.valid, report.flatten(["type", "message"])


def test_bad_release_options_are_refused_before_any_work(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exercise_pipeline.release.publishing

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built before checking the options")

    monkeypatch.setattr(exercise_pipeline.release.publishing, "build_in_memory", no_build)
    before = session.snapshot()
    for args, message in (
        (["--version", "0.3.0", "--date", "next tuesday"], "'next tuesday' is not a date"),
        (["--version", "0.3.0 "], "'0.3.0 ' is not a semantic version"),
    ):
        result = session.run("publish", *args, ok=False)
        assert result.exit_code == 2 and message in result.output
    assert session.snapshot() == before


def test_an_article_without_exercises_is_still_a_patch_release(session: Session) -> None:
    s = Session(session.root.parent / "patch")
    s.run("publish", "--version", "0.1.0")
    note = s.root / "note.txt"
    note.write_text("Our clinic is closed on public holidays.\n", encoding="utf-8")
    s.run("add", str(note))
    dry = s.run("publish")
    assert "proposed version: 0.1.1" in dry.output
    assert "1 source(s) added, removed or updated" in dry.output


def test_merge_chains_between_releases_are_followed() -> None:
    old = dataset(exercise("a", "A", ["s#a"]))
    new = dataset(exercise("c", "C", ["t#c"]))
    id_map = [
        {"old": "a", "new": "b", "reason": "merged"},
        {"old": "b", "new": "c", "reason": "merged"},
    ]
    diff = diff_datasets(old, new, id_map=id_map)
    assert diff.merged == (("a", "c"),) and diff.removed == ()


def test_the_changelog_keeps_every_earlier_entry_whatever_the_introduction() -> None:
    earlier = "# Our data\n\nHand-written intro.\n\n## [0.2.0]\n\nB.\n\n## [0.1.0]\n\nA.\n"
    merged = with_entry(earlier, "## [0.3.0]\n\nC.\n")
    assert merged.index("## [0.3.0]") < merged.index("## [0.2.0]") < merged.index("## [0.1.0]")
    assert "Hand-written intro" not in merged


def test_diff_names_a_file_it_cannot_use(session: Session, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(session.release("0.2.0"), tmp_path / "copy"))
    (copy / "id_map.json").write_text('{"id_map": "nonsense"}', encoding="utf-8")
    result = session.run("diff", str(session.release("0.1.0")), str(copy), ok=False)
    assert result.exit_code == 2
    assert f"{copy / 'id_map.json'}: is not an id map" in result.output
    (copy / "exercises.json").write_text("[]", encoding="utf-8")
    result = session.run("diff", str(session.release("0.1.0")), str(copy), ok=False)
    assert "is not an exercises.json dataset" in result.output


def test_changed_source_metadata_is_a_patch_release(tmp_path: Path) -> None:
    s = Session(tmp_path)
    s.run("publish", "--version", "0.1.0")
    manifest = load(s.raw / "sources.json")
    manifest["sources"][1]["license"] = "CC-BY-4.0"
    (s.raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    dry = s.run("publish")
    assert "proposed version: 0.1.1" in dry.output
    assert "001_f9fe001670b5d609" in dry.output  # listed under sources updated


def test_a_bad_source_date_epoch_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    s = Session(tmp_path)
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "yesterday"}).invoke(
        main, ["build", "--raw", str(s.raw), "--out", str(s.out)]
    )
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH: 'yesterday' is not a time in seconds since 1970" in result.output


def test_every_release_has_a_dataset_card_generated_from_its_schema() -> None:
    import yaml

    from exercise_pipeline.release.card import DISCLAIMER
    from exercise_pipeline.release.package import release_files

    dataset = json.loads((ROOT / "output" / "exercises.json").read_text(encoding="utf-8"))
    schema = (ROOT / "schema" / "exercise.schema.json").read_bytes()
    for created in (None, "2026-12-01T00:00:00Z"):
        files = release_files(dataset, schema, id_map=[], changelog="", created=created)
        text = files["README.md"].decode("utf-8")
        _, front_text, body = text.split("---\n", 2)
        front = yaml.safe_load(front_text)
        assert front["language"] == ["en"] and front["size_categories"] == ["n<1K"]
        assert front["pretty_name"] == dataset["dataset"]["title"]
        for config in front["configs"]:
            assert all(f["path"] in files for f in config["data_files"])
        properties = json.loads(schema)["$defs"]["exercise"]["properties"]
        assert all(f"| `{name}` |" in body for name in properties)
        assert "one of: `supine`" in body  # enums come from the schema
        assert DISCLAIMER in body
        sources = dataset["dataset"]["sources"]
        assert all((s.get("title") or s["source_id"]) in body for s in sources)
        assert ("Released 2026-12-01." in body) == (created is not None)
        assert ("records no date" in body) == (created is None)
        assert "README.md" in files["SHA256SUMS"].decode()
    # a template may name exactly the sections the card has (check() reads SECTIONS)
    from exercise_pipeline.release.card import DEFAULT_TEMPLATE, SECTIONS, check, sections

    assert list(sections(dataset, json.loads(schema), created=None)) == list(SECTIONS)
    check(DEFAULT_TEMPLATE)


def _rehashed(folder: Path, name: str, data: bytes) -> None:
    """Write ``name`` and update its size and hash in the descriptor, as a careful forger
    would: only the content checks can catch it then."""
    (folder / name).write_bytes(data)
    package = load(folder / "datapackage.json")
    for resource in package["resources"]:
        if resource["path"] == name:
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")


def test_release_tables_are_typed_from_the_schema_and_each_corruption_is_caught(
    session: Session, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq
    from frictionless import validate

    release = session.release("0.2.0")
    schema = load(release / "exercise.schema.json")
    doc = load(release / "exercises.json")
    lines = (release / "exercises.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert records == doc["exercises"]  # the same records, one per line
    order = list(schema["$defs"]["exercise"]["properties"])
    for record in doc["exercises"]:  # exercises.json too: a record reads from its id
        assert list(record) == order
        assert list(record["dosage"]) == sorted(record["dosage"])  # nested objects sorted
        assert all(list(s) == sorted(s) for s in record["sources"])
    assert all(list(r) == order for r in records)
    table = pq.read_table(release / "exercises.parquet").schema
    assert str(table.field("repetitions_min").type) == "int64"
    assert str(table.field("hold_seconds_min").type) == "double"
    assert str(table.field("mention_count").type) == "int64"
    assert str(table.field("aliases").type) == "list<element: string>"
    package = load(release / "datapackage.json")
    csv_fields = {f["name"]: f for f in package["resources"][2]["schema"]["fields"]}
    assert csv_fields["position"]["constraints"]["enum"] == schema["$defs"]["position"]["enum"]
    assert csv_fields["repetitions_min"]["type"] == "integer"
    assert csv_fields["steps"] == {**csv_fields["steps"], "type": "list", "delimiter": "\n"}
    rows = pd.read_csv(release / "exercises.csv", dtype=str, keep_default_na=False)
    counts = rows["repetitions_min"][rows["repetitions_min"] != ""]
    assert len(counts) and all(c.isdigit() for c in counts)  # "10", not "10.0"

    def corrupted(name: str, change: Any, *, rehash: bool = True) -> Path:
        folder = Path(shutil.copytree(release, tmp_path / f"c{len(list(tmp_path.iterdir()))}"))
        data = change((folder / name).read_bytes())
        if rehash:
            _rehashed(folder, name, data)
        else:
            (folder / name).write_bytes(data)
        return folder

    def swap(old: bytes, new: bytes) -> Any:
        def change(data: bytes) -> bytes:
            assert old in data
            return data.replace(old, new, 1)

        return change

    position = next(r["position"] for r in records if r["position"]).encode()
    jsonl_position = b'"position": "' + position
    header = list(rows.columns)
    bad_row = ",".join("bad-id" if c == "id" else "many" if c == "mention_count" else "x"
                       if c == "name" else "" for c in header).encode()  # fmt: skip
    bad = {  # each caught for what it is, not only by the changed hash
        "constraint-error": corrupted("exercises.csv", swap(b"," + position + b",", b",up,")),
        "constraint-error ": corrupted("exercises.jsonl", swap(jsonl_position, b'"position": "up')),
        "type-error": corrupted("exercises.jsonl", swap(jsonl_position, b'"position": 7, "x": "')),
        "type-error ": corrupted("exercises.csv", swap(b"\n", b"\n" + bad_row + b"\n")),
        "hash-count": corrupted(
            "exercises.parquet", lambda d: d[:-9] + bytes([d[-9] ^ 1]) + d[-8:], rehash=False
        ),
        "hash-count ": corrupted("exercises.json", swap(b"{", b"{ "), rehash=False),
    }
    for error, folder in bad.items():
        report = validate(str(folder / "datapackage.json"))
        assert error.strip() in {t for (t,) in report.flatten(["type"])}, (error, folder)
    # a JSON resource is not read by frictionless: the schema's check is pipeline validate's
    forged = corrupted("exercises.json", swap(b'"position": "' + position, b'"position": "upside'))
    assert validate(str(forged / "datapackage.json")).valid
    result = CliRunner().invoke(main, ["validate", str(forged / "exercises.json")])
    assert result.exit_code == 1 and "upside" in result.output


def test_datasets_and_duckdb_load_a_release_in_one_line_with_the_same_rows(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # no network, no home cache
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    import datasets
    import duckdb

    release = session.release("0.2.0")
    exercises = load(release / "exercises.json")["exercises"]
    cache = str(tmp_path / "cache")
    lines = datasets.load_dataset(
        "json", data_files=str(release / "exercises.jsonl"), split="train", cache_dir=cache
    )
    table = datasets.load_dataset(
        "parquet", data_files=str(release / "exercises.parquet"), split="train", cache_dir=cache
    )
    ids = [e["id"] for e in exercises]
    assert lines["id"] == ids == table["id"]
    for column in ("name", "aliases", "steps", "category", "position", "equipment", "variations"):
        assert lines[column] == table[column] == [e[column] for e in exercises], column
    assert any(a == [] for a in table["aliases"])  # an empty list stays a list, not a null
    assert table.features["repetitions_min"].dtype == "int64"
    assert table.features["hold_seconds_min"].dtype == "float64"
    assert lines["dosage"][0].keys() == exercises[0]["dosage"].keys()
    got = duckdb.sql(
        f"SELECT id, aliases, steps, repetitions_min FROM '{release / 'exercises.parquet'}'"
    ).fetchall()
    assert [(i, list(a), list(s)) for i, a, s, _ in got] == [
        (e["id"], e["aliases"], e["steps"]) for e in exercises
    ]
    reps = {i: r for i, _, _, r in got}
    for e in exercises:
        dose = e["dosage"]["repetitions"]
        assert reps[e["id"]] == (dose["min"] if dose else None)


def test_the_csv_read_by_its_table_schema_gives_the_parquet_rows_empty_lists_and_nulls_apart(
    session: Session,
) -> None:
    """A consumer's reading of the CSV, from the descriptor alone: a list column's empty cell is
    an empty list (lists are never null), another column's empty cell is a null. Read so, the
    CSV holds exactly the Parquet table's values."""
    import csv

    import pyarrow.parquet as pq

    release = session.release("0.2.0")
    package = load(release / "datapackage.json")
    (resource,) = [r for r in package["resources"] if r["path"] == "exercises.csv"]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    missing = resource["schema"]["missingValues"]

    def cell(name: str, text: str) -> Any:
        field = fields[name]
        if field["type"] == "list":
            return text.split(field["delimiter"]) if text else []
        if text in missing:
            return None
        if field["type"] == "integer":
            return int(text)
        if field["type"] == "number":
            return float(text)
        if field["type"] == "boolean":
            return text in field["trueValues"]
        return text

    with (release / "exercises.csv").open(encoding="utf-8", newline="") as f:
        read = [{k: cell(k, v) for k, v in row.items()} for row in csv.DictReader(f)]
    table = pq.read_table(release / "exercises.parquet").to_pylist()
    assert list(read[0]) == list(table[0]) == list(fields)
    assert read == table
    assert any(r["aliases"] == [] for r in read)  # empty lists ...
    assert any(r["position"] is None for r in read)  # ... and nulls, both present and apart


def test_the_id_map_of_a_release_holds_only_ids_a_release_shipped() -> None:
    from exercise_pipeline.release.publishing import released_id_map

    id_map = [
        {"old": "plank", "new": "front-plank", "reason": "merged"},  # plank was released
        {"old": "front-plank", "new": "forearm-plank", "reason": "merged"},  # never released
        {"old": "warm-up", "new": None, "reason": "removed"},  # only ever between releases
        {"old": "bridge", "new": None, "reason": "removed"},
    ]
    got = released_id_map(
        id_map, frozenset({"plank", "bridge", "cobra"}), frozenset({"forearm-plank", "cobra"})
    )
    assert got == [
        {"old": "plank", "new": "forearm-plank", "reason": "merged"},
        {"old": "bridge", "new": None, "reason": "removed"},
    ]


def test_a_diff_shows_old_and_new_values_and_steps_as_a_unified_diff() -> None:
    def record(**changes: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "id": "cobra", "name": "Cobra", "position": "prone", "equipment": ["mat"],
            "steps": ["Lie face down.", "Press your chest up.", "Hold."],
            "dosage": {"hold_seconds": {"min": 5, "max": 5}, "repetitions": None},
            "sources": [{"mention": "a#cobra"}],
        }  # fmt: skip
        return {**base, **changes}

    old = {"exercises": [record()], "dataset": {}}
    new = {
        "exercises": [
            record(
                position="supine",
                equipment=["mat", "towel"],
                steps=["Lie face down.", "Press your chest up slowly.", "Hold."],
                dosage={"hold_seconds": {"min": 5, "max": 10}, "repetitions": {"min": 8, "max": 8}},
            )
        ],
        "dataset": {},
    }
    diff = diff_datasets(old, new)
    ((_, item),) = [(k, i) for k, i in diff.sections() if k == "Changed"]
    head, *lines = item[0].split("\n")
    assert head == (
        "cobra: steps: +1 −1 line(s); position: prone → supine; equipment: +towel; "
        "dosage.hold_seconds: 5 → 5-10; dosage.repetitions: none → 8"
    )
    assert lines == ["steps:", "-Press your chest up.", "+Press your chest up slowly."]
    (changed,) = diff.as_json()["changed"]
    assert changed["fields"] == ["steps", "position", "equipment", "dosage.hold_seconds",
                                 "dosage.repetitions"]  # fmt: skip
    by_field = {c["field"]: c for c in changed["changes"]}
    assert by_field["position"] == {"field": "position", "old": "prone", "new": "supine"}
    assert by_field["steps"]["diff"] == lines[1:]
    entry = changelog_entry(diff, "0.2.0", previous="0.1.0", date=None)
    assert "- `cobra`: steps: +1 −1 line(s); position: prone → supine;" in entry
    assert (
        "\n\n  ```diff\n  -Press your chest up.\n  +Press your chest up slowly.\n  ```\n" in entry
    )


def test_a_card_template_lays_out_the_sections_and_a_bad_one_is_refused_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exercise_pipeline.release.publishing

    s = Session(tmp_path)
    template = tmp_path / "card.md"
    template.write_text(
        "# Our exercises $version\n\n$summary\n\n$$5 a copy.\n\n$quality\n\n$disclaimer\n"
    )
    s.run("publish", "--version", "0.1.0", "--card-template", str(template))
    card = (s.release("0.1.0") / "README.md").read_text(encoding="utf-8")
    assert card.startswith("# Our exercises 0.1.0\n\n") and "$5 a copy." in card
    assert "review items were open when it was built" in card
    assert "each held out of the model's training, extraction recall is" in card
    assert "## Health disclaimer" not in card  # the team's layout, not the default's

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built before checking the template")

    monkeypatch.setattr(exercise_pipeline.release.publishing, "build_in_memory", no_build)
    template.write_text("$summary\n$fields\n$recipe\n$disclaimer\n")
    bad = s.run("publish", "--version", "0.2.0", "--card-template", str(template), ok=False)
    assert bad.exit_code == 2 and "names no section $recipe" in bad.output


def test_what_a_review_found_the_release_code_must_get_right(tmp_path: Path) -> None:
    from exercise_pipeline.errors import PipelineError
    from exercise_pipeline.licenses import derive
    from exercise_pipeline.release.card import check
    from exercise_pipeline.release.diff import FieldChange
    from exercise_pipeline.release.tables import csv_bytes

    # a step that starts with "--" is a step, not a diff header
    change = FieldChange("steps", ["Lie down.", "-- then rest"], ["Lie down.", "-- then stand"])
    assert change.unified() == ["--- then rest", "+-- then stand"]
    # an expression is a choice for the team, whatever its order
    assert derive(["MIT OR CC0-1.0", "CC-BY-4.0"]).license == "NOASSERTION"
    assert derive(["CC0-1.0 OR MIT", "CC-BY-4.0"]).license == "NOASSERTION"
    # a card keeps its health warning, and its YAML at the top
    with pytest.raises(PipelineError, match=r"leaves out \$disclaimer"):
        check("$summary\n$fields\n")
    with pytest.raises(PipelineError, match="after other text"):
        check("# Card\n$front_matter\n$disclaimer\n")
    # a fractional count is refused with the exercise's id, not a traceback
    record = {"id": "plank", "name": "Plank", "dosage": {"sets": {"min": 1.5, "max": 1.5}}}
    with pytest.raises(PipelineError, match=r"exercise plank.*sets"):
        csv_bytes({"exercises": [record]})


def test_a_changelog_shows_a_steps_diff_as_a_fenced_block() -> None:
    def doc(steps: list[str]) -> dict[str, Any]:
        return {"exercises": [{"id": "bridge", "name": "Bridge", "steps": steps}], "dataset": {}}

    diff = diff_datasets(doc(["Lie down.", "Lift."]), doc(["Lie down.", "Lift slowly."]))
    entry = changelog_entry(diff, "0.2.0", previous="0.1.0", date=None)
    assert (
        "- `bridge`: steps: +1 −1 line(s)\n\n  ```diff\n  -Lift.\n  +Lift slowly.\n  ```" in entry
    )
