"""``pipeline review serve``: the review page as a local app that records decisions.

A thin layer over the same functions as the CLI (as datasette is over its library): the
page is ``page.render`` with decision buttons, and every click is a JSON request to
``ReviewApp``, which decides through ``review.record`` (schema, stable keys, the decisions
file's lock), undoes through ``review.undo_decisions`` and rebuilds through
``runner.build``. The JSON API is what the page and the tests both use:

- ``GET /`` the page; ``GET /api/queue`` the queue's cards, with what is decided;
- ``POST /api/decide`` a decision (``kind``, ``mentions``, ``name``, ``field``, ``source``,
  ``note``); ``POST /api/undo`` (``key``, or the last decision); ``POST /api/rebuild``.

It binds to 127.0.0.1 only, serves one request at a time, answers only requests whose Host
is itself (no DNS rebinding), and takes a POST or an API read only with this run's token in
``X-Review-Token`` and no foreign ``Origin``: another web page in the curator's browser can
neither read the queue nor record a decision.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from exercise_pipeline import review
from exercise_pipeline.decisions import load_decisions
from exercise_pipeline.errors import PipelineError
from exercise_pipeline.review import page

log = logging.getLogger(__name__)
JSON = dict[str, Any]
MAX_BODY = 1 << 20  # a decision is a few hundred bytes


class RequestError(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ReviewApp:
    """What the server does, without HTTP: the queue, decisions, undo, rebuild."""

    out_dir: Path
    decisions_path: Path
    raw_dir: Path
    cache_dir: Path | None
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))

    def queue(self) -> review.Queue:
        return review.load_queue(self.out_dir)

    def decisions(self) -> list[JSON]:
        """The recorded decisions, as the page reads them: kind, mentions, field, words."""
        return [
            {"kind": d.kind, "mentions": list(d.mentions), "field": d.field,
             "text": review.describe(d)}
            for d in load_decisions(self.decisions_path)
        ]  # fmt: skip

    def page(self) -> str:
        doc = json.loads(self.out_dir.joinpath("conflicts.json").read_text(encoding="utf-8"))
        return page.render(doc, served=page.Served(self.token, self.decisions()))

    def cards(self) -> JSON:
        cards, decisions = page.cards({"conflicts": list(self.queue().conflicts)}), self.decisions()
        for card in cards:
            card["decided"] = [d["text"] for d in decisions if page.decides(card, d)]
        return {"cards": cards, "decisions": decisions}

    def decide(self, body: JSON) -> JSON:
        decision = review.make_decision(
            str(body.get("kind", "")),
            [str(m) for m in body.get("mentions", []) if isinstance(m, str)],
            name=_text(body, "name"),
            field=_text(body, "field"),
            value=_text(body, "value"),
            source=_text(body, "source"),
            note=_text(body, "note"),
        )
        added = review.record(decision, self.queue(), self.decisions_path)
        return {"recorded": added, "key": review.decision_key(decision),
                "text": review.describe(decision), "kind": decision.kind,
                "mentions": list(decision.mentions), "field": decision.field}  # fmt: skip

    def undo(self, body: JSON) -> JSON:
        gone = review.undo_decisions(self.decisions_path, _text(body, "key"))
        if not gone:
            raise RequestError(HTTPStatus.CONFLICT, "no decision to undo")
        return {"removed": [review.describe(d) for d in gone],
                "mentions": sorted({m for d in gone for m in d.mentions})}  # fmt: skip

    def rebuild(self) -> JSON:
        from exercise_pipeline.runner import build

        report = build(self.raw_dir, self.out_dir, decisions_path=self.decisions_path,
                       cache_dir=self.cache_dir, stale_dir=self.cache_dir)  # fmt: skip
        result = report.result
        return {"exit_code": result.exit_code, "conflicts": len(result.merge.conflicts),
                "errors": [str(e) for e in result.errors]}  # fmt: skip


def _text(body: JSON, name: str) -> str | None:
    value = body.get(name)
    return value if isinstance(value, str) and value else None


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: HTTPStatus, value: object) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode(), "application/json")

    def _check(self, *, token: bool) -> None:
        port = self.server.server_address[1]
        allowed = {f"127.0.0.1:{port}", f"localhost:{port}"}
        if self.headers.get("Host") not in allowed:
            raise RequestError(HTTPStatus.FORBIDDEN, "this server answers only to 127.0.0.1")
        origin = self.headers.get("Origin")
        if origin is not None and origin not in {f"http://{host}" for host in allowed}:
            raise RequestError(HTTPStatus.FORBIDDEN, f"requests from {origin} are refused")
        if token and not secrets.compare_digest(
            self.headers.get("X-Review-Token", ""), self.server.app.token
        ):
            raise RequestError(HTTPStatus.FORBIDDEN, "missing or wrong X-Review-Token")

    def _handle(self, method: str) -> None:
        app = self.server.app
        try:
            path = self.path.split("?", 1)[0]
            self._check(token=path != "/")
            if method == "GET" and path == "/":
                self._send(HTTPStatus.OK, app.page().encode(), "text/html; charset=utf-8")
            elif method == "GET" and path == "/api/queue":
                self._json(HTTPStatus.OK, app.cards())
            elif method == "POST" and path in ("/api/decide", "/api/undo", "/api/rebuild"):
                body = self._body()
                if path == "/api/decide":
                    self._json(HTTPStatus.OK, app.decide(body))
                elif path == "/api/undo":
                    self._json(HTTPStatus.OK, app.undo(body))
                else:
                    self._json(HTTPStatus.OK, app.rebuild())
            else:
                raise RequestError(HTTPStatus.NOT_FOUND, f"no {method} {path}")
        except RequestError as exc:
            self._json(exc.status, {"error": str(exc)})
        except PipelineError as exc:  # a decision that may not be recorded, no build yet
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(exc)})

    def _body(self) -> JSON:
        if self.headers.get_content_type() != "application/json":
            raise RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise RequestError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request too large")
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError as exc:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"not JSON: {exc}") from exc
        if not isinstance(body, dict):
            raise RequestError(HTTPStatus.BAD_REQUEST, "send a JSON object")
        return body

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")


class _Server(HTTPServer):
    def __init__(self, app: ReviewApp, port: int) -> None:
        self.app = app
        super().__init__(("127.0.0.1", port), _Handler)


def make_server(app: ReviewApp, port: int = 0) -> _Server:
    """A server for ``app`` on 127.0.0.1 (port 0: any free one); ``serve_forever`` runs it."""
    return _Server(app, port)
