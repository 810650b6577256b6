"""Each judge on hand-made exchanges: a passing and a failing case per CL rule."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from register_conformance.clientcert.judging import JOURNEYS, Context, Injection, combined, judge, parse_journeys
from register_conformance.requirements import catalogue, client_catalogue

from .judging_samples import AUTH, create_data, cycle_start, ex, journey_walk, trainee

CHECK = Context(plan="check")


def verdicts(exchanges, context=CHECK) -> dict[str, str]:
    return {r["id"]: r["verdict"] for r in judge(exchanges, context).requirements}


def failures(exchanges, cl_id, context=CHECK) -> list[tuple[int, str]]:
    row = next(r for r in judge(exchanges, context).requirements if r["id"] == cl_id)
    return row["evidence"] if row["verdict"] == "fail" else []


def test_catalogue_is_separate_and_complete() -> None:
    client = client_catalogue()
    assert len(client) >= 20 and all(rid.startswith("CL-") for rid in client)
    assert not set(client) & set(catalogue())  # server runs never list client rules
    assert all(r.source and r.level in ("MUST", "SHOULD") for r in client.values())


@pytest.mark.parametrize("version", ["v2026.1", "v2025.0"])
def test_a_well_behaved_walk_is_certified(version: str) -> None:
    judgement = judge(journey_walk(version), Context(plan="full"))
    failed = {r["id"]: r["evidence"] for r in judgement.requirements if r["verdict"] == "fail"}
    assert judgement.certified, failed
    statuses = {j["id"]: j["status"] for j in judgement.journeys}
    assert statuses["create-with-degree"] == statuses["incremental-read"] == "demonstrated"
    expected = "demonstrated" if version == "v2026.1" else "not demonstrated"
    assert statuses["update-qts-or-eyts-status"] == expected
    json.dumps(judgement.to_dict())


# -- request side: (name, exchanges, CL id that must fail, text the message must hold) -----------------------
def _withdraw(version: str, key: str) -> dict:
    return {"data": {key: cycle_start().isoformat(), "reasons": ["mandatory_reasons"], "trigger": "provider",
                     "future_interest": "no"}}


REQUEST_FAILURES = [
    ("unknown version", [ex(0, "GET", "/info", version="v0.0")], "CL-REQ-VERSION", "v0.0"),
    ("two versions", [*journey_walk()[:2], ex(5, "GET", "/info", version="v2025.0")], "CL-REQ-ONE-VERSION",
     "v2025.0"),
    ("undocumented route", [ex(0, "DELETE", "/trainees/t1")], "CL-REQ-ROUTE", "not a route"),
    ("reference-data on v2025.0", [ex(0, "GET", "/reference-data", version="v2025.0")], "CL-REQ-ROUTE", "v2025.0"),
    ("lowercase bearer", [ex(0, "GET", "/info", headers=(("Authorization", "bearer [REDACTED]"),))], "CL-REQ-AUTH",
     "'bearer'"),
    ("no token", [ex(0, "GET", "/info", headers=())], "CL-REQ-AUTH", "no Authorization"),
    ("bare token", [ex(0, "GET", "/info", headers=(("Authorization", "[REDACTED]"),))], "CL-REQ-AUTH", "bare"),
    ("malformed JSON", [ex(0, "POST", "/trainees", raw='{"data": {', status=400)], "CL-REQ-JSON", "JSON"),
    ("form content type", [ex(0, "POST", "/trainees", {"data": create_data()},
                              headers=(AUTH, ("Content-Type", "text/plain")))], "CL-REQ-CONTENT-TYPE", "text/plain"),
    ("no data envelope", [ex(0, "POST", "/trainees", create_data(), status=422)], "CL-REQ-ENVELOPE", "data"),
    ("empty data", [ex(0, "PUT", "/trainees/t1", {"data": {}}, status=422)], "CL-REQ-ENVELOPE", "empty"),
    ("name too long", [ex(0, "POST", "/trainees", {"data": create_data(first_names="A" * 61)})], "CL-REQ-SCHEMA",
     "first_names"),
    ("v2025.0 name to v2026.1", [ex(0, "POST", "/trainees", {"data": create_data(
        course_subject_1=None, course_subject_one="100425")})], "CL-REQ-FIELD-NAMES", "expects course_subject_1"),
    ("withdraw_date to v2026.1", [ex(0, "POST", "/trainees/t1/withdraw", _withdraw("v2026.1", "withdraw_date"))],
     "CL-REQ-FIELD-NAMES", "expects withdrawal_date"),
    ("v2026.1 name to v2025.0", [ex(0, "POST", "/trainees", {"data": create_data(
        "v2025.0", training_partner_urn="123456")}, version="v2025.0")], "CL-REQ-FIELD-NAMES",
     "expects lead_partner_urn"),
    ("sex not a code", [ex(0, "POST", "/trainees", {"data": create_data(sex="1")})], "CL-REQ-CODES", "sex"),
    ("route 02 to v2026.1", [ex(0, "POST", "/trainees", {"data": create_data(training_route="02")})],
     "CL-REQ-ROUTE-CODE", "02"),
    ("iqts without country", [ex(0, "POST", "/trainees", {"data": create_data(training_route="15", fund_code="2",
                                                                              funding_method="6")})],
     "CL-REQ-ROUTE-CODE", "iqts_country"),
    ("reason of the other trigger", [ex(0, "POST", "/trainees/t1/withdraw", {"data": {
        **_withdraw("v2026.1", "withdrawal_date")["data"], "reasons": ["trainee_workload_issues"]}})],
     "CL-REQ-CODES", "trainee_workload_issues"),
    ("another reason without text", [ex(0, "POST", "/trainees/t1/withdraw", {"data": {
        **_withdraw("v2026.1", "withdrawal_date")["data"], "reasons": ["had_to_withdraw_trainee_another_reason"]}})],
     "CL-REQ-SCHEMA", "another_reason"),
    ("end before start", [ex(0, "POST", "/trainees", {"data": create_data(
        itt_end_date=f"{cycle_start().year - 1}-07-31")})], "CL-REQ-FIELD-RULES", "after itt_start_date"),
    ("primary with a secondary subject", [ex(0, "POST", "/trainees", {"data": create_data(
        course_age_range="13914", fund_code="2", funding_method="6")})], "CL-REQ-FIELD-RULES", "100511"),
    ("early years with 11-16", [ex(0, "POST", "/trainees", {"data": create_data(
        training_route="19", course_subject_1="100510", fund_code="2", funding_method="6")})],
     "CL-REQ-FIELD-RULES", "13920"),
    ("impossible date", [ex(0, "POST", "/trainees/t1/defer", {"data": {"defer_date": "2023-02-30"}})],
     "CL-REQ-DATES", "2023-02-30"),
    ("unfunded route with fund_code 7", [ex(0, "POST", "/trainees", {"data": create_data(
        training_route="14", degrees_attributes=None)})], "CL-REQ-FUNDING", "route 14"),
    ("postgraduate create without degree", [ex(0, "POST", "/trainees", {"data": create_data(
        degrees_attributes=None)})], "CL-REQ-DEGREE-ON-CREATE", "degrees_attributes"),
    ("unencoded + in since", [ex(0, "GET", "/trainees?since=2026-01-01T00:00:00+01:00")], "CL-REQ-QUERY", "since"),
    ("bad status filter", [ex(0, "GET", "/trainees?status=active")], "CL-REQ-QUERY", "status"),
]


@pytest.mark.parametrize(("exchanges", "cl_id", "text"), [c[1:] for c in REQUEST_FAILURES],
                         ids=[c[0] for c in REQUEST_FAILURES])
def test_request_rule_fails(exchanges, cl_id: str, text: str) -> None:
    found = failures(exchanges, cl_id)
    assert found, f"{cl_id} did not fail"
    assert any(text in message for _, message in found), found
    assert not judge(exchanges, CHECK).certified


def test_request_rules_pass_on_good_requests() -> None:
    result = verdicts(journey_walk())
    for cl_id in ("CL-REQ-VERSION", "CL-REQ-ONE-VERSION", "CL-REQ-ROUTE", "CL-REQ-AUTH", "CL-REQ-JSON",
                  "CL-REQ-CONTENT-TYPE", "CL-REQ-ENVELOPE", "CL-REQ-SCHEMA", "CL-REQ-FIELD-NAMES", "CL-REQ-CODES",
                  "CL-REQ-ROUTE-CODE", "CL-REQ-DATES", "CL-REQ-DATE-FORMAT", "CL-REQ-FUNDING",
                  "CL-REQ-DEGREE-ON-CREATE", "CL-REQ-QUERY", "CL-REQ-NO-READ-ONLY"):
        assert result[cl_id] == "pass", cl_id


def test_reference_data_needs_no_token_and_route_02_is_fine_on_v2025() -> None:
    assert verdicts([ex(0, "GET", "/reference-data", headers=())])["CL-REQ-AUTH"] != "fail"
    v2025 = [ex(0, "POST", "/trainees", {"data": create_data("v2025.0", training_route="02")}, version="v2025.0")]
    assert verdicts(v2025)["CL-REQ-ROUTE-CODE"] == "pass"


def test_should_rules_do_not_refuse_certification() -> None:
    basic_date = [ex(0, "POST", "/trainees/t1/defer", {"data": {"defer_date": cycle_start().strftime("%Y%m%d")}})]
    judgement = judge(basic_date, CHECK)
    assert {r["id"]: r["verdict"] for r in judgement.requirements}["CL-REQ-DATE-FORMAT"] == "fail"
    assert judgement.certified
    read_only = [ex(0, "PUT", "/trainees/t1", {"data": {"first_names": "Ada", "trn": "1234567"}})]
    assert failures(read_only, "CL-REQ-NO-READ-ONLY")


# -- reactions ---------------------------------------------------------------------------------------------
def _retry(wait: float) -> list:
    return [ex(0, "GET", "/trainees/t1", status=429, response_headers=(("Retry-After", "30"),), elapsed_ms=0),
            ex(1, "GET", "/trainees/t1", t=wait, resp=trainee())]


def test_no_resend_after_final_status() -> None:
    body = {"data": create_data(sex="1")}
    same = [ex(0, "POST", "/trainees", body, 422), ex(1, "POST", "/trainees", body, 422)]
    assert failures(same, "CL-REACT-NO-RESEND")
    fixed = [ex(0, "POST", "/trainees", body, 422), ex(1, "POST", "/trainees", {"data": create_data()}, 201)]
    assert verdicts(fixed)["CL-REACT-NO-RESEND"] == "pass"
    gone = [ex(0, "GET", "/trainees/t9", status=404), ex(1, "GET", "/trainees/t9", status=404)]
    assert failures(gone, "CL-REACT-NO-RESEND")
    empty_index = [ex(i, "GET", "/trainees?has_trn=true", status=404, t=i * 30.0) for i in range(3)]
    assert verdicts(empty_index)["CL-REACT-NO-RESEND"] != "fail"  # "No trainees found" can change


def test_retry_after_is_honoured() -> None:
    assert failures(_retry(1.0), "CL-REACT-RETRY-AFTER")
    assert verdicts(_retry(31.0))["CL-REACT-RETRY-AFTER"] == "pass"
    assert verdicts(journey_walk())["CL-REACT-RETRY-AFTER"] == "not-applicable"


def test_rate_limit_sliding_window() -> None:
    burst = [ex(i, "GET", "/info", t=i * 0.5) for i in range(101)]
    assert failures(burst, "CL-REACT-RATE-LIMIT")
    paced = [ex(i, "GET", "/info", t=i * 0.6) for i in range(101)]
    assert verdicts(paced)["CL-REACT-RATE-LIMIT"] == "pass"


def test_lost_create_is_not_duplicated() -> None:
    body = {"data": create_data()}
    lost = ex(0, "POST", "/trainees", body, None)
    assert failures([lost, ex(1, "POST", "/trainees", body, 201, resp={"data": trainee()})], "CL-REACT-LOST-CREATE")
    altered = {"data": create_data(first_names="Augusta", email="augusta@example.com")}
    assert failures([lost, ex(1, "POST", "/trainees", altered, 201, resp={"data": trainee()})],
                    "CL-REACT-LOST-CREATE")
    someone_else = {"data": create_data(last_name="Hopper")}
    assert verdicts([lost, ex(1, "POST", "/trainees", someone_else, 201)])["CL-REACT-LOST-CREATE"] != "fail"
    via_409 = [lost, ex(1, "POST", "/trainees", body, 409, resp={"data": [trainee()]})]
    assert verdicts(via_409)["CL-REACT-LOST-CREATE"] == "pass"
    via_index = [lost, ex(1, "GET", f"/trainees?since={cycle_start().isoformat()}", resp={"data": [trainee()]})]
    assert verdicts(via_index)["CL-REACT-LOST-CREATE"] == "pass"


def test_trn_polling_is_polite() -> None:
    hot = [ex(i, "GET", "/trainees/t1", t=i * 1.0, resp=trainee()) for i in range(6)]
    assert failures(hot, "CL-REACT-TRN-POLL")
    polite = [ex(i, "GET", "/trainees/t1", t=i * 15.0, resp=trainee()) for i in range(6)]
    assert verdicts(polite)["CL-REACT-TRN-POLL"] == "pass"
    index = [ex(i, "GET", f"/trainees?has_trn=true&since=2026-01-0{i + 1}", t=i * 2.0) for i in range(6)]
    assert failures(index, "CL-REACT-TRN-POLL")


def test_state_transition_error_is_not_repeated() -> None:
    ste = {"errors": [{"error": "StateTransitionError", "message": "It\u2019s not possible"}]}
    body = _withdraw("v2026.1", "withdrawal_date")
    again = [ex(0, "POST", "/trainees/t1/withdraw", body, 422, resp=ste),
             ex(1, "POST", "/trainees/t1/withdraw", {"data": {**body["data"], "future_interest": "yes"}}, 422,
                resp=ste)]
    assert failures(again, "CL-REACT-STATE-TRANSITION")
    moved_on = [ex(0, "POST", "/trainees/t1/withdraw", body, 422, resp=ste), ex(1, "GET", "/trainees/t1")]
    assert verdicts(moved_on)["CL-REACT-STATE-TRANSITION"] == "pass"


def test_state_awareness() -> None:
    withdrawn = ex(0, "GET", "/trainees/t1", resp=trainee("t1", "withdrawn"))
    assert failures([withdrawn, ex(1, "PUT", "/trainees/t1", {"data": {"first_names": "A"}})], "CL-REACT-STATE-AWARE")
    v2025 = [ex(0, "GET", "/trainees/t1", resp=trainee("t1", "withdrawn"), version="v2025.0"),
             ex(1, "PUT", "/trainees/t1", {"data": {"first_names": "A"}}, version="v2025.0")]
    assert verdicts(v2025)["CL-REACT-STATE-AWARE"] == "pass"


# -- journeys, readiness, injections ----------------------------------------------------------------------
def test_journeys_claimed_and_not_claimed() -> None:
    only_create = journey_walk()[:2]
    full = judge(only_create, Context(plan="full"))
    assert not full.certified and failures(only_create, "CL-JOURNEYS", Context(plan="full"))
    claimed = parse_journeys("create-with-degree")
    narrow = judge(only_create, Context(plan="full", claimed_journeys=claimed))
    assert narrow.certified
    statuses = {j["id"]: j["status"] for j in narrow.journeys}
    assert statuses["create-with-degree"] == "demonstrated" and statuses["defer"] == "not claimed"
    assert [j["id"] for j in narrow.journeys] == [j for j, _ in JOURNEYS]
    assert judge(only_create, CHECK).certified  # check lists journeys, never fails on them
    with pytest.raises(ValueError, match="unknown journey"):
        parse_journeys("create,fly")


def test_a_missing_journey_fails_the_run_not_an_exchange() -> None:
    only_create = journey_walk()[:2]
    judgement = judge(only_create, Context(plan="full"))
    assert failures(only_create, "CL-JOURNEYS", Context(plan="full"))
    assert all(cl_id != "CL-JOURNEYS" or verdict != "fail"
               for ex_ in only_create for cl_id, verdict, _ in judgement.for_exchange(ex_.seq))


def test_adverse_responses_owed_block_resilience_and_say_when() -> None:
    walk = journey_walk()
    owed = (("lost-create", "it comes with the client's 2nd successful create; 1 so far"),
            ("rate-limited-429", "it comes with the client's 5th request; 3 so far"))
    judgement = judge(walk, Context(plan="resilience", unmet=owed))
    assert not judgement.certified
    assert [u["kind"] for u in judgement.unmet] == ["lost-create", "rate-limited-429"]
    assert any("lost-create not met yet (it comes with the client's 2nd successful" in n for n in judgement.notes)
    rows = {r["id"]: r["verdict"] for r in judgement.requirements}
    assert rows["CL-REACT-LOST-CREATE"] == "not-demonstrated"
    # A client that claims no create is not owed the adverse responses that follow a create.
    reads = Context(plan="resilience", unmet=owed[:1], claimed_journeys=parse_journeys("incremental-read"))
    assert judge(walk, reads).unmet == [] and judge(walk, Context(plan="resilience")).certified


def test_several_clients_combine_into_what_finishing_says() -> None:
    good = judge(journey_walk(), Context(plan="full"))
    partial = judge([replace(e, client="b") for e in journey_walk()[:2]], Context(plan="full"))
    assert good.certified and not partial.certified
    both = combined({"a": good, "b": partial})
    assert not both.certified and combined({"a": good}) is good
    rows = {r["id"]: r for r in both.requirements}
    assert rows["CL-JOURNEYS"]["verdict"] == "fail"
    withdraw = {j["id"]: j for j in both.journeys}["withdraw"]
    assert withdraw["status"] == "not demonstrated" and withdraw["note"] == "not yet by b"
    assert all(note.startswith("b: ") for note in both.notes)
    assert both.counts["exchanges"] == good.counts["exchanges"] + partial.counts["exchanges"]


def test_readiness_of_v2025_traffic_cites_known_differences() -> None:
    judgement = judge(journey_walk("v2025.0"), CHECK)
    cited = {kd for row in judgement.readiness for kd in row["known_differences"]}
    assert {"KD-RENAME-COURSE-SUBJECT", "KD-RENAME-WITHDRAW-REQUEST-DATE", "KD-V2025-AVAILABILITY",
            "KD-RECOMMEND-FOR-QTS-DEPRECATED"} <= cited
    change = next(r["change"] for r in judgement.readiness if "course_subject_one" in r["change"])
    assert "course_subject_1" in change
    assert judgement.certified  # readiness is advice (SHOULD), not a refusal
    assert judge(journey_walk(), CHECK).readiness == []


def test_primary_subject_is_corrected_by_v2025_and_refused_by_v2026() -> None:
    primary = {"data": create_data("v2025.0", course_age_range="13914", fund_code="2", funding_method="6")}
    judgement = judge([ex(0, "POST", "/trainees", primary, 201, version="v2025.0")], CHECK)
    assert {r["id"]: r["verdict"] for r in judgement.requirements}["CL-REQ-FIELD-RULES"] == "pass"
    rows = [r for r in judgement.readiness if "KD-PRIMARY-SUBJECT-RULE" in r["known_differences"]]
    assert len(rows) == 1 and rows[0]["count"] == 1 and "100511" in rows[0]["change"]


def test_route_02_and_write_lock_readiness() -> None:
    items = [ex(0, "POST", "/trainees", {"data": create_data("v2025.0", training_route="02")}, 201,
                resp={"data": trainee("t1")}, version="v2025.0"),
             ex(1, "GET", "/trainees/t1", resp=trainee("t1", "withdrawn"), version="v2025.0"),
             ex(2, "PUT", "/trainees/t1", {"data": {"first_names": "A"}}, version="v2025.0")]
    cited = {kd for row in judge(items, CHECK).readiness for kd in row["known_differences"]}
    assert {"KD-ROUTE-02-REMOVED", "KD-WRITE-LOCK"} <= cited


def test_injections_are_judged() -> None:
    inj = Injection(seq=0, client="vendor", kind="rate-limited-429", retry_after=30.0, expected="wait 30 s")
    early = judge(_retry(2.0), Context(plan="resilience", injections=(inj,)))
    assert early.injections[0]["verdict"] == "fail" and not early.certified
    late = judge(_retry(31.0), Context(plan="resilience", injections=(inj,)))
    assert late.injections[0]["verdict"] == "pass" and late.injections[0]["seq_reaction"] == 1
    pending = judge(_retry(31.0)[:1], Context(plan="resilience", injections=(inj,)))
    assert pending.injections[0]["verdict"] == "pending"
    body = {"data": create_data()}
    lost = Injection(seq=0, client="vendor", kind="lost-create", retry_after=None, expected="find the trainee")
    dup = [ex(0, "POST", "/trainees", body, None), ex(1, "POST", "/trainees", body, 201, resp={"data": trainee()})]
    assert judge(dup, Context(plan="resilience", injections=(lost,))).injections[0]["verdict"] == "fail"


def test_per_exchange_lookup_and_non_api_traffic() -> None:
    items = [ex(0, "GET", "/info"), ex(1, "GET", "/info", headers=(("Authorization", "bearer [REDACTED]"),))]
    judgement = judge(items, CHECK)
    assert judgement.for_exchange(0) == []
    assert ("CL-REQ-AUTH", "fail") in {(c, v) for c, v, _ in judgement.for_exchange(1)}
    other = ex(2, "GET", "/info")
    other = replace(other, url="https://cdn.example/app.js")
    assert "not judged" in " ".join(judge([*items, other], CHECK).notes)
    assert not judge([other], CHECK).certified


@pytest.mark.parametrize(("today", "birth", "refused"), [
    ("2026-01-30", "2010-01-29", False),  # 16 years and a day: accepted (the day is not clamped to 28)
    ("2026-01-30", "2010-01-30", False),  # exactly 16 years
    ("2026-01-30", "2010-01-31", True),   # a day short of 16 years
    ("2028-02-29", "2012-02-29", False),  # a leap day: 16 years ago is a leap day too
    ("2028-02-29", "2012-03-01", True),
])
def test_sixteen_year_rule_on_its_boundary(today: str, birth: str, refused: bool) -> None:
    from datetime import date

    from register_conformance.clientcert.rules_request import Findings, _cross_field

    out = Findings()
    _cross_field({"date_of_birth": birth}, "v2026.1", out, today=date.fromisoformat(today))
    assert any("16 years" in message for _, message, _ in out.failed) is refused
