"""Drug promotion detection for one sentence.

A sentence is a drug promotion when it names a drug and is promotional, and is not advice or
caution. Names come from four places, so that brands no list knows are caught too:

1. the spam lexicon in ``data/drugs.toml`` (brands and generics of pushed drugs);
2. the drug dictionary of the ``drug-named-entity-recognition`` package (about 100,000 brand and
   generic names from MeSH, NHS and Wikipedia data), loaded without importing the package;
3. a product name with a dose ("Aspadol 100", "Soma 350 mg");
4. a capitalised word built on a drug stem ("-adol", "-afil", "-azepam", ...).

Independent of any name, "<Name> [dose] also helps ..." at the start of a sentence, where the
name is not an activity, equipment or exercise and appears nowhere else in the article, is the
shape spliced spam takes in scraped articles. So is an unknown product name (a capitalised
word English text almost never uses, by ``wordfreq``) with a dose, a pill form, a purchase or
a prescription ("Tydol 50 is the best choice when back pain does not go away", "Buy Ultracet
online"), and a known drug with a claim of relief in a sentence about pain.
"""

from __future__ import annotations

import bz2
import functools
import importlib.util
import logging
import pickle
import re
from pathlib import Path

from exercise_pipeline.vocab import COMMON_ZIPF, load, phrase_pattern, zipf

log = logging.getLogger(__name__)

_CLASSES: tuple[str, ...] = (
    "muscle_relaxants",
    "opioids",
    "sleep_and_anxiety",
    "wakefulness",
    "nerve_pain",
    "erectile",
    "other",
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z\-]+")
_SPLICE = re.compile(
    r"^(?P<name>(?-i:[A-Z][\w\-]*(?:\s+(?:[A-Z][\w\-]*|O|o|&))*?))\s+(?:\d{2,4}\s*(?:mg\s+)?)?"
    r"also\s+(?:helps?|works?|relieves?|eases?|reduces?|improves?|aids?|treats?|is)\b",
)


@functools.cache
def lexicon() -> frozenset[str]:
    data = load("drugs")
    return frozenset(name.lower() for key in _CLASSES for name in data[key])


