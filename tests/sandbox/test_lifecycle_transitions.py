"""Withdraw, defer and recommend over HTTP (lifecycle.md §5–§7, §9, scenarios of §10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from register_sandbox.defects import activate

from .lifecycle_support import (
    AWARD_DELAY,
    PARAM_MISSING,
    STE,
    TRN_DELAY,
    Lifecycle,
    messages,
    not_found,
    unprocessable,
    withdraw_body,
)

WITHDRAWAL_KEYS = {
    "v2025.0": ("withdraw_date", "withdraw_reasons"),
    "v2026.1": ("withdrawal_date", "withdrawal_reasons"),
}
OTHER = ("withdrawal_trigger", "withdrawal_future_interest", "withdrawal_another_reason",
         "withdrawal_safeguarding_concern_reasons")


@pytest.fixture(params=["v2025.0", "v2026.1"])
def lc(request: pytest.FixtureRequest, make_api: Callable[..., Any]) -> Lifecycle:
    return Lifecycle(make_api(trn_delay=TRN_DELAY, award_delay=AWARD_DELAY), request.param)


def _date_key(lc: Lifecycle) -> str:
    return WITHDRAWAL_KEYS[lc.version][0]


# --- withdraw -------------------------------------------------------------------------------------


def test_withdraw_success_and_effects(lc: Lifecycle) -> None:
    """L3 → L5 → L6: a deferred trainee can be withdrawn; defer_date is kept; withdrawing again is STE."""
    t = lc.reach("deferred")
    before = lc.trainee(t)
    date_key, reasons_key = WITHDRAWAL_KEYS[lc.version]
    assert all(before[k] is None for k in (date_key, reasons_key, *OTHER))
    lc.api.clock.advance(5)
    body = withdraw_body(lc.version, date="2026-10-02T10:30:00Z", reasons=[
        "safeguarding_concerns", "had_to_withdraw_trainee_another_reason", "safeguarding_concerns"],
        another_reason="Moved abroad", safeguarding_concern_reasons="Details")
    r = lc.call("POST", lc.url(t, "/withdraw"), body)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert "errors" not in r.json()
    assert data["state"] == "withdrawn"
    assert data[date_key] == "2026-10-02"
    assert sorted(data[reasons_key]) == ["had_to_withdraw_trainee_another_reason", "safeguarding_concerns"]
    assert {k: data[k] for k in OTHER} == {
        "withdrawal_trigger": "provider", "withdrawal_future_interest": "no",
        "withdrawal_another_reason": "Moved abroad", "withdrawal_safeguarding_concern_reasons": "Details"}
    shown = lc.trainee(t)
    assert shown["state"] == "withdrawn"
    assert shown["defer_date"] == before["defer_date"] == "2026-10-01"
    assert shown["updated_at"] > before["updated_at"]
    assert WITHDRAWAL_KEYS["v2026.1" if lc.version == "v2025.0" else "v2025.0"][0] not in shown
    r = lc.call("POST", lc.url(t, "/withdraw"), withdraw_body(lc.version))
    assert (r.status_code, r.json()) == (422, STE)


def test_withdraw_spec_example_four_errors(lc: Lifecycle) -> None:
    t = lc.create()
    r = lc.call("POST", lc.url(t, "/withdraw"), {"data": {"reasons": ["invalid_reason"]}})
    assert r.status_code == 422
    assert sorted(messages(r)) == sorted([
        f"{_date_key(lc)} Choose a withdrawal date",
        "reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee trigger",
        "future_interest is not included in the list",
        "trigger is not included in the list"])
    assert lc.trainee(t)["state"] == "submitted_for_trn"


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"DATE": "2026-07-31"}, ["DATE must be after itt_start_date"]),  # L16 (itt_start_date 2026-08-01)
    ({"DATE": "2026-08-01"}, []),
    ({"DATE": "2030-01-01"}, []),  # no upper bound
    ({"DATE": "not a date"}, ["DATE Choose a valid withdrawal date"]),
    ({"DATE": ""}, ["DATE Choose a withdrawal date"]),
    ({"reasons": []}, ["reasons Choose one or more reasons why the trainee withdrew from the course"]),
    ({"reasons": ["death"]},
     ["reasons entered not valid for selected trigger eg unacceptable_behaviour for a trainee trigger"]),
    ({"trigger": "nobody", "reasons": ["trainee_workload_issues"]}, ["trigger is not included in the list"]),
    ({"future_interest": True}, ["future_interest is not included in the list"]),
    ({"reasons": ["had_to_withdraw_trainee_another_reason"]}, ["another_reason Enter another reason"]),
    ({"reasons": ["safeguarding_concerns"]}, ["safeguarding_concern_reasons Enter the concerns"]),
])
def test_withdraw_validation(lc: Lifecycle, overrides: dict[str, Any], expected: list[str]) -> None:
    t = lc.create()
    key = _date_key(lc)
    body = withdraw_body(lc.version)
    for name, value in overrides.items():
        body["data"][key if name == "DATE" else name] = value
    r = lc.call("POST", lc.url(t, "/withdraw"), body)
    expected = [m.replace("DATE", key) for m in expected]
    if expected:
        assert (r.status_code, r.json()) == (422, unprocessable(*expected))
        assert lc.trainee(t)["state"] == "submitted_for_trn"
    else:
        assert r.status_code == 200, r.text


def test_withdraw_precedence(lc: Lifecycle) -> None:
    """404 trainee → param missing → STE → validation."""
    assert lc.call("POST", lc.url("nope", "/withdraw"), {}).json() == not_found("Trainee(s) not found")
    t = lc.reach("trn_received", itt_start_date="2026-11-28")
    assert lc.call("POST", lc.url(t, "/withdraw"), {}).json() == PARAM_MISSING
    r = lc.call("POST", lc.url(t, "/withdraw"), {"data": {"reasons": ["invalid_reason"]}})
    assert (r.status_code, r.json()) == (422, STE)


def test_withdraw_other_versions_date_key_is_500(lc: Lifecycle) -> None:
    t = lc.create()
    other = "withdrawal_date" if lc.version == "v2025.0" else "withdraw_date"
    body = withdraw_body(lc.version)
    body["data"][other] = body["data"].pop(_date_key(lc))
    r = lc.call("POST", lc.url(t, "/withdraw"), body)
    assert (r.status_code, r.json()) == (500, {"error": "Internal server error"})
    assert lc.trainee(t)["state"] == "submitted_for_trn"


def test_withdrawn_trainee_later_gets_trn_without_state_change(lc: Lifecycle) -> None:
    t = lc.reach("withdrawn")
    lc.receive_trn()
    shown = lc.trainee(t)
    assert shown["state"] == "withdrawn"
    assert isinstance(shown["trn"], str) and len(shown["trn"]) == 7


# --- defer ----------------------------------------------------------------------------------------


def test_defer_success(lc: Lifecycle) -> None:
    t = lc.reach("trn_received")
    r = lc.call("POST", lc.url(t, "/defer"), {"data": {"defer_date": "2027-03-01", "defer_reason": "Illness"}})
    assert r.status_code == 200
    assert "errors" not in r.json()
    data = r.json()["data"]
    assert (data["state"], data["defer_date"], data["defer_reason"]) == ("deferred", "2027-03-01", "Illness")


@pytest.mark.parametrize(("data", "expected"), [
    ({"defer_date": ""}, ["defer_date can't be blank"]),
    ({"defer_reason": "x"}, ["defer_date can't be blank"]),
    ({"defer_date": "2023-02-30"}, ["defer_date is invalid"]),
    ({"defer_date": "2026-10-01", "defer_reason": "x" * 501}, ["defer_reason is too long (maximum is 500 characters)"]),
])
def test_defer_validation(lc: Lifecycle, data: dict[str, Any], expected: list[str]) -> None:
    t = lc.create()
    r = lc.call("POST", lc.url(t, "/defer"), {"data": data})
    assert (r.status_code, r.json()) == (422, unprocessable(*expected))
    assert lc.trainee(t)["state"] == "submitted_for_trn"


def test_defer_state_error_only_without_field_errors(lc: Lifecycle) -> None:
    """L4: defer twice → S-D; with a field error only the field error is reported."""
    t = lc.reach("deferred")
    r = lc.call("POST", lc.url(t, "/defer"), {"data": {"defer_date": "nope"}})
    assert r.json() == unprocessable("defer_date is invalid")
    r = lc.call("POST", lc.url(t, "/defer"), {"data": {"defer_date": "2026-11-01"}})
    assert r.json() == unprocessable("state is invalid must be one of [submitted_for_trn, trn_received]")


def test_defer_precedence_param_missing_before_404(lc: Lifecycle) -> None:
    assert lc.call("POST", lc.url("nope", "/defer"), {"data": {}}).json() == PARAM_MISSING
    assert lc.call("POST", lc.url("nope", "/defer"), {"data": {"defer_date": "x"}}).json() == not_found(
        "Trainee(s) not found")


# --- recommend ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/recommend-for-qts", "/update-qts-or-eyts-status"])
def test_recommend_success_then_award(lc: Lifecycle, path: str) -> None:
    """L10: 202, recommended_for_award_at without ms, outcome_date echoed; later awarded via the award edge."""
    t = lc.reach("trn_received")
    r = lc.call("POST", lc.url(t, path), {"data": {"qts_standards_met_date": "2026-11-20"}})
    assert r.status_code == 202, r.text
    assert "errors" not in r.json()
    data = r.json()["data"]
    now = lc.api.clock()
    assert data["recommended_for_award_at"] == now.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (data["state"], data["outcome_date"], data["awarded_at"]) == ("recommended_for_award", "2026-11-20", None)
    lc.api.clock.advance(AWARD_DELAY + 1)
    shown = lc.trainee(t)
    assert (shown["state"], shown["awarded_at"]) == ("awarded", "2026-11-20T00:00:00.000Z")


def test_recommend_errors_accumulate(lc: Lifecycle) -> None:
    t = lc.create(placements=0)  # submitted_for_trn, provider_led_postgrad, no placements
    lc.call("DELETE", lc.url(t, f"/degrees/{lc.first_degree(t)}"))
    r = lc.call("POST", lc.url(t, "/recommend-for-qts"), {"data": {"qts_standards_met_date": "2026-11-28"}})
    assert r.status_code == 422
    assert sorted(messages(r)) == sorted([
        "qts_standards_met_date must not be in the future",
        "degree_id must be completed before qts_standards_met_date",
        "placements must be at least 2 for the provider_led_postgrad training route",
        "state must be selected as trn_received"])
    shown = lc.trainee(t)
    assert (shown["state"], shown["recommended_for_award_at"], shown["outcome_date"]) == (
        "submitted_for_trn", None, None)


@pytest.mark.parametrize(("data", "expected"), [
    ({"qts_standards_met_date": None},
     ["qts_standards_met_date can't be blank. Enter a date the trainee met the QTS or EYTS requirements."]),
    ({"qts_standards_met_date": "2026-13-01"}, ["qts_standards_met_date is invalid"]),
    ({"qts_standards_met_date": "2026-07-31"}, ["qts_standards_met_date must be after itt_start_date"]),
])
def test_recommend_date_rules(lc: Lifecycle, data: dict[str, Any], expected: list[str]) -> None:
    t = lc.reach("trn_received")
    r = lc.call("POST", lc.url(t, "/recommend-for-qts"), {"data": data})
    assert (r.status_code, r.json()) == (422, unprocessable(*expected))


def test_recommend_route_requirements(lc: Lifecycle) -> None:
    """L9, L14 and the iQTS/undergraduate rows of §7.3."""
    t = lc.create(placements=1, route="03")
    lc.receive_trn()
    r = lc.call("POST", lc.url(t, "/recommend-for-qts"), {"data": {"qts_standards_met_date": "2026-11-01"}})
    assert r.json() == unprocessable("placements must be at least 2 for the school_direct_salaried training route")
    u = lc.create(placements=2, route="11")  # undergraduate: no degree needed
    lc.receive_trn()
    assert lc.call("POST", lc.url(u, "/recommend-for-qts"),
                   {"data": {"qts_standards_met_date": "2026-11-01"}}).status_code == 202


def test_recommend_precedence(lc: Lifecycle) -> None:
    assert lc.call("POST", lc.url("nope", "/recommend-for-qts"), {"data": {"foo": 1}}).json() == PARAM_MISSING
    r = lc.call("POST", lc.url("nope", "/recommend-for-qts"), {"data": {"qts_standards_met_date": "2026-11-01"}})
    assert r.json() == not_found("Trainee(s) not found")


# --- defects --------------------------------------------------------------------------------------


def _defect_withdraw_not_persisted(lc: Lifecycle) -> None:
    t = lc.create()
    r = lc.call("POST", lc.url(t, "/withdraw"), withdraw_body(lc.version))
    assert (r.status_code, r.json()["data"]["state"]) == (200, "withdrawn")
    assert lc.trainee(t)["state"] == "submitted_for_trn"


def _defect_degree_delete_leaves_record(lc: Lifecycle) -> None:
    t = lc.create()
    degree_id = lc.first_degree(t)
    assert lc.call("DELETE", lc.url(t, f"/degrees/{degree_id}")).status_code == 200
    assert lc.call("GET", lc.url(t, f"/degrees/{degree_id}")).status_code == 200


def _defect_writelock_missing(lc: Lifecycle) -> None:
    w = lc.reach("withdrawn")
    assert lc.call("POST", lc.url(w, "/placements"), {"data": {"name": "X"}}).status_code == 201


def _defect_defer_wrong_state(lc: Lifecycle) -> None:
    d = lc.reach("deferred")
    assert lc.call("POST", lc.url(d, "/defer"), {"data": {"defer_date": "2026-11-01"}}).status_code == 200


def _defect_grade_09_kept(lc: Lifecycle) -> None:
    t = lc.create()
    g = lc.call("POST", lc.url(t, "/degrees"), {"data": {"subject": "100425", "graduation_year": 2001,
                                                         "uk_degree": "051", "grade": "09"}})
    assert g.json()["data"]["grade"] == "09"


def _defect_recommend_200(lc: Lifecycle) -> None:
    t = lc.reach("trn_received")
    assert lc.call("POST", lc.url(t, "/recommend-for-qts"),
                   {"data": {"qts_standards_met_date": "2026-11-01"}}).status_code == 200


@pytest.mark.parametrize(("name", "check"), [
    ("withdraw-not-persisted", _defect_withdraw_not_persisted),
    ("degree-delete-leaves-record", _defect_degree_delete_leaves_record),
    ("writelock-missing-v2026", _defect_writelock_missing),
    ("defer-wrong-state", _defect_defer_wrong_state),
    ("degree-grade-09-kept", _defect_grade_09_kept),
    ("recommend-status-200", _defect_recommend_200),
])
def test_lifecycle_defects_change_behaviour(make_api: Callable[..., Any], name: str,
                                            check: Callable[[Lifecycle], None]) -> None:
    api = make_api(trn_delay=TRN_DELAY, defects=frozenset({name}))
    try:
        check(Lifecycle(api, "v2026.1"))
    finally:
        activate(())
