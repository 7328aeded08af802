"""`pipeline review serve`: the JSON API (Host, Origin and token checked; decisions through
the CLI's own checks; undo; rebuild), and the page in a real headless Chromium."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exercise_pipeline.review.server import ReviewApp, make_server
from exercise_pipeline.runner import build

from .conftest import RAW

HOSTILE = (
    "Knee to Chest\n\nLie on your back <script>window.__pwned=1</script> and hug one knee. "
    'Hold for 40 seconds. <img src=x onerror="window.__pwned=2">\n'
)


class Served:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.raw, self.out = root / "raw", root / "out"
        self.decisions = root / "review" / "decisions.json"
        self.app = ReviewApp(self.out, self.decisions, self.raw, root / ".cache")
        self.server = make_server(self.app, 0)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def call(
        self, method: str, path: str, body: object = None, *, token: bool = True,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:  # fmt: skip
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("X-Review-Token", self.app.token)
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        kind = "json" if raw[:1] in (b"{", b"[") else "text"
        return status, json.loads(raw) if kind == "json" else raw.decode()

    def decisions_file(self) -> list[dict[str, Any]]:
        if not self.decisions.exists():
            return []
        return json.loads(self.decisions.read_text(encoding="utf-8"))["decisions"]  # type: ignore[no-any-return]


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[Served]:
    shutil.copytree(RAW, tmp_path / "raw")
    (tmp_path / "raw" / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    s = Served(tmp_path)
    build(s.raw, s.out, decisions_path=s.decisions, cache_dir=tmp_path / ".cache")
    yield s
    s.server.shutdown()
    s.server.server_close()


def _first(cards: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return next(c for c in cards if c["kind"] == kind)


def test_the_api_records_undoes_and_rebuilds_through_the_cli_checks(served: Served) -> None:
    status, page = served.call("GET", "/", token=False)
    assert status == 200 and f'content="{served.app.token}"' in page
    assert "connect-src &#x27;self&#x27;" in page or "connect-src 'self'" in page
    status, queue = served.call("GET", "/api/queue")
    assert status == 200
    merge, unnamed = _first(queue["cards"], "merge"), _first(queue["cards"], "unnamed")
    status, same = served.call(
        "POST", "/api/decide", {"kind": "same", "mentions": merge["mentions"]}
    )
    assert status == 200 and same["recorded"] and same["key"].startswith("same:")
    again = served.call("POST", "/api/decide", {"kind": "same", "mentions": merge["mentions"]})
    assert again == (200, {**same, "recorded": False})
    junk = unnamed["mentions"][0]
    status, _ = served.call("POST", "/api/decide", {"kind": "reject", "mentions": [junk]})
    assert status == 200
    assert [d["kind"] for d in served.decisions_file()] == ["same", "reject"]
    status, error = served.call("POST", "/api/decide", {"kind": "reject", "mentions": ["no#such"]})
    assert status == 400 and "no such mention in the last build" in error["error"]
    status, undone = served.call("POST", "/api/undo", {})
    assert status == 200 and undone["mentions"] == [junk]
    assert [d["kind"] for d in served.decisions_file()] == ["same"]
    status, queue = served.call("GET", "/api/queue")
    assert status == 200 and [d["text"] for d in queue["decisions"]] == [same["text"]]
    decided = {c["key"]: c["decided"] for c in queue["cards"] if c["decided"]}
    assert decided == {merge["key"]: [same["text"]]}  # that item only, not all naming a side
    status, rebuilt = served.call("POST", "/api/rebuild", {})
    assert status == 200 and rebuilt["exit_code"] == 0
    exercises = json.loads((served.out / "exercises.json").read_text(encoding="utf-8"))
    together = [e for e in exercises["exercises"]
                if {s["mention"] for s in e["sources"]} >= set(merge["mentions"])]  # fmt: skip
    assert len(together) == 1  # the same decision applied by the rebuild


def test_foreign_origins_hosts_and_missing_tokens_are_refused(served: Served) -> None:
    body = {"kind": "reject", "mentions": ["x#y"]}
    evil = {"Origin": "http://evil.example"}
    assert served.call("POST", "/api/decide", body, headers=evil)[0] == 403
    assert served.call("POST", "/api/decide", body, token=False)[0] == 403
    assert served.call("GET", "/api/queue", token=False)[0] == 403
    rebinding = {"Host": f"evil.example:{served.port}"}
    assert served.call("GET", "/", token=False, headers=rebinding)[0] == 403
    same_origin = {"Origin": served.url}
    assert served.call("GET", "/api/queue", headers=same_origin)[0] == 200
    request = urllib.request.Request(served.url + "/api/undo", data=b"{}", method="POST")
    request.add_header("X-Review-Token", served.app.token)
    request.add_header("Content-Type", "text/plain")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 415
    assert served.decisions_file() == []
    assert served.server.server_address[0] == "127.0.0.1"


@pytest.mark.browser
def test_a_curator_decides_undoes_and_rebuilds_from_the_page(browser: Any, served: Served) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(served.url + "/")
    merge = page.locator(".conflict[data-kind=merge]").first
    merge_key = merge.locator("p.key").first.inner_text()
    merge.locator("button[data-action=same]").click()
    expect(page.locator("#status")).to_contain_text("recorded: same")
    assert "Decided: same" in merge.inner_text()
    unnamed = page.locator(".conflict[data-kind=unnamed]").first
    unnamed.locator("button[data-action=reject]").first.click()
    expect(page.locator("#status")).to_contain_text("recorded: reject")
    assert [d["kind"] for d in served.decisions_file()] == ["same", "reject"]
    page.keyboard.press("u")  # undo the last one
    expect(page.locator("#status")).to_contain_text("undone: reject")
    assert [d["kind"] for d in served.decisions_file()] == ["same"]
    assert " decided / " in page.inner_text("#progress")
    page.keyboard.press("j")
    assert page.evaluate("document.querySelectorAll('.conflict.current').length") == 1
    with page.expect_navigation():
        page.click("#rebuild")
    # The rebuild applied the decision: the two are one exercise, and the item left the queue.
    keys = page.evaluate(
        "Array.from(document.querySelectorAll('.conflict > p.key'), e => e.textContent)"
    )
    assert keys and merge_key not in keys
    assert [d["kind"] for d in served.decisions_file()] == ["same"]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    opened = page.locator("details.more-sides > summary").all()
    for more in opened:
        more.click()  # the sources past the first four are drawn when opened (a toggle event)
    expect(page.locator("details.more-sides > div.sides")).to_have_count(len(opened))
    assert 'onerror="window.__pwned=2"' in page.text_content("main")
    page.fill("#text", "no such exercise at all")
    assert "No item matches" in page.inner_text("main")
    assert errors == []


def test_the_command_serves_on_loopback_and_says_where(served: Served) -> None:
    import re
    import subprocess
    import sys

    command = [sys.executable, "-m", "exercise_pipeline", "review", "serve", "--port", "0",
               "--out", str(served.out), "--decisions", str(served.decisions)]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert found, line
        with urllib.request.urlopen(found.group(0), timeout=30) as response:
            assert response.status == 200 and b"review-token" in response.read()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
