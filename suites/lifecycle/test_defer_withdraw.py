"""Defer and withdraw walks (lifecycle.md §5, §6, §10 L3–L6), from every state that allows them."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_status, fail
from register_conformance.lifecycle.compare import (
    expect_fields,
    expect_values,
    later_than,
    trn_may_arrive,
    withdrawn_fields,
)
from register_conformance.lifecycle.error_bodies import expect_state_transition_error, expect_unprocessable
from register_conformance.lifecycle.facts import (
    DEFER_STATE,
    DEFERRED,
    RECOMMEND_STATE,
    ROUTES,
    placements_minimum,
    withdrawal_keys,
)
from register_conformance.lifecycle.steps import data_of, step

ROUTE = "12"
NO_PLACEMENTS = placements_minimum(ROUTES[ROUTE].min_placements, ROUTES[ROUTE].name)


def _listed(lc, tid, since, status):
    return tid in lc.index_ids(status=status, since=since)


def _expect_listing(lc, trainee, present: set[str], absent: set[str]):
    __tracebackhide__ = True
    for status in sorted(present | absent):
        listed = _listed(lc, trainee["trainee_id"], trainee["updated_at"], status)
        if listed != (status in present):
            fail(f"GET /trainees?status={status} {'omits' if status in present else 'lists'} trainee "
                 f"{trainee['trainee_id']} in state {trainee['state']!r}\n"
                 f"Expected: listed under {sorted(present)}, not under {sorted(absent)}")


@pytest.mark.requirement("LC-DEFER", "LC-DEFER-STATE", "LC-WITHDRAW", "LC-WITHDRAW-KEYS", "LC-WITHDRAW-STATE",
                         "LC-RECOMMEND-STATE", "LC-RECOMMEND-ACCUMULATE", "LC-STE-BODY", "LC-IDX-STATUS",
                         "LC-IDX-SINCE", "LC-REFUSED-NO-CHANGE")
def test_defer_then_withdraw(lc, data, version):
    """Defer a new trainee, then withdraw it; every later transition is refused.

    Walk: submitted_for_trn → defer (200) → defer again (S-D) → recommend (S-R) → withdraw (200,
    defer_date kept) → withdraw again (STE) → defer (S-D) → recommend (S-R).
    """
    created = lc.new_trainee(ROUTE)
    tid = created["trainee_id"]
    with step("LC-WITHDRAW-KEYS", "before any withdrawal the seven withdrawal keys are present and null"):
        expect_values(created, dict.fromkeys(withdrawal_keys(version)), what="withdrawal keys before withdrawal")

    with step("LC-DEFER", "defer: 200 deferred with defer_date and defer_reason; persisted"):
        sent = data.deferral()
        deferred = data_of(expect_status(lc.defer(tid, sent), 200))
        expect_values(deferred, {"state": DEFERRED, "defer_date": sent["defer_date"],
                                 "defer_reason": sent["defer_reason"]}, what="defer response")
        deferred = lc.trainee(tid)
        expect_fields(deferred, created, changed={
            **trn_may_arrive(created), "state": DEFERRED, "defer_date": sent["defer_date"],
            "defer_reason": sent["defer_reason"], "updated_at": later_than(created["updated_at"])})
    with step("LC-IDX-STATUS", "a deferred trainee is listed under status=deferred only"):
        _expect_listing(lc, deferred, present={"deferred"}, absent={"in_training", "withdrawn"})

    with step("LC-DEFER-STATE", "defer a deferred trainee: 422 S-D, nothing changes"):
        expect_unprocessable(lc.defer(tid), [DEFER_STATE])
        deferred = lc.expect_unchanged(deferred)
    with step("LC-RECOMMEND-STATE", "recommend a deferred trainee: 422 S-R (+ placements error), nothing changes"):
        expect_unprocessable(lc.recommend(tid), [NO_PLACEMENTS, RECOMMEND_STATE])
        deferred = lc.expect_unchanged(deferred)

    with step("LC-WITHDRAW", "withdraw a deferred trainee: 200 withdrawn, defer_date kept; persisted"):
        body = data.withdrawal(trigger="trainee", future_interest="unknown",
                               reasons=["does_not_want_to_become_a_teacher",
                                        "trainee_chose_to_withdraw_another_reason"],
                               another_reason="Moving abroad")
        withdrawn = data_of(expect_status(lc.withdraw(tid, body), 200))
        expect_values(withdrawn, {**withdrawn_fields(version, body), "defer_date": sent["defer_date"]},
                      what="withdraw response")
        withdrawn = lc.trainee(tid)
        expect_fields(withdrawn, deferred, changed={
            **trn_may_arrive(deferred), **withdrawn_fields(version, body),
            "updated_at": later_than(deferred["updated_at"])})
    with step("LC-IDX-STATUS", "a withdrawn trainee is listed under status=withdrawn only"):
        _expect_listing(lc, withdrawn, present={"withdrawn"}, absent={"deferred", "in_training"})

    with step("LC-WITHDRAW-STATE", "withdraw a withdrawn trainee: 422 StateTransitionError"):
        expect_state_transition_error(lc.withdraw(tid))
    with step("LC-DEFER-STATE", "defer a withdrawn trainee: 422 S-D"):
        expect_unprocessable(lc.defer(tid), [DEFER_STATE])
    with step("LC-RECOMMEND-STATE", "recommend a withdrawn trainee: 422 S-R"):
        expect_unprocessable(lc.recommend(tid), [NO_PLACEMENTS, RECOMMEND_STATE])
    with step("LC-REFUSED-NO-CHANGE", "the refused calls changed nothing"):
        lc.expect_unchanged(withdrawn)


@pytest.mark.requirement("LC-WITHDRAW", "LC-WITHDRAW-KEYS", "LC-IDX-STATUS", "LC-IDX-SINCE")
def test_withdraw_from_submitted_for_trn(lc, data, version):
    """Withdraw a new trainee (provider trigger, safeguarding concern, a repeated reason)."""
    created = lc.new_trainee(ROUTE)
    tid = created["trainee_id"]
    with step("LC-IDX-STATUS", "a new trainee whose course has started is listed under status=in_training only"):
        _expect_listing(lc, created, present={"in_training"}, absent={"withdrawn", "deferred"})
    with step("LC-WITHDRAW", "withdraw: 200 withdrawn, the version's withdrawal keys filled, reasons as a set"):
        body = data.withdrawal(trigger="provider", future_interest="yes",
                               reasons=["safeguarding_concerns", "mandatory_reasons", "mandatory_reasons"],
                               safeguarding_concern_reasons="Concerns raised by the placement school")
        withdrawn = data_of(expect_status(lc.withdraw(tid, body), 200))
        expect_values(withdrawn, withdrawn_fields(version, body), what="withdraw response")
        after = lc.trainee(tid)
        expect_fields(after, created, changed={
            **trn_may_arrive(created), **withdrawn_fields(version, body),
            "updated_at": later_than(created["updated_at"])})
    with step("LC-IDX-STATUS", "the withdrawn trainee moved from in_training to withdrawn"):
        _expect_listing(lc, after, present={"withdrawn"}, absent={"in_training", "deferred"})


@pytest.mark.requirement("LC-WITHDRAW", "LC-WITHDRAW-KEYS", "LC-TRN-RECEIVED")
def test_withdraw_from_trn_received(lc, data, version):
    """Withdraw a trainee that has its TRN: state withdrawn, TRN kept."""
    created = lc.new_trainee(ROUTE)
    with step("LC-TRN-RECEIVED", "the target assigns a TRN"):
        with_trn = lc.wait_for_trn(created["trainee_id"])
    with step("LC-WITHDRAW", "withdraw a trn_received trainee: 200 withdrawn, TRN kept; persisted"):
        body = data.withdrawal(reasons=["did_not_make_progress"], future_interest="no")
        expect_values(data_of(expect_status(lc.withdraw(with_trn["trainee_id"], body), 200)),
                      withdrawn_fields(version, body), what="withdraw response")
        expect_fields(lc.trainee(with_trn["trainee_id"]), with_trn, changed={
            **withdrawn_fields(version, body), "updated_at": later_than(with_trn["updated_at"])})


@pytest.mark.requirement("LC-DEFER", "LC-RECOMMEND-STATE", "LC-WITHDRAW", "LC-TRN-RECEIVED", "LC-REFUSED-NO-CHANGE")
def test_defer_from_trn_received(lc, data, version):
    """Defer a trainee that has its TRN (no reason sent), then it cannot be recommended, only withdrawn."""
    created = lc.new_trainee(ROUTE)
    with step("LC-TRN-RECEIVED", "the target assigns a TRN"):
        with_trn = lc.wait_for_trn(created["trainee_id"])
    tid = with_trn["trainee_id"]
    with step("LC-DEFER", "defer a trn_received trainee without a reason: 200 deferred, defer_reason null"):
        sent = data.deferral(reason=None)
        expect_status(lc.defer(tid, sent), 200)
        deferred = lc.trainee(tid)
        expect_fields(deferred, with_trn, changed={"state": DEFERRED, "defer_date": sent["defer_date"],
                                                   "defer_reason": None,
                                                   "updated_at": later_than(with_trn["updated_at"])})
    with step("LC-RECOMMEND-STATE", "recommend a deferred trainee: 422 S-R, nothing changes"):
        expect_unprocessable(lc.recommend(tid), [NO_PLACEMENTS, RECOMMEND_STATE])
        lc.expect_unchanged(deferred)
    with step("LC-WITHDRAW", "withdraw the deferred trainee: 200 withdrawn; persisted"):
        body = data.withdrawal()
        expect_status(lc.withdraw(tid, body), 200)
        expect_fields(lc.trainee(tid), deferred, changed={**withdrawn_fields(version, body),
                                                          "updated_at": later_than(deferred["updated_at"])})
