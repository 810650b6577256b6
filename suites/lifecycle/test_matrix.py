"""The operation × state matrix: every refusal a test can reach through the API (lifecycle.md §2).

Rows for ``draft`` and ``awarded`` are not reachable black-box (the API never creates drafts; the
award is asynchronous and optional), so they are not tested here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from register_conformance.expect import expect_json, expect_status, fail
from register_conformance.lifecycle.compare import any_of, expect_values, later_than
from register_conformance.lifecycle.error_bodies import (
    expect_not_found,
    expect_param_missing,
    expect_state_transition_error,
    expect_unprocessable,
)
from register_conformance.lifecycle.facts import (
    ANOTHER_REASON_BLANK,
    AWARDED,
    DEFER_DATE_BLANK,
    DEFER_DATE_INVALID,
    DEFER_REASON_TOO_LONG,
    DEFER_STATE,
    DEFERRED,
    DEGREE_NOT_FOUND,
    DEGREE_REQUIRED,
    FUTURE_INTEREST_INVALID,
    QTS_DATE_BEFORE_START,
    QTS_DATE_FUTURE,
    REASONS_INVALID,
    RECOMMEND_STATE,
    RECOMMENDED,
    ROUTES,
    SAFEGUARDING_BLANK,
    TRIGGER_INVALID,
    WITHDRAWN,
    placements_minimum,
    withdraw_date_before_start,
    withdraw_date_blank,
)
from register_conformance.lifecycle.steps import data_of, step

ROUTE = "12"
NO_PLACEMENTS = placements_minimum(ROUTES[ROUTE].min_placements, ROUTES[ROUTE].name)
UNKNOWN_ID = "lcunknown000000000000000"


def _messages(response) -> list[str]:
    body = expect_json(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    return [e.get("message") if isinstance(e, dict) else e for e in errors or []]


def _ids(items: list[dict], key: str) -> set[str]:
    return {item[key] for item in items}


def _expect_children_readable(lc, tid: str, degree_id: str, placement_id: str, state: str) -> None:
    """LC-READ-ANY-STATE: the trainee's degree and placement lists and items answer 200 in ``state``."""
    with step("LC-READ-ANY-STATE", f"degrees and placements of a {state} trainee are readable"):
        for response in (lc.degrees(tid), lc.placements(tid), lc.degree(tid, degree_id),
                         lc.placement(tid, placement_id)):
            expect_status(response, 200)


@pytest.mark.requirement("LC-RECOMMEND-STATE", "LC-RECOMMEND-ACCUMULATE", "LC-REFUSED-NO-CHANGE")
def test_recommend_without_trn(lc, data, dates, version):
    """Recommend a trainee without a TRN: 422 S-R, accumulated with the date and placement errors (L2, L17)."""
    created = lc.new_trainee(ROUTE)
    tid = created["trainee_id"]
    paths = ["recommend-for-qts"] + (["update-qts-or-eyts-status"] if version == "v2026.1" else [])
    cases = [(data.recommendation(dates.today + timedelta(days=1)), QTS_DATE_FUTURE),
             (data.recommendation(dates.started - timedelta(days=1)), QTS_DATE_BEFORE_START)]
    with step("LC-RECOMMEND-ACCUMULATE", "recommend without TRN with a bad date: date, placements and state errors"):
        for path in paths:
            for body, date_error in cases:
                response = lc.recommend(tid, body, path=path)
                if RECOMMEND_STATE not in _messages(response) and lc.trainee(tid)["trn"]:
                    pytest.skip("the target assigned the TRN before the check; the submitted_for_trn row needs a "
                                "slower TRN (e.g. sandbox --trn-delay 1 or more)")
                expect_unprocessable(response, [date_error, NO_PLACEMENTS, RECOMMEND_STATE])
    with step("LC-REFUSED-NO-CHANGE", "the refused recommendations changed nothing"):
        lc.expect_unchanged(created)


@pytest.mark.requirement("LC-RECOMMEND-RULES", "LC-DEG-DELETE", "LC-TRN-RECEIVED", "LC-REFUSED-NO-CHANGE")
def test_recommend_without_degree(lc, data):
    """A postgraduate trainee whose only degree was deleted cannot be recommended (L14)."""
    created = lc.new_trainee(ROUTE, placements=[data.placement(1), data.placement(2)])
    tid = created["trainee_id"]
    with step("LC-DEG-DELETE", "delete the only degree: 200, gone from the trainee"):
        expect_status(lc.delete_degree(tid, created["degrees"][0]["degree_id"]), 200)
        with_trn = lc.wait_for_trn(tid)
        if with_trn["degrees"]:
            fail(f"The deleted degree is still on the trainee\nReceived: {with_trn['degrees']!r}")
    with step("LC-RECOMMEND-RULES", "recommend without a degree: 422 degree_id error only; nothing changes"):
        expect_unprocessable(lc.recommend(tid), [DEGREE_REQUIRED])
        lc.expect_unchanged(with_trn)