@functools.cache
def _lexicon_regex() -> re.Pattern[str]:
    names = sorted(lexicon(), key=len, reverse=True)
    body = "|".join(phrase_pattern(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)


@functools.cache
def dictionary() -> frozenset[str]:
    """Single-word drug names of the package's dictionary (five letters or more)."""
    spec = importlib.util.find_spec("drug_named_entity_recognition")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("drug-named-entity-recognition is not installed (pip install -e .)")
    path = Path(next(iter(spec.submodule_search_locations))) / "drug_ner_dictionary.pkl.bz2"
    with bz2.open(path, "rb") as f:
        data = pickle.load(f)
    names = data["drug_variant_to_canonical"]
    return frozenset(n for n in names if len(n) >= 5 and n.isalpha())


@functools.cache
def _stems() -> tuple[str, ...]:
    return tuple(load("drugs")["stems"])


@functools.cache
def _safe_words() -> frozenset[str]:
    """Words that are never drug names here: activities, equipment, exercises, body parts."""
    safe = {w.lower() for w in load("drugs")["safe_subjects"]}
    fields = load("fields")
    for group in ("equipment", "body_areas", "positions"):
        for names in fields[group].values():
            safe.update(n.lower() for n in names)
    for name in load("exercises")["known_names"]:
        safe.update(name.lower().split())
    return frozenset(safe)


def drug_names(sentence: str, *, use_dictionary: bool = True) -> list[tuple[str, str]]:
    """Drug names in a sentence, each with where it was recognised."""
    found: list[tuple[str, str]] = []
    for m in _lexicon_regex().finditer(sentence):
        found.append((m.group(), "lexicon"))
    safe = _safe_words()
    for m in _TOKEN.finditer(sentence):
        word = m.group()
        low = word.lower()
        if low in safe or any(low == f.lower() for f, _ in found):
            continue
        if use_dictionary and low in dictionary():
            found.append((word, "dictionary"))
        elif word[0].isupper() and len(word) >= 5 and low.endswith(_stems()):
            found.append((word, "stem"))
    dose = re.compile(load("drugs")["dose_pattern"])
    for m in dose.finditer(sentence):
        name = m.group().rsplit(None, 1)[0] if " " in m.group() else m.group()
        if not set(name.lower().split()) & safe:
            found.append((m.group(), "dose"))
    return found


@functools.cache
def _promo() -> re.Pattern[str]:
    return re.compile(load("drugs")["promo_pattern"], re.I)


@functools.cache
def _caution() -> re.Pattern[str]:
    return re.compile(load("drugs")["caution_pattern"], re.I)


@functools.cache
def _shape() -> tuple[float, re.Pattern[str], re.Pattern[str], re.Pattern[str], float]:
    data = load("drugs")
    return (
        float(data["rare_zipf"]),
        re.compile(data["product_cue"], re.I),
        re.compile(data["relief_claim"], re.I),
        re.compile(data["relief_context"], re.I),
        float(data["english_share"]),
    )


@functools.lru_cache(maxsize=8)
def _lowered(text: str) -> str:
    return text.lower()  # one article's sentences are checked in turn: lower it once


@functools.lru_cache(maxsize=4096)
def _occurrences(lowered_text: str, word: str) -> int:
    """How often the article names a word: counted once per article and word, so that a
    long article's many sentences do not each scan it again."""
    return lowered_text.count(word.lower())


def unknown_products(sentence: str, document_text: str = "") -> list[str]:
    """Capitalised names that English text almost never uses and the article names at most
    twice: what an unknown brand looks like ("Tydol", "Relaxo-Max"), never an exercise,
    equipment or body word of the vocabularies.

    >>> unknown_products("Take Nervigesic daily."), unknown_products("Lie on your back.")
    (['Nervigesic'], [])
    """
    safe = _safe_words()
    text = _lowered(document_text)
    out = []
    for m in _TOKEN.finditer(sentence):
        word = m.group()
        parts = [p for p in word.lower().split("-") if p]
        if not word[0].isupper() or len(word) < 4 or any(p in safe for p in parts):
            continue
        rare = any(len(p) >= 4 and zipf(p) < _shape()[0] for p in parts)
        if rare and _occurrences(text, word) <= 2:
            out.append(word)
    return out


def product_promotion(sentence: str, document_text: str = "") -> bool:
    """An unknown product with a dose, a pill form, a purchase or a prescription. (A claim
    of relief alone is not enough: "The Pallof press helps reduce back pain" is advice.)

    >>> product_promotion("Tydol 50 is the best choice when back pain does not go away.")
    True
    >>> product_promotion("Take Wobenzym daily."), product_promotion("The Pallof press eases pain.")
    (True, False)
    >>> product_promotion("Loop a Theraband around your knees and press out.")
    False
    """
    shaped = _shape()[1].search(sentence) is not None
    if not shaped and not any(c.isdigit() for c in sentence):
        return False  # neither a pill, purchase or prescription, nor a number to dose with
    if not _english(sentence):  # first: it is cheaper than counting names in the article
        return False
    products = unknown_products(sentence, document_text)
    if not products:
        return False
    for name in products:  # a dose right after the name ("Tydol 50"), not a year ("March 2017")
        if re.search(rf"{re.escape(name)}\s+(?!(?:19|20)\d\d\b)\d{{2,4}}\b", sentence):
            return True
    return shaped


def _english(sentence: str) -> bool:
    """Most words are common English: the rare-word test means nothing in other languages."""
    words = [w.lower() for w in _TOKEN.findall(sentence)]
    common = sum(1 for w in words if zipf(w) >= COMMON_ZIPF)
    return bool(words) and common >= _shape()[4] * len(words)


def promotion_rule(
    sentence: str, document_text: str = "", *, use_dictionary: bool = True
) -> str | None:
    """The rule that makes ``sentence`` a drug promotion, or None.

    >>> promotion_rule("Pain O Soma also helps relieve stress and improve mobility.")
    'drug-lexicon'
    >>> promotion_rule("It works without the negative side effects of medications.") is None
    True
    """
    if _caution().search(sentence):
        return None
    # The names only matter beside a promotional cue or a claim of relief: found then only.
    _, _, claim, context, _ = _shape()
    promo = _promo().search(sentence) is not None
    names = None
    if promo:
        names = drug_names(sentence, use_dictionary=use_dictionary)
        if names:
            return f"drug-{names[0][1]}"
    m = _SPLICE.match(sentence.strip())
    if m:
        name = m.group("name")
        words = {w.lower() for w in _TOKEN.findall(name)}
        if words and not words & _safe_words() and _occurrences(_lowered(document_text), name) <= 1:
            return "drug-spliced-claim"
    if claim.search(sentence) and context.search(sentence):
        if names is None:
            names = drug_names(sentence, use_dictionary=use_dictionary)
        if names:
            return f"drug-{names[0][1]}-claim"  # "Valium can help you relax ..."
    if product_promotion(sentence, document_text):
        return "drug-product-shape"
    return None
