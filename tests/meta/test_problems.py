"""The report leads with root causes: injected sandbox defects → the right number of problems, and every
failure carries a request and a curl line that reproduces its status when pasted into a shell.

Each run selects only the tests citing the defects' requirement ids (``--requirement``) of the lifecycle
suite, and writes the reports through the pytest route (``--reports DIR``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from register_conformance.launcher import SandboxProcess
from register_sandbox.defects import BY_NAME

from .harness import run_suites


def _run(tmp_path: Path, defects: list[str], suites: tuple[str, ...] = ("lifecycle",), profile: str = "quick",
         **kw) -> tuple[dict, object]:
    ids = list(dict.fromkeys(i for name in defects for i in BY_NAME[name].requirement_ids))
    reports = tmp_path / "reports"
    run = run_suites(defect=defects[0], more_defects=defects[1:], version="v2026.1", suites=suites,
                     requirements=ids, profile=profile, timeout=300, reports=reports, **kw)
    assert (reports / "summary.json").is_file(), run.output_tail
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert (reports / "report.html").is_file()
    return summary, run


def _explain(summary: dict) -> str:
    return "\n".join(f"{p['id']} ×{p['count']}: {p['statement']}" for p in summary["problems"]) or "no problems"


def _replay(summary_path: Path, sandbox, replayed: list[tuple[str, int, int]]) -> None:
    """Paste each failure's curl line into bash with the tokens exported; record (id, reported, got)."""
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    env = {**os.environ, "REGISTER_API_TOKEN": sandbox.token, "REGISTER_API_SECOND_TOKEN": sandbox.second_token}
    for failure in summary["failures"]:
        assert failure["request"] and failure["request"]["url"].startswith(sandbox.base_url), failure["id"]
        assert failure["curl"] and sandbox.token not in failure["curl"], failure["id"]
        line = f"{failure['curl']} -s -o /dev/null -w '%{{http_code}}'"
        out = subprocess.run(["bash", "-c", line], env=env, capture_output=True, text=True, timeout=30)
        replayed.append((failure["id"], failure["response"]["status"], int(out.stdout or 0)))


@pytest.mark.parametrize(("defect", "statement"), [
    ("create-status-200", "POST /trainees answers 200; the facts require 201"),
    ("defer-wrong-state", "POST /trainees/{trainee_id}/defer answers 200; the facts require 422"),
    ("degree-grade-09-kept", "LC-DEG-MAPPING"),
])
def test_one_defect_leads_with_one_problem(tmp_path: Path, defect: str, statement: str) -> None:
    """Whatever the kind of defect (a wrong status, a state-machine gap, a stored value), one root cause
    leads the report as one problem, however many tests and steps saw it."""
    summary, run = _run(tmp_path, [defect])
    assert summary["verdict"] == "non-conformant", run.output_tail
    assert len(summary["problems"]) == 1, _explain(summary)
    problem = summary["problems"][0]
    assert problem["statement"].startswith(statement), _explain(summary)
    assert problem["count"] == len(summary["failures"]) >= 1
    assert {f["problem"] for f in summary["failures"]} == {problem["id"]}


def test_two_defects_of_different_kinds_lead_with_two_problems(tmp_path: Path) -> None:
    summary, _ = _run(tmp_path, ["defer-wrong-state", "degree-grade-09-kept"])
    statements = sorted(p["statement"] for p in summary["problems"])
    assert len(statements) == 2, _explain(summary)
    assert statements[0].startswith("LC-DEG-MAPPING")
    assert statements[1].startswith("POST /trainees/{trainee_id}/defer answers 200; the facts require 422")


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_failure_has_a_request_and_a_curl_that_reproduces_its_status(tmp_path: Path) -> None:
    """401 and 404 bodies of the wrong shape: each failure's curl, pasted into a shell with the tokens
    exported, gets the status the failure reports (own token, second token and deliberately wrong ones)."""
    replayed: list[tuple[str, int, int]] = []
    summary, run = _run(tmp_path, ["auth-401-wrong-body", "error-404-shape"],
                        on_sandbox=lambda sandbox: _replay(tmp_path / "reports" / "summary.json", sandbox, replayed))
    assert summary["failures"], run.output_tail
    assert replayed and all(expected == got for _, expected, got in replayed), replayed