@pytest.mark.requirement("LC-RECOMMEND-STATE", "LC-WITHDRAW-STATE", "LC-DEFER-STATE", "LC-STE-BODY",
                         "LC-LOCK-V2026", "LC-OPEN-V2025", "LC-READ-ANY-STATE", "LC-REFUSED-NO-CHANGE",
                         "LC-PLC-DELETE", "LC-RECOMMEND-202")
def test_recommended_trainee_refusals(lc, data, version, settings):
    """A recommended_for_award trainee: no second recommendation, no withdraw/defer; writes per version (L10–L13).

    Each refusal is followed by a re-read; under ``--profile certify`` (request budget) one re-read after
    the three refusals proves they changed nothing.
    """
    each = settings.profile != "certify"
    created = lc.new_trainee(ROUTE, placements=[data.placement(1), data.placement(2)])
    tid = created["trainee_id"]
    lc.wait_for_trn(tid)
    with step("LC-RECOMMEND-202", "recommend: 202, recommended_for_award"):
        expect_status(lc.recommend(tid), 202)
        recommended = lc.trainee(tid)
        expect_values(recommended, {"state": any_of(RECOMMENDED, AWARDED)}, what="trainee after recommendation")
    degree_id = recommended["degrees"][0]["degree_id"]
    placement_id = recommended["placements"][0]["placement_id"]

    with step("LC-RECOMMEND-STATE", "recommend twice: 422 S-R only; nothing changes"):
        expect_unprocessable(lc.recommend(tid), [RECOMMEND_STATE])
        if version == "v2026.1":
            expect_unprocessable(lc.recommend(tid, path="update-qts-or-eyts-status"), [RECOMMEND_STATE])
        if each:
            recommended = lc.expect_unchanged(recommended)
    with step("LC-WITHDRAW-STATE", "withdraw a recommended trainee: 422 StateTransitionError; nothing changes"):
        expect_state_transition_error(lc.withdraw(tid))
        if each:
            recommended = lc.expect_unchanged(recommended)
    with step("LC-DEFER-STATE", "defer a recommended trainee: 422 S-D; nothing changes"):
        expect_unprocessable(lc.defer(tid), [DEFER_STATE])
        if each:
            recommended = lc.expect_unchanged(recommended)
    if not each:
        with step("LC-REFUSED-NO-CHANGE", "the refused recommendation, withdraw and defer changed nothing"):
            recommended = lc.expect_unchanged(recommended)
    _expect_children_readable(lc, tid, degree_id, placement_id, "recommended")

    if version == "v2026.1":
        with step("LC-LOCK-V2026", "v2026.1: trainee, degree and placement writes answer 422 STE; nothing changes"):
            for response in (
                lc.update(tid, {"middle_names": "Locked"}),
                lc.update(tid, {"middle_names": "Locked"}, method="PATCH"),
                lc.add_degree(tid, data.degree(1)),
                lc.update_degree(tid, degree_id, {"grade": "01"}),
                lc.delete_placement(tid, placement_id),
                lc.add_placement(tid, data.placement(3)),
            ):
                expect_state_transition_error(response)
            lc.expect_unchanged(recommended)
        return
    with step("LC-OPEN-V2025", "v2025.0: a recommended trainee can still be updated and lose a placement (L11)"):
        deleted = data_of(expect_status(lc.delete_placement(tid, placement_id), 200))
        if not isinstance(deleted, dict) or deleted.get("trainee_id") != tid:
            fail(f"DELETE placement must answer the parent trainee\nReceived: {str(deleted)[:300]}")
        updated = data_of(expect_status(lc.update(tid, {"middle_names": "Still open"}, method="PATCH"), 200))
        after_award = any_of(RECOMMENDED, AWARDED)  # the target may award the trainee at any time
        expect_values(updated, {"middle_names": "Still open", "state": after_award}, what="update response")
        after = lc.trainee(tid)
        expect_values(after, {"middle_names": "Still open", "state": after_award}, what="trainee")
        if placement_id in _ids(after["placements"], "placement_id"):
            fail(f"Deleted placement {placement_id} is still listed on the trainee")


