"""Conformance suites: preflight the target once before any test runs."""

from __future__ import annotations

import pytest

from register_conformance.errors import ConformanceError
from register_conformance.plugin import make_client
from register_conformance.preflight import preflight


@pytest.fixture(scope="session", autouse=True)
def _preflight(pytestconfig: pytest.Config, settings) -> None:
    """GET /info once; a wrong target stops the whole run with one line and exit code 2."""
    if not settings.base_url:
        pytest.exit("no target: pass --base-url or set REGISTER_BASE_URL", returncode=2)
    client = make_client(pytestconfig, settings.token)
    try:
        preflight(client)
    except ConformanceError as exc:
        pytest.exit(f"preflight failed: {exc}", returncode=2)
    finally:
        client.close()
