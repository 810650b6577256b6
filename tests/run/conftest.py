"""Fixtures for the ``register-conformance run`` tests: a stub target and throwaway suites."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .stub import make_suites, stub_target


@pytest.fixture(scope="session")
def target() -> Iterator[str]:
    with stub_target() as url:
        yield url


@pytest.fixture(scope="session")
def passing_suites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_suites(tmp_path_factory.mktemp("passing"), failing=False)


@pytest.fixture(scope="session")
def failing_suites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_suites(tmp_path_factory.mktemp("failing"), failing=True)
