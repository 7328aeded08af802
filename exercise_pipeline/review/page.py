"""The static review page, ``output/review.html``: the whole queue, readable offline.

Every piece of article text is untrusted: it is escaped where it is written, and a Content
Security Policy allows no script but the page's own (by hash), no images, no requests, so
that even an escaping mistake could not run code from an article. The page shows a summary
by kind; it sorts (by score, kind, source, exercise) and filters (by kind, source, score
range and text), shows steps of a pair compact (the differing ones, the rest on opening),
and renders the matching conflicts a page at a time so that a queue of thousands stays
quick. Offline, its buttons and keys collect decisions in the page, exported as a file for
``pipeline review apply``; served by ``pipeline review serve`` they are recorded at once.
"""

from __future__ import annotations

import base64
import difflib
import functools
import hashlib
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

JSON = dict[str, Any]
_WORDS = re.compile(r"\S+|\s+")


@functools.cache
def asset(name: str) -> str:
    """A file of the page (review.css, review.js), shipped in the package."""
    return (
        resources.files("exercise_pipeline.review")
        .joinpath("assets", name)
        .read_text(encoding="utf-8")
    )


def e(value: object) -> str:
    """Escape anything for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def _value(value: object) -> str:
    if isinstance(value, dict) and set(value) == {"min", "max"}:
        lo, hi = value["min"], value["max"]
        return f"{lo}" if lo == hi else f"{lo}–{hi}"
    if isinstance(value, dict) and "text" in value:
        return str(value["text"])
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return "—" if value is None else str(value)


def diff_segments(mine: str, theirs: str) -> list[tuple[str, bool]]:
    """``mine`` in segments, each marked when ``theirs`` lacks those words.

    >>> diff_segments("lie on your back", "lie on your side")
    [('lie on your ', False), ('back', True)]
    """
    a, b = _WORDS.findall(mine), _WORDS.findall(theirs)
    out: list[tuple[str, bool]] = []
    for op, i1, i2, _, _ in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        piece = "".join(a[i1:i2])
        marked = op != "equal" and bool(piece.strip())
        if out and out[-1][1] == marked:
            out[-1] = (out[-1][0] + piece, marked)
        else:
            out.append((piece, marked))
    return out


def _side(brief: JSON | None, other: JSON | None) -> JSON:
    if brief is None:
        return {"name": "(mention not in this build)", "key": "", "fields": [], "evidence": [],
                "steps": [], "description": [], "passage": None}  # fmt: skip
    fields: JSON = brief.get("fields", {})
    theirs: JSON = other.get("fields", {}) if other else {}
    steps_other = " ".join(other.get("steps", [])) if other else None
    p = brief.get("passage")
    return {
        "name": brief.get("name") or "(no name)",
        "key": brief["mention"],
        "fields": [
            [k, _value(fields[k]), other is not None and fields.get(k) != theirs.get(k)]
            for k in sorted(fields)
        ],
        "evidence": [x["text"] for x in brief.get("evidence", [])],
        "steps": [
            diff_segments(step, steps_other) if steps_other is not None else [(step, False)]
            for step in brief.get("steps", [])
        ],
        "description": list(brief.get("description", [])),
        "passage": [p["before"], p["text"], p["after"]] if p else None,
    }


@dataclass(frozen=True)
class Served:
    """The page as ``pipeline review serve`` serves it: with decision buttons that send this
    run's token, and the decisions already recorded (kind, mentions, field and their words)."""

    token: str
    decisions: list[JSON] = field(default_factory=list)


def decides(card: JSON, decision: JSON) -> bool:
    """Whether a decision settles a queue item (the page script has the same rule): same or
    different about its two mentions, prefer of its field by one of them, reject of one of
    its (at most two) mentions, rename of an unnamed step list or of a name item's record."""
    mentions, said = set(card["mentions"]), decision["mentions"]
    kind = decision["kind"]
    if kind in ("same", "different"):
        return len(mentions) == 2 and mentions <= set(said)
    if kind == "prefer":
        return (
            card["kind"] == "field"
            and decision.get("field") == card.get("field")
            and (said[0] in mentions)
        )
    if kind == "reject":
        return len(mentions) <= 2 and said[0] in mentions
    return kind == "rename" and card["kind"] in ("unnamed", "name") and said[0] in mentions


def cards(doc: JSON) -> list[JSON]:
    """The conflicts of a queue document as the page script's plain data."""
    return [_card(c) for c in doc.get("conflicts", [])]


