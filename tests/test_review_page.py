"""The review page: everything escaped, and, in a real headless Chromium, conflicts shown,
filters working and injected script never running."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from exercise_pipeline.review.page import asset, render
from exercise_pipeline.runner import build

from .conftest import RAW

PAYLOAD = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">\'"><b>x'


def brief(key: str, name: str) -> dict[str, Any]:
    return {
        "mention": key, "source_id": key.split("#")[0], "name": name, "span": [0, 10],
        "steps": [f"Lie down {PAYLOAD}", "Hold"], "description": [PAYLOAD], "tips": [],
        "flags": [], "fields": {"position": PAYLOAD},
        "passage": {"before": PAYLOAD, "text": PAYLOAD, "after": PAYLOAD},
        "evidence": [{"span": [0, 1], "text": PAYLOAD}],
    }  # fmt: skip


def conflict(n: int, kind: str) -> dict[str, Any]:
    a, b = f"s{n}#a{n}", f"t{n}#b{n}"
    out: dict[str, Any] = {
        "key": f"{kind}:{n}:{PAYLOAD}", "kind": kind, "mentions": [a, b],
        "exercise_ids": [f"ex-{n}"], "exercise_names": [f"Exercise {n} {PAYLOAD}"],
        "commands": [f"pipeline review same {a} {b}"],
        "texts": [brief(a, f"Name {n} {PAYLOAD}"), brief(b, f"Other {n}")],
    }  # fmt: skip
    if kind == "merge":
        components = [{"name": "instructions", "value": 0.5, "weight": 0.3}]
        out["pair"] = {"a": a, "b": b, "score": 0.45, "outcome": "review",
                       "components": components, "against": [PAYLOAD]}  # fmt: skip
    if kind == "field":
        out.update({"field": "hold_seconds", "rule": "majority", "chosen": {"min": 5, "max": 5},
                    "values": [{"value": {"min": 5, "max": 5}, "mentions": [a]},
                               {"value": PAYLOAD, "mentions": [b]}]})  # fmt: skip
    return out


def queue(n: int) -> dict[str, Any]:
    kinds = ("merge", "field", "unnamed")
    items = [conflict(i, kinds[i % 3]) for i in range(n)]
    counts: dict[str, int] = {}
    for c in items:
        counts[c["kind"]] = counts.get(c["kind"], 0) + 1
    stale = [{"kind": "reject", "mentions": ["gone#x"], "note": PAYLOAD}]
    return {"version": "1", "counts": counts, "conflicts": items, "stale_decisions": stale}


def test_all_article_text_is_escaped_and_only_the_page_script_may_run() -> None:
    page = render(queue(6))
    assert page.count("<script") == 2  # the data block and the page's own script
    assert page.count("</script>") == 2
    assert "window.__pwned=1</script>" not in page and 'onerror="window' not in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    digest = base64.b64encode(hashlib.sha256(asset("review.js").encode()).digest()).decode()
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert found is not None
    csp = html.unescape(found.group(1))
    assert f"script-src 'sha256-{digest}'" in csp and "default-src 'none'" in csp


def open_page(browser: Any, path: Path) -> Any:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri())
    page.errors = errors
    return page


VISIBLE = "Array.from(document.querySelectorAll('.conflict[data-kind]')).filter(e => !e.hidden)"


@pytest.mark.browser
def test_conflicts_show_filters_work_and_injected_script_never_runs(
    browser: Any, tmp_path: Path
) -> None:
    path = tmp_path / "review.html"
    path.write_text(render(queue(9)), encoding="utf-8")
    page = open_page(browser, path)
    assert page.evaluate(f"{VISIBLE}.length") == 9
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned=1</script>" in page.inner_text("main")
    page.select_option("#kind", "field")
    kinds = page.evaluate(f"{VISIBLE}.map(e => e.getAttribute('data-kind'))")
    assert kinds == ["field"] * 3
    page.select_option("#kind", "")
    page.fill("#text", "exercise 4 ")
    assert page.evaluate(f"{VISIBLE}.length") == 1
    page.fill("#text", "")
    page.click("button[data-filter-kind='unnamed']")
    assert page.evaluate(f"{VISIBLE}.length") == 3
    assert page.errors == []
    assert page.evaluate("typeof window.__pwned") == "undefined"


@pytest.mark.browser
def test_a_queue_of_thousands_is_shown_a_page_at_a_time(browser: Any, tmp_path: Path) -> None:
    path = tmp_path / "review.html"
    path.write_text(render(queue(3000)), encoding="utf-8")
    page = open_page(browser, path)
    assert page.evaluate(f"{VISIBLE}.length") == 200
    assert "3000 matching, 200 shown" in page.inner_text("#count")
    page.click("#more")
    assert page.evaluate(f"{VISIBLE}.length") == 400
    page.select_option("#kind", "merge")
    assert "1000 matching, 200 shown" in page.inner_text("#count")


@pytest.mark.browser
def test_a_built_page_escapes_a_hostile_article(browser: Any, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    (raw / "hostile.txt").write_text(
        "Knee to Chest\n\nLie on your back <script>window.__pwned=1</script> and hug one knee. "
        'Hold for 40 seconds. <img src=x onerror="window.__pwned=2">\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    build(raw, out, decisions_path=tmp_path / "none.json")
    assert "hostile#knee-to-chest" in (out / "review.html").read_text(encoding="utf-8")
    page = open_page(browser, out / "review.html")
    queue_size = len(json.loads((out / "conflicts.json").read_text(encoding="utf-8"))["conflicts"])
    assert page.evaluate(f"{VISIBLE}.length") == min(queue_size, 200) > 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    opened = page.locator("details.more-sides > summary").all()
    for more in opened:
        more.click()  # the sources past the first four are drawn when opened (a toggle event)
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(page.locator("details.more-sides > div.sides")).to_have_count(len(opened))
    assert 'onerror="window.__pwned=2"' in page.text_content("main")


@pytest.mark.browser
def test_the_static_page_sorts_filters_and_exports_decisions_for_review_apply(
    browser: Any, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from exercise_pipeline.cli import main

    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(RAW, raw)
    build(raw, out, decisions_path=tmp_path / "none.json")
    doc = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))
    merges = [c for c in doc["conflicts"] if c["kind"] == "merge"]
    page = open_page(browser, out / "review.html")
    page.select_option("#sort", "score")
    first = page.locator(".conflict").first
    assert first.get_attribute("data-kind") == "merge"
    top = max(merges, key=lambda c: c["pair"]["score"])
    assert first.locator("p.key").first.inner_text() == top["key"]
    page.fill("#score-min", "0.99")
    assert "No item matches" in page.inner_text("main")
    page.fill("#score-min", "")
    source = merges[0]["mentions"][0].split("#")[0]
    page.select_option("#source", source)
    keys = page.locator(".conflict > p.key").all_inner_texts()
    wanted = [
        c["key"] for c in doc["conflicts"] if any(m.startswith(source + "#") for m in c["mentions"])
    ]
    assert keys and sorted(keys) == sorted(wanted[:200])
    page.select_option("#source", "")
    page.select_option("#sort", "")
    # Decide offline: same on a merge item, reject then undo (u), and export.
    card = page.locator(f".conflict:has(p.key:text-is('{merges[0]['key']}'))")
    card.locator("button[data-action=same]").click()
    card.locator("button[data-action=reject]").first.click()
    page.keyboard.press("u")
    assert "undone: reject" in page.inner_text("#status")
    with page.expect_download() as download:
        page.click("#export")
    exported = tmp_path / "export.json"
    download.value.save_as(exported)
    assert page.errors == []
    # `review apply` of the export records what `review same` would.
    applied = CliRunner().invoke(
        main, ["review", "apply", str(exported), "--out", str(out),
               "--decisions", str(tmp_path / "applied.json")],
    )  # fmt: skip
    assert applied.exit_code == 0, applied.output
    a, b = merges[0]["mentions"]
    typed = CliRunner().invoke(
        main, ["review", "same", a, b, "--out", str(out), "--decisions", str(tmp_path / "cli.json")]
    )
    assert typed.exit_code == 0, typed.output
    assert (tmp_path / "applied.json").read_bytes() == (tmp_path / "cli.json").read_bytes()


def test_review_apply_refuses_a_file_with_any_bad_decision(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from exercise_pipeline.cli import main

    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(RAW, raw)
    build(raw, out, decisions_path=tmp_path / "none.json")
    doc = json.loads((out / "conflicts.json").read_text(encoding="utf-8"))
    good = doc["conflicts"][0]["mentions"][0]
    bad = {"version": 1, "decisions": [{"kind": "reject", "mentions": [good]},
                                       {"kind": "reject", "mentions": ["no#such"]}]}  # fmt: skip
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    decisions = tmp_path / "decisions.json"
    result = CliRunner().invoke(
        main, ["review", "apply", str(tmp_path / "bad.json"), "--out", str(out),
               "--decisions", str(decisions)],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no#such: no such mention in the last build" in result.output
    assert not decisions.exists()  # nothing recorded, not even the good one
