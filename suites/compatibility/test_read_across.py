"""A trainee, its degrees and placements read the same through both versions (core.md §16)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_json, expect_messages, expect_status

from .cross_reads import assert_same_trainee, show_both
from .data import V2025, V2026, degree, in_version, placement, trainee

ORIGINS = pytest.mark.parametrize("origin", [V2025, V2026], ids=["created-in-v2025.0", "created-in-v2026.1"])


@pytest.mark.requirement("COMPAT-READ-ACROSS")
@ORIGINS
def test_trainee_reads_back_through_the_other_version(create, v2025, v2026, origin: str) -> None:
    made = create(origin, "ra" + origin[1:5])
    old, new = show_both(v2025, v2026, made["trainee_id"])
    assert_same_trainee(old, new, f"trainee created through {origin}")
    assert (new["course_subject_1"], new["course_subject_2"], new["course_subject_3"]) == ("100425", "100346", None)
    assert (old["course_subject_one"], old["course_subject_two"], old["course_subject_three"]) == \
        ("100425", "100346", None)
    assert new["withdrawal_date"] is None and old["withdraw_date"] is None
    assert new["withdrawal_reasons"] is None and old["withdraw_reasons"] is None
    assert new["iqts_country"] is None


@pytest.mark.requirement("COMPAT-NESTED-ACROSS")
@ORIGINS
def test_degrees_and_placements_are_the_same_objects_in_both_versions(create, v2025, v2026, origin: str) -> None:
    made = create(origin, "nest" + origin[1:5])
    trainee_id = made["trainee_id"]
    other = v2026 if origin == V2025 else v2025
    origin_client = v2025 if origin == V2025 else v2026
    added_degree = expect_json(expect_status(other.post(f"/trainees/{trainee_id}/degrees", json={"data": {
        **degree(), "subject": "100346", "grade": "01", "graduation_year": "2021"}}), 201))["data"]
    added_placement = expect_json(expect_status(other.post(f"/trainees/{trainee_id}/placements", json={
        "data": placement("second")}), 201))["data"]
    got = expect_json(expect_status(origin_client.get(f"/trainees/{trainee_id}/degrees/{added_degree['degree_id']}"),
                                    200))["data"]
    assert got == added_degree
    got = expect_json(expect_status(
        origin_client.get(f"/trainees/{trainee_id}/placements/{added_placement['placement_id']}"), 200))["data"]
    assert got == added_placement
    lists = {}
    for client in (v2025, v2026):
        degrees = expect_json(expect_status(client.get(f"/trainees/{trainee_id}/degrees"), 200))["data"]
        placements = expect_json(expect_status(client.get(f"/trainees/{trainee_id}/placements"), 200))["data"]
        lists[client.api_version] = (degrees, placements)
    assert lists[V2025] == lists[V2026]
    degrees, placements = lists[V2026]
    assert len(degrees) == 2 and len(placements) == 2
    assert {d["subject"] for d in degrees} == {"100425", "100346"}
    old, new = show_both(v2025, v2026, trainee_id)
    assert old["degrees"] == new["degrees"] == degrees
    assert old["placements"] == new["placements"] == placements


@pytest.mark.requirement("COMPAT-OWN-NAMES-ONLY")
def test_each_version_ignores_the_other_versions_field_names(v2025, v2026, run_id: str, created) -> None:
    # v2025.0 names sent to v2026.1: course_subject_one is not read, so course_subject_1 is blank.
    body = in_version(trainee(run_id, "own26", degrees=False, route="11"), V2025)
    response = v2026.post("/trainees", json={"data": body})
    if response.status_code == 201:
        created.append(response.json()["data"]["trainee_id"])
    expect_messages(response, 422, ["course_subject_1 can't be blank"], exact=False)
    # v2026.1 names sent to v2025.0: course_subject_1 is not read, so course_subject_one is blank.
    body = trainee(run_id, "own25", degrees=False, route="11")
    response = v2025.post("/trainees", json={"data": body})
    if response.status_code == 201:
        created.append(response.json()["data"]["trainee_id"])
    expect_messages(response, 422, ["course_subject_one can't be blank"], exact=False)
