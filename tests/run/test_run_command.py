"""``register-conformance run`` end to end over throwaway suites and a stub target."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from register_conformance.reporting.summary import load_schema

from .helpers import files_containing, parse_report, run_cli, summary
from .stub import SECOND_TOKEN, TOKEN, suites_reading_relative_schemas


@pytest.fixture(scope="module")
def conformant(passing_suites: Path, target: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    reports = tmp_path_factory.mktemp("conformant") / "r"
    return run_cli(passing_suites, target, reports, "--api-version", "all", "--second-token", SECOND_TOKEN), reports


@pytest.fixture(scope="module")
def nonconformant(failing_suites: Path, target: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    reports = tmp_path_factory.mktemp("nonconformant") / "r"
    return run_cli(failing_suites, target, reports, "--seed", "1234"), reports


def test_conformant_run_exits_0_with_every_report(conformant: tuple[int, Path]) -> None:
    code, reports = conformant
    assert code == 0
    for name in ("summary.json", "report.html", "junit.xml", "allure-results"):
        assert (reports / name).exists(), name
    data = summary(reports)
    assert data["verdict"] == "conformant"
    assert data["api_versions"] == ["v2025.0", "v2026.1"]
    assert [r["label"] for r in data["runs"]] == ["v2025.0", "v2026.1"]
    assert data["totals"] == {"tests": 4, "passed": 2, "failed": 0, "skipped": 2, "errors": 0, "known_failures": 0}


def test_nonconformant_run_exits_1_and_names_the_requirement(nonconformant: tuple[int, Path]) -> None:
    code, reports = nonconformant
    assert code == 1
    data = summary(reports)
    assert data["verdict"] == "non-conformant"
    assert data["settings"]["seed"] == 1234
    [failure] = data["failures"]
    assert failure["requirements"] == ["AUTH-401"]
    assert failure["nodeid"] == "suites/schema/test_trainees.py::test_trainees_teapot"
    assert failure["message"].startswith("Unexpected response status")
    assert failure["curl"].startswith("curl -X GET ")
    assert "$REGISTER_API_TOKEN" in failure["curl"]
    auth = next(r for r in data["requirements"] if r["id"] == "AUTH-401")
    assert auth["results"]["v2025.0"]["verdict"] == "fail"


@pytest.mark.parametrize("run", ["conformant", "nonconformant"])
def test_summary_matches_its_json_schema(run: str, request: pytest.FixtureRequest) -> None:
    _, reports = request.getfixturevalue(run)
    jsonschema.validate(summary(reports), load_schema())


def test_summary_records_target_schemas_and_requests(conformant: tuple[int, Path], target: str) -> None:
    data = summary(conformant[1])
    assert data["target"] == {"base_url": target, "embedded_sandbox": False}
    assert set(data["schemas"]) == {"v2025.0", "v2026.1"}
    assert all(len(s["sha256"]) == 64 for s in data["schemas"].values())
    assert data["requests"]["count"] >= 4  # per version: preflight + GET /info
    info = next(op for op in data["coverage"]["v2025.0"]["operations"] if op["path"] == "/api/{api_version}/info")
    assert info["observed"]["200"] >= 2


def test_report_html_has_matrices_and_the_failure_curl(nonconformant: tuple[int, Path]) -> None:
    _, reports = nonconformant
    page = parse_report(reports)
    assert "AUTH-401" in page.tables["traceability"] and "VER-INFO" in page.tables["traceability"]
    assert "/api/{api_version}/trainees" in page.tables["coverage-v2025.0"]
    assert "never" in page.tables["coverage-v2025.0"]
    curl = summary(reports)["failures"][0]["curl"]
    assert curl in page.curls
    assert page.external == []  # self-contained: no links to load


@pytest.mark.parametrize("run", ["conformant", "nonconformant"])
def test_no_token_anywhere_under_the_reports_dir(run: str, request: pytest.FixtureRequest) -> None:
    _, reports = request.getfixturevalue(run)
    assert files_containing(reports, TOKEN) == []
    assert files_containing(reports, SECOND_TOKEN) == []


def test_junit_has_one_suite_per_version(conformant: tuple[int, Path]) -> None:
    text = (conformant[1] / "junit.xml").read_text()
    assert '<testsuite name="v2025.0"' in text and '<testsuite name="v2026.1"' in text
    assert 'classname="v2026.1.suites.schema.test_info"' in text


def test_allure_results_are_labelled(conformant: tuple[int, Path]) -> None:
    results = [json.loads(p.read_text()) for p in (conformant[1] / "allure-results").glob("*-result.json")]
    info = [r for r in results if r["name"] == "test_info"]
    assert len(info) == 2
    labels = [{(lab["name"], lab["value"]) for lab in r["labels"]} for r in info]
    assert {("epic", "v2025.0"), ("story", "VER-INFO"), ("feature", "info")} <= labels[0] | labels[1]
    assert {r["historyId"] for r in info}.__len__() == 2  # the two versions are different tests


def test_summary_table_is_printed(nonconformant: tuple[int, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # the module fixture already printed; run the renderer on the written summary instead
    from register_conformance.reporting.progress import summary_table

    text = summary_table(summary(nonconformant[1]), "reports/x")
    assert "Verdict: NON-CONFORMANT (failed requirements: AUTH-401)" in text
    assert "reports/x/report.html" in text


def test_the_pytest_children_read_the_schemas_found_from_the_current_folder(
        target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The children run in a temporary folder: the schema folder (here relative) is resolved once and passed on."""
    suites = suites_reading_relative_schemas(tmp_path, monkeypatch, "v2025.0")
    assert run_cli(suites, target, tmp_path / "r") == 0
    assert "suites/schema/test_needs_schema.py::test_schema_loaded" in json.dumps(summary(tmp_path / "r"))
