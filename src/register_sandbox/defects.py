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
           "a lower-case 'bearer ' prefix is stripped and the token accepted", ("AUTH-401",)),
    Defect("auth-401-wrong-body", "auth",
           "401 body is {\"errors\":[...]} instead of {\"error\":\"Unauthorized\"}", ("AUTH-401", "ERR-SHAPES")),
    Defect("show-wrapped-in-data", "trainees",
           "GET /trainees/{id} wraps the trainee in {\"data\": ...}", ("SHOW-UNWRAPPED",)),
    Defect("index-empty-200", "trainees",
           "GET /trainees with no results answers 200 {\"data\":[]} instead of 404", ("IDX-EMPTY-404",)),
    Defect("create-status-200", "trainees",
           "POST /trainees answers 200 instead of 201", ("CREATE-VALID-ACCEPTED",)),
    # --- lifecycle defects (added by the lifecycle helper; used in lifecycle/ and routes/) ---
    Defect("withdraw-not-persisted", "lifecycle",
           "POST …/withdraw answers 200 with state withdrawn but the state is never saved",
           ("LC-WITHDRAW",)),
    Defect("degree-delete-leaves-record", "lifecycle",
           "DELETE …/degrees/{id} answers 200 but the degree is still there", ("LC-DEG-DELETE",)),
    Defect("writelock-missing-v2026", "lifecycle",
           "v2026.1 degree/placement writes are allowed in recommended_for_award/withdrawn/awarded",
           ("LC-LOCK-V2026", "LC-LOCK-PRECEDENCE")),
    Defect("defer-wrong-state", "lifecycle",
           "POST …/defer on a deferred trainee answers 200 instead of 422 S-D", ("LC-DEFER-STATE",)),
    Defect("recommend-status-200", "lifecycle",
           "recommend-for-qts / update-qts-or-eyts-status answer 200 instead of 202",
           ("LC-RECOMMEND-202", "LC-UPDATE-QTS-202")),
    Defect("degree-grade-09-kept", "lifecycle",
           "degree grade '09' is stored as sent instead of being rewritten to '14'", ("LC-DEG-MAPPING",)),
    # --- compatibility defect (added by the compat helper; used in serializers.py) ---
    Defect("compat-withdrawal-keys-not-mapped", "compat",
           "v2025.0 trainee objects carry withdrawal_date/withdrawal_reasons (v2026.1 names) instead of "
           "withdraw_date/withdraw_reasons", ("COMPAT-READ-ACROSS", "COMPAT-LIST-ACROSS", "COMPAT-TRANSITION-ACROSS")),
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
