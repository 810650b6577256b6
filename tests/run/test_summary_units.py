"""summary.build_summary on hand-made run results: roll-up, attribution, verdict."""

from __future__ import annotations

from typing import Any

import jsonschema

from register_conformance.reporting.baseline import Baseline
from register_conformance.reporting.summary import build_summary, load_schema
from register_conformance.reporting.traffic import OperationMatcher
from register_conformance.requirements import Requirement

CATALOGUE = {
    rid: Requirement(rid, f"title {rid}", "core.md §1", "MUST", versions)
    for rid, versions in (("R-A", ("v2025.0", "v2026.1")), ("R-B", ("v2025.0", "v2026.1")),
                          ("R-C", ("v2026.1",)), ("R-D", ("v2025.0", "v2026.1")))
}
META: dict[str, Any] = {
    "target": {"base_url": "http://127.0.0.1:1", "embedded_sandbox": True},
    "api_versions": ["v2025.0"],
    "schemas": {"v2025.0": {"file": "v2025.0.yaml", "sha256": "0" * 64, "matches_manifest": True}},
    "tool": {"name": "register-conformance", "version": "0"},
    "settings": {"seed": 1, "profile": "standard", "rate_limit": None, "allow_production": False,
                 "suites": ["schema"], "run_id": "x"},
    "started": "2026-11-27T00:00:00Z", "finished": "2026-11-27T00:00:01Z", "duration_seconds": 1.0,
}


def _run(*tests: dict[str, Any]) -> dict[str, Any]:
    return {"label": "v2025.0", "api_version": "v2025.0", "tests": list(tests), "stats": {"requests": 3},
            "traffic": [{"method": "GET", "path": "/api/v2025.0/info", "status": 200, "count": 3}]}


def _summary(*tests: dict[str, Any], baseline: Baseline | None = None) -> dict[str, Any]:
    matcher = OperationMatcher({"/api/{api_version}/info": {"get": {"responses": {"200": {}, "401": {}}}}})
    data = build_summary(META, [_run(*tests)], CATALOGUE, {"v2025.0": matcher}, baseline)
    jsonschema.validate(data, load_schema())
    return data


def _verdicts(data: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["results"]["v2025.0"]["verdict"] for r in data["requirements"]}


def test_failure_naming_one_rule_fails_only_that_rule() -> None:
    data = _summary(
        {"nodeid": "suites/schema/t.py::t[GET /info]", "outcome": "failed", "requirements": ["R-A", "R-B"],
         "failed_requirements": ["R-B"], "message": "[R-B] wrong", "curl": "curl -X GET x"},
        {"nodeid": "suites/schema/t.py::u", "outcome": "skipped", "requirements": ["R-D"], "reason": "no TRN"},
    )
    assert _verdicts(data) == {"R-A": "pass", "R-B": "fail", "R-C": "not-applicable", "R-D": "skip"}
    assert data["failures"][0]["failed_requirements"] == ["R-B"]
    assert data["verdict"] == "non-conformant" and data["exit_code"] == 1
    assert data["coverage"]["v2025.0"]["operations"] == [
        {"method": "GET", "path": "/api/{api_version}/info", "documented": ["200", "401"], "observed": {"200": 3}}]


def test_error_outranks_failure_and_unknown_failures_fail_every_cited_rule() -> None:
    data = _summary(
        {"nodeid": "suites/a.py::x", "outcome": "failed", "requirements": ["R-A", "R-B"], "message": "boom"},
        {"nodeid": "suites/a.py::y", "outcome": "error", "requirements": ["R-A"], "message": "fixture broke"},
    )
    assert _verdicts(data)["R-A"] == "error"
    assert _verdicts(data)["R-B"] == "fail"


