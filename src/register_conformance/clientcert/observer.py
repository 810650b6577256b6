"""The observing layer of ``client serve``: an ASGI app that forwards every request to a Register API and records it.

``Recording`` holds what was observed (the ``Exchange`` list, the injections served, the run's facts) and is
what the live page reads (``LiveSource``). ``observer_app`` is the Starlette app in front of the target (the
embedded sandbox process, or ``--upstream``): it names the client by its provider token, asks the
``AdversePlan`` whether to answer adversely, forwards the rest with ``httpx.AsyncClient`` and records each
exchange with credentials redacted (``redact_exchange_headers``). Tokens are used only to forward and to name
the client; they are never recorded or logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Receive, Scope, Send

from register_conformance.clientcert.adverse import LATE_TRN, LOST_CREATE, AdversePlan
from register_conformance.clientcert.exchange import Exchange, api_route, redact_exchange_headers
from register_conformance.clientcert.judging import Context, Judgement, combined, judge
from register_conformance.clientcert.rules_request import SchemaBook

UNKNOWN_CLIENT = "unknown"

#: Headers not passed on (hop-by-hop, or recomputed by the sender).
_HOP = frozenset({"host", "content-length", "connection", "keep-alive", "transfer-encoding", "te", "trailer",
                  "upgrade", "proxy-connection", "accept-encoding"})
_HOP_RESPONSE = _HOP | {"content-encoding", "date", "server"}


class Recording:
    """Everything observed in one ``client serve`` run (thread-safe); the live page's ``LiveSource``."""

    def __init__(self, *, plan: str, adverse: AdversePlan, api_versions: frozenset[str] | None,
                 claimed_journeys: frozenset[str] | None, info: Mapping[str, Any] | None = None,
                 on_finish: Callable[[], None] | None = None, clients: Sequence[str] = (),
                 book: SchemaBook | None = None) -> None:
        """``clients``: the names judged (each on its own exchanges); others are forwarded, never judged."""
        self.plan = plan
        self.clients = tuple(clients)
        self.book = book
        self.adverse = adverse
        self.api_versions = api_versions
        self.claimed_journeys = claimed_journeys
        self._info = dict(info or {})
        self._on_finish = on_finish
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._cache: tuple[int, Judgement] | None = None
        self.last_activity: float | None = None  # monotonic time of the last request; None before the first

    # -- recording -----------------------------------------------------------------------------------
    def touch(self) -> None:
        self.last_activity = time.monotonic()

    def add(self, make: Callable[[int], Exchange], injection: tuple[str, str] | None = None) -> Exchange:
        """Append the exchange ``make(seq)`` builds; ``injection`` (client, kind) is recorded on its seq."""
        with self._lock:
            exchange = make(len(self._exchanges))
            self._exchanges.append(exchange)
            if injection:
                self.adverse.record(exchange.seq, *injection)
        self.touch()
        return exchange

    # -- LiveSource ------------------------------------------------------------------------------------
    def exchanges(self) -> Sequence[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def context(self, client: str | None = None) -> Context:
        injections = tuple(i for i in self.adverse.injections if client is None or i.client == client)
        owed = tuple(self.adverse.owed(client)) if client is not None else ()
        return Context(plan=self.plan, api_versions=self.api_versions, claimed_journeys=self.claimed_journeys,
                       injections=injections, unmet=owed)

    def judgement(self) -> Judgement:
        """What finishing now would say: each client judged on its own, shown as one (cached by exchange count)."""
        exchanges = self.exchanges()
        cached = self._cache
        if cached and cached[0] == len(exchanges):
            return cached[1]
        clients = self.clients or tuple(dict.fromkeys(e.client for e in exchanges))
        result = combined({name: self._judge([e for e in exchanges if e.client == name], name) for name in clients})
        self._cache = (len(exchanges), result)
        return result

    def judge_client(self, client: str) -> tuple[list[Exchange], Judgement]:
        exchanges = [e for e in self.exchanges() if e.client == client]
        return exchanges, self._judge(exchanges, client)

    def _judge(self, exchanges: Sequence[Exchange], client: str) -> Judgement:
        """``exchanges``: that client's own."""
        return judge(exchanges, self.context(client), book=self.book)

    def info(self) -> dict[str, Any]:
        return {**self._info, "plan": self.plan,
                "api_versions": sorted(self.api_versions) if self.api_versions else None,
                "claimed_journeys": sorted(self.claimed_journeys) if self.claimed_journeys is not None else None}

    def note(self, **items: Any) -> None:
        """Add facts about the run (e.g. when and why it finished) to ``info``."""
        self._info.update(items)

    def finish(self) -> None:
        if self._on_finish:
            self._on_finish()


class _LostResponse(Exception):
    """Raised after the status line of a lost create: uvicorn then closes the connection mid-answer."""


class _QuietLostResponses(logging.Filter):
    """Keeps uvicorn from logging the deliberately broken connections as application errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, _LostResponse)


def quiet_lost_responses() -> None:
    """Install the filter on uvicorn's error logger (idempotent)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietLostResponses) for f in logger.filters):
        logger.addFilter(_QuietLostResponses())


class _Proxy:
    """The forwarding and recording ASGI app (every path outside the live page)."""

    def __init__(self, recording: Recording, upstream: str, tokens: Mapping[str, str],
                 default_client: str = UNKNOWN_CLIENT, timeout: float = 60.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.recording = recording
        self.upstream = upstream.rstrip("/")
        self.tokens = dict(tokens)
        self.default_client = default_client
        self.timeout = timeout
        self.transport = transport
        self._http: httpx.AsyncClient | None = None

    def client_name(self, authorization: str | None) -> str:
        """The provider-token name of the credential (whatever scheme word was used), or the default."""
        if authorization:
            credential = authorization.strip().split()[-1] if authorization.strip() else ""
            if credential in self.tokens:
                return self.tokens[credential]
        return self.default_client

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.timeout, follow_redirects=False, transport=self.transport)
        self.recording.touch()
        request = Request(scope, receive)
        body = await request.body()
        started, t0 = time.time(), time.perf_counter()
        client = self.client_name(request.headers.get("authorization"))
        path_qs = scope.get("raw_path", b"").decode("latin-1") or request.url.path  # as sent, still encoded
        if scope.get("query_string"):
            path_qs += "?" + scope["query_string"].decode("latin-1")
        url = str(request.url)
        sent_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        base = dict(started=started, client=client, method=request.method, url=url,
                    request_headers=redact_exchange_headers(sent_headers),
                    request_body=body.decode("utf-8", "replace") if body else None)
        adverse = self.recording.adverse
        known = client != UNKNOWN_CLIENT
        route = api_route(request.url.path)
        decision = adverse.before_forward(client, request.method, route) if known else None
        if decision is not None and decision.status is not None:
            headers = list(decision.headers)
            await _respond(send, decision.status, headers, decision.body.encode())
            self.recording.add(lambda seq: Exchange(
                seq=seq, **base, status=decision.status, response_headers=tuple(headers),
                response_body=decision.body, elapsed_ms=_ms(t0), injected=decision.kind),
                injection=(client, decision.kind) if decision.record else None)
            return
        forward_headers = [(k, v) for k, v in sent_headers if k.lower() not in _HOP]
        try:
            upstream = await self._http.request(request.method, self.upstream + path_qs, headers=forward_headers,
                                                content=body)
        except httpx.HTTPError as exc:
            message = f"the observer could not reach the API: {type(exc).__name__}"
            headers = [("content-type", "text/plain")]
            await _respond(send, 502, headers, (message + "\n").encode())
            self.recording.add(lambda seq: Exchange(seq=seq, **base, status=502, response_headers=tuple(headers),
                                                    response_body=message, elapsed_ms=_ms(t0),
                                                    notes=("the observer could not reach the API",)))
            return
        status, content = upstream.status_code, upstream.content
        headers = [(k, v) for k, v in upstream.headers.multi_items() if k.lower() not in _HOP_RESPONSE]
        injected: str | None = None
        injection: tuple[str, str] | None = None
        payload = _json(content, headers)
        if known and request.method == "POST" and route == "/trainees" and status == 201:
            trainee_id = _trainee_id(payload)
            kind = adverse.after_create(client, trainee_id)
            if kind:
                injected, injection = kind, (client, kind)
            if kind == LOST_CREATE:
                await send({"type": "http.response.start", "status": status,
                            "headers": _raw([*headers, ("content-length", str(len(content)))])})
                self.recording.add(lambda seq: Exchange(
                    seq=seq, **base, status=None, elapsed_ms=_ms(t0), injected=LOST_CREATE,
                    notes=(f"answer lost on purpose: the service created trainee {trainee_id} (201)",)),
                    injection=injection)
                raise _LostResponse(trainee_id)
        if known and payload is not None:
            payload, changed = await self._mask(client, request, route, status, payload, forward_headers)
            if changed:
                content = json.dumps(payload).encode()
                if isinstance(payload, dict) and "data" in payload:
                    status = 200 if status == 404 else status
                elif status == 200 and isinstance(payload, dict) and payload.get("errors"):
                    status = 404  # the index lost its only trainee: "No trainees found"
                injected = injected or LATE_TRN
        await _respond(send, status, headers, content)
        self.recording.add(lambda seq: Exchange(
            seq=seq, **base, status=status, response_headers=redact_exchange_headers(headers),
            response_body=content.decode("utf-8", "replace") if content else None, elapsed_ms=_ms(t0),
            injected=injected), injection=injection)

    async def _mask(self, client: str, request: Request, route: str, status: int, payload: Any,
                    forward_headers: list[tuple[str, str]]) -> tuple[Any, bool]:
        """Apply the late-TRN view to an answer; an index answer (200 or 404) may gain a late trainee it lacks."""
        adverse = self.recording.adverse
        if not (request.method == "GET" and route == "/trainees"):
            return adverse.mask(client, payload)
        if status not in (200, 404):
            return payload, False
        query = dict(request.query_params)
        payload, changed, missing = adverse.mask_index(client, payload, query)
        first_page = query.get("page", "1") in ("", "1")
        assert self._http is not None
        version_root = request.url.path[: -len("/trainees")]
        for trainee_id in missing if first_page else ():
            try:
                shown = await self._http.get(f"{self.upstream}{version_root}/trainees/{trainee_id}",
                                             headers=forward_headers)
            except httpx.HTTPError:
                continue
            admitted = adverse.admit(client, _json(shown.content, shown.headers.multi_items()), query)
            if admitted is None:
                continue
            if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
                payload = {"data": [], "meta": {"current_page": 1, "total_pages": 1, "total_count": 0,
                                                "per_page": _int(query.get("per_page"), 50)}}
            payload = {**payload, "data": [admitted, *payload["data"]]}
            meta = payload.get("meta")
            if isinstance(meta, dict) and isinstance(meta.get("total_count"), int):
                payload["meta"] = {**meta, "total_count": meta["total_count"] + 1}
            changed = True
        if changed and isinstance(payload, dict) and payload.get("data") == []:
            payload = {"errors": [{"error": "NotFound", "message": "No trainees found"}]}
        return payload, changed


def observer_app(recording: Recording, upstream: str, tokens: Mapping[str, str], *,
                 default_client: str = UNKNOWN_CLIENT, live_routes: Sequence[BaseRoute] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> Starlette:
    """The observing app: the live page at ``/_conformance/`` (when given), everything else forwarded.

    ``transport`` replaces the network between the observer and ``upstream`` (tests).
    """
    proxy = _Proxy(recording, upstream, tokens, default_client, transport=transport)
    routes: list[BaseRoute] = []
    if live_routes is not None:
        # Typed without its slash, the page's address would otherwise be forwarded to the API (a 404 there).
        routes.append(Route("/_conformance", lambda _request: RedirectResponse("/_conformance/", 307)))
        routes.append(Mount("/_conformance", routes=list(live_routes)))
    routes.append(Mount("/", app=proxy))
    quiet_lost_responses()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await proxy.close()

    return Starlette(routes=routes, lifespan=lifespan)


# -- helpers -------------------------------------------------------------------------------------------
async def _respond(send: Send, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": _raw([*headers, ("content-length", str(len(body)))])})
    await send({"type": "http.response.body", "body": body})


def _raw(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


def _json(content: bytes, headers: Sequence[tuple[str, str]]) -> Any:
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
    if "json" not in ctype or not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _trainee_id(payload: Any) -> str | None:
    data = payload.get("data") if isinstance(payload, dict) else None
    value = data.get("trainee_id") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 1)
