"""The live page of ``client serve``: the vendor watches the checklist fill while they use their system.

``live_routes(source)`` gives the Starlette routes that ``client serve`` mounts at ``/_conformance/`` on the
port it serves the Register API on, never mixed into the API's own routes:

==============================  ==========================================================================
``GET  /``                      the page (``static/index.html``: plain HTML, a little vanilla JS and CSS)
``GET  /static/…``              its script and style sheet (no CDN, no build step: it works offline)
``GET  /api/state``             plan, versions, journeys checklist, injections, requirement table, counts
``GET  /api/exchanges``         a page of exchange summaries, newest first: ``?limit=N`` the newest N,
                                ``?after=SEQ`` the N just newer than SEQ (what the page polls for),
                                ``?before=SEQ`` the N just older (paging through 10,000 exchanges)
``GET  /api/exchanges/{seq}``   one exchange in full: redacted request and response, its judgements
``POST /api/finish``            what SIGINT does: ``source.finish()`` (judge, write the reports, exit)
==============================  ==========================================================================

Read-only apart from ``finish``, which needs ``Content-Type: application/json`` so that no other web page
can trigger it with a plain form post. No token is needed for the page and none is ever shown: the
exchanges are redacted by their producer, and every header leaves through ``redact_exchange_headers``
again. The endpoints are plain functions, so Starlette runs them in its thread pool and judging a long
recording never stalls the event loop that serves the vendor's traffic; judging itself runs on a thread of
its own (``_LatestJudgement``), so no request waits for it longer than it chooses to.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from register_conformance.clientcert.exchange import Exchange, redact_exchange_headers

if TYPE_CHECKING:
    from register_conformance.clientcert.judging import Judgement

STATIC_DIR = Path(__file__).parent / "static"
PAGE_SIZE = 50  # exchanges per page when the page does not say
MAX_PAGE = 500  # the most exchange summaries one call returns
MAX_BODY = 256 * 1024  # characters of a body shown in the detail view; the rest is cut with a note
_PATH_CHARS = 300  # a summary's path+query is cut to this many characters
_SECRET_KEYS = ("token", "secret", "password", "authorization")  # info keys never sent to the page


class LiveSource(Protocol):
    """What the live page reads; ``client serve``'s observer provides it."""

    def exchanges(self) -> Sequence[Exchange]: ...  # append-only, in arrival order

    def judgement(self) -> Judgement: ...  # the current judgement (cached by len(exchanges))

    def info(self) -> dict: ...  # plan, api_versions, started, base_url, claimed journeys

    def finish(self) -> None: ...  # what SIGINT does: judge, write reports, exit


def live_routes(source: LiveSource, *, clock: Callable[[], float] = time.monotonic,
                wait: float = 1.0) -> list[BaseRoute]:
    """The routes of the live page, to be mounted at ``/_conformance``.

    ``wait``: how long ``api/state`` waits for a judgement being computed before it answers with the
    previous one (or none yet); ``clock`` paces re-judging (see ``_LatestJudgement``).
    """
    page = _LivePage(source, _LatestJudgement(source, clock), wait)
    return [
        Route("/", page.index, methods=["GET"]),
        Route("/api/state", page.state, methods=["GET"]),
        Route("/api/exchanges", page.exchange_list, methods=["GET"]),
        Route("/api/exchanges/{seq}", page.exchange_detail, methods=["GET"]),
        Route("/api/finish", page.finish, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="live-static"),
    ]


