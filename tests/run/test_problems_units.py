"""Failures grouped into problems, and run-to-run comparison, on hand-made summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from register_conformance.cli import main
from register_conformance.reporting.compare import compare
from register_conformance.reporting.problems import build_problems
from register_conformance.reporting.traffic import OperationMatcher

PATHS = {
    "/api/{api_version}/trainees": {"get": {"responses": {"200": {}}}, "post": {"responses": {"201": {}}}},
    "/api/{api_version}/trainees/{trainee_id}": {"get": {"responses": {"200": {}, "404": {}}}},
}
MATCHERS = {"v2026.1": OperationMatcher(PATHS)}


def failure(fid: str, method: str, url: str, status: int, *, kind: str | None = None, expected: str | None = None,
            field: str | None = None, requirement: str | None = None, suite: str = "lifecycle") -> dict:
    return {"id": fid, "nodeid": fid, "api_version": "v2026.1", "suite": suite, "baselined": False,
            "request": {"method": method, "url": f"http://h/api/v2026.1{url}", "headers": {}, "body": None},
            "response": {"status": status, "headers": {}, "body": None}, "curl": f"curl -X {method} {url}",
            "failed_requirements": [requirement] if requirement else ["A", "B"],
            "signature": {"kind": kind, "expected": expected, "field": field}}


def test_the_same_wrong_status_from_every_suite_is_one_problem() -> None:
    failures = [
        failure("t1", "POST", "/trainees", 200, kind="status", expected="201", requirement="LC-CREATE-SUBMITTED"),
        failure("t2", "POST", "/trainees", 200, kind="status", expected="201", requirement="LC-SCHEMA"),
        failure("t3", "POST", "/trainees", 200, kind="status", expected="201", requirement="SCH-STATUS",
                suite="schema"),
        failure("t4", "GET", "/trainees/abc", 200, kind="rule", requirement="LC-IDX-SINCE"),
    ]
    problems = build_problems(failures, MATCHERS, {"LC-IDX-SINCE": "since is inclusive"}, {})
    assert [p["count"] for p in problems] == [3, 1]
    assert problems[0]["statement"] == "POST /trainees answers 200; the facts require 201"
    assert problems[0]["suites"] == ["lifecycle", "schema"] and problems[0]["curl"] == "curl -X POST /trainees"
    assert problems[1]["statement"].startswith("LC-IDX-SINCE: since is inclusive — GET /trainees/{trainee_id} → 200")
    assert [f["problem"] for f in failures] == ["P1", "P1", "P1", "P2"]


def test_a_field_is_one_problem_wherever_the_response_carries_it() -> None:
    failures = [
        failure("t1", "GET", "/trainees/abc", 200, kind="body", field="date_of_birth", requirement="LC-SCHEMA"),
        failure("t2", "GET", "/trainees", 200, kind="body", field="data/0/date_of_birth", requirement="SCH-RESPONSES"),
        failure("t3", "GET", "/trainees", 200, kind="body", field="data/0/trn", requirement="SCH-RESPONSES"),
    ]
    problems = build_problems(failures, MATCHERS, {}, {})
    assert [(p["signature"]["field"], p["count"]) for p in problems] == [("date_of_birth", 2), ("trn", 1)]
    assert "(+1 more operations)" in problems[0]["statement"]


def test_a_failure_naming_no_requirement_stays_its_own_problem() -> None:
    failures = [failure("t1", "GET", "/trainees", 500), failure("t2", "GET", "/trainees", 500)]
    assert len(build_problems(failures, MATCHERS, {}, {})) == 2



def test_a_check_finding_is_one_problem_whatever_status_its_probe_got() -> None:
    """``ignored_auth``: a wrong token that gets through answers whatever each operation answers (200, 201,
    409…) — one problem; a missing token accepted is another finding; a rule without a check keeps its
    status apart."""
    failures = [
        failure("t1", "GET", "/trainees", 200, kind="ignored_auth", field="invalid_auth", requirement="SCH-AUTH"),
        failure("t2", "POST", "/trainees", 201, kind="ignored_auth", field="invalid_auth", requirement="SCH-AUTH"),
        failure("t3", "POST", "/trainees", 409, kind="ignored_auth", field="invalid_auth", requirement="SCH-AUTH"),
        failure("t4", "GET", "/trainees", 200, kind="ignored_auth", field="no_auth", requirement="SCH-AUTH"),
        failure("t5", "GET", "/trainees/abc", 200, kind="rule", requirement="AUTH-ISOLATION"),
        failure("t6", "GET", "/trainees/abc", 403, kind="rule", requirement="AUTH-ISOLATION"),
    ]
    problems = build_problems(failures, MATCHERS, {}, {})
    assert [(p["key"], p["count"]) for p in problems] == [
        ("rule | SCH-AUTH | ignored_auth | invalid_auth", 3), ("rule | SCH-AUTH | ignored_auth | no_auth", 1),
        ("rule | AUTH-ISOLATION | 200", 1), ("rule | AUTH-ISOLATION | 403", 1)]
    assert problems[0]["operations"] == ["GET /trainees → 200", "POST /trainees → 201", "POST /trainees → 409"]

def _summary(problems: list[dict], verdicts: dict[str, str]) -> dict:
    return {"format": "register-conformance-summary", "problems": problems, "failures": [],
            "requirements": [{"id": rid, "results": {"v2026.1": {"verdict": v}}} for rid, v in verdicts.items()]}


def test_compare_new_fixed_still_failing_and_changed_verdicts() -> None:
    a = _summary([{"key": "k1", "statement": "one", "count": 2}, {"key": "k2", "statement": "two", "count": 1}],
                 {"R1": "fail", "R2": "pass"})
    b = _summary([{"key": "k2", "statement": "two", "count": 5}, {"key": "k3", "statement": "three", "count": 1}],
                 {"R1": "pass", "R2": "fail"})
    c = compare(a, b, "a/summary.json")
    assert [p["key"] for p in c["new"]] == ["k3"] and [p["key"] for p in c["fixed"]] == ["k1"]
    assert [p["key"] for p in c["still_failing"]] == ["k2"]
    assert c["requirements_changed"] == [{"id": "R1", "api_version": "v2026.1", "before": "fail", "after": "pass"},
                                         {"id": "R2", "api_version": "v2026.1", "before": "pass", "after": "fail"}]


def test_run_compare_against_a_previous_run(passing_suites: Path, failing_suites: Path, target: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from .helpers import run_cli, summary

    assert run_cli(passing_suites, target, tmp_path / "clean") == 0
    assert run_cli(failing_suites, target, tmp_path / "broken", "--compare", str(tmp_path / "clean")) == 1
    out = capsys.readouterr().out
    comparison = summary(tmp_path / "broken")["comparison"]
    assert [p["statement"] for p in comparison["new"]] == ["GET /trainees answers 200; the facts require 418"]
    assert comparison["fixed"] == [] and comparison["still_failing"] == []
    assert {"id": "AUTH-401", "api_version": "v2025.0", "before": "not-covered", "after": "fail"} \
        in comparison["requirements_changed"]
    assert "New problems: 1" in out
    assert main(["compare", str(tmp_path / "broken"), str(tmp_path / "clean")]) == 0
    assert "Fixed problems: 1" in capsys.readouterr().out

    # Bad input: one line, exit 2 (never a traceback, never mistaken for "a new problem" = 1).
    import json

    good = json.loads((tmp_path / "broken" / "summary.json").read_text(encoding="utf-8"))
    assert main(["compare", str(tmp_path / "clean"), str(tmp_path / "missing")]) == 2
    assert "no summary.json" in capsys.readouterr().err
    for name, change, says in (("problems-string", {"problems": "x"}, "problems"),
                               ("problem-without-key", {"problems": [{}]}, "problems/0"),
                               ("requirements-string", {"requirements": "x"}, "requirements"),
                               ("failures-null", {"failures": None}, "failures"),
                               ("future-format", {"format_version": "9.0"}, "format '9.0'"),
                               ("not-a-summary", {"format": "other"}, "not a register-conformance summary")):
        bad = tmp_path / f"{name}.json"
        bad.write_text(json.dumps({**good, **change}), encoding="utf-8")
        for argv in (["compare", str(bad), str(tmp_path / "clean")],
                     ["compare", "--fail-on-new", str(tmp_path / "clean"), str(bad)]):
            assert main(argv) == 2, (name, argv)
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and says in err and "Traceback" not in err, (name, err)
    # run --compare refuses a malformed PREVIOUS before anything runs: no reports folder is made.
    assert run_cli(failing_suites, target, tmp_path / "never", "--compare", str(tmp_path / "problems-string.json")) == 2
    assert not (tmp_path / "never").exists()
