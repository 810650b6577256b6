"""Hand-made exchanges for the judge tests (dates derive from today, so they never expire)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from register_conformance.clientcert.exchange import Exchange
from register_conformance.cycle import CycleDates, utc_today

AUTH = ("Authorization", "Bearer [REDACTED]")
JSON_TYPE = ("Content-Type", "application/json")
T0 = 1_800_000_000.0


def cycle_start() -> date:
    """1 August of the current academic cycle (core.md §13.1)."""
    return CycleDates(utc_today()).cycle_start


def ex(seq: int, method: str, path: str, body: Any = None, status: int | None = 200, *, t: float | None = None,
       headers: tuple[tuple[str, str], ...] | None = None, resp: Any = None, version: str = "v2026.1",
       response_headers: tuple[tuple[str, str], ...] = (), client: str = "vendor", raw: str | None = None,
       elapsed_ms: float | None = 50.0) -> Exchange:
    if headers is None:
        headers = (AUTH, JSON_TYPE) if body is not None or raw is not None else (AUTH,)
    return Exchange(seq=seq, started=T0 + (t if t is not None else seq * 20.0), client=client, method=method,
                    url=f"https://register.example/api/{version}{path}", request_headers=headers,
                    request_body=raw if raw is not None else (json.dumps(body) if body is not None else None),
                    status=status, response_headers=response_headers,
                    response_body=json.dumps(resp) if resp is not None else None, elapsed_ms=elapsed_ms)


def create_data(version: str = "v2026.1", **changes: Any) -> dict[str, Any]:
    start = cycle_start()
    data = {
        "first_names": "Ada", "last_name": "Lovelace", "date_of_birth": f"{start.year - 25}-04-12", "sex": "10",
        "email": "ada@example.com", "nationality": "GB", "training_route": "12",
        "itt_start_date": start.isoformat(), "itt_end_date": f"{start.year + 1}-07-31",
        "study_mode": "63", "course_age_range": "13918", "itt_aim": "202", "itt_qualification_aim": "020",
        "course_year": "1", "fund_code": "7", "funding_method": "D", "hesa_id": "0310261553101",
        "degrees_attributes": [{"subject": "100425", "institution": "0117", "uk_degree": "083", "grade": "02",
                                "graduation_year": start.year - 3}],
    }
    data["course_subject_1" if version == "v2026.1" else "course_subject_one"] = "100425"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def trainee(tid: str = "t1", state: str = "submitted_for_trn") -> dict[str, Any]:
    return {"trainee_id": tid, "state": state}


def journey_walk(version: str = "v2026.1") -> list[Exchange]:
    """A well-behaved client walking every journey (20 s between requests)."""
    start = cycle_start()
    degree = {"subject": "100425", "institution": "0117", "uk_degree": "083", "grade": "01",
              "graduation_year": start.year - 3}
    withdraw_key = "withdrawal_date" if version == "v2026.1" else "withdraw_date"
    steps = [
        ("POST", "/trainees", {"data": create_data(version)}, 201, {"data": trainee("t1")}),
        ("GET", "/trainees/t1", None, 200, trainee("t1", "trn_received")),
        ("POST", "/trainees/t1/degrees", {"data": degree}, 201, {"data": {"degree_id": "d1"}}),
        ("PUT", "/trainees/t1/degrees/d1", {"data": {"grade": "02"}}, 200, {"data": {"degree_id": "d1"}}),
        ("POST", "/trainees/t1/placements", {"data": {"urn": "123456", "name": "A School", "postcode": "BN1 1AA"}},
         201, {"data": {"placement_id": "p1"}}),
        ("PATCH", "/trainees/t1", {"data": {"first_names": "Augusta"}}, 200, {"data": trainee("t1", "trn_received")}),
        ("POST", "/trainees/t1/update-qts-or-eyts-status" if version == "v2026.1"
         else "/trainees/t1/recommend-for-qts", {"data": {"qts_standards_met_date": start.isoformat()}}, 202,
         {"data": trainee("t1", "recommended_for_award")}),
        ("POST", "/trainees", {"data": create_data(version, first_names="Grace", last_name="Hopper")}, 201,
         {"data": trainee("t2")}),
        ("POST", "/trainees/t2/defer", {"data": {"defer_date": start.isoformat()}}, 200,
         {"data": trainee("t2", "deferred")}),
        ("POST", "/trainees/t2/withdraw", {"data": {withdraw_key: start.isoformat(), "reasons": ["mandatory_reasons"],
                                                    "trigger": "provider", "future_interest": "no"}}, 200,
         {"data": trainee("t2", "withdrawn")}),
        ("GET", f"/trainees?since={start.isoformat()}T00:00:00Z&page=1&per_page=50", None, 200,
         {"data": [trainee("t1", "recommended_for_award")]}),
    ]
    return [ex(i, m, p, b, s, resp=r, version=version) for i, (m, p, b, s, r) in enumerate(steps)]
