"""Conformance suites: preflight the target once before any test runs."""

from __future__ import annotations

import pytest

from register_conformance.plugin import preflight_or_exit


@pytest.fixture(scope="session", autouse=True)
def _preflight(pytestconfig: pytest.Config) -> None:
    """GET /info once; a wrong target stops the whole run with one line and exit code 2."""
    preflight_or_exit(pytestconfig)
