"""Withdraw, defer and recommend: request keys, preconditions and validation (lifecycle.md §5–§7).

Each ``validate_*`` takes the permitted request ``data``, the trainee facts it needs and ``today``,
and returns the list of full error messages in the service's evaluation order.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from register_sandbox import reference_data as ref
from register_sandbox.lifecycle import messages as msg
from register_sandbox.lifecycle.matrix import V2025, WITHDRAW, allowed, api_version
from register_sandbox.lifecycle.state_machine import can
from register_sandbox.timefmt import parse_iso_date
from register_sandbox.values import blank

# --- withdraw (§5) ---------------------------------------------------------------------------------

WITHDRAW_OPTIONAL: tuple[str, ...] = ("trigger", "future_interest", "another_reason", "safeguarding_concern_reasons")
TRIGGERS: tuple[str, ...] = ("provider", "trainee")
FUTURE_INTEREST: tuple[str, ...] = ("yes", "no", "unknown")


def withdraw_date_key(version: str) -> str:
    """``withdraw_date`` (v2025.0) or ``withdrawal_date`` (v2026.1)."""
    return "withdraw_date" if api_version(version) == V2025 else "withdrawal_date"


def other_withdraw_date_key(version: str) -> str:
    """The other version's date key (permitted by the controller; the validator raises → 500)."""
    return "withdrawal_date" if api_version(version) == V2025 else "withdraw_date"