class _LatestJudgement:
    """``source.judgement()`` computed off the request path: one computation at a time, at most half the time.

    Judging 10,000 exchanges takes seconds; no request waits longer than it chooses to. A computation runs
    on its own thread when one is due; callers get the latest finished judgement (None before the first)
    and the number of exchanges it covers. After a computation that took T seconds the next one starts no
    sooner than T later, so a busy recording never keeps a core judging all the time.
    """

    def __init__(self, source: LiveSource, clock: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._clock = clock
        self._lock = threading.Lock()
        self._last: tuple[Judgement, int] | None = None  # the judgement and how many exchanges it covers
        self._next = 0.0  # clock time from which a new computation may start
        self._running: threading.Event | None = None  # set when the running computation ends
        self.error: str | None = None  # why the last computation failed

    def get(self, wait: float = 0.0) -> tuple[Judgement | None, int]:
        """The latest judgement and its exchange count; waits up to ``wait`` s for one being computed."""
        with self._lock:
            due = self._last is None or (self._last[1] != len(self._source.exchanges())
                                         and self._clock() >= self._next)
            if due and self._running is None:
                self._running = threading.Event()
                threading.Thread(target=self._compute, args=(self._running,), name="live-judge", daemon=True).start()
            running = self._running
        if running is not None and wait > 0:
            running.wait(wait)
        last = self._last
        return (last[0], last[1]) if last else (None, 0)

    def _compute(self, done: threading.Event) -> None:
        try:
            started = self._clock()
            count = len(self._source.exchanges())  # the source judges at least these
            judgement = self._source.judgement()
            finished = self._clock()
            with self._lock:
                self._last = (judgement, count)
                self._next = finished + (finished - started)
            self.error = None
        except Exception as exc:  # the page keeps the previous judgement; the console gets one line per new error
            error = f"{type(exc).__name__}: {exc}"
            if error != self.error:
                sys.stderr.write(f"live page: judging failed: {error}\n")
            self.error = error
        finally:
            with self._lock:
                self._running = None
            done.set()


class _LivePage:
    def __init__(self, source: LiveSource, judged: _LatestJudgement, wait: float) -> None:
        self.source = source
        self.judged = judged
        self.wait = wait
        self.finishing: float | None = None  # when the finish button was pressed
        self.finish_error: str | None = None
        self._finish_lock = threading.Lock()
        self._html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")

    # --- the page -------------------------------------------------------------------------------------
    def index(self, request: Request) -> Response:
        # A <base> of the mount point keeps the page's relative URLs right under any prefix, with or
        # without the trailing slash in the address bar.
        base = _attr(request.scope.get("root_path", "").rstrip("/") + "/")
        return HTMLResponse(self._html.replace("{{BASE}}", base), headers={"Cache-Control": "no-store"})

    # --- the JSON API ---------------------------------------------------------------------------------
    def state(self, request: Request) -> Response:
        judgement, judged = self.judged.get(wait=self.wait)
        exchanges = self.source.exchanges()
        count = len(exchanges)
        requirements = [_requirement(r) for r in judgement.requirements] if judgement else []
        journeys = [_journey(j) for j in judgement.journeys] if judgement else []
        injections = [_injection(i) for i in judgement.injections] if judgement else []
        body = {
            "info": _public_info(self.source.info()),
            "judged": judgement is not None,  # False: the first judgement is still being computed
            "judged_exchanges": judged,  # how many exchanges the judgement covers (the rest: on its way)
            "certified": bool(judgement and judgement.certified),
            "exchanges": count,
            "last_seq": exchanges[count - 1].seq if count else None,
            "journeys": journeys,
            "injections": injections,
            "requirements": requirements,
            "notes": list(getattr(judgement, "notes", None) or ()),
            "counts": {
                "requirements": dict(Counter(r["verdict"] for r in requirements)),
                "journeys": dict(Counter(j["status"] for j in journeys)),
                "injections": dict(Counter(i["verdict"] for i in injections)),
            },
            "finishing": self.finishing is not None,
            "finish_error": self.finish_error,
            "judging_error": self.judged.error,
            "now": time.time(),
        }
        return _json(body)

    def exchange_list(self, request: Request) -> Response:
        params = request.query_params
        try:
            limit = _int_param(params, "limit", PAGE_SIZE, low=1, high=MAX_PAGE)
            after = _int_param(params, "after", None, low=-1)
            before = _int_param(params, "before", None, low=0)
        except ValueError as exc:
            return _json({"error": str(exc)}, status=400)
        if after is not None and before is not None:
            return _json({"error": "give either after or before, not both"}, status=400)
        exchanges = self.source.exchanges()
        count = len(exchanges)
        if before is not None:  # the page just older than `before`
            stop = _position(exchanges, count, before)
            start = max(0, stop - limit)
        elif after is not None:  # the page just newer than `after` (what the page polls for)
            start = _position(exchanges, count, after + 1)
            stop = min(count, start + limit)
        else:  # the newest page
            stop = count
            start = max(0, stop - limit)
        judgement, judged = self.judged.get() if stop > start else (None, 0)
        items = [_summary(exchanges[i], judgement if i < judged else None) for i in range(stop - 1, start - 1, -1)]
        return _json({
            "total": count,
            "last_seq": exchanges[count - 1].seq if count else None,
            "items": items,  # newest first
            "more_before": start > 0,
            "more_after": stop < count,
        })

    def exchange_detail(self, request: Request) -> Response:
        raw = request.path_params["seq"]
        try:
            seq = int(raw)
        except ValueError:
            return _json({"error": f"exchange number must be an integer, got {raw!r}"}, status=400)
        exchanges = self.source.exchanges()
        count = len(exchanges)
        index = _position(exchanges, count, seq)
        if index >= count or exchanges[index].seq != seq:
            return _json({"error": f"no exchange #{seq} (recorded: {count})"}, status=404)
        exchange = exchanges[index]
        judgement, judged = self.judged.get()
        if index >= judged:
            judgement = None
        body = _summary(exchange, judgement)
        said = judgement.for_exchange(seq) if judgement else []
        body.update({
            "url": exchange.url,
            "request": _message(exchange.request_headers, exchange.request_body),
            "response": _message(exchange.response_headers, exchange.response_body),
            "notes": list(exchange.notes),
            "judgements": [{"id": i, "verdict": v, "message": m} for i, v, m in said],
            "demonstrates": [j["title"] for j in map(_journey, judgement.journeys) if j["seq"] == seq]
            if judgement else [],
            "injection": next((i for i in map(_injection, judgement.injections) if i["seq"] == seq), None)
            if judgement else None,
        })
        return _json(body)

    def finish(self, request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return _json({"error": "finish needs Content-Type: application/json"}, status=415)
        with self._finish_lock:
            first = self.finishing is None
            if first:
                self.finishing = time.time()
        info = _public_info(self.source.info())
        body = {"finishing": True, "reports": info.get("reports")}
        # After the response is sent: finish() may end the process.
        return _json(body, status=202, background=BackgroundTask(self._finish) if first else None)

    def _finish(self) -> None:
        try:
            self.source.finish()
        except Exception as exc:  # shown on the page; the console gets one line
            self.finish_error = f"{type(exc).__name__}: {exc}"
            sys.stderr.write(f"live page: finishing failed: {self.finish_error}\n")


# --- what leaves the server ------------------------------------------------------------------------------
def _summary(exchange: Exchange, judgement: Judgement | None) -> dict[str, Any]:
    """One row of the list; ``judgement`` None: the exchange is not judged yet (verdict "pending")."""
    said = judgement.for_exchange(exchange.seq) if judgement is not None else []
    failed = sorted({i for i, v, _ in said if v == "fail"})
    query = "?" + exchange.url.split("?", 1)[1] if "?" in exchange.url else ""
    path = (exchange.route if exchange.api_version else exchange.path) + query
    return {
        "seq": exchange.seq,
        "started": exchange.started,
        "client": exchange.client,
        "method": exchange.method,
        "version": exchange.api_version,  # None outside /api/{version}/
        "path": path if len(path) <= _PATH_CHARS else path[: _PATH_CHARS - 1] + "…",  # below the version
        "status": exchange.status,
        "elapsed_ms": exchange.elapsed_ms,
        "injected": exchange.injected,
        "verdict": "pending" if judgement is None else "fail" if failed else "pass" if said else "none",
        "failed": failed,
    }


def _message(headers: Any, body: str | None) -> dict[str, Any]:
    cut = body is not None and len(body) > MAX_BODY
    return {
        "headers": [list(pair) for pair in redact_exchange_headers(headers)],
        "body": body[:MAX_BODY] if cut else body,
        "body_cut": len(body) if cut else None,
    }


def _requirement(item: dict[str, Any]) -> dict[str, Any]:
    evidence = list(item.get("evidence") or ())
    seqs = [e[0] for e in evidence if e and e[0] is not None]
    return {
        "id": item.get("id"),
        "title": item.get("title"),
        "level": item.get("level"),
        "verdict": item.get("verdict"),
        "evidence": max(len(evidence), int(item.get("failures") or 0)),
        # a few exchanges to link to, and the first message (the table stays small at 10,000 exchanges)
        "seqs": seqs[:5],
        "message": evidence[0][1] if evidence and len(evidence[0]) > 1 else None,
    }


def _journey(item: dict[str, Any]) -> dict[str, Any]:
    return {"id": item.get("id"), "title": item.get("title"), "status": item.get("status"), "seq": item.get("seq"),
            "note": item.get("note")}


def _injection(item: dict[str, Any]) -> dict[str, Any]:
    injection = item.get("injection")
    fields = dataclasses.asdict(injection) if dataclasses.is_dataclass(injection) else dict(injection or {})
    return {
        "seq": fields.get("seq"),
        "client": fields.get("client"),
        "kind": fields.get("kind"),
        "retry_after": fields.get("retry_after"),
        "expected": fields.get("expected"),
        "requirement": item.get("requirement"),
        "verdict": item.get("verdict"),
        "seq_reaction": item.get("seq_reaction"),
        "message": item.get("message"),
    }


def _public_info(info: dict[str, Any]) -> dict[str, Any]:
    """``source.info()`` without anything that names a credential."""
    return {k: v for k, v in info.items() if not any(word in k.lower() for word in _SECRET_KEYS)}


def _json(body: Any, status: int = 200, background: BackgroundTask | None = None) -> Response:
    text = json.dumps(body, default=_plain, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status_code=status, media_type="application/json", background=background,
                    headers={"Cache-Control": "no-store"})


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, Path):
        return str(value)
    return str(value)


# --- small helpers -------------------------------------------------------------------------------------
def _position(exchanges: Sequence[Exchange], count: int, seq: int) -> int:
    """Index of the first of ``exchanges[:count]`` whose seq is >= ``seq`` (seqs grow in arrival order)."""
    if 0 <= seq < count and exchanges[seq].seq == seq:  # the usual case: seq == index
        return seq
    return bisect.bisect_left(exchanges, seq, 0, count, key=lambda e: e.seq)


def _int_param(params: Any, name: str, default: int | None, low: int, high: int | None = None) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["LiveSource", "live_routes"]
