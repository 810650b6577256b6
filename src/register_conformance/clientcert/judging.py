"""Judging a client's recorded traffic against the ``CL-…`` requirement catalogue.

``judge(exchanges, context)`` is pure: the same exchanges and context give the same ``Judgement``.
It is cheap enough to call again on a growing recording (the live page does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from register_conformance.clientcert.exchange import Exchange

PLANS = ("journeys", "resilience", "full", "check")
VERDICTS = ("pass", "fail", "not-demonstrated", "not-applicable")


@dataclass(frozen=True)
class Injection:
    """One adverse response the observer served."""

    seq: int  # Exchange.seq it was served on
    client: str
    kind: str  # "rate-limited-429" | "unavailable-503" | "lost-create" | "late-trn"
    retry_after: float | None  # seconds announced, when any
    expected: str  # what a correct client does next (shown in reports)


@dataclass(frozen=True)
class Context:
    plan: str  # "journeys" | "resilience" | "full" | "check"
    api_versions: frozenset[str] | None = None  # versions served/allowed; None = infer from URLs
    claimed_journeys: frozenset[str] | None = None  # None = all claimed
    injections: tuple[Injection, ...] = ()


JOURNEYS: tuple[tuple[str, str], ...] = (
    ("create-with-degree", "Create a trainee with a degree"),
    ("add-or-replace-degree", "Add or replace a degree"),
    ("add-placements", "Add placements"),
    ("update-trainee", "Update the trainee"),
    ("defer", "Defer a trainee"),
    ("withdraw", "Withdraw a trainee"),
    ("recommend-for-qts", "Recommend for QTS"),
    ("update-qts-or-eyts-status", "Update QTS or EYTS status (v2026.1)"),
    ("incremental-read", "Incremental read with since and paging"),
)


@dataclass
class Judgement:
    certified: bool
    requirements: list[dict[str, Any]] = field(default_factory=list)
    journeys: list[dict[str, Any]] = field(default_factory=list)
    injections: list[dict[str, Any]] = field(default_factory=list)
    readiness: list[dict[str, Any]] = field(default_factory=list)
    per_exchange: dict[int, list[tuple[str, str, str]]] = field(default_factory=dict)

    def for_exchange(self, seq: int) -> list[tuple[str, str, str]]:
        """(CL id, verdict, message) for one exchange; empty when nothing was said about it."""
        return list(self.per_exchange.get(seq, ()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "certified": self.certified,
            "requirements": [
                {**r, "evidence": [list(e) for e in r.get("evidence", ())]} for r in self.requirements
            ],
            "journeys": list(self.journeys),
            "injections": list(self.injections),
            "readiness": list(self.readiness),
        }


def judge(exchanges: Sequence[Exchange], context: Context) -> Judgement:
    """Judge the exchanges (stub: real judges follow)."""
    claimed = context.claimed_journeys
    journeys = [
        {"id": jid, "title": title,
         "status": "not claimed" if claimed is not None and jid not in claimed else "not demonstrated",
         "seq": None}
        for jid, title in JOURNEYS
    ]
    return Judgement(certified=False, journeys=journeys)
