"""``GET /trainees`` query validation and SQL building (core.md §7)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from register_sandbox.defects import is_active
from register_sandbox.timefmt import SEEDED_CYCLES, cycle_start_year, parse_since, ts_ms

STATUSES = ("course_not_yet_started", "in_training", "deferred", "awarded", "withdrawn")
_LEADING_INT = re.compile(r"^\s*([+-]?\d+)")


def leading_int(value: str) -> int:
    """Ruby ``to_i``: the leading integer, else 0."""
    m = _LEADING_INT.match(value)
    return int(m.group(1)) if m else 0


@dataclass
class IndexQuery:
    """A validated index request."""

    cycle: int
    where: list[str]
    params: list[Any]
    order: str
    page: int
    per_page: int


def parse(query: dict[str, str], now: datetime) -> tuple[IndexQuery | None, dict[str, list[str]]]:
    """Validate the query string; ``(query, {})`` or ``(None, errors-by-param)``."""
    errors: dict[str, list[str]] = {}
    where: list[str] = []
    params: list[Any] = []

    cycle = cycle_start_year(now.date())
    raw_cycle = query.get("academic_cycle")
    if raw_cycle:
        year = leading_int(raw_cycle)
        if year not in SEEDED_CYCLES:
            errors.setdefault("academic_cycle", []).append(f"{raw_cycle} is not a valid academic cycle year")
        cycle = year

    raw_since = query.get("since")
    if raw_since is not None:
        if raw_since == "":
            where.append("0")  # a null bound matches nothing
        else:
            since = parse_since(raw_since)
            if since is None:
                errors.setdefault("since", []).append(f"{raw_since} is not a valid date")
            else:
                where.append("updated_at>?" if is_active("index-since-exclusive") else "updated_at>=?")
                params.append(ts_ms(since))

    status = query.get("status")
    today = now.date().isoformat()
    if status in STATUSES and is_active("index-status-filter-ignored"):
        status = None  # defect: a valid status filter is dropped
    if status:
        if status not in STATUSES:
            errors.setdefault("status", []).append(f"{status} is not a valid status")
        elif status == "course_not_yet_started":
            where.append("itt_start_date>? AND state NOT IN ('draft','deferred','withdrawn')")
            params.append(today)
        elif status == "in_training":
            where.append("state IN ('submitted_for_trn','trn_received','recommended_for_award') "
                         "AND itt_start_date<=?")
            params.append(today)
        else:
            where.append("state=?")
            params.append(status)

    has_trn = query.get("has_trn")
    if has_trn:
        where.append("trn IS NOT NULL" if has_trn == "true" else "trn IS NULL")

    sort_order = query.get("sort_order")
    if sort_order is None:
        direction = "DESC"
    elif sort_order == "":
        direction = "ASC"
    elif sort_order in ("asc", "desc"):
        direction = sort_order.upper()
    else:
        errors.setdefault("sort_order", []).append("is not included in the list")
        direction = "DESC"

    page = max(leading_int(query["page"]), 1) if "page" in query else 1
    if "per_page" in query:
        per_page = leading_int(query["per_page"])
        if per_page < 0:
            per_page = 100
    else:
        per_page = 50
    page, per_page = min(page, 10**9), min(per_page, 10**9)  # keep SQLite integers in range
    if errors:
        return None, errors
    order = f"updated_at {direction}, pk DESC"
    return IndexQuery(cycle, where, params, order, page, per_page), {}