def _card(c: JSON) -> JSON:
    """One conflict as plain data for the page script (no markup anywhere)."""
    texts: list[JSON | None] = c.get("texts", [])
    search = " ".join(
        [c["key"], *c.get("exercise_ids", []), *c.get("exercise_names", [])]
        + [t.get("name") or "" for t in texts if t]
    ).lower()
    lines: list[str] = []
    table: JSON | None = None
    against: list[str] = []
    if c["kind"] == "merge" and c.get("pair"):
        pair = c["pair"]
        lines.append(f"Score {pair['score']:.3f} ({pair['outcome']})")
        table = {
            "head": ["component", "value", "weight", "contribution"],
            "rows": [
                {
                    "cells": [
                        x["name"],
                        f"{x['value']:.3f}",
                        f"{x['weight']:.2f}",
                        f"{x['value'] * x['weight']:+.3f}",
                    ]
                }
                for x in pair["components"]
            ],
        }
        against = list(pair.get("against", []))
    elif c["kind"] == "field":
        lines.append(f"Field {c.get('field')}: chosen by rule {c.get('rule')}.")
        rows = []
        for v in c.get("values", []):
            chosen = v["value"] == c.get("chosen")
            label = _value(v["value"]) + (" (chosen)" if chosen else "")
            rows.append(
                {"cls": "chosen" if chosen else None, "cells": [label, ", ".join(v["mentions"])]}
            )
        table = {"head": ["value", "given by"], "rows": rows}
    if len(texts) == 2 and c["kind"] == "merge":
        sides = [_side(texts[0], texts[1]), _side(texts[1], texts[0])]
    else:
        sides = [_side(t, None) for t in texts]
    return {
        "kind": c["kind"],
        "key": c["key"],
        "title": " / ".join(c.get("exercise_names") or c.get("mentions", [])),
        "search": search,
        "lines": lines,
        "table": table,
        "against": against,
        "sides": sides,
        "commands": list(c.get("commands", [])),
        # What a decision on this item names: its mentions, and for a field its values'.
        "mentions": list(c.get("mentions", [])),
        "sources": sorted({m.split("#", 1)[0] for m in c.get("mentions", [])}),
        "score": c["pair"]["score"] if c.get("pair") else None,
        "field": c.get("field"),
        "values": [
            {"label": _value(v["value"]), "mention": v["mentions"][0]}
            for v in c.get("values", [])
            if v.get("mentions")
        ],
    }


def script_json(value: object) -> str:
    """JSON that is safe inside a <script> data block: no "<", ">" or "&" left to close it.

    >>> "</" in script_json({"a": "</script>"}), json.loads(script_json({"a": "<&>"}))
    (False, {'a': '<&>'})
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def script_hash() -> str:
    digest = hashlib.sha256(asset("review.js").encode()).digest()
    return "sha256-" + base64.b64encode(digest).decode()


def render(doc: JSON, *, title: str = "Review queue", served: Served | None = None) -> str:
    """The review page for a conflicts document (``output/conflicts.json``); ``served``: the
    page of the review server, whose buttons record decisions."""
    conflicts: Sequence[JSON] = doc.get("conflicts", [])
    counts: JSON = doc.get("counts", {})
    summary = "".join(
        f"<span><button type=button data-filter-kind='{e(k)}'>{e(k)}</button> {counts[k]}</span>"
        for k in sorted(counts)
    )
    stale = doc.get("stale_decisions", [])
    stale_html = ""
    if stale:
        items = "".join(f"<li><code>{e(json.dumps(d, sort_keys=True))}</code></li>" for d in stale)
        stale_html = f"<section class=stale><h2>Stale decisions</h2><ul>{items}</ul></section>"
    options = "".join(f'<option value="{e(k)}">{e(k)}</option>' for k in sorted(counts))
    sources = sorted({m.split("#", 1)[0] for c in conflicts for m in c.get("mentions", [])})
    source_options = "".join(f'<option value="{e(k)}">{e(k)}</option>' for k in sources)
    sorts = "".join(
        f'<option value="{k}">{label}</option>'
        for k, label in (("", "queue order"), ("score", "score, highest first"),
                         ("kind", "kind"), ("source", "source"), ("exercise", "exercise"))
    )  # fmt: skip
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src '{script_hash()}'; img-src 'none'; form-action 'none'; base-uri 'none'"
    )
    shown = cards(doc)
    served_html = ""
    if served is not None:
        csp += "; connect-src 'self'"  # the page's own server, nothing else
        for item in shown:
            item["decided"] = [d["text"] for d in served.decisions if decides(item, d)]
        served_html = f'<meta name=review-token content="{e(served.token)}">'
    data = script_json(shown)
    return (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{e(csp)}">'
        f"<meta name=viewport content='width=device-width'>{served_html}<title>{e(title)}</title>"
        f"<style>{asset('review.css')}</style></head><body>"
        f"<header><h1>{e(title)} — {len(conflicts)} open</h1>"
        f"<div class=summary>{summary or 'Nothing to review.'}</div>"
        "<div class=controls><label>Kind <select id=kind><option value=''>all</option>"
        f"{options}</select></label><label>Source <select id=source><option value=''>all"
        f"</option>{source_options}</select></label><label>Score <input id=score-min "
        "type=number min=0 max=1 step=0.05 placeholder=min> to <input id=score-max "
        "type=number min=0 max=1 step=0.05 placeholder=max></label>"
        f"<label>Sort <select id=sort>{sorts}</select></label><label>Filter <input id=text "
        "type=search placeholder='exercise, name or key'></label><span id=count></span>"
        "<span id=progress></span><button type=button id=rebuild hidden>Rebuild</button>"
        "<button type=button id=export hidden>Export decisions</button>"
        "<span id=status role=status></span></div></header>"
        f"<main>{stale_html}<div id=conflicts></div>"
        "<button type=button id=more hidden>Show more</button></main>"
        f'<script type="application/json" id="queue-data">{data}</script>'
        f"<script>{asset('review.js')}</script></body></html>\n"
    )
