"""The one HTTP layer of the suite: versioned paths, throttling, 429/503 retry, counting, redaction.

``ApiClient`` wraps an ``httpx.Client`` whose transport is a ``RateLimitTransport`` over the real
(or a mock) transport. Throttling and retries are pure pieces with an injected clock and sleep, so
they are unit-testable without waiting.

Whoever needs to see the traffic (the reports' traffic log, the failure reporter) subscribes to an
``ExchangeObservers`` and passes it as ``on_exchange`` to ``ApiClient`` (an httpx response event
hook) and to ``requests_session`` (the adapter Schemathesis sends through): each final response of
an exchange is handed to every subscriber.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import requests
from requests.adapters import HTTPAdapter

from register_conformance.redaction import curl_command, redact_headers, redact_text
from register_conformance.settings import RateLimit

RETRY_STATUSES = frozenset({429, 503})
MAX_RETRY_AFTER = 120.0
_UNSET: Any = object()
R = TypeVar("R")


def parse_retry_after(value: str | None, *, now: float | None = None, default: float = 1.0,
                      maximum: float = MAX_RETRY_AFTER) -> float:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), clamped to [0, maximum]."""
    if value is None or not str(value).strip():
        return default
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text).timestamp()
        except (TypeError, ValueError, IndexError):
            return default
        seconds = when - (time.time() if now is None else now)
    return max(0.0, min(seconds, maximum))


ExchangeObserver = Callable[[Any], None]


class ExchangeObservers:
    """The subscribers told of every exchange of a run: ``observers(response)`` calls each in turn.

    A response is an ``httpx.Response`` (``ApiClient``) or a ``requests.Response`` (Schemathesis
    traffic); both carry ``.request`` (method, url, headers, body) and ``.status_code``.
    """

    def __init__(self) -> None:
        self._subscribers: list[ExchangeObserver] = []
        self._lock = threading.Lock()

    def subscribe(self, observer: ExchangeObserver) -> None:
        with self._lock:
            self._subscribers.append(observer)

    def unsubscribe(self, observer: ExchangeObserver) -> None:
        with self._lock:
            if observer in self._subscribers:
                self._subscribers.remove(observer)

    def __call__(self, response: Any) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for observer in subscribers:
            observer(response)


@dataclass
class RequestStats:
    """Counters shared by every client of a run (thread-safe)."""

    requests: int = 0
    retries: int = 0
    rate_limit_waits: int = 0
    rate_limit_wait_seconds: float = 0.0
    throttle_waits: int = 0
    throttle_wait_seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, status: int) -> None:
        with self._lock:
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def note_throttle(self, seconds: float) -> None:
        with self._lock:
            self.throttle_waits += 1
            self.throttle_wait_seconds += seconds

    def note_retry(self, seconds: float) -> None:
        with self._lock:
            self.retries += 1
            self.rate_limit_waits += 1
            self.rate_limit_wait_seconds += seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "rate_limit_waits": self.rate_limit_waits,
            "rate_limit_wait_seconds": round(self.rate_limit_wait_seconds, 3),
            "throttle_waits": self.throttle_waits,
            "throttle_wait_seconds": round(self.throttle_wait_seconds, 3),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


