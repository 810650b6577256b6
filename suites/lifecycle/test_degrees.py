"""Degrees: create, list, show, partial update, delete, duplicates, lookups (lifecycle.md §3)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_body, expect_status, fail
from register_conformance.lifecycle.compare import expect_fields, expect_values, has_ids, later_than, matches
from register_conformance.lifecycle.error_bodies import expect_not_found, expect_param_missing, expect_unprocessable
from register_conformance.lifecycle.facts import (
    COUNTRY_EXAMPLES,
    DEGREE_KEYS,
    DEGREE_NOT_FOUND,
    DEGREE_TYPE_EXAMPLES,
    DUPLICATE_DEGREE,
    GRADE_BLANK,
    GRADUATION_YEAR_FUTURE,
    GRADUATION_YEAR_INVALID,
    SUBJECT_BLANK,
    TIMESTAMP_MS,
    inclusion_message,
)
from register_conformance.lifecycle.steps import data_of, step

UNKNOWN_ID = "lcunknown000000000000000"
#: Degree fields compared after a write (uuids and institution depend on the target's reference data).
SENT_FIELDS = ("subject", "uk_degree", "grade", "graduation_year")


def _expect_degree(degree: dict, sent: dict) -> None:
    __tracebackhide__ = True
    if set(degree) != DEGREE_KEYS:
        fail(f"Unexpected degree keys\nReceived: {sorted(degree)}\nExpected: {sorted(DEGREE_KEYS)}")
    expect_values(degree, {**{k: sent[k] for k in SENT_FIELDS if k in sent}, "country": None,
                           "non_uk_degree": None, "created_at": matches(TIMESTAMP_MS),
                           "updated_at": matches(TIMESTAMP_MS)}, what="degree")


@pytest.mark.requirement("LC-DEG-CREATE", "LC-DEG-UPDATE", "LC-DEG-DELETE", "LC-DEG-NOT-FOUND")
def test_degree_crud(lc, data):
    """Create, list, show, PUT, PATCH and delete a degree; each change persisted and visible on the trainee."""
    trainee = lc.new_trainee("12")
    tid = trainee["trainee_id"]
    first = trainee["degrees"][0]

    with step("LC-DEG-CREATE", "POST degree: 201 single object, listed, shown and on the trainee; updated_at advances"):
        sent = data.degree(1)
        created = data_of(expect_status(lc.add_degree(tid, sent), 201))
        if not isinstance(created, dict):
            fail(f"POST degrees must answer a single degree object\nReceived: {created!r}")
        _expect_degree(created, sent)
        did = created["degree_id"]
        listed = data_of(expect_status(lc.degrees(tid), 200))
        # sorted by graduation_year ascending (lifecycle.md §3.4): variant 1 (2017) before variant 0 (2020)
        if [d["degree_id"] for d in listed] != [did, first["degree_id"]]:
            fail(f"Unexpected degree list\nReceived: {[(d['degree_id'], d['graduation_year']) for d in listed]}\n"
                 f"Expected: [{did!r}, {first['degree_id']!r}] (graduation_year ascending)")
        expect_body(expect_status(lc.degree(tid, did), 200), {"data": created})
        after_create = lc.trainee(tid)
        expect_values(after_create, {"degrees": has_ids("degree_id", [did, first["degree_id"]]),
                                     "updated_at": later_than(trainee["updated_at"])}, what="trainee")

    with step("LC-DEG-UPDATE", "PUT then PATCH the degree: only the sent field changes; persisted"):
        updated = data_of(expect_status(lc.update_degree(tid, did, {"grade": "03"}), 200))
        expect_fields(updated, created, changed={"grade": "03"},
                      ignore={"updated_at", "grade_uuid"}, what="degree after PUT")
        patched = data_of(expect_status(lc.update_degree(tid, did, {"graduation_year": 2016}, method="PATCH"), 200))
        expect_fields(patched, updated, changed={"graduation_year": 2016}, ignore={"updated_at"},
                      what="degree after PATCH")
        expect_body(expect_status(lc.degree(tid, did), 200), {"data": patched})

    with step("LC-DEG-DELETE", "DELETE the degree: 200 parent trainee; then 404 and gone"):
        before_delete = lc.trainee(tid)
        deleted = data_of(expect_status(lc.delete_degree(tid, did), 200))
        if not isinstance(deleted, dict) or deleted.get("trainee_id") != tid:
            fail(f"DELETE degree must answer the parent trainee\nReceived: {str(deleted)[:300]}")
        expect_not_found(lc.degree(tid, did), DEGREE_NOT_FOUND)
        expect_not_found(lc.delete_degree(tid, did), DEGREE_NOT_FOUND)
        listed = data_of(expect_status(lc.degrees(tid), 200))
        if [d["degree_id"] for d in listed] != [first["degree_id"]]:
            fail(f"Deleted degree {did} still listed\nReceived: {listed!r}")
        after = lc.trainee(tid)
        expect_values(after, {"degrees": has_ids("degree_id", [first["degree_id"]]),
                              "updated_at": later_than(before_delete["updated_at"])}, what="trainee after delete")


@pytest.mark.requirement("LC-DEG-DUPLICATE", "LC-DEG-MAPPING", "LC-REFUSED-NO-CHANGE")
def test_degree_duplicates(lc, data):
    """Same degree again → 409 with the existing degree, even with another institution or an invalid code (L18–L20)."""
    trainee = lc.new_trainee("12")
    tid = trainee["trainee_id"]
    existing = trainee["degrees"][0]
    with step("LC-DEG-DUPLICATE", "same degree again (other institution, invalid code): 409 with the existing degree"):
        conflict = {"errors": [{"error": "Conflict", "message": DUPLICATE_DEGREE}], "data": [existing]}
        expect_body(expect_status(lc.add_degree(tid, data.degree(0)), 409), conflict)
        expect_body(expect_status(lc.add_degree(tid, data.degree(0, institution="0117")), 409), conflict)
        # the duplicate check beats validation: an unknown uk_degree code is ignored as a filter (lifecycle.md §3.5)
        expect_body(expect_status(lc.add_degree(tid, data.degree(0, uk_degree="zzz")), 409), conflict)
        trainee = lc.expect_unchanged(trainee)

    with step("LC-DEG-MAPPING", "grade 09 is returned as 14, institution 0133 as 0149"):
        mapped = data_of(expect_status(lc.add_degree(tid, data.degree(2, grade="09", institution="0133")), 201))
        expect_values(mapped, {"grade": "14", "institution": "0149"}, what="degree sent with 09 and 0133")
    with step("LC-DEG-DUPLICATE", "a PATCH that makes a duplicate: 409; degree unchanged"):
        # an update that would make it a duplicate of the first degree is refused too
        response = lc.update_degree(tid, mapped["degree_id"], {k: existing[k] for k in SENT_FIELDS}, method="PATCH")
        expect_body(expect_status(response, 409), conflict)
        expect_body(expect_status(lc.degree(tid, mapped["degree_id"]), 200), {"data": mapped})


@pytest.mark.requirement("LC-DEG-NOT-FOUND", "LC-REFUSED-NO-CHANGE")
def test_degree_lookups(lc, data):
    """Unknown degree ids and another trainee's degree id answer 404 Degree(s) not found."""
    owner = lc.new_trainee("12")
    other = lc.new_trainee("12")
    foreign = owner["degrees"][0]["degree_id"]
    tid = other["trainee_id"]
    for degree_id in (UNKNOWN_ID, foreign):
        expect_not_found(lc.degree(tid, degree_id), DEGREE_NOT_FOUND)
        expect_not_found(lc.update_degree(tid, degree_id, {"grade": "01"}), DEGREE_NOT_FOUND)
        expect_not_found(lc.update_degree(tid, degree_id, {"grade": "01"}, method="PATCH"), DEGREE_NOT_FOUND)
        expect_not_found(lc.delete_degree(tid, degree_id), DEGREE_NOT_FOUND)
    # an unknown trainee on every degree route: test_errors.test_unknown_trainee_is_404_everywhere
    lc.expect_unchanged(owner)
    lc.expect_unchanged(other)


