"""Vocabularies and rule tables: TOML data files in ``exercise_pipeline/data``, loaded once.

Word lists and patterns live in data so that they can be reviewed and extended without touching
code, and so that no rule is keyed to one article's wording.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Any


@functools.cache
def load(name: str) -> dict[str, Any]:
    """A data file of the package, parsed (``name`` without the ``.toml``)."""
    text = (
        resources.files("exercise_pipeline.data")
        .joinpath(f"{name}.toml")
        .read_text(encoding="utf-8")
    )
    return tomllib.loads(text)


def words(name: str, key: str) -> frozenset[str]:
    """A word list from a data file, lower-cased."""
    return frozenset(w.lower() for w in load(name)[key])


def phrase_pattern(phrase: str) -> str:
    """A regex for a phrase whose words may be joined by spaces or hyphens.

    >>> bool(re.fullmatch(phrase_pattern("hands and knees"), "hands-and-knees"))
    True
    """
    return r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", phrase.strip()) if w)


@functools.cache
def phrase_regex(name: str, key: str) -> re.Pattern[str]:
    """One case-insensitive regex matching any phrase of a list on word boundaries."""
    phrases = sorted(load(name)[key], key=len, reverse=True)
    body = "|".join(phrase_pattern(p) for p in phrases)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)


# Zipf frequency (log10 of uses per billion words) from which a word is everyday English.
COMMON_ZIPF = 3.0


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """The Zipf frequency of an English word by ``wordfreq`` (0 for a word it never saw)."""
    from wordfreq import zipf_frequency  # its word lists load on first use, not at start-up

    return float(zipf_frequency(word, "en"))
