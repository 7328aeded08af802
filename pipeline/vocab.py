"""Vocabularies and rule tables: TOML data files in ``pipeline/data``, loaded once.

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
    text = resources.files("pipeline.data").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def words(name: str, key: str) -> frozenset[str]:
    """A word list from a data file, lower-cased."""
    return frozenset(w.lower() for w in load(name)[key])


@functools.cache
def phrase_regex(name: str, key: str) -> re.Pattern[str]:
    """One case-insensitive regex matching any phrase of a list on word boundaries."""
    phrases = sorted(load(name)[key], key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"[\s\-]+") for p in phrases)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.I)