@pytest.mark.requirement("LC-LOCK-V2026", "LC-LOCK-PRECEDENCE", "LC-OPEN-V2025", "LC-WITHDRAW-PRECEDENCE",
                         "LC-WITHDRAW-STATE", "LC-STE-BODY", "LC-ERR-ENHANCED", "LC-READ-ANY-STATE",
                         "LC-REFUSED-NO-CHANGE", "LC-DEG-CREATE", "LC-PLC-CREATE", "LC-DEG-NOT-FOUND")
def test_withdrawn_trainee_writes(lc, data, version):
    """A withdrawn trainee: v2026.1 refuses every write (lock before lookups), v2025.0 allows them (L7, L8)."""
    created = lc.new_trainee(ROUTE)
    tid = created["trainee_id"]
    placement_id = data_of(expect_status(lc.add_placement(tid, data.placement(1)), 201))["placement_id"]
    expect_status(lc.withdraw(tid), 200)
    withdrawn = lc.trainee(tid)
    degree_id = withdrawn["degrees"][0]["degree_id"]

    with step("LC-WITHDRAW-PRECEDENCE", "withdraw again: missing data → 422 param-missing, bad fields → STE"):
        expect_param_missing(lc.withdraw(tid, envelope={"data": {}}))
        expect_state_transition_error(lc.withdraw(tid, {"reasons": ["invalid_reason"]}))
    _expect_children_readable(lc, tid, degree_id, placement_id, "withdrawn")

    if version == "v2026.1":
        with step("LC-LOCK-V2026", "v2026.1: every trainee/degree/placement write answers 422 STE"):
            for response in (
                lc.update(tid, {"first_names": "Locked"}),
                lc.update(tid, {"first_names": "Locked"}, method="PATCH", headers={"Enhanced-Errors": "true"}),
                lc.add_degree(tid, data.degree(1)),
                lc.update_degree(tid, degree_id, {"grade": "01"}),
                lc.update_degree(tid, degree_id, {"grade": "01"}, method="PATCH"),
                lc.delete_degree(tid, degree_id),
                lc.add_placement(tid, data.placement(2)),
                lc.update_placement(tid, placement_id, {"postcode": "GU1 1AA"}),
                lc.update_placement(tid, placement_id, {"name": "Renamed"}, method="PATCH"),
                lc.delete_placement(tid, placement_id),
            ):
                expect_state_transition_error(response)
        with step("LC-LOCK-PRECEDENCE", "v2026.1: the lock is checked before the degree lookup and the data check"):
            expect_state_transition_error(lc.update_degree(tid, UNKNOWN_ID, {"grade": "01"}))
            expect_state_transition_error(lc.delete_degree(tid, UNKNOWN_ID))
            expect_state_transition_error(lc.add_degree(tid, envelope={"foo": {"bar": "x"}}))
        with step("LC-REFUSED-NO-CHANGE", "the refused writes changed nothing"):
            lc.expect_unchanged(withdrawn)
        return

    with step("LC-OPEN-V2025", "v2025.0: a withdrawn trainee, its degrees and placements stay writable"):
        expect_not_found(lc.update_degree(tid, UNKNOWN_ID, {"grade": "01"}), DEGREE_NOT_FOUND)
        updated = data_of(expect_status(lc.update(tid, {"first_names": "Reopened"}, method="PATCH"), 200))
        expect_values(updated, {"first_names": "Reopened", "state": WITHDRAWN}, what="update response")
        degree = data_of(expect_status(lc.add_degree(tid, data.degree(1)), 201))
        expect_status(lc.update_degree(tid, degree["degree_id"], {"grade": "01"}, method="PATCH"), 200)
        expect_status(lc.add_placement(tid, data.placement(2)), 201)
        expect_status(lc.delete_placement(tid, placement_id), 200)
        after = lc.trainee(tid)
        expect_values(after, {"first_names": "Reopened", "state": WITHDRAWN,
                              "updated_at": later_than(withdrawn["updated_at"])}, what="trainee")
        grades = {d["degree_id"]: d["grade"] for d in after["degrees"]}
        if grades.get(degree["degree_id"]) != "01" or len(after["placements"]) != 1:
            fail(f"v2025.0 writes on a withdrawn trainee were not persisted\nReceived degrees: {after['degrees']!r}"
                 f"\nReceived placements: {after['placements']!r}")


