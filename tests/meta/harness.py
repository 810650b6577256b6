"""Run the conformance suites against a (possibly faulted) sandbox and read the verdicts from JUnit XML.

``run_suites(defect=..., version=..., suites=[...], requirements=[...], profile=...)`` starts a fresh
sandbox process with the defect switched on, runs pytest on the suites in a subprocess (bounded by a
timeout) with ``--junitxml`` and ``--register-stats-json``, and returns a ``SuiteRun``: the failed
tests with the requirement ids they cite (the plugin's ``("requirement", id)`` user properties, plus
the failure's ``failed_requirement``, set by the plugin's report hook), the request count and the
wall time. Terminal output is never parsed. ``reports=DIR`` also writes the run's summary.json /
report.html there (the pytest route's ``--reports``); ``on_sandbox(sandbox)`` runs before the sandbox
stops (to replay reproductions against it). Shared by ``tests/meta`` and ``bench/mutation_score.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from register_conformance.launcher import SandboxProcess

ROOT = Path(__file__).resolve().parents[2]
SUITES = ("schema", "lifecycle", "compatibility")


@dataclass
class TestResult:
    """One test case of the JUnit report."""

    nodeid: str
    outcome: str  # passed, failed, error, skipped
    requirements: tuple[str, ...] = ()
    failed_requirements: tuple[str, ...] = ()
    message: str = ""


@dataclass
class SuiteRun:
    """The outcome of one pytest run against one sandbox."""

    exit_code: int
    tests: list[TestResult] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    timed_out: bool = False
    output_tail: str = ""

    @property
    def failures(self) -> list[TestResult]:
        return [t for t in self.tests if t.outcome in ("failed", "error")]

    def cited(self) -> set[str]:
        """Requirement ids cited by failed tests."""
        return {i for t in self.failures for i in (*t.requirements, *t.failed_requirements)}

    def detects(self, requirement_ids: Sequence[str]) -> bool:
        """True when at least one failure cites one of ``requirement_ids``."""
        return bool(self.cited() & set(requirement_ids))


def parse_junit(path: Path) -> list[TestResult]:
    """Test cases of a pytest JUnit XML file with their requirement properties."""
    if not path.is_file():
        return []
    results = []
    for case in ET.parse(path).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
                message = (node.get("message") or "")[:500]
                break
        props = [(p.get("name"), p.get("value") or "") for p in case.iter("property")]
        results.append(TestResult(
            name, outcome,
            tuple(dict.fromkeys(v for k, v in props if k == "requirement")),
            tuple(dict.fromkeys(v for k, v in props if k == "failed_requirement")),
            message))
    return results


def suite_paths(suites: Sequence[str]) -> list[str]:
    return [str(ROOT / "suites" / s) for s in suites]


def run_suites(*, defect: str | None, version: str = "v2026.1", suites: Sequence[str] = ("schema", "lifecycle"),
               requirements: Sequence[str] = (), profile: str = "quick", timeout: float = 600.0,
               seed: int | None = None, extra_args: Sequence[str] = (), trn_delay: float = 1.0,
               more_defects: Sequence[str] = (), reports: Path | None = None,
               on_sandbox: Callable[[SandboxProcess], None] | None = None) -> SuiteRun:
    """Start a sandbox (with ``defect``) and run ``suites`` against it; see the module docstring."""
    with tempfile.TemporaryDirectory(prefix="register-meta-") as tmp:
        junit, stats = Path(tmp) / "junit.xml", Path(tmp) / "stats.json"
        sandbox_args = [arg for name in more_defects for arg in ("--defect", name)]
        with SandboxProcess(defect=defect, trn_delay=trn_delay, extra_args=sandbox_args) as sandbox:
            env = {**os.environ, "REGISTER_API_TOKEN": sandbox.token,
                   "REGISTER_API_SECOND_TOKEN": sandbox.second_token, "REGISTER_SCHOOL_URN": sandbox.school_urn}
            for name in ("REGISTER_BASE_URL", "REGISTER_PROFILE", "REGISTER_API_VERSION", "PYTEST_ADDOPTS",
                         "PYTEST_XDIST_WORKER", "PYTEST_XDIST_TESTRUNUID", "PYTEST_XDIST_WORKER_COUNT"):
                env.pop(name, None)
            cmd = [sys.executable, "-m", "pytest", *suite_paths(suites), "-q", "-p", "no:cacheprovider",
                   "-p", "no:xdist", "-o", "addopts=", "--rootdir", str(ROOT), "-c", str(ROOT / "pyproject.toml"),
                   "--base-url", sandbox.base_url, "--api-version", version, "--profile", profile,
                   "--rate-limit", "off", "--junitxml", str(junit), "--register-stats-json", str(stats),
                   *(["--seed", str(seed)] if seed is not None else []),
                   *(["--requirement", ",".join(requirements)] if requirements else []),
                   *(["--reports", str(reports)] if reports is not None else []), *extra_args]
            start = time.monotonic()
            timed_out = False
            try:
                proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
                code, out = proc.returncode, proc.stdout + proc.stderr
            except subprocess.TimeoutExpired as exc:
                timed_out, code = True, -1
                out = (exc.stdout or b"").decode("utf-8", "replace") if isinstance(exc.stdout, bytes) \
                    else str(exc.stdout or "")
            seconds = time.monotonic() - start
            if on_sandbox is not None:
                on_sandbox(sandbox)
        requests = 0
        if stats.is_file():
            requests = int(json.loads(stats.read_text()).get("requests", {}).get("requests", 0))
        return SuiteRun(code, parse_junit(junit), requests, seconds, timed_out, _redact(out[-3000:], sandbox))


def _redact(text: str, sandbox: SandboxProcess) -> str:
    for secret in (sandbox.token, sandbox.second_token):
        text = text.replace(secret, "[REDACTED]")
    return text
