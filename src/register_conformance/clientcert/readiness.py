"""v2026.1 readiness: each v2025.0 request re-judged as if sent to v2026.1, with the change to make.

Every change cites the compat report's known-difference ids (``data/compat/behaviour.yaml``). Changes are
grouped (one row per change, with the exchanges that need it), so a long recording stays readable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from register_conformance.clientcert import rules_request as req
from register_conformance.clientcert.exchange import Exchange
from register_conformance.clientcert.rules_reaction import refused_in_state, states_in

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


def _renamed(ex: Exchange) -> Exchange | None:
    """The exchange with v2025.0 field names already renamed (to judge v2026.1's other rules), or None."""
    body = ex.request_json()
    data = body.get("data") if isinstance(body, dict) else None
    table = req.renames()
    if not isinstance(data, dict) or not table.keys() & data.keys():
        return None
    data = {table.get(k, k): v for k, v in data.items()}
    return replace(ex, request_body=json.dumps({**body, "data": data}))


def _kd(field_name: str, message: str) -> list[str]:
    if field_name == "course_subject_1" and "100511" in message:
        return _cite("KD-PRIMARY-SUBJECT-RULE")
    if field_name in ("course_subject_1", "course_age_range") and ("early-years" in message):
        return _cite("KD-EARLY-YEARS-RULES")
    kd = _FIELD_KD.get(field_name)
    return _cite(kd) if kd else []


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
        after = req.judge_request(_as_v2026(ex), "v2026.1", book).failed
        renamed = _renamed(ex)
        if renamed is not None:  # v2026.1's other rules, once the names are right
            after += [f for f in req.judge_request(_as_v2026(renamed), "v2026.1", book).failed
                      if f[0] != req.FIELD_NAMES]
        for cl_id, message, fname in dict.fromkeys(after):  # once per exchange
            if (cl_id, fname) in before or (cl_id == req.SCHEMA and fname in req.renames().values()):
                continue
            add(ex, cl_id, message, _kd(fname, message), fname)
        if op is None:
            continue
        if op.name == "recommend" and ex.route.rstrip("/").endswith("recommend-for-qts"):
            add(ex, "CL-REQ-ROUTE", "use POST …/update-qts-or-eyts-status (recommend-for-qts is deprecated in "
                                    "v2026.1, removal planned for v2027.0)",
                _cite("KD-UPDATE-QTS-OR-EYTS-STATUS", "KD-RECOMMEND-FOR-QTS-DEPRECATED"), "recommend-for-qts")
        if op.trainee_id and op.trainee_id.lower() in states:
            state = states[op.trainee_id.lower()]
            if refused_in_state(op.name, state, "v2025.0") is None:
                why = refused_in_state(op.name, state, "v2026.1")
                if why:
                    add(ex, "CL-REACT-STATE-AWARE", f"{why}: finish edits before withdrawing or recommending",
                        _cite("KD-WRITE-LOCK"), f"lock:{op.name}")
        for tid, state in states_in(ex, op):
            states[tid.lower()] = state
    return sorted(rows.values(), key=lambda r: r["seq"])