@pytest.mark.requirement("LC-DEFERRED-WRITABLE", "LC-DEFER-PRECEDENCE", "LC-DEFER-STATE", "LC-REFUSED-NO-CHANGE")
def test_deferred_trainee(lc, data):
    """A deferred trainee: defer field errors beat the state error; trainee, degrees and placements stay writable."""
    created = lc.new_trainee(ROUTE)
    tid = created["trainee_id"]
    expect_status(lc.defer(tid), 200)
    deferred = lc.trainee(tid)
    with step("LC-DEFER-PRECEDENCE", "defer a deferred trainee with a bad date: the field error, not S-D"):
        expect_unprocessable(lc.defer(tid, {"defer_date": ""}), [DEFER_DATE_BLANK])
        expect_unprocessable(lc.defer(tid, {"defer_date": "2026-13-45"}), [DEFER_DATE_INVALID])
        expect_unprocessable(lc.defer(tid, data.deferral() | {"defer_reason": "x" * 501}), [DEFER_REASON_TOO_LONG])
    with step("LC-DEFER-STATE", "defer a deferred trainee with a valid body: 422 S-D; nothing changes"):
        expect_unprocessable(lc.defer(tid), [DEFER_STATE])
        lc.expect_unchanged(deferred)
    with step("LC-DEFERRED-WRITABLE", "PATCH trainee, POST degree and POST placement succeed; still deferred"):
        expect_status(lc.update(tid, {"middle_names": "Paused"}, method="PATCH"), 200)
        degree = data_of(expect_status(lc.add_degree(tid, data.degree(1)), 201))
        placement = data_of(expect_status(lc.add_placement(tid, data.placement(1)), 201))
        after = lc.trainee(tid)
        expect_values(after, {"state": DEFERRED, "middle_names": "Paused"}, what="deferred trainee")
        if degree["degree_id"] not in _ids(after["degrees"], "degree_id") or \
                placement["placement_id"] not in _ids(after["placements"], "placement_id"):
            fail("Degree or placement added to a deferred trainee is missing from the trainee")


@pytest.mark.requirement("LC-WITHDRAW-VALIDATION", "LC-REFUSED-NO-CHANGE")
def test_withdraw_validation(lc, data, dates, version):
    """Withdraw validation: exact messages, and a refused withdraw changes nothing (L16)."""
    created = lc.new_trainee(ROUTE)
    tid = created["trainee_id"]
    with step("LC-WITHDRAW-VALIDATION", "invalid withdraw bodies: 422 with the exact messages"):
        expect_unprocessable(lc.withdraw(tid, {"reasons": ["invalid_reason"]}), [
            withdraw_date_blank(version), REASONS_INVALID, FUTURE_INTEREST_INVALID, TRIGGER_INVALID])
        expect_unprocessable(lc.withdraw(tid, data.withdrawal(on=dates.started - timedelta(days=1))),
                             [withdraw_date_before_start(version)])
        expect_unprocessable(lc.withdraw(tid, data.withdrawal(reasons=["had_to_withdraw_trainee_another_reason"])),
                             [ANOTHER_REASON_BLANK])
        expect_unprocessable(lc.withdraw(tid, data.withdrawal(reasons=["trainee_workload_issues"])),
                             [REASONS_INVALID])
        expect_unprocessable(lc.withdraw(tid, data.withdrawal(reasons=["personal_reasons"], trigger="trainee")),
                             [REASONS_INVALID])
        expect_unprocessable(lc.withdraw(tid, data.withdrawal(reasons=["safeguarding_concerns"])),
                             [SAFEGUARDING_BLANK])
    with step("LC-REFUSED-NO-CHANGE", "the refused withdrawals changed nothing"):
        lc.expect_unchanged(created)


@pytest.mark.requirement("LC-WITHDRAW-STATE", "LC-STE-BODY", "LC-IDX-STATUS", "LC-REFUSED-NO-CHANGE")
def test_withdraw_before_course_start(lc, data, dates):
    """A trainee whose course has not started cannot be withdrawn (L15) and is listed as course_not_yet_started."""
    created = lc.new_trainee(ROUTE, started=False)
    cycle = dates.cycle_of(dates.future_start)  # the next cycle from 11 July on
    tid = created["trainee_id"]
    with step("LC-WITHDRAW-STATE", "withdraw before the course starts: 422 StateTransitionError; nothing changes"):
        expect_state_transition_error(lc.withdraw(tid, data.withdrawal(on=dates.future_start)))
        after = lc.expect_unchanged(created)
    with step("LC-IDX-STATUS", "listed under course_not_yet_started, not in_training"):
        if tid not in lc.index_ids(status="course_not_yet_started", since=after["updated_at"], academic_cycle=cycle):
            fail(f"GET /trainees?status=course_not_yet_started omits trainee {tid} (itt_start_date "
                 f"{after['itt_start_date']}, state {after['state']})")
        if tid in lc.index_ids(status="in_training", since=after["updated_at"], academic_cycle=cycle):
            fail(f"GET /trainees?status=in_training lists trainee {tid} whose course has not started")
