"""Happy path to QTS, one scenario per training route (lifecycle.md §1, §7, §9, §10 L1, L9, L10)."""

from __future__ import annotations

import pytest

from register_conformance.expect import expect_status, fail
from register_conformance.lifecycle.compare import (
    TRN,
    expect_fields,
    expect_values,
    has_ids,
    later_than,
    matches,
    trn_may_arrive,
)
from register_conformance.lifecycle.error_bodies import expect_param_missing, expect_unprocessable
from register_conformance.lifecycle.facts import (
    AWARDED,
    QTS_DATE_BLANK,
    QTS_DATE_INVALID,
    RECOMMENDED,
    ROUTES,
    SUBMITTED,
    TIMESTAMP_MS,
    TIMESTAMP_S,
    TRN_RECEIVED,
    placements_minimum,
)
from register_conformance.lifecycle.steps import data_of, step
from register_conformance.plugin import run_settings

#: Routes walked to QTS per version, and the recommendation path each uses (v2026.1 documents
#: update-qts-or-eyts-status and deprecates recommend-for-qts; both must work, lifecycle.md §7.1).
HAPPY_ROUTES = {
    "v2025.0": {"12": "recommend-for-qts", "11": "recommend-for-qts", "03": "recommend-for-qts"},
    "v2026.1": {"12": "update-qts-or-eyts-status", "11": "recommend-for-qts", "15": "update-qts-or-eyts-status",
                "16": "recommend-for-qts"},
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "route" in metafunc.fixturenames:
        version = run_settings(metafunc.config).api_version
        metafunc.parametrize("route", [
            pytest.param(route, marks=pytest.mark.requirement(
                "LC-UPDATE-QTS-202" if path == "update-qts-or-eyts-status" else "LC-RECOMMEND-202"))
            for route, path in HAPPY_ROUTES[version].items()])


@pytest.mark.requirement("LC-CREATE-SUBMITTED", "LC-DEG-CREATE", "LC-TRN-RECEIVED", "LC-IDX-HAS-TRN",
                         "LC-RECOMMEND-RULES", "LC-RECOMMEND-DATE", "LC-PLC-CREATE", "LC-IDX-STATUS",
                         "LC-REFUSED-NO-CHANGE")
def test_happy_path_to_qts(lc, data, version, route, settings):
    """Happy path to QTS: create, degrees, placements the route needs, TRN, recommendation (202).

    Each step asserts the response and re-reads the trainee: what changed and what did not. Under
    ``--profile certify`` (request budget) the has_trn listing, which does not depend on the route, is
    checked on the first route only.
    """
    info = ROUTES[route]
    path = HAPPY_ROUTES[version][route]
    recommend_id = "LC-UPDATE-QTS-202" if path == "update-qts-or-eyts-status" else "LC-RECOMMEND-202"

    with step("LC-CREATE-SUBMITTED", "create: 201 submitted_for_trn without TRN; GET returns the same record"):
        created = data_of(expect_status(lc.create(data.trainee(route)), 201))
        expect_values(created, {
            "state": SUBMITTED, "trn": None, "record_source": "api", "training_route": route,
            "submitted_for_trn_at": matches(TIMESTAMP_MS), "placements": [],
        }, what="created trainee")
        if len(created["degrees"]) != (1 if info.degree_required else 0):
            fail(f"Unexpected degrees after create\nReceived: {created['degrees']!r}\nExpected: the nested degree")
        tid = created["trainee_id"]
        shown = lc.trainee(tid)
        expect_fields(shown, created, changed=trn_may_arrive(created), ignore={"updated_at"})

    if info.degree_required:
        with step("LC-DEG-CREATE", "add a degree: 201, listed on the trainee, updated_at advances"):
            degree = data_of(expect_status(lc.add_degree(tid, data.degree(1)), 201))
            after = lc.trainee(tid)
            degree_ids = [d["degree_id"] for d in [*shown["degrees"], degree]]
            expect_fields(after, shown, changed={**trn_may_arrive(shown), "degrees": has_ids("degree_id", degree_ids),
                                                 "updated_at": later_than(shown["updated_at"])})
            shown = after

    with step("LC-TRN-RECEIVED", "the target assigns a TRN: trn_received, nothing else changes"):
        with_trn = lc.wait_for_trn(tid)
        expect_fields(with_trn, shown, changed={"state": TRN_RECEIVED, "trn": TRN}, ignore={"updated_at"})
    if settings.profile != "certify" or route == next(iter(HAPPY_ROUTES[version])):
        with step("LC-IDX-HAS-TRN", "has_trn=true lists the trainee, has_trn=false does not"):
            if tid not in lc.index_ids(has_trn="true", since=with_trn["updated_at"]):
                fail(f"GET /trainees?has_trn=true does not list trainee {tid}, which has TRN {with_trn['trn']}")
            if tid in lc.index_ids(has_trn="false", since=with_trn["updated_at"]):
                fail(f"GET /trainees?has_trn=false lists trainee {tid}, which has TRN {with_trn['trn']}")

    if info.min_placements:
        with step("LC-RECOMMEND-RULES", f"recommend without placements: 422 (minimum {info.min_placements}), "
                  "nothing changes"):
            expect_unprocessable(lc.recommend(tid, path=path), [placements_minimum(info.min_placements, info.name)])
            lc.expect_unchanged(with_trn)
        with step("LC-PLC-CREATE", f"add {info.min_placements} placement(s): 201, listed on the trainee"):
            for n in range(info.min_placements):
                expect_status(lc.add_placement(tid, data.placement(n)), 201)
            with_trn = lc.trainee(tid)
            if len(with_trn["placements"]) != info.min_placements:
                fail(f"Placements not persisted\nReceived: {with_trn['placements']!r}\n"
                     f"Expected: {info.min_placements} placements")

    with step("LC-RECOMMEND-DATE", "recommend with a blank / invalid date or without data: 422, nothing changes"):
        expect_unprocessable(lc.recommend(tid, {"qts_standards_met_date": None}, path=path), [QTS_DATE_BLANK])
        expect_unprocessable(lc.recommend(tid, {"qts_standards_met_date": "2026-02-30"}, path=path),
                             [QTS_DATE_INVALID])
        expect_param_missing(lc.recommend(tid, envelope={"data": {}}, path=path))
        lc.expect_unchanged(with_trn)

    with step(recommend_id, f"POST {path}: 202 recommended_for_award, outcome_date = sent date; persisted"):
        sent = data.recommendation()
        response = expect_status(lc.recommend(tid, sent, path=path), 202)
        body = response.json()
        if "errors" in body:
            fail(f"A 202 recommendation must not carry 'errors'\nReceived: {body!r}", response)
        recommended = data_of(response)
        expect_values(recommended, {
            "state": RECOMMENDED, "outcome_date": sent["qts_standards_met_date"],
            "recommended_for_award_at": matches(TIMESTAMP_S), "trn": with_trn["trn"],
        }, what="recommendation response")
        final = lc.trainee(tid)
        expect_fields(final, with_trn, changed={
            **trn_may_arrive(recommended),  # the target may award the trainee at any time
            "outcome_date": sent["qts_standards_met_date"],
            "recommended_for_award_at": recommended["recommended_for_award_at"],
            "updated_at": later_than(with_trn["updated_at"]),
        })

    with step("LC-IDX-STATUS", "a recommended trainee is still listed as in_training (core.md §7.3)"):
        if tid not in lc.index_ids(status="in_training", since=final["updated_at"]):
            now = lc.trainee(tid)
            if now["state"] != AWARDED or tid not in lc.index_ids(status="awarded", since=final["updated_at"]):
                fail(f"GET /trainees?status=in_training does not list the {now['state']} trainee {tid}")