class Throttle:
    """Client-side limiter: at most N requests in any sliding window of S seconds."""

    def __init__(self, limit: RateLimit | None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit
        self.clock = clock
        self.sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Block until a request may be sent; return the seconds waited."""
        if self.limit is None:
            return 0.0
        waited = 0.0
        with self._lock:
            while True:
                now = self.clock()
                while self._sent and now - self._sent[0] >= self.limit.per_seconds:
                    self._sent.popleft()
                if len(self._sent) < self.limit.max_requests:
                    self._sent.append(now)
                    return waited
                delay = self.limit.per_seconds - (now - self._sent[0])
                self.sleep(delay)
                waited += delay


class RateLimitTransport(httpx.BaseTransport):
    """Throttle before sending; wait out 429/503 ``Retry-After`` and retry (bounded); count everything."""

    def __init__(self, inner: httpx.BaseTransport, throttle: Throttle, stats: RequestStats,
                 max_retries: int = 5, sleep: Callable[[float], None] | None = None) -> None:
        self.inner = inner
        self.throttle = throttle
        self.stats = stats
        self.max_retries = max_retries
        self.sleep = sleep or throttle.sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        def discard(response: httpx.Response) -> None:
            response.read()
            response.close()

        return send_with_retries(lambda: self.inner.handle_request(request), throttle=self.throttle,
                                 stats=self.stats, max_retries=self.max_retries, sleep=self.sleep,
                                 status=lambda r: r.status_code, header=lambda r, n: r.headers.get(n),
                                 discard=discard)

    def close(self) -> None:
        self.inner.close()


def send_with_retries(send: Callable[[], R], *, throttle: Throttle, stats: RequestStats, max_retries: int,
                      sleep: Callable[[float], None], status: Callable[[R], int],
                      header: Callable[[R, str], str | None], discard: Callable[[R], None]) -> R:
    """Throttle, send, count; wait out 429/503 ``Retry-After`` and resend, at most ``max_retries`` times.

    Shared by the httpx transport and the ``requests`` adapter Schemathesis sends through. The
    last response is returned whatever it is, so an exhausted budget still shows the 429.
    """
    attempt = 0
    while True:
        waited = throttle.acquire()
        if waited:
            stats.note_throttle(waited)
        response = send()
        code = status(response)
        stats.count(code)
        if code not in RETRY_STATUSES or attempt >= max_retries:
            return response
        retry_after = header(response, "retry-after")
        if code == 503 and retry_after is None:
            return response
        delay = parse_retry_after(retry_after)
        discard(response)
        attempt += 1
        stats.note_retry(delay)
        sleep(delay)


class ThrottledAdapter(HTTPAdapter):
    """A ``requests`` adapter with the suite's throttle, 429/503 retry and counters.

    Schemathesis sends through ``requests``; mounting this adapter on the session passed to
    ``case.call(session=...)`` (and to the state machine) routes every generated request,
    including the ones checks re-send, through the same limiter and counters as ``ApiClient``.
    """

    def __init__(self, throttle: Throttle, stats: RequestStats, *, max_retries: int = 5,
                 sleep: Callable[[float], None] | None = None, on_exchange: ExchangeObserver | None = None) -> None:
        super().__init__()
        self.throttle = throttle
        self.stats = stats
        self.retry_budget = max_retries
        self.sleep = sleep or throttle.sleep
        self.on_exchange = on_exchange

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        def discard(response: requests.Response) -> None:
            response.close()

        response = send_with_retries(lambda: super(ThrottledAdapter, self).send(request, **kwargs),
                                     throttle=self.throttle, stats=self.stats, max_retries=self.retry_budget,
                                     sleep=self.sleep, status=lambda r: r.status_code,
                                     header=lambda r, n: r.headers.get(n), discard=discard)
        if self.on_exchange is not None:
            self.on_exchange(response)
        return response


def requests_session(throttle: Throttle, stats: RequestStats, *, max_retries: int = 5,
                     sleep: Callable[[float], None] | None = None,
                     on_exchange: ExchangeObserver | None = None) -> requests.Session:
    """A ``requests.Session`` whose HTTP(S) traffic goes through a ``ThrottledAdapter``."""
    session = requests.Session()
    adapter = ThrottledAdapter(throttle, stats, max_retries=max_retries, sleep=sleep, on_exchange=on_exchange)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def describe_response(response: Any, limit: int = 2000) -> str:
    """Request and response of an httpx response as text for failure messages (credentials redacted)."""
    req = response.request
    text = (
        f"Request: {req.method} {req.url}\n"
        f"Request headers: {redact_headers(req.headers.items())}\n"
        f"Request body: {req.content.decode('utf-8', 'replace')[:limit]}\n"
        f"Response: {response.status_code} {response.headers.get('content-type', '')}\n"
        f"Response body: {response.text[:limit]}\n"
        f"Reproduce: {curl_command(req.method, str(req.url), req.headers.items(), req.content)}"
    )
    return text


class ApiClient:
    """A client for one API version of one target, authenticated as one provider (or none).

    Paths are relative to ``/api/{api_version}``: ``client.get("/trainees")``.
    """

    def __init__(self, base_url: str, api_version: str, token: str | None, *, timeout: float = 30.0,
                 rate_limit: RateLimit | None = None, transport: httpx.BaseTransport | None = None,
                 stats: RequestStats | None = None, throttle: Throttle | None = None,
                 secrets: tuple[str, ...] = (), on_exchange: ExchangeObserver | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version
        self.token = token
        self.timeout = timeout
        self.stats = stats or RequestStats()
        self.throttle = throttle or Throttle(rate_limit)
        self.secrets = tuple(s for s in (*secrets, token) if s)
        self._inner = transport or httpx.HTTPTransport(retries=0)
        self._http = httpx.Client(
            transport=RateLimitTransport(self._inner, self.throttle, self.stats),
            timeout=timeout,
            follow_redirects=False,
            event_hooks={"response": [on_exchange]} if on_exchange is not None else None,
        )

    # -- derived clients share the transport, throttle and counters -------------------------
    def _derive(self, **changes: Any) -> ApiClient:
        clone = object.__new__(ApiClient)
        clone.__dict__.update(self.__dict__)
        clone.__dict__.update(changes)
        clone.secrets = tuple(dict.fromkeys(s for s in (*self.secrets, changes.get("token")) if s))
        return clone

    def with_token(self, token: str | None) -> ApiClient:
        """The same target and version as another provider (``None``: unauthenticated)."""
        return self._derive(token=token)

    def with_version(self, api_version: str) -> ApiClient:
        return self._derive(api_version=api_version)

    def url(self, path: str) -> str:
        return f"{self.base_url}/api/{self.api_version}{path}"

    def request(self, method: str, path: str, *, json: Any = _UNSET, content: bytes | str | None = None,
                params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None,
                token: Any = _UNSET) -> httpx.Response:
        """Send one request; ``token=None`` sends no Authorization header; raw ``content`` is sent as is."""
        token = self.token if token is _UNSET else token
        merged = {"Accept": "application/json"}
        if token:
            merged["Authorization"] = f"Bearer {token}"
        if json is not _UNSET or content is not None:
            merged["Content-Type"] = "application/json"
        merged.update(headers or {})
        kwargs: dict[str, Any] = {"params": params, "headers": merged}
        if json is not _UNSET:
            kwargs["json"] = json
        elif content is not None:
            kwargs["content"] = content
        return self._http.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    # -- safe descriptions -------------------------------------------------------------------
    def curl(self, response: httpx.Response) -> str:
        """A redacted curl reproduction of the request behind ``response``."""
        req = response.request
        return redact_text(curl_command(req.method, str(req.url), req.headers.items(), req.content), self.secrets)

    def describe(self, response: httpx.Response, limit: int = 2000) -> str:
        """Request and response summary for failure messages, with secrets redacted."""
        return redact_text(describe_response(response, limit), self.secrets)

    def close(self) -> None:
        self._http.close()