def test_baseline_by_requirement_matches_only_the_named_rule() -> None:
    failing = {"nodeid": "suites/a.py::x", "outcome": "failed", "requirements": ["R-A", "R-B"],
               "failed_requirements": ["R-B"], "message": "[R-B]"}
    assert _summary(dict(failing), baseline=Baseline("b", {"R-A": ""}))["verdict"] == "non-conformant"
    data = _summary(dict(failing), baseline=Baseline("b", {"R-B": ""}))
    assert data["verdict"] == "conformant" and data["exit_code"] == 0
    assert next(r for r in data["requirements"] if r["id"] == "R-B")["results"]["v2025.0"]["known_failure"]


def test_a_failure_naming_an_uncited_requirement_fails_it() -> None:
    data = _summary({"nodeid": "suites/lifecycle/t.py::x", "outcome": "failed", "requirements": ["R-A"],
                     "failed_requirements": ["R-D"], "message": "[R-D] schema"})
    assert _verdicts(data)["R-D"] == "fail" and _verdicts(data)["R-A"] == "pass"
    assert [p["requirement"] for p in data["problems"]] == ["R-D"]


def test_an_interrupted_run_says_so_whatever_ran() -> None:
    matcher = OperationMatcher({})
    data = build_summary(META, [_run({"nodeid": "suites/a.py::x", "outcome": "passed", "requirements": ["R-A"]})],
                         CATALOGUE, {"v2025.0": matcher}, None, interrupted=True)
    jsonschema.validate(data, load_schema())
    assert data["verdict"] == "interrupted" and data["exit_code"] == 130 and data["totals"]["passed"] == 1


def _finding(rid: str, status: int, statement: str, kind: str | None = None) -> dict[str, Any]:
    return {"requirement": rid, "message": f"[{rid}] case\nReceived: {status}",
            "request": {"method": "POST", "url": "http://127.0.0.1:1/api/v2025.0/info", "headers": {}, "body": None},
            "response": {"status": status, "headers": {}, "body": None}, "curl": f"curl {rid}",
            "signature": {"kind": kind, "statement": statement}}


CORPUS = {"nodeid": "suites/lifecycle/test_input_corpus.py::test_input_corpus", "outcome": "failed",
          "requirements": ["R-A", "R-B", "R-D"], "failed_requirements": ["R-A", "R-B"], "message": "2 corpus cases",
          "findings": [_finding("R-A", 422, "valid create row 0: 422 date_of_birth …\nsecond line"),
                       _finding("R-B", 500, "refused create unknown-school-urn: 500")]}


def test_a_test_reporting_several_findings_is_one_failure_and_problem_each() -> None:
    data = _summary(dict(CORPUS))
    assert [(f["id"].rsplit("::", 1)[1], f["failed_requirements"], f["response"]["status"], f["curl"])
            for f in data["failures"]] == [("test_input_corpus#1", ["R-A"], 422, "curl R-A"),
                                           ("test_input_corpus#2", ["R-B"], 500, "curl R-B")]
    assert _verdicts(data) == {"R-A": "fail", "R-B": "fail", "R-C": "not-applicable", "R-D": "pass"}
    assert [(p["requirement"], p["count"]) for p in data["problems"]] == [("R-A", 1), ("R-B", 1)]
    first = data["problems"][0]
    assert first["statement"] == "R-A: valid create row 0: 422 date_of_birth … second line — POST /info → 422"
    assert first["requirement_title"] == "title R-A" and first["curl"] == "curl R-A"
    assert "findings" not in data["tests"][0] and data["totals"]["failed"] == 1


def test_a_baseline_excuses_a_test_reporting_several_findings_only_when_it_lists_them_all() -> None:
    assert _summary(dict(CORPUS), baseline=Baseline("b", {"R-A": ""}))["verdict"] == "non-conformant"
    assert _summary(dict(CORPUS), baseline=Baseline("b", {"R-A": "", "R-B": ""}))["verdict"] == "conformant"
    assert _summary(dict(CORPUS), baseline=Baseline("b", {CORPUS["nodeid"]: ""}))["verdict"] == "conformant"
