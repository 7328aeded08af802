"""Licences as data: SPDX ids checked at `add`, the dataset's licence derived from its
sources', `publish --require-licenses`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise_pipeline.cli import main
from exercise_pipeline.licenses import NOASSERTION, derive, spdx

from .conftest import RAW


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        (["CC-BY-4.0"] * 3, "CC-BY-4.0"),
        (["CC0-1.0", "MIT", "CC-BY-4.0"], "CC-BY-4.0"),  # attribution carries the others
        (["CC-BY-4.0", "CC-BY-SA-4.0"], "CC-BY-SA-4.0"),
        (["CC-BY-NC-SA-4.0", "CC-BY-SA-4.0", "CC-BY-4.0"], "CC-BY-NC-SA-4.0"),
        (["CC-BY-SA-4.0", "CC-BY-NC-4.0"], NOASSERTION),  # no source carries both
        (["CC-BY-ND-4.0"], NOASSERTION),  # a dataset extracted from it is a derivative
        (["GPL-3.0-only", "CC-BY-4.0"], NOASSERTION),
        (["CC-BY-4.0", None], NOASSERTION),
        (["CC-BY-4.0", "All rights reserved"], NOASSERTION),
        ([], NOASSERTION),
    ],
)
def test_the_dataset_licence_is_the_most_restrictive_that_carries_every_condition(
    sources: list[str | None], expected: str
) -> None:
    found = derive(sources)
    assert found.license == expected
    assert found.reason  # said in words, NOASSERTION included


def test_spdx_ids_are_spelled_as_spdx_does() -> None:
    assert spdx("cc-by-sa-4.0") == "CC-BY-SA-4.0"
    assert spdx("mit OR apache-2.0") == "MIT OR Apache-2.0"
    assert spdx("CC-BY-4") is None and spdx("public domain") is None


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RAW, tmp_path / "raw"))


def _article(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(
        f"# Two stretches ({name})\n\n## Cobra\n\nLie face down and press your chest up. Hold 5 "
        "seconds.\n\n## Cat-Cow\n\nOn hands and knees, arch and round your back 10 times.\n",
        encoding="utf-8",
    )
    return path


def test_add_records_an_spdx_licence_and_warns_on_an_unknown_one(tmp_path: Path) -> None:
    raw = _copy(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(
        main, ["add", str(_article(tmp_path, "a.md")), "--license", "cc-by-4.0", "--raw", str(raw)]
    )
    assert ok.exit_code == 0, ok.output
    odd = runner.invoke(
        main, ["add", str(_article(tmp_path, "b.md")), "--license", "Mine", "--raw", str(raw)]
    )
    assert odd.exit_code == 0 and "'Mine' is not an SPDX licence" in odd.output
    recorded = {
        s["id"]: s["license"] for s in json.loads((raw / "sources.json").read_text())["sources"]
    }
    assert recorded["a"] == "CC-BY-4.0" and recorded["b"] == "Mine"


def test_publish_require_licenses_refuses_sources_without_one(tmp_path: Path) -> None:
    raw = _copy(tmp_path)
    args = [
        *("--raw", str(raw), "--out", str(tmp_path / "out"), "--no-cache"),
        *("--decisions", str(tmp_path / "d.json"), "--releases", str(tmp_path / "rel")),
    ]
    refused = CliRunner().invoke(
        main, ["publish", "--version", "0.1.0", "--require-licenses", *args]
    )
    assert refused.exit_code == 2
    assert "records no licence" in refused.output and not (tmp_path / "rel").exists()
    manifest = json.loads((raw / "sources.json").read_text())
    for entry in manifest["sources"]:
        entry["license"] = "CC-BY-4.0"
    manifest["sources"][0]["license"] = "CC-BY-SA-4.0"
    (raw / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    done = CliRunner().invoke(main, ["publish", "--version", "0.1.0", "--require-licenses", *args])
    assert done.exit_code == 0, done.output
    release = tmp_path / "rel" / "0.1.0"
    (license_,) = json.loads((release / "datapackage.json").read_text())["licenses"]
    assert license_["name"] == "CC-BY-SA-4.0"
    assert license_["path"] == "https://spdx.org/licenses/CC-BY-SA-4.0.html"
    card = (release / "README.md").read_text(encoding="utf-8")
    assert '"license": "cc-by-sa-4.0"' in card
    assert "Dataset licence: `CC-BY-SA-4.0` (the most restrictive of the sources' licences" in card
