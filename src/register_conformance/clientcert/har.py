"""Reading and writing HAR 1.2 files as ``Exchange`` records (credentials never kept)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from register_conformance.clientcert.exchange import Exchange
from register_conformance.errors import ConformanceError


class HarError(ConformanceError):
    """The HAR file cannot be read (missing, not JSON, not HAR 1.2)."""


def read_har(path: str | Path) -> list[Exchange]:
    raise HarError(f"{path}: HAR reading is not implemented yet")


def write_har(exchanges: Sequence[Exchange], path: str | Path) -> None:
    raise HarError(f"{path}: HAR writing is not implemented yet")
