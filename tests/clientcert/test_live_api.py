"""The live page's routes and JSON API, in-process against a fake ``LiveSource`` (no browser)."""

from __future__ import annotations

import contextlib
import re
import threading
from dataclasses import asdict

import httpx
import pytest

from register_conformance.clientcert.exchange import Exchange
from register_conformance.clientcert.judging import Context, Injection
from register_conformance.clientcert.live import MAX_BODY, MAX_PAGE
from tests.clientcert.browser import wait_for
from tests.clientcert.live_fakes import (
    TOKEN,
    FakeSource,
    ThreadServer,
    blank_judgement,
    live_app,
    synthetic_exchanges,
)

API = "/_conformance/api"


def fake(exchanges=(), **kwargs) -> FakeSource:
    """A fake source that judges nothing unless the test says how (judging is client-judge's, not the page's)."""
    return FakeSource(exchanges, **{"judge_fn": blank_judgement, **kwargs})


@pytest.fixture
def client_for():
    """``client_for(source, **options)``: an HTTP client of the live routes served by a real uvicorn on loopback."""
    with contextlib.ExitStack() as stack:
        def make(source: FakeSource, **options) -> httpx.Client:
            url = stack.enter_context(ThreadServer(live_app(source, **options)))
            return stack.enter_context(httpx.Client(base_url=url, timeout=30))

        yield make


def seqs(page: dict) -> list[int]:
    return [item["seq"] for item in page["items"]]


def judged_with_findings(exchanges, context):
    """A scripted judgement: one requirement of each verdict, one demonstrated journey, one injection."""
    judgement = blank_judgement(exchanges, context)
    judgement.requirements = [
        {"id": "CL-AUTH-BEARER", "title": "Bearer token", "level": "MUST", "verdict": "pass", "evidence": [(0, "ok")]},
        {"id": "CL-V2026-NAMES", "title": "v2026.1 names", "level": "MUST", "verdict": "fail",
         "evidence": [(i, "course_subject_one is the v2025.0 name") for i in range(6, len(exchanges), 10)]},
        {"id": "CL-RETRY-AFTER", "title": "Retry-After", "level": "MUST", "verdict": "not-demonstrated",
         "evidence": []},
    ]
    judgement.journeys[0].update(status="demonstrated", seq=0)
    judgement.injections = [{"injection": asdict(Injection(seq=9, client="provider-a", kind="rate-limited-429",
                                                           retry_after=30.0, expected="waits 30 s")),
                             "requirement": "CL-RETRY-AFTER", "verdict": "pass", "seq_reaction": 10,
                             "message": "waited 31 s"}]
    judgement.per_exchange = {6: [("CL-V2026-NAMES", "fail", "course_subject_one is the v2025.0 name")],
                              0: [("CL-AUTH-BEARER", "pass", "ok")]}
    judgement.notes = ["2 exchange(s) outside /api/{version}/ were not judged"]
    return judgement


