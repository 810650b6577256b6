"""Meta-tests: the schema suite passes on the sandbox and fails, naming the requirement with a
redacted curl, when the sandbox runs with a deliberate defect (few operations, to stay fast)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from register_conformance.launcher import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def run_suite(defect: str | None, selection: str, version: str = "v2026.1") -> tuple[int, str, str]:
    with SandboxProcess(defect=defect) as sandbox:
        env = {**os.environ, "REGISTER_API_TOKEN": sandbox.token, "REGISTER_API_SECOND_TOKEN": sandbox.second_token}
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "suites/schema/test_operations.py", "-k", selection, "-q",
             "-p", "no:cacheprovider", "--base-url", sandbox.base_url, "--api-version", version,
             "--profile", "quick", "--rate-limit", "off", "--seed", "1"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
        return result.returncode, result.stdout + result.stderr, sandbox.token


def test_clean_sandbox_passes_with_2xx_share_printed() -> None:
    code, out, _ = run_suite(None, "info or reference")
    assert code == 0, out[-3000:]
    assert "generated requests answered 2xx" in out and "GET /api/{api_version}/info" in out


def test_wrong_401_body_fails_naming_the_requirement_without_the_token() -> None:
    code, out, token = run_suite("auth-401-wrong-body", "info")
    assert code == 1, out[-3000:]
    assert "Requirement AUTH-401" in out and "[AUTH-401]" in out
    assert "FAILED suites/schema/test_operations.py::test_operation[GET /api/{api_version}/info]" in out
    assert "Reproduce: curl -X GET http://127.0.0.1" in out  # the report hook's line, body and token variable
    assert token not in out  # the failing request here is unauthenticated; authenticated ones are redacted
