"""Fixtures for the sandbox's own tests: an in-process app on a temp DB with a fake clock."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

with warnings.catch_warnings():  # starlette 1.x nags about httpx; the test client still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from register_sandbox.app import create_app
from register_sandbox.config import FakeClock, ProviderSeed, SandboxConfig

NOW = datetime(2026, 11, 27, 12, 0, 0, tzinfo=UTC)
TOKEN_A = "token_provider_a"
TOKEN_B = "token_provider_b"
V26 = "/api/v2026.1"
V25 = "/api/v2025.0"

SEEDS = (
    ProviderSeed("provider_a", TOKEN_A),
    ProviderSeed("provider_b", TOKEN_B),
    ProviderSeed("provider_a", "revoked_token", status="revoked"),
    ProviderSeed("provider_a", "expired_token", status="expired"),
    ProviderSeed("provider_a", "expires_today", expires_at=date(2026, 11, 27)),
    ProviderSeed("provider_a", "expires_tomorrow", expires_at=date(2026, 11, 28)),
    ProviderSeed("gone_provider", "discarded_token", discarded=True),
)

VALID_2026: dict[str, Any] = {
    "first_names": "John", "last_name": "Doe", "date_of_birth": "1990-01-01",
    "sex": "11", "email": "john.doe@example.com", "nationality": "GB",
    "training_route": "11", "itt_start_date": "2026-08-01", "itt_end_date": "2027-08-01",
    "course_subject_1": "100346", "study_mode": "63", "course_age_range": "13918",
    "itt_aim": "202", "itt_qualification_aim": "001", "course_year": "1",
    "fund_code": "2", "funding_method": "6", "hesa_id": "0310261553101",
}


def body(**overrides: Any) -> dict[str, Any]:
    """A valid v2026.1 create body with overrides (``None`` removes a key)."""
    data = copy.deepcopy(VALID_2026)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return {"data": data}


def body_2025(**overrides: Any) -> dict[str, Any]:
    """The same body with v2025.0 field names."""
    data = body(**overrides)["data"]
    for new, old in (("course_subject_1", "course_subject_one"), ("course_subject_2", "course_subject_two"),
                     ("course_subject_3", "course_subject_three")):
        if new in data:
            data[old] = data.pop(new)
    return {"data": data}


def auth(token: str = TOKEN_A) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Api:
    """A TestClient plus the fake clock and the sandbox objects."""

    def __init__(self, client: TestClient, clock: FakeClock) -> None:
        self.client = client
        self.clock = clock
        self.sandbox = client.app.state.sandbox  # type: ignore[attr-defined]

    def get(self, path: str, token: str | None = TOKEN_A, **kw: Any) -> Any:
        return self.client.get(path, headers=auth(token) if token else {}, **kw)

    def post(self, path: str, json: Any = None, token: str | None = TOKEN_A, headers: dict[str, str] | None = None,
             **kw: Any) -> Any:
        return self.client.post(path, json=json, headers={**(auth(token) if token else {}), **(headers or {})}, **kw)

    def put(self, path: str, json: Any = None, token: str | None = TOKEN_A, headers: dict[str, str] | None = None,
            **kw: Any) -> Any:
        return self.client.put(path, json=json, headers={**(auth(token) if token else {}), **(headers or {})}, **kw)

    def create(self, version: str = V26, **overrides: Any) -> dict[str, Any]:
        payload = body(**overrides) if version == V26 else body_2025(**overrides)
        r = self.post(f"{version}/trainees", payload)
        assert r.status_code == 201, r.text
        return r.json()["data"]

    def set_state(self, trainee_id: str, state: str, **data: Any) -> None:
        store = self.sandbox.store
        row = store.get_trainee(1, trainee_id)
        assert row is not None
        store.set_state(row, state, **data)


@pytest.fixture
def make_api(tmp_path: Any) -> Iterator[Callable[..., Api]]:
    """Factory: ``make_api(**config_overrides)`` → ``Api``."""
    clients: list[TestClient] = []

    def factory(**overrides: Any) -> Api:
        clock = FakeClock(NOW)
        config = SandboxConfig(db_path=str(tmp_path / f"db{len(clients)}.sqlite3"), providers=SEEDS, clock=clock,
                               **overrides)
        client = TestClient(create_app(config), raise_server_exceptions=True)
        clients.append(client)
        return Api(client, clock)

    yield factory
    for client in clients:
        client.close()
        client.app.state.sandbox.store.close()  # type: ignore[attr-defined]


@pytest.fixture
def api(make_api: Callable[..., Api]) -> Api:
    """The default app (both versions, no rate limit, no defects)."""
    return make_api()