def test_the_page_and_its_assets_are_served_under_the_mount_without_outside_urls(client_for):
    client = client_for(fake())
    page = client.get("/_conformance/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<base href="/_conformance/">' in page.text
    assert client.get("/_conformance", follow_redirects=True).url.path == "/_conformance/"
    texts = [page.text]
    for asset, kind in (("live.js", "javascript"), ("live.css", "text/css")):
        response = client.get(f"/_conformance/static/{asset}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
        texts.append(response.text)
    for text in texts:  # works offline: nothing is fetched from another host
        assert not re.search(r"""(src|href|url)\s*[=(]\s*["']?(https?:)?//""", text), text[:200]


def test_state_gives_plan_versions_journeys_requirements_injections_and_counts(client_for):
    source = FakeSource(synthetic_exchanges(30), judge_fn=judged_with_findings,
                        info={"plan": "full", "api_versions": frozenset({"v2026.1"}), "base_url": "http://h:1",
                              "claimed_journeys": None, "started": 1.0})
    state = client_for(source).get(f"{API}/state").json()
    assert state["info"] == {"plan": "full", "api_versions": ["v2026.1"], "base_url": "http://h:1",
                             "claimed_journeys": None, "started": 1.0}
    assert (state["exchanges"], state["last_seq"], state["certified"], state["finishing"]) == (30, 29, False, False)
    assert (state["judged"], state["judged_exchanges"]) == (True, 30)
    assert [j["id"] for j in state["journeys"]][:2] == ["create-with-degree", "add-or-replace-degree"]
    assert state["journeys"][0] == {"id": "create-with-degree", "title": "Create a trainee with a degree",
                                    "status": "demonstrated", "seq": 0, "note": None}
    failing = next(r for r in state["requirements"] if r["verdict"] == "fail")
    assert failing == {"id": "CL-V2026-NAMES", "title": "v2026.1 names", "level": "MUST", "verdict": "fail",
                       "evidence": 3, "seqs": [6, 16, 26], "message": "course_subject_one is the v2025.0 name"}
    assert state["injections"] == [{"seq": 9, "client": "provider-a", "kind": "rate-limited-429", "retry_after": 30.0,
                                    "expected": "waits 30 s", "requirement": "CL-RETRY-AFTER", "verdict": "pass",
                                    "seq_reaction": 10, "message": "waited 31 s"}]
    assert state["notes"] == ["2 exchange(s) outside /api/{version}/ were not judged"]
    assert state["counts"] == {"requirements": {"pass": 1, "fail": 1, "not-demonstrated": 1},
                               "journeys": {"demonstrated": 1, "not demonstrated": 8},
                               "injections": {"pass": 1}}


def test_state_lists_unclaimed_journeys_as_not_claimed(client_for):
    source = fake(context=Context(plan="journeys", claimed_journeys=frozenset({"withdraw"})))
    journeys = client_for(source).get(f"{API}/state").json()["journeys"]
    assert {j["id"]: j["status"] for j in journeys}["withdraw"] == "not demonstrated"
    assert {j["status"] for j in journeys if j["id"] != "withdraw"} == {"not claimed"}


def test_exchanges_come_newest_first_in_pages_and_incrementally(client_for):
    source = fake(synthetic_exchanges(120))
    client = client_for(source)
    newest = client.get(f"{API}/exchanges").json()
    assert seqs(newest) == list(range(119, 69, -1))
    assert (newest["total"], newest["last_seq"], newest["more_before"], newest["more_after"]) == (120, 119, True, False)
    older = client.get(f"{API}/exchanges", params={"before": 70, "limit": 50}).json()
    assert seqs(older) == list(range(69, 19, -1)) and older["more_after"]
    oldest = client.get(f"{API}/exchanges", params={"before": 20, "limit": 50}).json()
    assert seqs(oldest) == list(range(19, -1, -1)) and not oldest["more_before"]
    assert client.get(f"{API}/exchanges", params={"after": 110}).json()["items"][-1]["seq"] == 111
    forward = client.get(f"{API}/exchanges", params={"after": 10, "limit": 5}).json()
    assert seqs(forward) == [15, 14, 13, 12, 11] and forward["more_after"] and forward["more_before"]
    assert client.get(f"{API}/exchanges", params={"after": 119}).json()["items"] == []
    source.add("POST", "http://h/api/v2026.1/trainees", 201)
    fresh = client.get(f"{API}/exchanges", params={"after": 119}).json()
    assert seqs(fresh) == [120] and fresh["total"] == 121


def test_an_exchange_summary_is_short_and_carries_its_judgement(client_for):
    source = FakeSource(synthetic_exchanges(12), judge_fn=judged_with_findings)
    client = client_for(source)
    before = client.get(f"{API}/exchanges").json()["items"]  # the list never waits for the judges
    client.get(f"{API}/state")  # waits (up to a second) for the first judgement
    items = {i["seq"]: i for i in client.get(f"{API}/exchanges").json()["items"]}
    assert items[6] == {"seq": 6, "started": items[6]["started"], "client": "provider-a", "method": "PUT",
                        "version": "v2026.1", "path": "/trainees/00000000-trainee", "status": 422,
                        "elapsed_ms": 14.0, "injected": None, "verdict": "fail", "failed": ["CL-V2026-NAMES"]}
    assert (items[0]["verdict"], items[1]["verdict"]) == ("pass", "none")
    assert {i["verdict"] for i in before} <= {"pending", "pass", "fail", "none"}
    assert items[9]["injected"] == "rate-limited-429" and items[9]["status"] == 429
    assert items[1]["path"].startswith("/trainees?since=")


def test_one_exchange_in_full_with_redacted_headers_bodies_and_judgements(client_for):
    source = FakeSource(synthetic_exchanges(12), judge_fn=judged_with_findings)
    client = client_for(source)
    assert client.get(f"{API}/state").json()["judged_exchanges"] == 12
    detail = client.get(f"{API}/exchanges/6").json()
    assert detail["url"] == "http://127.0.0.1:8000/api/v2026.1/trainees/00000000-trainee"
    assert ["Authorization", "Bearer [REDACTED]"] in detail["request"]["headers"]
    assert '"course_subject_one"' in detail["request"]["body"]
    assert detail["response"]["body"].startswith('{"errors"') and detail["response"]["body_cut"] is None
    assert detail["judgements"] == [{"id": "CL-V2026-NAMES", "verdict": "fail",
                                     "message": "course_subject_one is the v2025.0 name"}]
    assert client.get(f"{API}/exchanges/0").json()["demonstrates"] == ["Create a trainee with a degree"]
    assert client.get(f"{API}/exchanges/9").json()["injection"]["kind"] == "rate-limited-429"
    missing = client.get(f"{API}/exchanges/12")
    assert missing.status_code == 404 and missing.json() == {"error": "no exchange #12 (recorded: 12)"}
    assert client.get(f"{API}/exchanges/abc").status_code == 400


def test_an_exchange_is_found_when_seqs_are_not_positions(client_for):
    gappy = [Exchange(seq=seq, started=0.0, client="har", method="GET", url=f"http://h/api/v2026.1/trainees?n={seq}",
                      status=200) for seq in (3, 7, 8, 20)]
    client = client_for(fake(gappy))
    assert client.get(f"{API}/exchanges/7").json()["path"] == "/trainees?n=7"
    assert client.get(f"{API}/exchanges/5").status_code == 404
    assert seqs(client.get(f"{API}/exchanges", params={"before": 8}).json()) == [7, 3]
    assert seqs(client.get(f"{API}/exchanges", params={"after": 7}).json()) == [20, 8]


def test_a_long_body_is_cut_with_its_length_given(client_for):
    source = fake()
    source.add("GET", "http://h/api/v2026.1/trainees", 200, response_body="x" * (MAX_BODY + 10))
    response = client_for(source).get(f"{API}/exchanges/0").json()["response"]
    assert len(response["body"]) == MAX_BODY and response["body_cut"] == MAX_BODY + 10


@pytest.mark.parametrize(("query", "message"), [
    ({"limit": 0}, f"limit must be between 1 and {MAX_PAGE}, got 0"),
    ({"limit": "ten"}, "limit must be an integer, got 'ten'"),
    ({"after": 1, "before": 5}, "give either after or before, not both"),
    ({"before": -3}, "before must be at least 0, got -3"),
])
def test_bad_paging_parameters_are_refused_with_one_line(query, message, client_for):
    response = client_for(fake(synthetic_exchanges(3))).get(f"{API}/exchanges", params=query)
    assert response.status_code == 400 and response.json() == {"error": message}


def test_no_token_or_full_authorization_header_ever_leaves_the_page(client_for):
    """Even from a producer that forgot to redact, and whatever info() holds."""
    leaky = Exchange(seq=0, started=0.0, client="provider-a", method="POST", url="http://h/api/v2026.1/trainees",
                     request_headers=(("Authorization", f"Bearer {TOKEN}"), ("Cookie", f"s={TOKEN}"),
                                      ("Proxy-Authorization", f"Basic {TOKEN}")),
                     status=201, response_headers=(("Set-Cookie", f"s={TOKEN}"),))
    source = fake([leaky], info={"plan": "full", "provider_tokens": {"provider-a": TOKEN},
                                       "token": TOKEN, "base_url": "http://h"})
    client = client_for(source)
    texts = [client.get(f"/_conformance/{path}").text
             for path in ("", "api/state", "api/exchanges", "api/exchanges/0", "static/live.js")]
    for text in texts:
        assert TOKEN not in text
    detail = client.get(f"{API}/exchanges/0").json()
    assert detail["request"]["headers"] == [["Authorization", "Bearer [REDACTED]"], ["Cookie", "[REDACTED]"],
                                            ["Proxy-Authorization", "[REDACTED]"]]
    assert detail["response"]["headers"] == [["Set-Cookie", "[REDACTED]"]]
    assert client.get(f"{API}/state").json()["info"] == {"plan": "full", "base_url": "http://h"}


def test_finish_does_what_sigint_does_once_and_needs_a_json_post(tmp_path, client_for):
    source = fake(synthetic_exchanges(3), reports_dir=tmp_path / "reports")
    client = client_for(source)
    refused = client.post(f"{API}/finish", data={"x": "1"})  # what a form on another site could send
    assert refused.status_code == 415 and source.finish_calls == 0
    assert client.get(f"{API}/finish").status_code == 405
    first = client.post(f"{API}/finish", json={})
    assert first.status_code == 202 and first.json() == {"finishing": True, "reports": str(tmp_path / "reports")}
    assert source.finished.wait(20) and source.finish_calls == 1  # finishing runs after the 202 is sent
    assert client.post(f"{API}/finish", json={}).status_code == 202 and source.finish_calls == 1
    assert client.get(f"{API}/state").json()["finishing"] is True


def test_a_failed_finish_is_reported_on_the_page(capsys, client_for):
    source = fake()

    def broken() -> None:
        raise OSError("reports folder is read-only")

    source.finish = broken
    client = client_for(source)
    client.post(f"{API}/finish", json={})
    error = wait_for(lambda: client.get(f"{API}/state").json()["finish_error"], "the finish error on the page")
    assert error == "OSError: reports folder is read-only"
    assert capsys.readouterr().err == "live page: finishing failed: OSError: reports folder is read-only\n"


def test_the_page_is_read_only(client_for):
    client = client_for(fake(synthetic_exchanges(2)))
    for path in ("api/state", "api/exchanges", "api/exchanges/0", ""):
        assert client.post(f"/_conformance/{path}", json={}).status_code == 405
        assert client.delete(f"/_conformance/{path}").status_code == 405


def test_judging_runs_off_the_request_path_and_pollers_get_the_last_judgement_meanwhile(client_for):
    release = threading.Event()
    entered = threading.Event()

    def slow_judge(exchanges, context):
        if len(exchanges) > 1:  # the second judgement blocks until released
            entered.set()
            assert release.wait(30)
        return blank_judgement(exchanges, context)

    source = fake(synthetic_exchanges(1), judge_fn=slow_judge)
    client = client_for(source, wait=0.05)
    first = client.get(f"{API}/state").json()
    assert (first["judged"], first["judged_exchanges"]) == (True, 1)
    source.add("GET", "http://h/api/v2026.1/trainees", 200)
    meanwhile = client.get(f"{API}/state").json()  # starts the second judgement, answers without it
    assert entered.wait(30)
    again = client.get(f"{API}/state").json()  # does not start a third
    listed = client.get(f"{API}/exchanges").json()["items"]
    assert (meanwhile["exchanges"], meanwhile["judged_exchanges"], again["judged_exchanges"]) == (2, 1, 1)
    assert [i["verdict"] for i in listed] == ["pending", "none"]  # #1 is not judged yet, #0 is
    release.set()
    wait_for(lambda: client.get(f"{API}/state").json()["judged_exchanges"] == 2, "the second judgement")
    assert source.judge_calls == 2


def test_a_judgement_that_fails_keeps_the_previous_one(capsys, client_for):
    def failing_judge(exchanges, context):
        if len(exchanges) > 1:
            raise ValueError("a judge tripped")
        return blank_judgement(exchanges, context)

    source = fake(synthetic_exchanges(1), judge_fn=failing_judge)
    client = client_for(source)
    client.get(f"{API}/state")
    source.add("GET", "http://h/api/v2026.1/trainees", 200)
    state = client.get(f"{API}/state").json()
    assert (state["exchanges"], state["judged_exchanges"], state["judged"]) == (2, 1, True)
    assert state["judging_error"] == "ValueError: a judge tripped"
    client.get(f"{API}/state")  # tried again, failed again: said once
    assert capsys.readouterr().err == "live page: judging failed: ValueError: a judge tripped\n"


def test_judging_takes_at_most_half_the_time_of_a_busy_recording(client_for):
    now = [100.0]

    def judge_taking_four_seconds(exchanges, context):
        now[0] += 4.0
        return blank_judgement(exchanges, context)

    source = fake(synthetic_exchanges(1), judge_fn=judge_taking_four_seconds)
    client = client_for(source, clock=lambda: now[0])
    client.get(f"{API}/state")  # judged at 100-104: the next judgement not before 108
    source.add("GET", "http://h/api/v2026.1/trainees", 200)
    now[0] = 107.9
    assert client.get(f"{API}/exchanges").json()["total"] == 2  # the list itself is never held back
    assert source.judge_calls == 1
    now[0] = 108.0
    client.get(f"{API}/state")
    assert source.judge_calls == 2
