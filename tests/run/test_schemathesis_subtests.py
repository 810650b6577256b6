"""Schemathesis reports each API operation as a sub-test; each becomes a test of its own in the summary."""

from __future__ import annotations

from pathlib import Path

from .helpers import run_cli, summary
from .stub import make_schemathesis_suites


def test_each_operation_is_a_test_with_its_resource_and_traffic(tmp_path: Path, target: str) -> None:
    suites = make_schemathesis_suites(tmp_path)
    assert run_cli(suites, target, tmp_path / "r") == 1
    data = summary(tmp_path / "r")
    tests = {t["nodeid"].rpartition("::")[2]: t for t in data["tests"]}
    assert set(tests) == {"test_operation[GET /api/{api_version}/info]",
                          "test_operation[GET /api/{api_version}/trainees]"}
    assert tests["test_operation[GET /api/{api_version}/info]"]["outcome"] == "passed"
    assert tests["test_operation[GET /api/{api_version}/info]"]["resource"] == "info"
    failing = tests["test_operation[GET /api/{api_version}/trainees]"]
    assert (failing["outcome"], failing["resource"]) == ("failed", "trainees")
    assert failing["requirements"] == ["VER-INFO", "AUTH-401"]
    [failure] = data["failures"]
    assert failure["failed_requirements"] == ["AUTH-401"]  # named in the failure, not just in the marker
    assert failure["request"]["method"] == "GET" and failure["response"]["status"] == 200
    assert '"Authorization: Bearer $REGISTER_API_TOKEN"' in failure["curl"]
    verdicts = {r["id"]: r["results"]["v2025.0"] for r in data["requirements"] if r["id"] in ("VER-INFO", "AUTH-401")}
    assert verdicts["AUTH-401"]["verdict"] == "fail" and len(verdicts["AUTH-401"]["tests"]) == 2
    assert verdicts["VER-INFO"]["verdict"] == "pass"
    info = next(op for op in data["coverage"]["v2025.0"]["operations"] if op["path"] == "/api/{api_version}/info")
    assert info["observed"]["200"] >= 2  # preflight + generated cases sent through the run's session
