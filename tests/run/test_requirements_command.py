"""``register-conformance requirements``: catalogue with covering tests, found by collecting the suites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from register_conformance.cli import main


def test_json_lists_covering_tests(failing_suites: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requirements", "--json", "--suites-dir", str(failing_suites)]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["VER-INFO"]["tests"] == ["suites/schema/test_info.py::test_info"]
    assert rows["AUTH-401"]["tests"] == ["suites/schema/test_trainees.py::test_trainees_teapot"]


def test_uncovered_lists_only_requirements_without_tests(passing_suites: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["requirements", "--uncovered", "--suites-dir", str(passing_suites)]) == 0
    out = capsys.readouterr().out
    assert "AUTH-401" in out
    assert "VER-INFO " not in out


def test_broken_suite_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "suites" / "schema").mkdir(parents=True)
    (tmp_path / "suites" / "schema" / "test_bad.py").write_text("import no_such_module_xyz\n")
    assert main(["requirements", "--suites-dir", str(tmp_path / "suites")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "collecting" in err[0]
