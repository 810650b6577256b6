"""Ctrl-C during ``register-conformance run``: exit code 130 as before, and the reports of what ran."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from .stub import TOKEN, make_suites

SLOW = textwrap.dedent('''\
    import os
    import time

    import pytest


    @pytest.mark.requirement("AUTH-401")
    def test_zz_slow(api):
        open(os.environ["RC_TEST_STARTED"], "w").close()
        time.sleep(120)
''')


#: A session fixture whose teardown is slow: a second Ctrl-C arrives while the stopped run is finishing.
SLOW_TEARDOWN = textwrap.dedent('''\
    import os
    import time

    import pytest


    @pytest.fixture(scope="session", autouse=True)
    def slow_teardown():
        yield
        open(os.environ["RC_TEARDOWN_STARTED"], "w").close()
        time.sleep(3)
''')


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.exists(), proc.communicate(timeout=30)[0]


def _interrupt(tmp_path: Path, target: str, *, twice: bool) -> tuple[subprocess.Popen[str], str, Path]:
    (tmp_path / "project").mkdir()
    suites = make_suites(tmp_path / "project", failing=False)
    (suites / "schema" / "test_zz_slow.py").write_text(SLOW)
    (suites / "schema" / "conftest.py").write_text(SLOW_TEARDOWN)
    reports, started, teardown = tmp_path / "r", tmp_path / "started", tmp_path / "teardown"
    env = {**os.environ, "REGISTER_API_TOKEN": TOKEN, "RC_TEST_STARTED": str(started),
           "RC_TEARDOWN_STARTED": str(teardown)}
    cmd = [sys.executable, "-m", "register_conformance.cli", "run", "--base-url", target, "--suites-dir", str(suites),
           "--reports", str(reports), "--api-version", "v2025.0"]
    # Its own session, so the SIGINT reaches the run and its pytest child as a terminal's Ctrl-C does.
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        _wait_for(started, proc)
        os.killpg(proc.pid, signal.SIGINT)
        if twice:  # pressed again while the stopped run tears down
            _wait_for(teardown, proc)
            os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc, out, reports


def test_ctrl_c_writes_the_reports_of_what_ran(tmp_path: Path, target: str) -> None:
    proc, out, reports = _interrupt(tmp_path, target, twice=False)
    assert proc.returncode == 130, out
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "interrupted" and summary["exit_code"] == 130
    assert summary["totals"]["passed"] == 1  # test_info ran before the interruption
    assert (reports / "report.html").read_text(encoding="utf-8").count("INTERRUPTED") >= 1
    assert (reports / "junit.xml").is_file()
    assert "Verdict: INTERRUPTED" in out


def test_a_second_ctrl_c_does_not_lose_what_ran(tmp_path: Path, target: str) -> None:
    proc, out, reports = _interrupt(tmp_path, target, twice=True)
    assert proc.returncode == 130, out
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "interrupted"
    assert summary["totals"]["passed"] == 1, out
    assert "Verdict: INTERRUPTED" in out
