"""A fake ``LiveSource`` for the live page's tests and benchmark, a uvicorn server in a thread, and synthetic traffic.

The fake holds a list of ``Exchange``s and judges them with ``judging.judge`` (or a judge the test passes,
e.g. ``blank_judgement`` where judging is beside the point),
cached by the number of exchanges as the real observer does. ``finish()`` records the call and, when given a
reports folder, writes the reports with ``report.write_reports`` like ``client serve`` does on SIGINT.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from register_conformance.clientcert.exchange import Exchange, redact_exchange_headers
from register_conformance.clientcert.judging import JOURNEYS, Context, Judgement, judge
from register_conformance.clientcert.live import live_routes
from register_conformance.lifecycle.data import TraineeData

TOKEN = "live-page-secret-token-4f1c9a"  # what the fake client "sent"; must never reach the page


class FakeSource:
    """A recording that grows as the test adds exchanges."""

    def __init__(self, exchanges: Sequence[Exchange] = (), *, context: Context | None = None,
                 judge_fn: Callable[[Sequence[Exchange], Context], Judgement] = judge,
                 info: dict[str, Any] | None = None, reports_dir: Path | None = None) -> None:
        self._exchanges: list[Exchange] = list(exchanges)
        self.context = context or Context(plan="full")
        self.judge_fn = judge_fn
        self._info = info if info is not None else {"plan": self.context.plan, "api_versions": ["v2026.1"],
                                                    "started": time.time(), "base_url": "http://127.0.0.1:0"}
        self.reports_dir = reports_dir
        self.finish_calls = 0
        self.finished = threading.Event()
        self.judge_calls = 0
        self._cache: tuple[int, Judgement] | None = None
        self._lock = threading.Lock()

    def add(self, method: str, url: str, status: int | None, *, request_body: Any = None, response_body: Any = None,
            headers: Sequence[tuple[str, str]] | None = None, **fields: Any) -> Exchange:
        """Record one exchange; the Authorization header carries TOKEN and is redacted as the observer does."""
        with self._lock:
            seq = len(self._exchanges)
            sent = headers if headers is not None else [("Authorization", f"Bearer {TOKEN}"),
                                                         ("Content-Type", "application/json")]
            exchange = Exchange(
                seq=seq, started=fields.pop("started", time.time()), client=fields.pop("client", "provider-a"),
                method=method, url=url, request_headers=redact_exchange_headers(sent),
                request_body=_text(request_body), status=status,
                response_headers=(("content-type", "application/json; charset=utf-8"),),
                response_body=_text(response_body), elapsed_ms=fields.pop("elapsed_ms", 12.5), **fields)
            self._exchanges.append(exchange)
            return exchange

    # --- LiveSource ---
    def exchanges(self) -> Sequence[Exchange]:
        return self._exchanges

    def judgement(self) -> Judgement:
        count = len(self._exchanges)
        if self._cache is None or self._cache[0] != count:
            self.judge_calls += 1
            self._cache = (count, self.judge_fn(self._exchanges[:count], self.context))
        return self._cache[1]

    def info(self) -> dict[str, Any]:
        info = dict(self._info)
        if self.reports_dir is not None:
            info["reports"] = str(self.reports_dir)
        return info

    def finish(self) -> None:
        self.finish_calls += 1
        if self.reports_dir is not None:
            from register_conformance.clientcert.report import write_reports

            exchanges = list(self._exchanges)
            write_reports(self.judge_fn(exchanges, self.context), exchanges, self.reports_dir, self.info())
        self.finished.set()


def live_app(source: FakeSource, **options: Any) -> Starlette:
    """The live routes mounted where ``client serve`` mounts them."""
    return Starlette(routes=[Mount("/_conformance", routes=live_routes(source, **options))])


class ThreadServer:
    """uvicorn on a free loopback port in a daemon thread (``with ThreadServer(app) as url: ...``)."""

    def __init__(self, app: Any) -> None:
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                                    lifespan="off", access_log=False))
        self.thread = threading.Thread(target=self.server.run, name="live-page-server", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def blank_judgement(exchanges: Sequence[Exchange], context: Context) -> Judgement:
    """A judgement that says nothing: the checklist, all waiting (for tests about paging, not judging)."""
    claimed = context.claimed_journeys
    return Judgement(certified=False, journeys=[
        {"id": jid, "title": title, "seq": None,
         "status": "not claimed" if claimed is not None and jid not in claimed else "not demonstrated"}
        for jid, title in JOURNEYS])


# --- synthetic traffic (the benchmark's 10,000 exchanges) ---------------------------------------------
def synthetic_exchanges(count: int, *, version: str = "v2026.1", start: float | None = None) -> list[Exchange]:
    """``count`` plausible redacted exchanges of a vendor's system: creates, reads, degrees, placements, errors."""
    start = start if start is not None else time.time() - count
    data = TraineeData("live", version)
    cycle = data.dates.cycle_start.year
    out: list[Exchange] = []
    base = f"http://127.0.0.1:8000/api/{version}"
    headers = redact_exchange_headers([("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json"),
                                       ("User-Agent", "VendorSRS/4.2")])
    for seq in range(count):
        tid = f"{seq // 7:08x}-trainee"
        kind = seq % 10
        if kind == 0:
            method, url, status = "POST", f"{base}/trainees", 201
            req = {"data": data.trainee("12", degrees=[data.degree()])}
            resp = {"data": {**req["data"], "trainee_id": tid, "state": "submitted_for_trn"}}
        elif kind in (1, 2, 3):
            method, status = "GET", 200
            url = f"{base}/trainees?since={cycle}-09-01T00:00:00Z&page={seq % 5 + 1}&per_page=50"
            req, resp = None, {"data": [{"trainee_id": f"{i:08x}-trainee", "state": "trn_received"} for i in range(20)],
                               "meta": {"current_page": seq % 5 + 1, "per_page": 50, "total_count": 220}}
        elif kind == 4:
            method, url, status = "POST", f"{base}/trainees/{tid}/degrees", 201
            req, resp = {"data": data.degree(1)}, {"data": {"degree_id": f"deg-{seq}", **data.degree(1)}}
        elif kind == 5:
            method, url, status = "POST", f"{base}/trainees/{tid}/placements", 201
            req = {"data": {"name": "Oakfield Primary", "postcode": "SW1A 1AA"}}
            resp = {"data": {"placement_id": f"p-{seq}"}}
        elif kind == 6:
            method, url, status = "PUT", f"{base}/trainees/{tid}", 422
            req, resp = {"data": {"course_subject_one": "100425"}}, {"errors": [
                {"error": "UnprocessableEntity", "message": "course_subject_one is not a valid attribute"}]}
        elif kind == 7:
            method, url, status = "GET", f"{base}/trainees/{tid}", 200
            req, resp = None, {"data": {**data.trainee("12"), "trainee_id": tid, "state": "trn_received"}}
        elif kind == 8:
            method, url, status = "POST", f"{base}/trainees/{tid}/withdraw", 200
            req = {"data": {"reasons": ["unknown"], "withdrawal_date": f"{cycle}-10-01"}}
            resp = {"data": {"trainee_id": tid}}
        else:
            method, url, status = "GET", f"{base}/trainees?has_trn=true", 429
            req, resp = None, "Retry later"
        out.append(Exchange(seq=seq, started=start + seq * 0.5, client="provider-a", method=method, url=url,
                            request_headers=headers, request_body=_text(req), status=status,
                            response_headers=(("content-type", "application/json"),)
                            + ((("Retry-After", "30"),) if status == 429 else ()),
                            response_body=_text(resp), elapsed_ms=8.0 + seq % 13,
                            injected="rate-limited-429" if status == 429 else None))
    return out


def _text(body: Any) -> str | None:
    if body is None or isinstance(body, str):
        return body
    return json.dumps(body)
