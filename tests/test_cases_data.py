"""Data-driven golden cases for text repair and junk detection (tests/cases/*.json)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exercise_pipeline.align import Aligned
from exercise_pipeline.clean.repair import repair
from exercise_pipeline.clean.rules import _any_sentence_rule, sentence_rules, sentence_verdict

from .conftest import CASES


def cases(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((CASES / name).read_text(encoding="utf-8"))["cases"]
    return data


def repair_params() -> list[Any]:
    out = []
    for case in cases("repairs.json"):
        marks = (
            [pytest.mark.xfail(strict=True, reason=case["label"])]
            if case["expect"] == "fail"
            else []
        )
        out.append(pytest.param(case, id=case["label"], marks=marks))
    return out


@pytest.mark.parametrize("case", repair_params())
def test_repair_case(case: dict[str, Any]) -> None:
    fixed, repairs = repair(Aligned.from_source(case["original"], 0), "case")
    assert fixed.text == case["fixed"]
    if case["fixed"] == case["original"]:
        assert repairs == []
    for r in repairs:  # each repair names its fixer and points into the original text
        assert r.fixer and r.before != r.after
        assert 0 <= r.span[0] < r.span[1] <= len(case["original"])


@pytest.mark.parametrize("case", cases("spam.json"), ids=lambda c: c["sentence"][:40])
def test_junk_case(case: dict[str, Any]) -> None:
    document = "Lie on your back and hold. " + case["sentence"] + " Repeat on the other side."
    verdict = sentence_verdict(case["sentence"], document)
    got = verdict[0] if verdict else "keep"
    assert got == case["expect"], verdict


@pytest.mark.parametrize("case", cases("spam.json"), ids=lambda c: c["sentence"][:40])
def test_the_one_search_clears_only_sentences_no_rule_matches(case: dict[str, Any]) -> None:
    """The alternation of the sentence rules finds a match exactly where one of them does."""
    sentence = case["sentence"]
    one = _any_sentence_rule().search(sentence) is not None
    assert one == any(r.pattern.search(sentence) for r in sentence_rules())
