"""`pipeline review learn`: the pair-score weights refitted on labelled articles plus the
curator's decisions, kept beside the decisions, and read by every later build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise_pipeline.cli import main
from exercise_pipeline.merge.fit import labelled

from .conftest import CORPUS, RAW, ROOT

GOLD = CORPUS.parent / "eval" / "gold.json"


def test_decisions_refit_the_weights_that_later_builds_use(tmp_path: Path) -> None:
    if not GOLD.exists():
        pytest.skip("the labelled articles live in ../shared beside the repository")
    raw = Path(shutil.copytree(RAW, tmp_path / "raw"))
    out, decisions = tmp_path / "out", tmp_path / "review" / "decisions.json"
    common = ["--out", str(out), "--decisions", str(decisions)]
    assert CliRunner().invoke(main, ["-q", "build", "--raw", str(raw), *common]).exit_code == 0
    # A curator disagrees with the labeller about a blocked pair of the seeds.
    data = labelled(GOLD, [raw])
    pair = next(p for p in data.pairs if p.same)
    assert CliRunner().invoke(main, ["review", "different", pair.a, pair.b, *common]).exit_code == 0
    learn = ["review", "learn", "--gold", str(GOLD), "--articles", str(raw), "--raw", str(raw)]
    first = CliRunner().invoke(main, [*learn, *common])
    assert first.exit_code == 0, first.output
    assert "1 of them labelled by decisions" in first.output
    assert "refitted, each source held out, P=" in first.output
    weights = decisions.parent / "merge_weights.json"
    shipped = json.loads((ROOT / "exercise_pipeline" / "data" / "merge_weights.json").read_text())
    team = json.loads(weights.read_text(encoding="utf-8"))
    assert team["weights"] != shipped["weights"]
    again = CliRunner().invoke(main, [*learn, *common])
    assert "unchanged:" in again.output  # deterministic: the same file
    # The next build scores pairs with the team's weights.
    assert CliRunner().invoke(main, ["-q", "build", "--raw", str(raw), *common]).exit_code == 0
    queue = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))
    used = {x["name"]: x["weight"] for c in queue["conflicts"] if c.get("pair")
            for x in c["pair"]["components"]}  # fmt: skip
    assert used.pop("intercept") == team["intercept"]
    assert used and used == {k: w for k, w in team["weights"] if k in used}
