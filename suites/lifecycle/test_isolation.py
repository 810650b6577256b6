"""Provider isolation: another provider cannot see or touch a trainee (core.md §3.6; lifecycle.md §0.1)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_body, expect_status, fail
from register_conformance.lifecycle.error_bodies import expect_not_found
from register_conformance.lifecycle.facts import TRAINEE_NOT_FOUND
from register_conformance.lifecycle.operations import trainee_operations
from register_conformance.lifecycle.steps import step


@pytest.mark.requirement("LC-ISO-READ", "LC-ISO-WRITE", "LC-ISO-LIST", "LC-REFUSED-NO-CHANGE")
def test_other_provider_sees_nothing(lc, lc_b, data, version):
    """Provider B: 404 Trainee(s) not found on every operation on A's trainee, never listed; A's data intact."""
    created = lc.new_trainee("12", placements=[data.placement(1)])
    tid = created["trainee_id"]
    did = created["degrees"][0]["degree_id"]
    pid = created["placements"][0]["placement_id"]
    before = created  # the 201 body is the stored record (LC-CREATE-SUBMITTED); expect_unchanged re-reads it
    degrees = expect_status(lc.degrees(tid), 200).json()
    placements = expect_status(lc.placements(tid), 200).json()

    for label, call in trainee_operations(lc_b, tid, did, pid):
        with step("LC-ISO-READ" if label.startswith("GET") else "LC-ISO-WRITE", f"provider B: {label} → 404"):
            response = call()
            if response.status_code != 404:
                fail(f"Provider B reached provider A's trainee with {label}\nReceived: {response.status_code}\n"
                     "Expected: 404 Trainee(s) not found", response)
            expect_not_found(response, TRAINEE_NOT_FOUND)
    with step("LC-ISO-LIST", "provider B's GET /trainees never lists A's trainee"):
        if tid in lc_b.index_ids(since=created["created_at"]):
            fail(f"Provider B's GET /trainees lists provider A's trainee {tid}")
        if tid in lc_b.index_ids(since=created["created_at"], status="in_training"):
            fail(f"Provider B's GET /trainees?status=in_training lists provider A's trainee {tid}")
    with step("LC-ISO-WRITE", "provider A's trainee, degrees and placements are unchanged"):
        lc.expect_unchanged(before)
        expect_body(expect_status(lc.degrees(tid), 200), degrees)
        expect_body(expect_status(lc.placements(tid), 200), placements)
