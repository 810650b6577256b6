"""Pure pieces of the reporting package: roll-up, failure exchanges, path templates, progress, junit, scrub."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest

from register_conformance.failures import RequirementFailure, exchange_of, exchange_record, find_failure
from register_conformance.reporting import outcomes
from register_conformance.reporting.junit import merge_junit
from register_conformance.reporting.progress import Progress
from register_conformance.reporting.scrub import scrub_tree
from register_conformance.reporting.traffic import OperationMatcher, api_path, resource_of, version_of


@pytest.mark.parametrize(("given", "expected"), [
    (["passed", "skipped", "failed", "error"], "error"),
    (["passed", "failed", "skipped"], "fail"),
    (["passed", "skipped"], "skip"),
    (["passed", "passed"], "pass"),
    ([], "not-covered"),
])
def test_rollup_priority(given: list[str], expected: str) -> None:
    assert outcomes.rollup(given) == expected


@pytest.mark.parametrize(("phases", "xfail", "expected"), [
    ({"setup": "passed", "call": "passed", "teardown": "passed"}, False, "passed"),
    ({"setup": "passed", "call": "failed", "teardown": "failed"}, False, "failed"),
    ({"setup": "failed", "teardown": "passed"}, False, "error"),
    ({"setup": "passed", "call": "passed", "teardown": "failed"}, False, "error"),
    ({"setup": "skipped", "teardown": "passed"}, False, "skipped"),
    ({"setup": "passed", "call": "skipped", "teardown": "passed"}, True, "skipped"),
])
def test_test_outcome_from_phases(phases: dict[str, str], xfail: bool, expected: str) -> None:
    assert outcomes.test_outcome(phases, xfailed=xfail) == expected


def _response(status: int = 422, token: str = "tok-A-123456") -> httpx.Response:
    request = httpx.Request("POST", "http://h/api/v2026.1/trainees", json={"data": {"first_names": "O'Neil"}},
                            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    return httpx.Response(status, json={"errors": ["Param is missing"]}, request=request)


def test_exchange_record_is_structured_and_redacted() -> None:
    exchange = exchange_of(_response(), {"tok-A-123456": "REGISTER_API_TOKEN"})
    record = exchange_record(exchange)
    assert record["request"]["method"] == "POST" and record["request"]["url"] == "http://h/api/v2026.1/trainees"
    assert record["request"]["headers"]["authorization"] == "Bearer [REDACTED]"
    assert record["request"]["body"] == {"data": {"first_names": "O'Neil"}}
    assert record["response"] == {"status": 422, "headers": record["response"]["headers"],
                                  "body": {"errors": ["Param is missing"]}}
    assert "tok-A-123456" not in json.dumps(record)
    assert '-H "authorization: Bearer $REGISTER_API_TOKEN"' in record["curl"]
    assert "--data-raw" in record["curl"] and "O'\"'\"'Neil" in record["curl"]


def test_curl_names_the_second_token_and_keeps_a_foreign_one() -> None:
    tokens = {"tok-A-123456": "REGISTER_API_TOKEN", "tok-B-654321": "REGISTER_API_SECOND_TOKEN"}
    second = exchange_record(exchange_of(_response(token="tok-B-654321"), tokens))
    assert '"authorization: Bearer $REGISTER_API_SECOND_TOKEN"' in second["curl"]
    wrong = exchange_record(exchange_of(_response(401, token="not-a-real-token"), tokens))
    assert "Bearer not-a-real-token" in wrong["curl"]  # a deliberately wrong token reproduces the 401


def test_a_step_names_one_requirement_and_keeps_the_exchange() -> None:
    from register_conformance.expect import expect_status
    from register_conformance.lifecycle.steps import step

    response = _response(200)
    with pytest.raises(RequirementFailure) as info, step("LC-CREATE-SUBMITTED", "create answers 201"):
        expect_status(response, 201)
    failure = find_failure(info.value)
    assert failure.requirement_id == "LC-CREATE-SUBMITTED" and failure.response is response
    assert failure.kind == "status" and failure.expected == "201"
    assert str(failure).startswith("[LC-CREATE-SUBMITTED] create answers 201\nUnexpected response status")


def test_several_findings_become_one_record_each_with_its_own_exchange() -> None:
    """``RequirementFailure.several`` (the input corpus): the report hook's record carries one finding per
    case, each with its own requirement, statement and exchange; JUnit and the console get the whole text."""
    from types import SimpleNamespace

    from register_conformance.plugin import _failure_record

    first, second = _response(422), _response(500)
    findings = [RequirementFailure("[IN-DATE-BOUNDARIES] row 0\nReceived: 422", requirement_id="IN-DATE-BOUNDARIES",
                                   response=first, statement="valid create row 0: 422 date_of_birth …"),
                RequirementFailure("[IN-UNKNOWN-REFERENCE] unknown URN\nReceived: 500",
                                   requirement_id="IN-UNKNOWN-REFERENCE", response=second, kind="status")]
    exc = RequirementFailure.several(findings, "2 corpus case(s) failed:")
    assert find_failure(exc) is exc and exc.requirement_id == "IN-DATE-BOUNDARIES"
    record = _failure_record(SimpleNamespace(stash={}), exc, None)
    assert record["message"].startswith("2 corpus case(s) failed:\n\n[IN-DATE-BOUNDARIES]")
    assert [(f["requirement"], f["response"]["status"], f["kind"], f["statement"]) for f in record["findings"]] == [
        ("IN-DATE-BOUNDARIES", 422, None, "valid create row 0: 422 date_of_birth …"),
        ("IN-UNKNOWN-REFERENCE", 500, "status", None)]
    assert all(f["curl"].startswith("curl -X POST") and f["message"].startswith("[IN-") for f in record["findings"])


PATHS = {
    "/api/{api_version}/trainees": {"get": {"responses": {"200": {}}}, "post": {"responses": {"201": {}}}},
    "/api/{api_version}/trainees/{trainee_id}": {"get": {"responses": {"200": {}, "404": {}}}},
    "/api/{api_version}/trainees/{trainee_id}/withdraw": {"post": {"responses": {"200": {}}}},
    "/api/{api_version}/trainees/{trainee_id}/degrees/{degree_id}": {"delete": {"responses": {"204": {}}}},
}


@pytest.mark.parametrize(("method", "path", "template"), [
    ("GET", "/api/v2025.0/trainees", "/api/{api_version}/trainees"),
    ("GET", "/api/v2025.0/trainees/abc123", "/api/{api_version}/trainees/{trainee_id}"),
    ("GET", "/api/v2025.0/trainees/abc123.json", "/api/{api_version}/trainees/{trainee_id}"),
    ("POST", "/api/v2026.1/trainees/abc/withdraw", "/api/{api_version}/trainees/{trainee_id}/withdraw"),
    ("DELETE", "/api/v2026.1/trainees/a/degrees/b", "/api/{api_version}/trainees/{trainee_id}/degrees/{degree_id}"),
    ("GET", "/nothing/here", None),
])
def test_operation_matcher(method: str, path: str, template: str | None) -> None:
    assert OperationMatcher(PATHS).template(method, path) == template


def test_paths_resources_and_versions() -> None:
    assert api_path("https://host/prefix/api/v2025.0/trainees?x=1") == "/api/v2025.0/trainees"
    assert resource_of("/api/v2025.0/trainees/abc/degrees/d") == "degrees"
    assert resource_of("/api/v2025.0/trainees/abc/withdraw") == "trainees"
    assert resource_of("/api/v2025.0/info") == "info"
    assert version_of("/api/v2026.1/info", "v2025.0", ("v2025.0", "v2026.1")) == "v2026.1"
    assert version_of("/api/v9/info", "v2025.0", ("v2025.0", "v2026.1")) == "v2025.0"


def test_progress_without_a_tty_prints_failures_and_throttled_status() -> None:
    out = io.StringIO()
    now = [0.0]
    progress = Progress(out, tty=False, interval=10, clock=lambda: now[0])
    progress.start_run("v2025.0", ["schema"])
    progress.event({"event": "collected", "count": 3})
    progress.event({"event": "test", "nodeid": "suites/schema/test_a.py::t1", "outcome": "passed", "done": 1,
                    "failed": 0, "requests": 2, "waits": 0})
    progress.event({"event": "test", "nodeid": "suites/schema/test_a.py::t2", "outcome": "failed", "done": 2,
                    "failed": 1, "requests": 5, "waits": 1, "requirements": ["R-1"], "message": "Received: 500"})
    now[0] = 11.0
    progress.event({"event": "test", "nodeid": "suites/lifecycle/test_b.py::t3", "outcome": "passed", "done": 3,
                    "failed": 1, "requests": 9, "waits": 1})
    progress.event({"event": "finished"})
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert "    FAILED suites/schema/test_a.py::t2 [R-1]: Received: 500" in lines
    assert "[v2025.0 lifecycle] 3/3 tests · 1 failed · 9 requests · 1 rate-limit waits" in lines
    assert not any(line.startswith("[v2025.0 schema] 1/3") for line in lines)  # throttled


def test_junit_merge_prefixes_class_names(tmp_path: Path) -> None:
    part = ('<testsuites><testsuite name="pytest" tests="1" failures="1" errors="0" skipped="0" time="1.5">'
            '<testcase classname="suites.schema.test_a" name="t"><failure message="x"/></testcase>'
            "</testsuite></testsuites>")
    (tmp_path / "a.xml").write_text(part)
    (tmp_path / "b.xml").write_text(part)
    merge_junit([("v2025.0", tmp_path / "a.xml"), ("v2026.1", tmp_path / "b.xml"),
                 ("missing", tmp_path / "nope.xml")], tmp_path / "junit.xml")
    text = (tmp_path / "junit.xml").read_text()
    assert 'tests="2"' in text and 'failures="2"' in text
    assert 'classname="v2026.1.suites.schema.test_a"' in text


def test_scrub_tree_removes_every_secret(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.json").write_text(json.dumps({"h": "Bearer secret-value-1"}))
    (tmp_path / "b.txt").write_text("nothing here")
    changed = scrub_tree(tmp_path, ["secret-value-1", None])
    assert changed == [tmp_path / "sub" / "a.json"]
    assert "secret-value-1" not in (tmp_path / "sub" / "a.json").read_text()


def test_progress_on_a_tty_redraws_one_status_line() -> None:
    out = io.StringIO()
    progress = Progress(out, tty=True)
    progress.start_run("v2026.1", ["schema"])
    progress.event({"event": "collected", "count": 2})
    progress.event({"event": "heartbeat", "nodeid": "suites/schema/test_a.py::t1", "done": 0, "failed": 0,
                    "requests": 40, "waits": 2})
    progress.event({"event": "test", "nodeid": "suites/schema/test_a.py::t1", "outcome": "passed", "done": 1,
                    "failed": 0, "requests": 50, "waits": 2})
    progress.event({"event": "finished"})
    text = out.getvalue()
    assert "\r\033[K[v2026.1 schema] 0/2 tests · 0 failed · 40 requests · 2 rate-limit waits" in text
    assert text.endswith("[v2026.1 schema] 1/2 tests · 0 failed · 50 requests · 2 rate-limit waits\n")