def _status_of(curl: str, env: dict[str, str]) -> int:
    line = f"{curl} -s -o /dev/null -w '%{{http_code}}'"
    out = subprocess.run(["bash", "-c", line], env=env, capture_output=True, text=True, timeout=30)
    return int(out.stdout or 0)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_a_wrong_token_accepted_is_one_schema_problem_whose_curl_sends_the_wrong_token(tmp_path: Path) -> None:
    """Schemathesis' ``ignored_auth`` on every operation, whatever each answered to its probe: one problem.
    Its exchange is the probe's (a wrong token), so the curl gets the 2xx again from the faulted sandbox and
    a 401 from a clean one — never the run's token, which would get a 2xx from any server."""
    replayed: dict[str, int] = {}

    def replay(sandbox) -> None:
        summary = json.loads((tmp_path / "reports" / "summary.json").read_text(encoding="utf-8"))
        curl = summary["problems"][0]["curl"]
        env = {**os.environ, "REGISTER_API_TOKEN": sandbox.token, "REGISTER_API_SECOND_TOKEN": sandbox.second_token}
        replayed["faulted"] = _status_of(curl, env)
        with SandboxProcess() as clean:
            env = {**env, "REGISTER_API_TOKEN": clean.token, "REGISTER_API_SECOND_TOKEN": clean.second_token}
            replayed["clean"] = _status_of(curl.replace(sandbox.base_url, clean.base_url), env)

    summary, run = _run(tmp_path, ["auth-invalid-token-accepted"], suites=("schema",), on_sandbox=replay)
    assert len(summary["problems"]) == 1, _explain(summary)
    problem = summary["problems"][0]
    assert problem["requirement"] == "SCH-AUTH" and problem["count"] == len(summary["failures"]) > 1, run.output_tail
    assert len({op.rsplit(" → ", 1)[1] for op in problem["operations"]}) > 1  # several statuses, one problem
    for failure in summary["failures"]:
        sent = failure["request"]["headers"].get("Authorization")
        assert sent and sent.startswith("Bearer ") and "REDACTED" not in sent, failure["id"]
        assert "$REGISTER_API" not in failure["curl"], failure["id"]
    assert problem["response"]["status"] // 100 == 2 and replayed["faulted"] == problem["response"]["status"], replayed
    assert replayed["clean"] == 401, replayed


def test_two_defects_on_the_schema_suite_lead_with_two_problems(tmp_path: Path) -> None:
    """A wrong token accepted and another provider's trainee readable: two root causes, two problems."""
    summary, _ = _run(tmp_path, ["auth-invalid-token-accepted", "iso-cross-provider-read"], suites=("schema",))
    assert sorted(p["requirement"] for p in summary["problems"]) == ["AUTH-ISOLATION", "SCH-AUTH"], _explain(summary)


INPUT_DEFECTS = {"input-unknown-school-500": "IN-UNKNOWN-REFERENCE", "input-dob-16-boundary": "IN-DATE-BOUNDARIES",
                 "input-part-time-study-mode-refused": "IN-CODE-LISTS"}


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_three_input_defects_lead_with_three_problems_each_with_its_own_case(tmp_path: Path) -> None:
    """The input corpus is one test; three input defects it sees are three problems, each naming its own
    IN requirement (a failed verdict each) with the POST of its own case, whose curl reproduces the status."""
    replayed: list[tuple[str, int, int]] = []
    summary, run = _run(tmp_path, list(INPUT_DEFECTS), profile="certify",
                        on_sandbox=lambda sandbox: _replay(tmp_path / "reports" / "summary.json", sandbox, replayed))
    problems = summary["problems"]
    assert sorted(p["requirement"] for p in problems) == sorted(INPUT_DEFECTS.values()), _explain(summary)
    for problem in problems:
        assert "\n" not in problem["statement"], problem["statement"]
        assert problem["request"]["method"] == "POST" and problem["request"]["url"].endswith("/trainees"), problem
    statuses = {p["requirement"]: p["response"]["status"] for p in problems}
    assert statuses == {"IN-UNKNOWN-REFERENCE": 500, "IN-DATE-BOUNDARIES": 422, "IN-CODE-LISTS": 422}, statuses
    by_id = {p["requirement"]: p for p in problems}
    assert "date_of_birth" in by_id["IN-DATE-BOUNDARIES"]["statement"], by_id["IN-DATE-BOUNDARIES"]["statement"]
    assert "study_mode" in by_id["IN-CODE-LISTS"]["statement"], by_id["IN-CODE-LISTS"]["statement"]
    verdicts = {r["id"]: r["results"]["v2026.1"]["verdict"] for r in summary["requirements"]}
    assert all(verdicts[rid] == "fail" for rid in INPUT_DEFECTS.values()), verdicts
    assert {f["problem"] for f in summary["failures"]} == {p["id"] for p in problems}
    assert replayed and all(expected == got for _, expected, got in replayed), replayed
    assert {status for _, status, _ in replayed} == {422, 500}, run.output_tail
