"""Transitions and updates made through one version are visible through the other (lifecycle.md §8)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_json, expect_status

from .cross_reads import require, show, show_both
from .data import DEFER_DATE, TO_2025, V2025, V2026, WITHDRAWAL_DATE

REASONS = ["did_not_make_progress"]


def withdraw_body(version: str) -> dict:
    key = "withdraw_date" if version == V2025 else "withdrawal_date"
    return {"data": {key: WITHDRAWAL_DATE, "reasons": REASONS, "trigger": "provider", "future_interest": "no"}}


@pytest.mark.requirement("COMPAT-TRANSITION-ACROSS")
def test_withdraw_through_v2025_reads_as_withdrawal_in_v2026(create, v2025, v2026) -> None:
    made = create(V2026, "wd25")
    response = expect_status(v2025.post(f"/trainees/{made['trainee_id']}/withdraw", json=withdraw_body(V2025)), 200)
    data = expect_json(response)["data"]
    require(data, ("state", "withdraw_date", "withdraw_reasons"), "v2025.0 withdraw response")
    assert (data["state"], data["withdraw_date"], data["withdraw_reasons"]) == ("withdrawn", WITHDRAWAL_DATE, REASONS)
    new = show(v2026, made["trainee_id"])
    require(new, ("withdrawal_date", "withdrawal_reasons", "withdrawal_trigger", "withdrawal_future_interest"),
            "v2026.1 GET after a v2025.0 withdraw")
    assert new["state"] == "withdrawn"
    assert (new["withdrawal_date"], new["withdrawal_reasons"]) == (WITHDRAWAL_DATE, REASONS)
    assert (new["withdrawal_trigger"], new["withdrawal_future_interest"]) == ("provider", "no")
    assert "withdraw_date" not in new and "withdraw_reasons" not in new


@pytest.mark.requirement("COMPAT-TRANSITION-ACROSS")
def test_withdraw_through_v2026_reads_as_withdraw_in_v2025(create, v2025, v2026) -> None:
    made = create(V2025, "wd26")
    response = expect_status(v2026.post(f"/trainees/{made['trainee_id']}/withdraw", json=withdraw_body(V2026)), 200)
    data = expect_json(response)["data"]
    require(data, ("state", "withdrawal_date", "withdrawal_reasons"), "v2026.1 withdraw response")
    assert (data["state"], data["withdrawal_date"], data["withdrawal_reasons"]) == \
        ("withdrawn", WITHDRAWAL_DATE, REASONS)
    old = show(v2025, made["trainee_id"])
    require(old, ("withdraw_date", "withdraw_reasons", "withdrawal_trigger", "withdrawal_future_interest"),
            "v2025.0 GET after a v2026.1 withdraw")
    assert old["state"] == "withdrawn"
    assert (old["withdraw_date"], old["withdraw_reasons"]) == (WITHDRAWAL_DATE, REASONS)
    assert (old["withdrawal_trigger"], old["withdrawal_future_interest"]) == ("provider", "no")
    assert "withdrawal_date" not in old and "withdrawal_reasons" not in old


@pytest.mark.requirement("COMPAT-TRANSITION-ACROSS")
@pytest.mark.parametrize("via", [V2025, V2026])
def test_deferral_is_visible_in_both_versions(create, v2025, v2026, via: str) -> None:
    made = create(V2026 if via == V2025 else V2025, "df" + via[1:5])
    client = v2025 if via == V2025 else v2026
    body = {"data": {"defer_date": DEFER_DATE, "defer_reason": "compat check"}}
    expect_status(client.post(f"/trainees/{made['trainee_id']}/defer", json=body), 200)
    old, new = show_both(v2025, v2026, made["trainee_id"])
    for obj in (old, new):
        assert (obj["state"], obj["defer_date"], obj["defer_reason"]) == ("deferred", DEFER_DATE, "compat check")


@pytest.mark.requirement("COMPAT-UPDATE-ACROSS")
@pytest.mark.parametrize("via", [V2025, V2026])
def test_update_through_one_version_is_visible_in_the_other(create, v2025, v2026, via: str) -> None:
    made = create(V2026 if via == V2025 else V2025, "up" + via[1:5], subjects=("100425",))
    client = v2025 if via == V2025 else v2026
    subject_2 = TO_2025["course_subject_2"] if via == V2025 else "course_subject_2"
    body = {"data": {"first_names": "Updated", subject_2: "100346"}}
    expect_status(client.put(f"/trainees/{made['trainee_id']}", json=body), 200)
    old, new = show_both(v2025, v2026, made["trainee_id"])
    assert (old["first_names"], old["course_subject_two"]) == ("Updated", "100346")
    assert (new["first_names"], new["course_subject_2"]) == ("Updated", "100346")
