"""Boilerplate, promotion and spam rules: which blocks and which sentences go, and why.

Block rules judge a whole block (a link-bait line, a comment form, a byline, a date line); a
few context rules look at neighbours (the list under a "Related articles" heading). Sentence
rules judge one sentence, so that a promotion spliced into instructions is cut and the rest of
the paragraph stays. The rule tables are in ``data/cleaning.toml``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from exercise_pipeline.clean.drugs import promotion_rule
from exercise_pipeline.models import Block, BlockKind
from exercise_pipeline.vocab import load

Verdict = tuple[str, str]  # (reason, rule)


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    reason: str
    pattern: re.Pattern[str]
    max_words: int | None = None
    first_blocks: int | None = None


@functools.cache
def block_rules() -> tuple[Rule, ...]:
    return tuple(
        Rule(
            r["name"],
            r["reason"],
            re.compile(r["pattern"], re.I),
            r.get("max_words"),
            r.get("first_blocks"),
        )
        for r in load("cleaning")["block"]
    )


@functools.cache
def sentence_rules() -> tuple[Rule, ...]:
    return tuple(
        Rule(r["name"], r["reason"], re.compile(r["pattern"], re.I))
        for r in load("cleaning")["sentence"]
    )


@functools.cache
def _related_heading() -> re.Pattern[str]:
    return re.compile(load("cleaning")["related_headings"], re.I)


@functools.cache
def _comments_heading() -> re.Pattern[str]:
    return re.compile(load("cleaning")["comments_headings"], re.I)


@functools.cache
def _services_heading() -> re.Pattern[str]:
    return re.compile(load("cleaning")["services_headings"], re.I)


@functools.cache
def _toc_heading() -> re.Pattern[str]:
    return re.compile(load("cleaning")["toc_headings"], re.I)


@functools.cache
def scrape_prefix() -> re.Pattern[str]:
    return re.compile(load("cleaning")["scrape_prefix"], re.I)


def block_verdict(block: Block, position: int, *, disabled: frozenset[str]) -> Verdict | None:
    """The first block rule that matches a block, if any."""
    text = block.text
    n_words = len(text.split())
    for rule in block_rules():
        if rule.name in disabled:
            continue
        if rule.first_blocks is not None and position >= rule.first_blocks:
            continue
        if rule.max_words is not None and n_words > rule.max_words:
            continue
        if rule.pattern.search(text):
            return rule.reason, rule.name
    return None


def _list_item(block: Block) -> bool:
    return block.kind is BlockKind.LIST_ITEM


def _toc_item(block: Block) -> bool:
    return block.kind is BlockKind.LIST_ITEM and len(block.text.split()) <= 12


def _list_like(block: Block) -> bool:
    return block.kind in (BlockKind.LIST_ITEM, BlockKind.TABLE_ROW) or len(block.text.split()) <= 14


def classify_blocks(
    blocks: Sequence[Block], *, disabled: frozenset[str] = frozenset()
) -> dict[int, Verdict]:
    """Verdicts for the blocks that go entirely, keyed by position in ``blocks``."""
    verdicts: dict[int, Verdict] = {}
    for i, block in enumerate(blocks):
        hit = block_verdict(block, i, disabled=disabled)
        if hit:
            verdicts[i] = hit
    # A related-articles heading takes the list (and bylines) under it; a table of contents
    # takes its list of links.
    context = (
        ("related-list", _related_heading(), ("related_list", "related-list-heading"), _list_like),
        ("table-of-contents", _toc_heading(), ("page_furniture", "table-of-contents"), _toc_item),
        ("services-list", _services_heading(), ("business_promotion", "services-list"), _list_item),
    )
    for name, heading, verdict, member in context:
        if name in disabled:
            continue
        for i, block in enumerate(blocks):
            if not heading.match(block.text):
                continue
            verdicts[i] = verdict
            j = i + 1
            while j < len(blocks) and (member(blocks[j]) or j in verdicts):
                if j not in verdicts or verdicts[j][0] == "page_furniture":
                    verdicts[j] = (verdict[0], f"{name}-item")
                j += 1
    if "comments-section" not in disabled:
        _comments(blocks, verdicts)
    return verdicts


def _comments(blocks: Sequence[Block], verdicts: dict[int, Verdict]) -> None:
    """A "Comments" heading: what follows, up to a heading as high as it, is reader comments."""
    for i, block in enumerate(blocks):
        if block.kind is not BlockKind.HEADING or not _comments_heading().match(block.text):
            continue
        verdicts[i] = ("comment_form", "comments-section")
        for j in range(i + 1, len(blocks)):
            nxt = blocks[j]
            if nxt.kind is BlockKind.HEADING and 0 < nxt.level <= block.level:
                break
            verdicts[j] = ("comment_form", "comments-section")


def sentence_verdict(
    sentence: str,
    document_text: str,
    *,
    disabled: frozenset[str] = frozenset(),
    use_dictionary: bool = True,
) -> Verdict | None:
    """Why a sentence goes (drug or business promotion, link bait, social plug), or None."""
    if "drug-promotion" not in disabled:
        rule = promotion_rule(sentence, document_text, use_dictionary=use_dictionary)
        if rule:
            return "drug_promotion", rule
    if not _any_sentence_rule().search(sentence):  # most sentences: cleared in one search
        return None
    for r in sentence_rules():
        if r.name not in disabled and r.pattern.search(sentence):
            return r.reason, r.name
    return None


@functools.cache
def _any_sentence_rule() -> re.Pattern[str]:
    """The sentence rules as one alternation (they hold no backreferences, and share their
    flags): a sentence none of them matches is told apart in one search instead of nine."""
    return re.compile("|".join(f"(?:{r.pattern.pattern})" for r in sentence_rules()), re.I)
