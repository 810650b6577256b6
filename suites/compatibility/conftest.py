"""Fixtures of the compatibility suite: one client per version, unique data, best-effort cleanup.

The suite needs a target that serves both v2025.0 and v2026.1; when GET /info of either answers
404 every test is skipped with the reason. The run's ``--api-version`` only selects the preflight.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from register_conformance.client import ApiClient
from register_conformance.expect import expect_json, expect_status

from .data import V2025, V2026, WITHDRAWAL_DATE, in_version, trainee

_SERVED: dict[str, int] = {}


def _served(api: ApiClient, version: str) -> int:
    if version not in _SERVED:
        _SERVED[version] = api.with_version(version).get("/info").status_code
    return _SERVED[version]


@pytest.fixture(scope="session")
def both_versions(api: ApiClient) -> tuple[ApiClient, ApiClient]:
    """(v2025.0 client, v2026.1 client) for provider A; skips unless the target serves both."""
    for version in (V2025, V2026):
        status = _served(api, version)
        if status == 404:
            pytest.skip(f"the target does not serve {version} (GET /api/{version}/info → 404); "
                        "the compatibility suite needs both v2025.0 and v2026.1")
        if status != 200:
            pytest.skip(f"GET /api/{version}/info answered {status}; cannot check cross-version behaviour")
    return api.with_version(V2025), api.with_version(V2026)


@pytest.fixture
def v2025(both_versions: tuple[ApiClient, ApiClient]) -> ApiClient:
    return both_versions[0]


@pytest.fixture
def v2026(both_versions: tuple[ApiClient, ApiClient]) -> ApiClient:
    return both_versions[1]


@pytest.fixture
def created(v2025: ApiClient) -> Iterator[list[str]]:
    """Trainee ids a test created; afterwards they are withdrawn where the API allows it.

    One request per trainee: the withdraw itself (a state that cannot be withdrawn answers 422 and
    changes nothing), not a read first. It goes through v2025.0, whose certify budget has room
    (requests count against the version they call; README, profile certify); either version
    withdraws the same trainee.
    """
    ids: list[str] = []
    yield ids
    body = in_version({"withdrawal_date": WITHDRAWAL_DATE, "reasons": ["record_added_in_error"],
                       "trigger": "provider", "future_interest": "no"}, V2025)
    for trainee_id in ids:
        with contextlib.suppress(httpx.HTTPError):
            v2025.post(f"/trainees/{trainee_id}/withdraw", json={"data": body})


@pytest.fixture
def create(run_id: str, created: list[str], v2025: ApiClient, v2026: ApiClient) -> Callable[..., dict[str, Any]]:
    """``create(version, tag, **options)`` → the 201 trainee object (data built by ``data.trainee``)."""
    clients = {V2025: v2025, V2026: v2026}

    def _create(version: str, tag: str, **options: Any) -> dict[str, Any]:
        body = in_version(trainee(run_id, tag, **options), version)
        response = expect_status(clients[version].post("/trainees", json={"data": body}), 201)
        obj = expect_json(response)["data"]
        created.append(obj["trainee_id"])
        return obj

    return _create
