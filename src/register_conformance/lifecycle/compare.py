"""Assertions over trainee snapshots: what changed, what did not (lifecycle.md §9.1).

``expect_fields(after, before, changed=...)`` compares two trainee (or degree/placement) objects
key by key: keys in ``changed`` must hold the given value (or satisfy the given ``Matcher``),
keys in ``ignore`` are skipped, every other key must be unchanged. Failures list every differing
key with "Received / Expected" text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from register_conformance.expect import fail
from register_conformance.lifecycle.facts import AWARDED, RECOMMENDED, SUBMITTED, TRN_RECEIVED

_MISSING = object()


@dataclass(frozen=True)
class Matcher:
    """A named predicate usable as an expected value."""

    description: str
    predicate: Callable[[Any], bool]

    def __call__(self, value: Any) -> bool:
        try:
            return bool(self.predicate(value))
        except (TypeError, ValueError):
            return False

    def __repr__(self) -> str:
        return self.description


def any_of(*values: Any) -> Matcher:
    return Matcher(f"one of {list(values)!r}", lambda v: v in values)


def matches(pattern: str) -> Matcher:
    return Matcher(f"a string matching {pattern}", lambda v: isinstance(v, str) and re.match(pattern, v) is not None)


def not_before(timestamp: str) -> Matcher:
    return Matcher(f"a timestamp not before {timestamp}", lambda v: isinstance(v, str) and v >= timestamp)


def later_than(timestamp: str) -> Matcher:
    """An ISO-8601 UTC timestamp after ``timestamp`` (same format, so string order is time order)."""
    return Matcher(f"a timestamp later than {timestamp}", lambda v: isinstance(v, str) and v > timestamp)


def same_set(values: Iterable[Any]) -> Matcher:
    wanted = sorted(set(values))
    return Matcher(f"the set {wanted!r} (no duplicates)",
                   lambda v: isinstance(v, list) and sorted(v) == wanted and len(v) == len(wanted))


TRN = Matcher("a 7-character TRN", lambda v: isinstance(v, str) and len(v) == 7)
NOT_NULL = Matcher("not null", lambda v: v is not None)


def trn_may_arrive(before: Mapping[str, Any]) -> dict[str, Any]:
    """``changed`` entries tolerating the target's asynchronous edges (lifecycle.md §1.2, §1.4).

    A trainee without a TRN may get one at any time: ``submitted_for_trn`` becomes ``trn_received``
    and ``trn`` is filled; a deferred or withdrawn trainee keeps its state but may get a ``trn``.
    A ``recommended_for_award`` trainee may be awarded (state ``awarded``, ``awarded_at`` set) when
    the target runs the award job.
    """
    out: dict[str, Any] = {}
    if before.get("trn") is None:
        out["trn"] = Matcher("null or a 7-character TRN", lambda v: v is None or TRN(v))
        if before.get("state") == SUBMITTED:
            out["state"] = any_of(SUBMITTED, TRN_RECEIVED)
    if before.get("state") == RECOMMENDED:
        out["state"] = any_of(RECOMMENDED, AWARDED)
        out["awarded_at"] = Matcher("null or the award timestamp", lambda v: v is None or isinstance(v, str))
    return out


def async_edge_seen(before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """True when ``after`` shows an asynchronous edge since ``before`` (TRN assigned, or awarded)."""
    return (before.get("trn") is None and after.get("trn") is not None) or \
        (before.get("state") == RECOMMENDED and after.get("state") == AWARDED)


def _ok(value: Any, expected: Any) -> bool:
    return expected(value) if isinstance(expected, Matcher) else value == expected


def field_differences(after: Mapping[str, Any], before: Mapping[str, Any], *,
                      changed: Mapping[str, Any] | None = None, ignore: Iterable[str] = ()) -> list[str]:
    """Differences between ``after`` and the expectation built from ``before`` + ``changed``."""
    changed = dict(changed or {})
    skip = set(ignore)
    problems = []
    for key in sorted(set(before) | set(after) | set(changed)):
        if key in skip:
            continue
        got = after.get(key, _MISSING)
        wanted = changed[key] if key in changed else before.get(key, _MISSING)
        if got is _MISSING and wanted is not _MISSING:
            problems.append(f"{key}: missing (expected {wanted!r})")
        elif wanted is _MISSING:
            problems.append(f"{key}: unexpected key with value {got!r}")
        elif not _ok(got, wanted):
            problems.append(f"{key}: received {got!r}, expected {wanted!r}")
    return problems


def expect_fields(after: Mapping[str, Any], before: Mapping[str, Any], *, changed: Mapping[str, Any] | None = None,
                  ignore: Iterable[str] = (), what: str = "trainee") -> None:
    """Fail unless ``after`` equals ``before`` except for ``changed`` (and ``ignore``d keys)."""
    __tracebackhide__ = True
    problems = field_differences(after, before, changed=changed, ignore=ignore)
    if problems:
        fail(f"Unexpected {what} fields after the step\n" + "\n".join(f"  {p}" for p in problems))


def expect_values(obj: Mapping[str, Any], expected: Mapping[str, Any], *, what: str = "object") -> None:
    """Fail unless every key of ``expected`` holds that value (or satisfies that ``Matcher``)."""
    __tracebackhide__ = True
    problems = []
    for key, wanted in expected.items():
        got = obj.get(key, _MISSING)
        if got is _MISSING:
            problems.append(f"{key}: missing (expected {wanted!r})")
        elif not _ok(got, wanted):
            problems.append(f"{key}: received {got!r}, expected {wanted!r}")
    if problems:
        fail(f"Unexpected {what} values\n" + "\n".join(f"  {p}" for p in problems))


def has_ids(key: str, ids: Iterable[str]) -> Matcher:
    """A list of objects whose ``key`` values are exactly ``ids`` (any order)."""
    wanted = sorted(ids)
    return Matcher(f"objects with {key} {wanted}",
                   lambda v: isinstance(v, list) and sorted(o.get(key) for o in v) == wanted)


def withdrawn_fields(version: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The trainee fields a successful withdraw with ``body`` sets (lifecycle.md §5.5)."""
    from register_conformance.lifecycle.facts import WITHDRAWN, withdraw_date_key, withdraw_reasons_key

    date_key = withdraw_date_key(version)
    return {
        "state": WITHDRAWN,
        date_key: body[date_key][:10],
        withdraw_reasons_key(version): same_set(body["reasons"]),
        "withdrawal_trigger": body["trigger"],
        "withdrawal_future_interest": body["future_interest"],
        "withdrawal_another_reason": body.get("another_reason"),
        "withdrawal_safeguarding_concern_reasons": body.get("safeguarding_concern_reasons"),
    }