@pytest.mark.requirement("LC-DEG-VALIDATION", "LC-REFUSED-NO-CHANGE")
def test_degree_validation(lc, dates, version):
    """Invalid degree: exact 422 messages (the spec-pinned five-error example); no data → param-missing 422."""
    trainee = lc.new_trainee("12")
    tid = trainee["trainee_id"]
    body = {"grade": "First", "subject": "Practical Magic", "graduation_year": dates.today.year + 2,
            "uk_degree": "Bachelor of Arts", "institution": "University of Oxford", "country": "France"}
    expect_unprocessable(lc.add_degree(tid, body), [
        GRADUATION_YEAR_FUTURE, GRADUATION_YEAR_INVALID, SUBJECT_BLANK, GRADE_BLANK,
        inclusion_message("uk_degree", "Bachelor of Arts", DEGREE_TYPE_EXAMPLES[version]),
    ])
    non_uk = {k: v for k, v in body.items() if k not in ("uk_degree", "institution")}
    non_uk["non_uk_degree"] = "Bachelor of Arts"
    expect_unprocessable(lc.add_degree(tid, non_uk), [
        GRADUATION_YEAR_FUTURE, GRADUATION_YEAR_INVALID, SUBJECT_BLANK,
        inclusion_message("non_uk_degree", "Bachelor of Arts", DEGREE_TYPE_EXAMPLES[version]),
        inclusion_message("country", "France", COUNTRY_EXAMPLES[version]),
    ])
    expect_param_missing(lc.add_degree(tid, envelope={"foo": {"bar": "x"}}))
    degree_id = trainee["degrees"][0]["degree_id"]
    expect_param_missing(lc.update_degree(tid, degree_id, envelope={"foo": {"bar": "x"}}))
    expect_unprocessable(lc.update_degree(tid, degree_id, {"graduation_year": dates.today.year + 2}),
                         [GRADUATION_YEAR_FUTURE, GRADUATION_YEAR_INVALID])
    lc.expect_unchanged(trainee)


@pytest.mark.requirement("LC-DEG-NON-UK", "LC-DEG-DELETE")
def test_non_uk_degree(lc, data):
    """A degree with a non-UK country and no institution is stored as a non-UK degree; then deleted."""
    trainee = lc.new_trainee("12")
    tid = trainee["trainee_id"]
    sent = {"subject": "100425", "country": "FR", "non_uk_degree": "051", "graduation_year": 2015}
    with step("LC-DEG-NON-UK", "POST a French degree: 201, country FR, non_uk_degree 051, no UK fields"):
        created = data_of(expect_status(lc.add_degree(tid, sent), 201))
        expect_values(created, {**sent, "institution": None, "uk_degree": None, "grade": None,
                                "institution_uuid": None, "uk_degree_uuid": None}, what="non-UK degree")
        expect_body(expect_status(lc.degree(tid, created["degree_id"]), 200), {"data": created})
    with step("LC-DEG-DELETE", "DELETE the non-UK degree: 200; then 404"):
        expect_status(lc.delete_degree(tid, created["degree_id"]), 200)
        expect_not_found(lc.degree(tid, created["degree_id"]), DEGREE_NOT_FOUND)
