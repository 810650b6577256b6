"""PUT/PATCH /trainees/{id} (core.md §10)."""

from __future__ import annotations

import pytest

from .conftest import V25, V26, Api

STE_MESSAGE = "It\u2019s not possible to perform this action while the trainee is in its current state"
STE = {"errors": [{"error": "StateTransitionError", "message": STE_MESSAGE}]}


def test_update_merges_and_is_wrapped(api: Api) -> None:
    t = api.create(course_subject_2="100425", ethnicity="120", disability1="57")
    api.clock.advance(5)
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"first_names": "Jane", "middle_names": None,
                                                                "trn": "7654321"}})
    assert r.status_code == 200
    u = r.json()["data"]
    assert u["first_names"] == "Jane" and u["last_name"] == "Doe" and u["trn"] != "7654321"
    assert u["updated_at"] > t["updated_at"] and u["created_at"] == t["created_at"]
    assert u["course_subject_2"] == "100425" and u["ethnicity"] == "120"
    r = api.client.patch(f"{V26}/trainees/{t['trainee_id']}", json={"data": {"course_subject_2": None,
                                                                             "ethnicity": None,
                                                                             "disability2": "58"}},
                         headers={"Authorization": "token_provider_a"})
    u = r.json()["data"]
    assert u["course_subject_2"] is None and u["ethnicity"] == "997"
    assert (u["disability1"], u["disability2"]) == ("57", "58")


def test_blank_required_field_fails_and_changes_nothing(api: Api) -> None:
    t = api.create()
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"sex": "", "course_age_range": ""}})
    assert r.status_code == 422
    assert sorted(r.json()["errors"]) == ["course_age_range can't be blank", "sex can't be blank"]
    assert api.get(f"{V26}/trainees/{t['trainee_id']}").json()["sex"] == "11"


def test_route_null_is_ignored_and_iqts_rules(api: Api) -> None:
    t = api.create()
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"training_route": None, "study_mode": "64"}})
    assert r.json()["data"]["training_route"] == "11" and r.json()["data"]["study_mode"] == "64"
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"iqts_country": "JP"}})
    assert r.json()["errors"] == ["iqts_country must be blank"]


def test_partner_absent_keeps_value_and_degrees_attributes_ignored(api: Api) -> None:
    t = api.create(training_partner_urn="200001")
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"last_name": "Smith", "degrees_attributes": [
        {"subject": "100425"}]}})
    u = r.json()["data"]
    assert u["training_partner_urn"] == "200001" and u["degrees"] == []
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"training_partner_urn": ""}})
    assert r.json()["data"]["training_partner_urn"] is None


@pytest.mark.parametrize("state", ["recommended_for_award", "withdrawn", "awarded"])
def test_v2026_state_lock_and_v2025_allows(api: Api, state: str) -> None:
    t = api.create()
    api.set_state(t["trainee_id"], state)
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"first_names": "No"}})
    assert (r.status_code, r.json()) == (422, STE)
    r = api.client.put(f"{V26}/trainees/{t['trainee_id']}", content=b"{bad",  # lock comes before body parsing
                       headers={"Authorization": "token_provider_a", "Content-Type": "application/json"})
    assert r.status_code == 422
    r = api.put(f"{V25}/trainees/{t['trainee_id']}", {"data": {"first_names": "Yes"}})
    assert r.status_code == 200 and r.json()["data"]["first_names"] == "Yes"


def test_update_unknown_trainee_is_404_before_body(api: Api) -> None:
    r = api.client.put(f"{V26}/trainees/nope", content=b"{bad", headers={"Authorization": "token_provider_a",
                                                                         "Content-Type": "application/json"})
    assert r.status_code == 404


def test_update_validation_enhanced(api: Api) -> None:
    t = api.create()
    r = api.put(f"{V26}/trainees/{t['trainee_id']}", {"data": {"email": "x"}}, headers={"Enhanced-Errors": "true"})
    assert r.json() == {"message": "Validation failed: 1 error prohibited this trainee from being saved",
                        "errors": {"email": ["Enter an email address in the correct format, like name@example.com"]}}
