"""Throttle and 429/503 retry with a fake clock (no real waiting), for httpx and requests."""

from __future__ import annotations

import email.utils

import httpx
import pytest
import requests
from requests.adapters import HTTPAdapter

from register_conformance.client import (
    ApiClient,
    RequestStats,
    Throttle,
    ThrottledAdapter,
    parse_retry_after,
    send_with_retries,
)
from register_conformance.settings import RateLimit


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(*responses: httpx.Response):
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return handler, seen


def make_client(handler, clock: FakeClock, limit: RateLimit | None = None) -> tuple[ApiClient, RequestStats]:
    stats = RequestStats()
    throttle = Throttle(limit, clock=clock, sleep=clock.sleep)
    return ApiClient("http://t", "v2026.1", "tok", transport=httpx.MockTransport(handler), stats=stats,
                     throttle=throttle), stats


def test_429_retry_after_is_waited_out_then_retried() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(429, text="Retry later\n", headers={"Retry-After": "7"}),
                             httpx.Response(200, json={"ok": True}))
    client, stats = make_client(handler, clock)
    assert client.get("/info").status_code == 200
    assert clock.sleeps == [7.0]
    assert len(seen) == 2
    assert stats.as_dict()["retries"] == 1 and stats.statuses == {429: 1, 200: 1}


def test_retry_budget_runs_out_and_the_last_429_is_returned() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(429, headers={"Retry-After": "1"}))
    client, stats = make_client(handler, clock)
    assert client.get("/info").status_code == 429
    assert len(seen) == 6  # first try + 5 retries
    assert stats.retries == 5


def test_503_without_retry_after_is_not_retried() -> None:
    clock = FakeClock()
    handler, seen = scripted(httpx.Response(503, text="down"))
    client, _ = make_client(handler, clock)
    assert client.get("/info").status_code == 503
    assert len(seen) == 1 and clock.sleeps == []


def test_retry_after_http_date_and_clamping() -> None:
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after("100000") == 120.0
    assert parse_retry_after("-5") == 0.0
    assert parse_retry_after("soon", default=2.0) == 2.0


def test_throttle_waits_for_the_window_to_slide() -> None:
    clock = FakeClock()
    handler, _ = scripted(httpx.Response(200, json={}))
    client, stats = make_client(handler, clock, RateLimit(2, 60))
    for _ in range(3):
        client.get("/info")
    assert clock.sleeps == [60.0]
    assert stats.throttle_waits == 1 and stats.requests == 3


def test_send_with_retries_is_generic() -> None:
    clock = FakeClock()
    answers = iter([429, 429, 200])
    got = send_with_retries(lambda: next(answers), throttle=Throttle(None), stats=RequestStats(), max_retries=5,
                            sleep=clock.sleep, status=lambda r: r, header=lambda r, n: "3", discard=lambda r: None)
    assert got == 200 and clock.sleeps == [3.0, 3.0]


def test_requests_adapter_routes_schemathesis_traffic_through_the_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    codes = iter([429, 200])

    def fake_send(self, request, **kwargs):
        response = requests.Response()
        response.status_code = next(codes)
        response.headers["Retry-After"] = "4"
        response.request = request
        response._content = b"{}"
        response._content_consumed = True
        return response

    monkeypatch.setattr(HTTPAdapter, "send", fake_send)
    stats = RequestStats()
    session = requests.Session()
    session.mount("http://", ThrottledAdapter(Throttle(None, clock=clock, sleep=clock.sleep), stats))
    assert session.get("http://t/api/v2026.1/info").status_code == 200
    assert clock.sleeps == [4.0] and stats.requests == 2 and stats.retries == 1
