"""Cross-version reads and the trainee comparison used by every compatibility test."""

from __future__ import annotations

import time
from typing import Any

from register_conformance.client import ApiClient
from register_conformance.expect import expect_json, expect_status, fail

from .data import ONLY_2026, TO_2025, as_2026


def show(client: ApiClient, trainee_id: str) -> dict[str, Any]:
    """GET /trainees/{id} (unwrapped) → 200 body."""
    return expect_json(expect_status(client.get(f"/trainees/{trainee_id}"), 200))


def show_both(v2025: ApiClient, v2026: ApiClient, trainee_id: str, attempts: int = 4) -> tuple[dict, dict]:
    """The trainee through both versions, re-read while an asynchronous edge (TRN) changed it in between."""
    for _ in range(attempts):
        old, new = show(v2025, trainee_id), show(v2026, trainee_id)
        if old.get("updated_at") == new.get("updated_at") and old.get("state") == new.get("state"):
            return old, new
        time.sleep(0.5)
    return old, new


def assert_same_trainee(old: dict[str, Any], new: dict[str, Any], context: str) -> None:
    """``old`` (v2025.0 object) and ``new`` (v2026.1 object) are the same trainee in each version's names."""
    __tracebackhide__ = True
    problems = []
    leaked_2026 = sorted(set(old) & set(TO_2025))
    leaked_2025 = sorted(set(new) & set(TO_2025.values()))
    if leaked_2026:
        problems.append(f"v2025.0 object carries v2026.1 names: {leaked_2026}")
    if leaked_2025:
        problems.append(f"v2026.1 object carries v2025.0 names: {leaked_2025}")
    missing_2025 = sorted(v for v in TO_2025.values() if v not in old)
    if missing_2025:
        problems.append(f"v2025.0 object lacks {missing_2025}")
    if "iqts_country" in old:
        problems.append("v2025.0 object has iqts_country (v2026.1 only)")
    mapped = as_2026(old)
    only_new = sorted(set(new) - set(mapped) - ONLY_2026)
    only_old = sorted(set(mapped) - set(new))
    if only_new or only_old:
        problems.append(f"keys differ after mapping: only v2026.1 {only_new}, only v2025.0 {only_old}")
    differing = sorted(k for k in set(mapped) & set(new) if mapped[k] != new[k])
    for key in differing:
        problems.append(f"{key}: v2025.0 {mapped[key]!r} ≠ v2026.1 {new[key]!r}")
    if problems:
        fail(f"{context}: the trainee differs across versions\n" + "\n".join(problems))


def require(obj: dict[str, Any], keys: tuple[str, ...], context: str) -> None:
    """``obj`` has every key of ``keys`` (a readable failure instead of a KeyError)."""
    __tracebackhide__ = True
    missing = [k for k in keys if k not in obj]
    if missing:
        fail(f"{context}: trainee object lacks {missing}\nReceived keys: {sorted(obj)}")
