"""Valid trainee data for both versions and the v2025.0 ⇔ v2026.1 field-name mapping (core.md §16).

Our own copy of the facts. Dates derive from today's academic cycle (``register_conformance.cycle``),
so the data never expires: ``itt_start_date`` is 1 September of the current cycle or today if earlier
(started, so withdrawal is allowed), ``itt_end_date`` the 31 July that closes the cycle, and the
withdrawal and defer dates are today (never before the start, lifecycle.md §5–§6). Funding
``fund_code`` "2" / ``funding_method`` "6" is valid for any route. Every trainee gets a unique last
name, email and HESA id from the run id and a tag, so the duplicate check (core.md §14) never fires
between tests or runs.
"""

from __future__ import annotations

import hashlib
from typing import Any

from register_conformance.cycle import CycleDates, utc_today

V2025 = "v2025.0"
V2026 = "v2026.1"

#: v2026.1 name → v2025.0 name, request and response (core.md §16; lifecycle.md §8.1).
TO_2025: dict[str, str] = {
    "course_subject_1": "course_subject_one",
    "course_subject_2": "course_subject_two",
    "course_subject_3": "course_subject_three",
    "training_partner_urn": "lead_partner_urn",
    "training_partner_ukprn": "lead_partner_ukprn",
    "withdrawal_date": "withdraw_date",
    "withdrawal_reasons": "withdraw_reasons",
}
TO_2026: dict[str, str] = {old: new for new, old in TO_2025.items()}

#: Keys only the v2026.1 trainee object has (core.md §16: iqts_country).
ONLY_2026 = frozenset({"iqts_country"})

_DATES = CycleDates(utc_today())
ITT_START = _DATES.started.isoformat()
ITT_END = _DATES.end_for(_DATES.started).isoformat()
WITHDRAWAL_DATE = _DATES.today.isoformat()
DEFER_DATE = _DATES.today.isoformat()


def hesa_id(run_id: str, tag: str) -> str:
    """A 13-digit HESA id unique to (run, tag)."""
    digest = int(hashlib.sha256(f"{run_id}:{tag}".encode()).hexdigest(), 16)
    return "26" + str(digest)[-11:].rjust(11, "0")


def degree() -> dict[str, Any]:
    """A UK degree (lifecycle.md §3.1): physics BSc, 2:1, UCL, 2020."""
    return {"subject": "100425", "institution": "0149", "uk_degree": "083", "grade": "02",
            "graduation_year": "2020"}


def placement(tag: str) -> dict[str, Any]:
    """A placement at a school outside the school list (name required, lifecycle.md §4.1)."""
    return {"name": f"Compat School {tag}", "postcode": "BN1 1AA"}


def trainee(run_id: str, tag: str, *, route: str = "12", age_range: str = "13918",
            subjects: tuple[str, ...] = ("100425", "100346"), degrees: bool = True,
            placements: bool = True) -> dict[str, Any]:
    """A valid create body's ``data`` in v2026.1 names (use ``in_version`` for v2025.0)."""
    postgrad = route not in {"09", "11", "14", "18"}
    body: dict[str, Any] = {
        "first_names": f"Compat{tag}",
        "last_name": f"Compat{run_id}{tag}",
        "date_of_birth": "1995-04-12",
        "sex": "10",
        "email": f"compat.{run_id}.{tag}@example.com",
        "nationality": "GB",
        "training_route": route,
        "itt_start_date": ITT_START,
        "itt_end_date": ITT_END,
        "study_mode": "63",
        "course_age_range": age_range,
        "itt_aim": "202",
        "itt_qualification_aim": "020" if postgrad else "004",
        "course_year": "1",
        "fund_code": "2",
        "funding_method": "6",
        "hesa_id": hesa_id(run_id, tag),
        "provider_trainee_id": f"compat-{run_id}-{tag}",
        "training_partner_urn": "900000",
    }
    for index, code in enumerate(subjects, start=1):
        body[f"course_subject_{index}"] = code
    if degrees and postgrad:
        body["degrees_attributes"] = [degree()]
    if placements:
        body["placements_attributes"] = [placement(tag)]
    return body


def in_version(data: dict[str, Any], version: str) -> dict[str, Any]:
    """``data`` (v2026.1 names) with the field names of ``version``."""
    if version == V2026:
        return dict(data)
    return {TO_2025.get(key, key): value for key, value in data.items()}


def as_2026(trainee_object: dict[str, Any]) -> dict[str, Any]:
    """A v2025.0 trainee object with v2026.1 key names (values untouched)."""
    return {TO_2026.get(key, key): value for key, value in trainee_object.items()}
