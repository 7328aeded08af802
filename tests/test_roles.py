"""The learned role model: shipped as data, reproducible by one command, used without a
learning library, and honest about what a new article gets (leave-one-source-out)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exercise_pipeline.extract import ExtractSettings
from exercise_pipeline.extract.roles import ROLES, RoleModel, dump, shipped
from exercise_pipeline.models import Format

from .conftest import CORPUS, RAW, ROOT
from .test_extract import extracted

GOLD = CORPUS.parent / "eval" / "gold.json"


def test_the_shipped_model_equals_a_fresh_training() -> None:
    pytest.importorskip("sklearn")
    if not GOLD.exists():
        pytest.skip("the labelled articles live in ../shared beside the repository")
    from exercise_pipeline.extract.train import MODEL_PATH, examples, fit, training_set

    articles, labels = training_set(
        GOLD, [RAW, CORPUS / "dev"], ROOT / "tests" / "cases", ROOT / "review" / "decisions.json"
    )
    model = fit(examples(articles, labels, threshold=ExtractSettings().threshold))
    assert dump(model) == MODEL_PATH.read_text(encoding="utf-8"), "run `make train` and commit"
    assert len(articles) >= 16


def test_the_model_round_trips_and_scores_as_probabilities() -> None:
    model = shipped()
    assert set(model.classes) <= set(ROLES) and "exercise" in model.classes
    assert RoleModel.from_json(model.to_json()) == model
    scores = model.scores({"rule_score": 3.0, "kind:heading": 1.0})
    assert abs(sum(scores.values()) - 1.0) < 1e-9


def test_more_rule_evidence_moves_a_group_towards_exercise() -> None:
    model = shipped()
    weak = model.scores({"rule_score": -3.0, "has_body": 1.0})["exercise"]
    strong = model.scores({"rule_score": 4.0, "has_body": 1.0, "rule_exercise": 1.0})["exercise"]
    assert strong > weak


def test_rules_and_model_agree_on_a_plain_article() -> None:
    md = (
        "# Three stretches\n\n## Knee to Chest\n\nLie on your back. Pull one knee to your chest."
        " Hold for 20 seconds.\n\n## Cobra\n\nLie face down. Press your chest up with your "
        "hands. Hold for 10 seconds.\n\n## Why stretching helps\n\nIt keeps you supple.\n"
    )
    by_model = [m.name for m in extracted(md, Format.MARKDOWN).mentions]
    by_rules = [
        m.name
        for m in extracted(md, Format.MARKDOWN, settings=ExtractSettings(roles="rules")).mentions
    ]
    assert by_model == by_rules == ["Knee to Chest", "Cobra"]


def test_training_labels_come_from_gold_cases_and_decisions() -> None:
    from exercise_pipeline.extract.train import load_labels

    gold = {
        "sources": ["s"],
        "mentions": [{"source": "s", "names": ["Cobra"], "keep": ["Press up"]}],
    }
    decisions = [
        {"kind": "reject", "mentions": ["s#warm-up-2"]},
        {"kind": "rename", "mentions": ["s#unnamed-1"], "name": "X"},
    ]
    cases = [{"article": "dev/s.md", "mentions": [{"name": "Bridge", "opening": "Lift your hips"}]}]
    labels = load_labels(gold, cases, decisions)["s"]
    assert labels.mentions == ((("Cobra",), "Press up"), (("Bridge",), "Lift your hips"))
    # Keys carry the ordinal of a repeated name; a candidate's slug does not.
    assert labels.rejected == ("warm-up",) and labels.renamed == ("unnamed",)


def test_the_model_file_is_small() -> None:
    path = Path(__file__).resolve().parent.parent / "exercise_pipeline" / "data" / "roles.json"
    assert path.stat().st_size < 64_000


def test_the_shipped_merge_weights_equal_a_fresh_fit() -> None:
    pytest.importorskip("sklearn")
    if not GOLD.exists():
        pytest.skip("the labelled articles live in ../shared beside the repository")
    from exercise_pipeline.merge.fit import WEIGHTS_PATH, dump, fit, training_pairs

    pairs = training_pairs(GOLD, [RAW, CORPUS / "dev"], ROOT / "review" / "decisions.json")
    assert dump(fit(pairs), pairs) == WEIGHTS_PATH.read_text(encoding="utf-8"), "run `make train`"
    assert sum(p.same for p in pairs) >= 40


def test_the_shipped_word_weights_equal_a_fresh_count() -> None:
    if not GOLD.exists():
        pytest.skip("the labelled articles live in ../shared beside the repository")
    from exercise_pipeline.merge.blocking import WORDS_PATH, shipped_words
    from exercise_pipeline.merge.fit import labelled_mentions, word_weights

    fresh = word_weights(labelled_mentions(GOLD, [RAW, CORPUS / "dev"]))
    assert fresh.dump() == WORDS_PATH.read_text(encoding="utf-8"), "run `make train`"
    words = shipped_words()
    # the domain's everyday words weigh less than its telling ones
    assert words.documents >= 100 and words.idf("lie") < words.idf("piriformis")


def test_fitted_weights_make_a_curators_different_a_label() -> None:
    pytest.importorskip("sklearn")
    from exercise_pipeline.merge.fit import labelled_pairs
    from exercise_pipeline.models import Decision

    from .test_merge import KNEE, mention

    a = mention("s1#knee-to-chest", "Knee to Chest", KNEE)
    b = mention("s2#knee-to-chest", "Knee to Chest", KNEE)
    gold = {a.key: "knee-to-chest", b.key: "knee-to-chest"}
    (pair,) = labelled_pairs([a, b], gold)
    assert pair.same
    (pair,) = labelled_pairs([a, b], gold, [Decision("different", (a.key, b.key))])
    assert not pair.same


def test_the_shipped_evaluation_is_what_the_held_out_run_gives(tmp_path: Path) -> None:
    # the dataset card quotes exercise_pipeline/data/evaluation.json: it must be this version's
    pytest.importorskip("sklearn")
    if not GOLD.exists():
        pytest.skip("the labelled articles live in ../shared beside the repository")
    fresh = tmp_path / "evaluation.json"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "loso.py"), "--gold", str(GOLD),
         "--write", str(fresh)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    shipped = ROOT / "exercise_pipeline" / "data" / "evaluation.json"
    assert fresh.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8"), (
        "run `make train` and commit"
    )
    figures = json.loads(shipped.read_text(encoding="utf-8"))
    assert figures["labelled_articles"] >= 16 and 0 < figures["extraction"]["recall"] <= 1


def test_what_the_labeller_left_open_teaches_nothing() -> None:
    from exercise_pipeline.extract.train import load_labels

    gold = {
        "sources": ["s"],
        "mentions": [
            {"source": "s", "names": ["Cobra"], "keep": ["Press up"], "status": "required"},
            {"source": "s", "names": ["Mindful Breathing"], "keep": None, "status": "optional"},
        ],
        "extra_ok": {"s": ["Child's Pose"]},
    }
    labels = load_labels(gold)["s"]
    assert labels.mentions == ((("Cobra",), "Press up"),)
    assert labels.optional == ((("Mindful Breathing",), None), (("Child's Pose",), None))
    assert load_labels({**gold, "extra_ok": {}})["s"].optional == ((("Mindful Breathing",), None),)


def test_a_plans_short_name_for_a_described_exercise_is_labelled_a_reference(
    tmp_path: Path,
) -> None:
    from exercise_pipeline.extract.train import article_blocks, label_groups, load_labels

    md = (
        "## Knee-to-Chest Stretch\n\nLie on your back. Pull one knee toward your chest and "
        "hold for 30 seconds.\n\n## Plan\n\n| Exercise | Sets | Reps |\n|---|---|---|\n"
        "| Knee-to-Chest | 2 | 5 |\n| Child's Pose | 1 | 3 |\n"
    )
    path = tmp_path / "s.md"
    path.write_text(md, encoding="utf-8")
    source, blocks = article_blocks(path)
    gold = {
        "sources": [source],
        "mentions": [{"source": source, "names": ["Knee-to-Chest Stretch"], "keep": ["Pull one"]}],
        "extra_ok": {source: ["Child's Pose"]},
    }
    examples = label_groups(blocks, load_labels(gold)[source], threshold=2.0)
    # the described exercise, its plan row (a reference), the plan's title; the open
    # "Child's Pose" row gives no example at all
    assert sorted(e.role for e in examples) == ["exercise", "reference", "title"]
