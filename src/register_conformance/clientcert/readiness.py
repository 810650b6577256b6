"""v2026.1 readiness: each v2025.0 request re-judged as if sent to v2026.1, with the change to make.

Every change cites the compat report's known-difference ids (``data/compat/behaviour.yaml``). Changes are
grouped (one row per change, with the exchanges that need it), so a long recording stays readable.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from register_conformance.clientcert import rules_request as req
from register_conformance.clientcert.exchange import Exchange
from register_conformance.clientcert.rules_reaction import _states_in, refused_in_state

#: Field (or rule) → known-difference ids (data/compat/behaviour.yaml).
_FIELD_KD = {
    "course_subject_one": "KD-RENAME-COURSE-SUBJECT", "course_subject_two": "KD-RENAME-COURSE-SUBJECT",
    "course_subject_three": "KD-RENAME-COURSE-SUBJECT",
    "lead_partner_urn": "KD-RENAME-TRAINING-PARTNER-REQUEST",
    "lead_partner_ukprn": "KD-RENAME-TRAINING-PARTNER-REQUEST",
    "withdraw_date": "KD-RENAME-WITHDRAW-REQUEST-DATE", "training_route": "KD-ROUTE-02-REMOVED",
    "course_year": "KD-COURSE-YEAR-CHECK", "itt_end_date": "KD-ITT-END-DATE-RANGE",
    "additional_training_initiative": "KD-ADDITIONAL-TRAINING-INITIATIVE-CHECKS",
    "iqts_country": "KD-IQTS-COUNTRY",
}
PRIMARY_AGE_RANGES = frozenset({"13909", "13911", "13912", "13913", "13914", "13915"})
EARLY_YEARS_ROUTES = frozenset({"17", "18", "19", "20"})
MAX_SEQS = 20


@lru_cache(maxsize=1)
def known_ids() -> frozenset[str]:
    from register_conformance.compat.known import known_differences

    return frozenset(k.id for k in known_differences("v2025.0", "v2026.1"))


def _cite(*ids: str) -> list[str]:
    known = known_ids()
    return [i for i in ids if i in known]


def _as_v2026(ex: Exchange) -> Exchange:
    url = re.sub(r"/api/v2025\.0(-rc)?/", "/api/v2026.1/", ex.url, count=1)
    return replace(ex, url=url)


def _stricter(data: dict[str, Any], op_name: str) -> list[tuple[str, str, list[str]]]:
    """v2026.1 rules v2025.0 does not have (core.md §16): (field, change, KD ids)."""
    out = []
    if op_name not in ("create", "update"):
        return out
    age = str(data.get("course_age_range") or "")
    subject = data.get("course_subject_1", data.get("course_subject_one"))
    route = str(data.get("training_route") or "")
    if age in PRIMARY_AGE_RANGES and subject not in (None, "", "100511") and route not in EARLY_YEARS_ROUTES:
        out.append(("course_subject_1", f"send 100511 as course_subject_1 for primary age range {age} "
                                        f"(v2026.1 refuses {subject}; v2025.0 silently corrected it)",
                    _cite("KD-PRIMARY-SUBJECT-RULE")))
    if age == "13920" and route not in EARLY_YEARS_ROUTES:
        out.append(("course_age_range", "13920 (0-5) is for early-years routes only in v2026.1",
                    _cite("KD-EARLY-YEARS-RULES")))
    year = data.get("course_year")
    if year not in (None, "") and not re.fullmatch(r"-?\d+", str(year)):
        out.append(("course_year", f"course_year {year!r} must be an integer in v2026.1",
                    _cite("KD-COURSE-YEAR-CHECK")))
    end = data.get("itt_end_date")
    parsed = req.strict_date(end) if isinstance(end, str) else None
    if parsed is not None:
        today = date.today()
        if parsed.year > today.year + 5:
            out.append(("itt_end_date", "itt_end_date must be within the next 5 years in v2026.1",
                        _cite("KD-ITT-END-DATE-RANGE")))
        elif parsed < today.replace(year=today.year - 10, day=min(today.day, 28)):
            out.append(("itt_end_date", "itt_end_date must be within the last 10 years in v2026.1",
                        _cite("KD-ITT-END-DATE-RANGE")))
    return out


def assess(exchanges: Sequence[Exchange], book: req.SchemaBook) -> list[dict[str, Any]]:
    """Readiness rows for the v2025.0 ``exchanges`` (arrival order), grouped by change."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add(ex: Exchange, cl_id: str, change: str, kds: list[str], key_field: str) -> None:
        key = (key_field or cl_id, change)
        row = rows.get(key)
        if row is None:
            row = rows[key] = {"seq": ex.seq, "method": ex.method, "path": ex.path, "requirement": cl_id,
                               "field": key_field or None, "change": change, "known_differences": kds,
                               "seqs": [], "count": 0}
        row["count"] += 1
        if len(row["seqs"]) < MAX_SEQS:
            row["seqs"].append(ex.seq)

    if exchanges:
        add(exchanges[0], "CL-REQ-VERSION", "move to /api/v2026.1/: production and DfE's sandbox serve v2026.1 only",
            _cite("KD-V2025-AVAILABILITY"), "version")
    states: dict[str, str] = {}
    for ex in sorted(exchanges, key=lambda e: (e.started, e.seq)):
        op = req.operation_of(ex.method, ex.route)
        before = {(c, f) for c, _m, f in req.judge_request(ex, "v2025.0", book).failed}
        for cl_id, message, fname in req.judge_request(_as_v2026(ex), "v2026.1", book).failed:
            if (cl_id, fname) in before:
                continue
            kd = _FIELD_KD.get(fname)
            add(ex, cl_id, message, _cite(kd) if kd else [], fname)
        if op is None:
            continue
        if op.name == "recommend" and ex.route.rstrip("/").endswith("recommend-for-qts"):
            add(ex, "CL-REQ-ROUTE", "use POST …/update-qts-or-eyts-status (recommend-for-qts is deprecated in "
                                    "v2026.1, removal planned for v2027.0)",
                _cite("KD-UPDATE-QTS-OR-EYTS-STATUS", "KD-RECOMMEND-FOR-QTS-DEPRECATED"), "recommend-for-qts")
        body = ex.request_json()
        data = body.get("data") if isinstance(body, dict) else None
        if isinstance(data, dict):
            for fname, change, kds in _stricter(data, op.name):
                add(ex, "CL-REQ-SCHEMA", change, kds, fname)
        if op.trainee_id and op.trainee_id.lower() in states:
            state = states[op.trainee_id.lower()]
            if refused_in_state(op.name, state, "v2025.0") is None:
                why = refused_in_state(op.name, state, "v2026.1")
                if why:
                    add(ex, "CL-REACT-STATE-AWARE", f"{why}: finish edits before withdrawing or recommending",
                        _cite("KD-WRITE-LOCK"), f"lock:{op.name}")
        for tid, state in _states_in(ex, op):
            states[tid.lower()] = state
    return sorted(rows.values(), key=lambda r: r["seq"])
