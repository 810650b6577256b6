"""Deliberate, named faults the sandbox can switch on (``--defect NAME``).

The meta-tests run the conformance suite against a faulted sandbox and check that exactly the
requirement ids a defect names fail. Adding a defect: one ``Defect(...)`` entry in ``CATALOGUE``
and one ``if is_active("name"):`` in the code path it breaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Defect:
    """One deliberate deviation from the facts."""

    name: str
    family: str
    description: str
    requirement_ids: tuple[str, ...] = ()


CATALOGUE: tuple[Defect, ...] = (
    Defect("auth-lowercase-bearer-accepted", "auth",
           "a lower-case 'bearer ' prefix is stripped and the token accepted", ("AUTH-BEARER",)),
    Defect("auth-401-wrong-body", "auth",
           "401 body is {\"errors\":[...]} instead of {\"error\":\"Unauthorized\"}", ("AUTH-401-BODY",)),
    Defect("show-wrapped-in-data", "trainees",
           "GET /trainees/{id} wraps the trainee in {\"data\": ...}", ("SHOW-UNWRAPPED",)),
    Defect("index-empty-200", "trainees",
           "GET /trainees with no results answers 200 {\"data\":[]} instead of 404", ("INDEX-EMPTY-404",)),
    Defect("create-status-200", "trainees",
           "POST /trainees answers 200 instead of 201", ("CREATE-201",)),
)

BY_NAME: dict[str, Defect] = {d.name: d for d in CATALOGUE}

_active: frozenset[str] = frozenset()


class UnknownDefectError(ValueError):
    """A defect name that is not in the catalogue."""


def activate(names: Iterable[str]) -> frozenset[str]:
    """Switch on exactly ``names`` (process-wide); raise ``UnknownDefectError`` for unknown ones."""
    global _active
    chosen = frozenset(names)
    unknown = sorted(chosen - BY_NAME.keys())
    if unknown:
        raise UnknownDefectError(f"unknown defect {unknown[0]!r} (see --defect list)")
    _active = chosen
    return _active


def is_active(name: str) -> bool:
    """True when defect ``name`` is switched on. ``name`` must be in the catalogue."""
    if name not in BY_NAME:  # a typo in a code path must not silently do nothing
        raise KeyError(name)
    return name in _active


def catalogue_lines() -> list[str]:
    """The catalogue as tab-separated ``name  family  description`` lines."""
    return [f"{d.name}\t{d.family}\t{d.description}" for d in CATALOGUE]
