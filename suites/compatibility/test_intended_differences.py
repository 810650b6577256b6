"""Behaviour that intentionally differs between v2025.0 and v2026.1, asserted per version (core.md §16)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_body, expect_error, expect_json, expect_messages, expect_status
from register_conformance.lifecycle.facts import STATE_TRANSITION_BODY

from .cross_reads import show
from .data import V2025, V2026, WITHDRAWAL_DATE, degree, in_version, placement, trainee

PRIMARY_MESSAGE = "course_subject_1 is invalid. It should be `100511` for the course_age_range provided"
ROUTE_02_MESSAGE = ("training_route has invalid reference data value of 'school_direct_tuition_fee'. "
                    "Example values include '03', '09', '10', '11', '12', '14', '15', '16', '17', '18'...")


@pytest.mark.requirement("COMPAT-WRITE-LOCK-PER-VERSION")
def test_withdrawn_trainee_is_locked_in_v2026_but_writable_in_v2025(create, v2025, v2026) -> None:
    trainee_id = create(V2026, "lock")["trainee_id"]
    expect_status(v2026.post(f"/trainees/{trainee_id}/withdraw", json={"data": {
        "withdrawal_date": WITHDRAWAL_DATE, "reasons": ["record_added_in_error"], "trigger": "provider",
        "future_interest": "unknown"}}), 200)
    expect_body(expect_status(v2026.put(f"/trainees/{trainee_id}", json={"data": {"first_names": "Locked"}}), 422),
                STATE_TRANSITION_BODY)
    expect_body(v2026.post(f"/trainees/{trainee_id}/degrees", json={"data": {
        **degree(), "graduation_year": "2019"}}), STATE_TRANSITION_BODY)
    expect_body(v2026.post(f"/trainees/{trainee_id}/placements", json={"data": placement("locked")}),
                STATE_TRANSITION_BODY)
    updated = expect_json(expect_status(v2025.put(f"/trainees/{trainee_id}", json={
        "data": {"first_names": "Unlocked"}}), 200))["data"]
    assert updated["first_names"] == "Unlocked"
    expect_status(v2025.post(f"/trainees/{trainee_id}/placements", json={"data": placement("v2025")}), 201)
    after = show(v2026, trainee_id)
    assert (after["state"], after["first_names"], len(after["placements"])) == ("withdrawn", "Unlocked", 2)


@pytest.mark.requirement("COMPAT-PRIMARY-SUBJECT-PER-VERSION")
def test_primary_subject_is_corrected_in_v2025_and_refused_in_v2026(create, v2026, run_id: str, created) -> None:
    options = {"route": "11", "age_range": "13914", "subjects": ("100425", "100346"), "degrees": False}
    made = create(V2025, "prim25", **options)
    assert (made["course_subject_one"], made["course_subject_two"], made["course_subject_three"]) == \
        ("100511", "100425", "100346")
    response = v2026.post("/trainees", json={"data": trainee(run_id, "prim26", **options)})
    if response.status_code == 201:
        created.append(response.json()["data"]["trainee_id"])
    expect_messages(response, 422, [PRIMARY_MESSAGE], exact=False)


@pytest.mark.requirement("COMPAT-REFERENCE-DATA-PER-VERSION")
@pytest.mark.nondestructive
def test_reference_data_only_in_v2026(v2025, v2026) -> None:
    body = expect_json(expect_status(v2026.with_token(None).get("/reference-data", params={"field": "sex"}), 200))
    assert body["metadata"]["name"] == "sex"
    assert [e["code"] for e in body["entries"]] == ["10", "11", "12", "96", "99"]
    expect_error(v2025.get("/reference-data"), 404, "NotFound",
                 "Reference data is not available for version 'v2025.0'")


@pytest.mark.requirement("COMPAT-ROUTE-02-PER-VERSION")
def test_route_02_accepted_in_v2025_and_refused_in_v2026(create, v2026, run_id: str, created) -> None:
    made = create(V2025, "route25", route="02")
    assert made["training_route"] == "02"
    response = v2026.post("/trainees", json={"data": in_version(trainee(run_id, "route26", route="02"), V2026)})
    if response.status_code == 201:
        created.append(response.json()["data"]["trainee_id"])
    expect_messages(response, 422, [ROUTE_02_MESSAGE], exact=False)
