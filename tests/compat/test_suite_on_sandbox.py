"""The compatibility suite passes on the sandbox and catches a field that is not mapped across versions.

Runs ``suites/compatibility`` in a subprocess against the sandbox started as a process (never
imported), once clean and once with the ``compat-withdrawal-keys-not-mapped`` defect.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from register_conformance.launcher import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]
DEFECT = "compat-withdrawal-keys-not-mapped"


def run_suite(tmp_path: Path, defect: str | None) -> tuple[int, set[str], set[str]]:
    """(exit code, requirement ids of failed tests, requirement ids of passed tests)."""
    junit = tmp_path / f"junit-{defect or 'clean'}.xml"
    with SandboxProcess(defect=defect) as sandbox:
        env = {**os.environ, "REGISTER_API_TOKEN": sandbox.token}
        env.pop("REGISTER_API_SECOND_TOKEN", None)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "suites/compatibility", "--base-url", sandbox.base_url,
             "--api-version", "v2026.1", "--rate-limit", "off", "-q", "-p", "no:randomly", f"--junitxml={junit}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    failed: set[str] = set()
    passed: set[str] = set()
    for case in ET.parse(junit).getroot().iter("testcase"):
        ids = {p.get("value", "") for p in case.iter("property") if p.get("name") == "requirement"}
        bad = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        if bad:
            failed |= ids
        elif not skipped:
            passed |= ids
    return result.returncode, failed, passed


@pytest.mark.slow
def test_suite_passes_clean_and_fails_exactly_the_mapping_requirements_with_the_defect(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:  # two sandboxes side by side
        clean, faulty = pool.map(lambda defect: run_suite(tmp_path, defect), [None, DEFECT])
    code, failed, passed = clean
    assert (code, failed) == (0, set())
    assert len(passed) == 10
    code, failed, _ = faulty
    assert code == 1
    assert failed == {"COMPAT-READ-ACROSS", "COMPAT-LIST-ACROSS", "COMPAT-TRANSITION-ACROSS"}
