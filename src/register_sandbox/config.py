"""The sandbox's configuration: one frozen dataclass built by the command line or by tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

#: Versions the sandbox can serve (the allow-list is a subset of these).
KNOWN_VERSIONS: tuple[str, ...] = ("v2025.0", "v2026.1")
LATEST_VERSION = "v2026.1"

DEFAULT_TOKENS: tuple[tuple[str, str], ...] = (
    ("provider_a", "sandbox_provider_a_token"),
    ("provider_b", "sandbox_provider_b_token"),
)


def system_clock() -> datetime:
    """The real time, aware UTC."""
    return datetime.now(UTC)


class FakeClock:
    """A settable clock for tests: ``clock()`` returns the current fake time; ``advance(seconds)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        with self._lock:
            self._now = when


@dataclass(frozen=True)
class ProviderSeed:
    """A provider and one of its tokens, seeded at start-up."""

    name: str
    token: str
    status: str = "active"  # active | revoked | expired
    expires_at: date | None = None
    discarded: bool = False


@dataclass(frozen=True)
class SandboxConfig:
    """Everything the app needs; immutable after start-up."""

    db_path: str = "sandbox.sqlite3"
    host: str = "127.0.0.1"
    port: int = 8000
    providers: tuple[ProviderSeed, ...] = tuple(ProviderSeed(n, t) for n, t in DEFAULT_TOKENS)
    versions: tuple[str, ...] = KNOWN_VERSIONS
    trn_delay: float = 2.0
    award_delay: float | None = None
    rate_limit: tuple[int, int] | None = None  # (max requests, window seconds)
    defects: frozenset[str] = frozenset()
    clock: Callable[[], datetime] = field(default=system_clock, compare=False)
    max_body_bytes: int = 1_000_000
    token_secret: str = "register-sandbox-token-hmac-key"
