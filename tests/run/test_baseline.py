"""``--baseline``: known failures do not fail the run; fixed entries and stale entries are flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from register_conformance.reporting.baseline import Baseline, load_baseline

from .helpers import run_cli, summary


def test_listed_requirement_failure_does_not_fail_the_run(failing_suites: Path, target: str, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("- AUTH-401\n- VER-INFO\n- NO-SUCH-TEST\n")
    assert run_cli(failing_suites, target, tmp_path / "r", "--baseline", str(baseline)) == 0
    data = summary(tmp_path / "r")
    assert data["verdict"] == "conformant"
    assert data["totals"]["known_failures"] == 1
    assert data["failures"][0]["baselined"] is True
    assert data["baseline"]["known_failures"] == ["v2025.0::suites/schema/test_trainees.py::test_trainees_teapot"]
    assert data["baseline"]["now_passing"] == ["VER-INFO"]
    assert data["baseline"]["unmatched"] == ["NO-SUCH-TEST"]
    auth = next(r for r in data["requirements"] if r["id"] == "AUTH-401")["results"]["v2025.0"]
    assert auth == {**auth, "verdict": "fail", "known_failure": True}


def _test(nodeid: str, outcome: str, reqs: tuple[str, ...] = (), version: str = "v2025.0") -> dict:
    return {"id": f"{version}::{nodeid}", "nodeid": nodeid, "api_version": version, "outcome": outcome,
            "requirements": list(reqs), "baselined": False}


@pytest.mark.parametrize("entry", [
    "REQ-1",
    "suites/x.py::test_a[GET /info]",
    "suites/x.py::test_a",
    "v2025.0::suites/x.py::test_a[GET /info]",
])
def test_an_entry_matches_by_requirement_test_or_versioned_test(entry: str) -> None:
    test = _test("suites/x.py::test_a[GET /info]", "failed", ("REQ-1",))
    section = Baseline("b", {entry: ""}).apply([test])
    assert test["baselined"] is True
    assert section["known_failures"] == [test["id"]]


def test_versioned_entry_excuses_only_that_version() -> None:
    tests = [_test("suites/x.py::t", "failed"), _test("suites/x.py::t", "failed", version="v2026.1")]
    Baseline("b", {"v2026.1::suites/x.py::t": ""}).apply(tests)
    assert [t["baselined"] for t in tests] == [False, True]


def test_an_entry_with_a_failing_and_a_passing_test_is_not_now_passing() -> None:
    tests = [_test("suites/x.py::a", "failed", ("R",)), _test("suites/x.py::b", "passed", ("R",))]
    assert Baseline("b", {"R": ""}).apply(tests)["now_passing"] == []


def test_skipped_only_entry_is_not_now_passing() -> None:
    assert Baseline("b", {"R": ""}).apply([_test("suites/x.py::a", "skipped", ("R",))])["now_passing"] == []


@pytest.mark.parametrize(("name", "content"), [
    ("b.yaml", "- R-1\n- id: R-2\n  reason: ticket 7\n"),
    ("b.yaml", "known_failures:\n  - R-1\n  - {id: R-2, reason: ticket 7}\n"),
    ("b.json", '[ "R-1", {"id": "R-2", "reason": "ticket 7"} ]'),
])
def test_baseline_file_forms(name: str, content: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert load_baseline(path).entries == {"R-1": "", "R-2": "ticket 7"}


def test_a_reused_reports_folder_holds_only_the_new_run(failing_suites: Path, target: str, tmp_path: Path) -> None:
    reports = tmp_path / "r"
    (reports / "allure-results").mkdir(parents=True)
    (reports / "allure-results" / "old-result.json").write_text("{}")
    (reports / "baseline-suggestion.yaml").write_text("- OLD\n")
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text("- AUTH-401\n")
    assert run_cli(failing_suites, target, reports, "--baseline", str(baseline)) == 0
    assert not (reports / "allure-results" / "old-result.json").exists()
    # the suggestion lists every failing id of this run (known ones too), so it can replace the baseline
    assert "- AUTH-401" in (reports / "baseline-suggestion.yaml").read_text()
    assert "OLD" not in (reports / "baseline-suggestion.yaml").read_text()
