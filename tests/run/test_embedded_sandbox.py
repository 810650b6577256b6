"""Without --base-url the run starts the embedded sandbox, tests it and stops it."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from register_conformance.cli import main

from .helpers import summary

pytestmark = pytest.mark.skipif(importlib.util.find_spec("register_sandbox") is None,
                                reason="the register_sandbox package is not installed")


def test_run_without_base_url_tests_a_fresh_sandbox(passing_suites: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("REGISTER_API_TOKEN", "ignored-for-the-sandbox")
    reports = tmp_path / "r"
    code = main(["run", "--suites-dir", str(passing_suites), "--reports", str(reports), "--api-version", "v2026.1"])
    out = capsys.readouterr().out
    assert code == 0, out
    data = summary(reports)
    assert data["target"]["embedded_sandbox"] is True
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", data["target"]["base_url"])
    assert data["settings"]["rate_limit"] is None  # no client throttle against the local sandbox
    assert data["totals"]["passed"] == 1
    assert "Verdict: CONFORMANT" in out
    sandbox_tokens = re.findall(r"sandbox_[0-9a-f]{32}", "".join(
        p.read_text(errors="replace") for p in reports.rglob("*") if p.is_file()))
    assert sandbox_tokens == []