def withdraw_permitted(version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(scalar keys, array keys) the withdraw controller permits (both date keys, in both versions)."""
    return ("withdraw_date", "withdrawal_date", *WITHDRAW_OPTIONAL), ("reasons",)


def withdraw_allowed(state: str, itt_start_date: date | None, commencement_status: str | None,
                     today: date, version: str) -> bool:
    """§5.2 preconditions: state allows it, course has started, commencement status not 'not started'."""
    if not allowed(WITHDRAW, state, version):
        return False
    if itt_start_date is not None and itt_start_date > today:
        return False
    return commencement_status != "itt_not_yet_started"


def _parse_datetime_date(value: Any) -> date | None:
    return parse_iso_date(value) if isinstance(value, str) else None


def validate_withdraw(data: dict[str, Any], itt_start_date: date | None, version: str) -> list[str]:
    """§5.4 messages in order: date → reasons invalid → reasons missing → trigger → future_interest →
    another_reason → safeguarding."""
    key = withdraw_date_key(version)
    errors: list[str] = []
    raw_date = data.get(key)
    if blank(raw_date):
        errors.append(msg.WITHDRAW_DATE_BLANK.format(key=key))
    else:
        parsed = _parse_datetime_date(raw_date)
        if parsed is None:
            errors.append(msg.WITHDRAW_DATE_INVALID.format(key=key))
        elif itt_start_date is not None and parsed < itt_start_date:
            errors.append(msg.WITHDRAW_DATE_BEFORE_START.format(key=key))
    reasons = reason_codes(data.get("reasons"))
    trigger = data.get("trigger")
    valid = set(ref.withdrawal_reason_codes(trigger if isinstance(trigger, str) else None))
    if not set(reasons) <= valid:
        errors.append(msg.REASONS_INVALID)
    elif not reasons:
        errors.append(msg.REASONS_BLANK)
    if trigger not in TRIGGERS:
        errors.append(msg.TRIGGER_INVALID)
    if data.get("future_interest") not in FUTURE_INTEREST:
        errors.append(msg.FUTURE_INTEREST_INVALID)
    if any("another_reason" in r for r in reasons) and blank(data.get("another_reason")):
        errors.append(msg.ANOTHER_REASON_BLANK)
    if "safeguarding_concerns" in reasons and blank(data.get("safeguarding_concern_reasons")):
        errors.append(msg.SAFEGUARDING_BLANK)
    return errors


def reason_codes(value: Any) -> list[str]:
    """Distinct non-blank reason codes, first occurrence order (duplicates collapse)."""
    if not isinstance(value, list):
        return []
    seen: list[str] = []
    for item in value:
        if blank(item):
            continue
        code = str(item)
        if code not in seen:
            seen.append(code)
    return seen


def withdrawal_record(data: dict[str, Any], version: str) -> dict[str, Any]:
    """The withdrawal row ``data`` (``sandbox-interfaces.md`` §4) for a valid request."""
    parsed = _parse_datetime_date(data.get(withdraw_date_key(version)))
    valid = ref.withdrawal_reason_codes(data.get("trigger"))
    chosen = set(reason_codes(data.get("reasons")))
    return {
        "date": parsed.isoformat() if parsed else None,
        "reasons": [code for code in valid if code in chosen],  # DB order, not request order
        "trigger": data.get("trigger"),
        "future_interest": data.get("future_interest"),
        "another_reason": _opt_text(data.get("another_reason")),
        "safeguarding_concern_reasons": _opt_text(data.get("safeguarding_concern_reasons")),
    }


def _opt_text(value: Any) -> str | None:
    return None if value is None else str(value)


def withdrawal_fields(record: dict[str, Any] | None, version: str) -> dict[str, Any]:
    """The seven withdrawal keys of the trainee object (§5.5), null before any withdrawal."""
    record = record or {}
    date_key = withdraw_date_key(version)
    reasons_key = "withdraw_reasons" if api_version(version) == V2025 else "withdrawal_reasons"
    return {
        date_key: record.get("date"),
        reasons_key: list(record["reasons"]) if record.get("reasons") is not None else None,
        "withdrawal_trigger": record.get("trigger"),
        "withdrawal_future_interest": record.get("future_interest"),
        "withdrawal_another_reason": record.get("another_reason"),
        "withdrawal_safeguarding_concern_reasons": record.get("safeguarding_concern_reasons"),
    }


# --- defer (§6) ------------------------------------------------------------------------------------

DEFER_PERMITTED: tuple[str, ...] = ("defer_date", "defer_reason")
MAX_DEFER_REASON_LENGTH = 500


def validate_defer_fields(data: dict[str, Any]) -> list[str]:
    """§6.2 field errors (the state error is added by the caller only when this is empty)."""
    errors: list[str] = []
    raw = data.get("defer_date")
    if blank(raw):
        errors.append(msg.DEFER_DATE_BLANK)
    elif parse_iso_date(raw) is None:
        errors.append(msg.DEFER_DATE_INVALID)
    reason = data.get("defer_reason")
    if reason is not None and len(str(reason)) > MAX_DEFER_REASON_LENGTH:
        errors.append(msg.DEFER_REASON_TOO_LONG)
    return errors


def defer_changes(data: dict[str, Any]) -> dict[str, Any]:
    """Trainee ``data`` updates of a valid deferral (``defer_reason`` is overwritten, null if not sent)."""
    parsed = parse_iso_date(data.get("defer_date"))
    reason = data.get("defer_reason")
    return {
        "defer_date": parsed.isoformat() if parsed else None,
        "defer_reason": None if reason is None else str(reason),
    }


# --- recommend (§7) --------------------------------------------------------------------------------

RECOMMEND_PERMITTED: tuple[str, ...] = ("qts_standards_met_date",)

#: route name → (degree required, minimum placements or None when the route is not in the list).
ROUTE_REQUIREMENTS: dict[str, tuple[bool, int | None]] = {
    "assessment_only": (True, None),
    "early_years_assessment_only": (True, None),
    "early_years_postgrad": (True, 0),
    "early_years_salaried": (True, 0),
    "early_years_undergrad": (False, 0),
    "iqts": (True, 1),
    "provider_led_postgrad": (True, 2),
    "school_direct_tuition_fee": (True, 2),
    "school_direct_salaried": (True, 2),
    "pg_teaching_apprenticeship": (True, 2),
    "hpitt_postgrad": (True, 2),
    "provider_led_undergrad": (False, 2),
    "opt_in_undergrad": (False, 2),
    "teacher_degree_apprenticeship": (False, 2),
}


def validate_recommend(data: dict[str, Any], *, state: str, itt_start_date: date | None,
                       training_route: str | None, degree_count: int, placement_count: int,
                       today: date) -> list[str]:
    """§7.3: every condition evaluated, errors accumulated (date, degree, placements, state)."""
    errors: list[str] = []
    raw = data.get("qts_standards_met_date")
    if blank(raw):
        errors.append(msg.QTS_DATE_BLANK)
    else:
        parsed = parse_iso_date(raw) if isinstance(raw, str) else None
        if parsed is None:
            errors.append(msg.QTS_DATE_INVALID)
        else:
            if parsed > today:
                errors.append(msg.QTS_DATE_FUTURE)
            if itt_start_date is not None and parsed < itt_start_date:
                errors.append(msg.QTS_DATE_BEFORE_START)
    route = ref.route_name(training_route) or training_route
    degree_required, minimum = ROUTE_REQUIREMENTS.get(route or "", (True, None))
    if degree_required and degree_count == 0:
        errors.append(msg.DEGREE_REQUIRED)
    if minimum and placement_count < minimum:
        errors.append(msg.PLACEMENTS_MINIMUM.format(minimum=minimum, route=route))
    if not can("recommend_for_award", state):
        errors.append(msg.RECOMMEND_STATE)
    return errors
