"""Placements: create, list, show, partial update, delete, validation, lookups (lifecycle.md §4)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_body, expect_status, fail
from register_conformance.lifecycle.compare import expect_fields, expect_values, has_ids, matches
from register_conformance.lifecycle.error_bodies import expect_not_found, expect_param_missing, expect_unprocessable
from register_conformance.lifecycle.facts import (
    NAME_BLANK,
    PLACEMENT_KEYS,
    PLACEMENT_NOT_FOUND,
    POSTCODE_INVALID,
    TIMESTAMP_MS,
    URN_INVALID,
)
from register_conformance.lifecycle.steps import data_of, step

UNKNOWN_ID = "lcunknown000000000000000"


@pytest.mark.requirement("LC-PLC-CREATE", "LC-PLC-UPDATE", "LC-PLC-DELETE", "LC-PLC-NOT-FOUND")
def test_placement_crud(lc, data):
    """Create two placements, list, show, PUT and PATCH one, delete it; each change persisted."""
    trainee = lc.new_trainee("12")
    tid = trainee["trainee_id"]
    with step("LC-PLC-CREATE", "POST two placements: 201, 7 keys, derived address; listed, shown, on the trainee"):
        sent = [data.placement(1), data.placement(2)]
        created = [data_of(expect_status(lc.add_placement(tid, body), 201)) for body in sent]
        for placement, body in zip(created, sent, strict=True):
            if set(placement) != PLACEMENT_KEYS:
                fail(f"Unexpected placement keys\nReceived: {sorted(placement)}\nExpected: {sorted(PLACEMENT_KEYS)}")
            expect_values(placement, {"urn": None, "name": body["name"], "postcode": body["postcode"],
                                      "address": body["postcode"], "created_at": matches(TIMESTAMP_MS)},
                          what="placement")
        ids = [p["placement_id"] for p in created]
        listed = data_of(expect_status(lc.placements(tid), 200))
        if [p["placement_id"] for p in listed] != ids:
            fail(f"Unexpected placement list (created_at ascending)\nReceived: {listed!r}\nExpected ids: {ids}")
        pid = ids[0]
        expect_body(expect_status(lc.placement(tid, pid), 200), {"data": created[0]})
        expect_values(lc.trainee(tid), {"placements": has_ids("placement_id", ids)}, what="trainee")

    with step("LC-PLC-UPDATE", "PUT postcode then PATCH name: only the sent field changes; persisted"):
        put = data_of(expect_status(lc.update_placement(tid, pid, {"postcode": "GU1 1AA"}), 200))
        expect_fields(put, created[0], changed={"postcode": "GU1 1AA", "address": "GU1 1AA"}, ignore={"updated_at"},
                      what="placement after PUT")
        patched = data_of(expect_status(lc.update_placement(tid, pid, {"name": "Renamed school"}, method="PATCH"), 200))
        expect_fields(patched, put, changed={"name": "Renamed school"}, ignore={"updated_at"},
                      what="placement after PATCH")
        expect_body(expect_status(lc.placement(tid, pid), 200), {"data": patched})

    with step("LC-PLC-DELETE", "DELETE the placement: 200 parent trainee; then 404 and gone"):
        deleted = data_of(expect_status(lc.delete_placement(tid, pid), 200))
        if not isinstance(deleted, dict) or deleted.get("trainee_id") != tid:
            fail(f"DELETE placement must answer the parent trainee\nReceived: {str(deleted)[:300]}")
        expect_not_found(lc.placement(tid, pid), PLACEMENT_NOT_FOUND)
        expect_not_found(lc.delete_placement(tid, pid), PLACEMENT_NOT_FOUND)
        listed = data_of(expect_status(lc.placements(tid), 200))
        if [p["placement_id"] for p in listed] != ids[1:]:
            fail(f"Deleted placement {pid} still listed\nReceived: {listed!r}")
        expect_values(lc.trainee(tid), {"placements": has_ids("placement_id", ids[1:])}, what="trainee after delete")


@pytest.mark.requirement("LC-PLC-VALIDATION", "LC-REFUSED-NO-CHANGE")
def test_placement_validation(lc, data):
    """Invalid placements: all-null → exactly "name can't be blank" (POST/PUT); bad postcode; bad URN; no data."""
    trainee = lc.new_trainee("12")
    tid = trainee["trainee_id"]
    nulls = {"urn": None, "name": None, "postcode": None}
    expect_unprocessable(lc.add_placement(tid, nulls), [NAME_BLANK])
    expect_unprocessable(lc.add_placement(tid, data.placement(1, postcode="NOT A POSTCODE")), [POSTCODE_INVALID])
    expect_unprocessable(lc.add_placement(tid, data.placement(1, urn="12345")), [URN_INVALID])
    expect_unprocessable(lc.add_placement(tid, {"urn": "900020"}), [NAME_BLANK])
    expect_param_missing(lc.add_placement(tid, envelope={"foo": {"bar": "x"}}))
    trainee = lc.expect_unchanged(trainee)

    # a special "no URN" code is not a school: stored as sent, no address (lifecycle.md §4.1, §4.3)
    special = data_of(expect_status(lc.add_placement(tid, data.placement(2, urn="900020")), 201))
    expect_values(special, {"urn": "900020", "address": None}, what="placement with URN 900020")
    expect_status(lc.delete_placement(tid, special["placement_id"]), 200)

    placement = data_of(expect_status(lc.add_placement(tid, data.placement(1)), 201))
    pid = placement["placement_id"]
    expect_unprocessable(lc.update_placement(tid, pid, nulls), [NAME_BLANK])
    expect_unprocessable(lc.update_placement(tid, pid, {"postcode": "NOT A POSTCODE"}), [POSTCODE_INVALID])
    expect_body(expect_status(lc.placement(tid, pid), 200), {"data": placement})


@pytest.mark.requirement("LC-PLC-NOT-FOUND", "LC-REFUSED-NO-CHANGE")
def test_placement_lookups(lc, data):
    """Unknown placement ids and another trainee's placement id answer 404 Placement(s) not found."""
    owner = lc.new_trainee("12", placements=[data.placement(1)])
    other = lc.new_trainee("12")
    foreign = owner["placements"][0]["placement_id"]
    tid = other["trainee_id"]
    for placement_id in (UNKNOWN_ID, foreign):
        expect_not_found(lc.placement(tid, placement_id), PLACEMENT_NOT_FOUND)
        expect_not_found(lc.update_placement(tid, placement_id, {"name": "X"}), PLACEMENT_NOT_FOUND)
        expect_not_found(lc.delete_placement(tid, placement_id), PLACEMENT_NOT_FOUND)
    # an unknown trainee on every placement route: test_errors.test_unknown_trainee_is_404_everywhere
    lc.expect_unchanged(owner)
    lc.expect_unchanged(other)
