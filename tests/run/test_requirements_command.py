"""``register-conformance requirements``: catalogue with covering tests, found by collecting the suites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from register_conformance.cli import main
from register_conformance.commands import requirements

from .stub import suites_reading_relative_schemas


@pytest.fixture(scope="module")
def coverage(failing_suites: Path) -> dict[str, list[str]]:
    return requirements.collect_coverage(failing_suites)


def test_collecting_finds_the_tests_citing_each_requirement(coverage: dict[str, list[str]]) -> None:
    assert coverage["VER-INFO"] == ["suites/schema/test_info.py::test_info"]
    assert coverage["AUTH-401"] == ["suites/schema/test_trainees.py::test_trainees_teapot"]


def test_json_lists_every_requirement_with_its_tests(coverage: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(requirements, "collect_coverage", lambda suites, openapi_dir=None: coverage)
    assert main(["requirements", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["VER-INFO"]["tests"] == ["suites/schema/test_info.py::test_info"]
    assert {"title", "source", "versions", "level"} <= set(rows["VER-INFO"])


def test_uncovered_lists_only_requirements_without_tests(coverage: dict[str, list[str]],
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(requirements, "collect_coverage",
                        lambda suites, openapi_dir=None: {"VER-INFO": coverage["VER-INFO"]})
    assert main(["requirements", "--uncovered"]) == 0
    out = capsys.readouterr().out
    assert "AUTH-401" in out
    assert "VER-INFO " not in out


def test_broken_suite_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "suites" / "schema").mkdir(parents=True)
    (tmp_path / "suites" / "schema" / "test_bad.py").write_text("import no_such_module_xyz\n")
    assert main(["requirements", "--suites-dir", str(tmp_path / "suites")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "collecting" in err[0]


def test_missing_schemas_are_the_one_line_error_of_every_command(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requirements", "--openapi-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "official schema v2026.1.yaml not found" in err[0]
    assert f"put DfE's v2026.1.yaml into {tmp_path.resolve()}/" in err[0]


def test_the_collecting_child_reads_the_schemas_found_from_the_current_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The child collects in a temporary folder: a relative schema folder is resolved here and passed on."""
    suites = suites_reading_relative_schemas(tmp_path, monkeypatch, "v2026.1")
    monkeypatch.delenv("REGISTER_API_VERSION", raising=False)
    coverage = requirements.collect_coverage(suites)
    assert coverage["VER-INFO"] == ["suites/schema/test_info.py::test_info"]
