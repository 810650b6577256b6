"""Rack::Attack-style throttling (core.md §4): fixed windows aligned to the epoch, per client IP,
every request whose path starts with ``/api`` counts. Off unless configured."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

Scope = dict[str, Any]


class RateLimitMiddleware:
    """ASGI middleware: 429 ``text/plain`` ``Retry later\\n`` with ``Retry-After`` over the limit."""

    def __init__(self, app: Any, limit: int, period: int, clock: Callable[[], datetime]) -> None:
        self.app = app
        self.limit = limit
        self.period = period
        self.clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope.get("path", "").startswith("/api"):
            await self.app(scope, receive, send)
            return
        now = self.clock().timestamp()
        epoch = math.floor(now)
        window = epoch // self.period
        if window != self._window:
            self._window = window
            self._counts = {}
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        count = self._counts.get(ip, 0) + 1
        self._counts[ip] = count
        if count <= self.limit:
            await self.app(scope, receive, send)
            return
        retry_after = self.period - (epoch % self.period)
        body = b"Retry later\n"
        await send({
            "type": "http.response.start",
            "status": 429,
            "headers": [
                (b"content-type", b"text/plain"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(retry_after).encode()),
            ],
        })
        await send({"type": "http.response.body", "body": body})


def parse_rate_limit(text: str) -> tuple[int, int] | None:
    """``"100/60"`` → ``(100, 60)``; ``"off"`` → ``None``; ``ValueError`` otherwise."""
    if text.strip().lower() == "off":
        return None
    count, sep, seconds = text.partition("/")
    if not sep or not count.strip().isdigit() or not seconds.strip().isdigit():
        raise ValueError(f"--rate-limit must be N/SECONDS or off, got {text!r}")
    limit, period = int(count), int(seconds)
    if limit < 1 or period < 1:
        raise ValueError(f"--rate-limit needs N >= 1 and SECONDS >= 1, got {text!r}")
    return limit, period
