"""``client serve``: options and could-not-run cases (exit 2, one line), the adverse plan, the late-TRN view, and a
run observing another Register environment (``--upstream``) that finishes on SIGTERM without keeping the token."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from register_conformance.cli import main as cli_main
from register_conformance.clientcert import adverse
from register_conformance.clientcert.adverse import AdversePlan
from register_conformance.launcher import SandboxProcess


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str]:
    code = cli_main(["client", "serve", *options])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("options", "says"), [
    (("--provider-token", "no-equals-sign"), "NAME=TOKEN"),
    (("--provider-token", "a=short"), "8+ characters"),
    (("--provider-token", "a=abcdefgh1", "--provider-token", "a=abcdefgh2"), "same name"),
    (("--journeys", "create-with-degree,teleport"), "teleport"),
    (("--until-idle", "0"), "--until-idle"),
    (("--retry-after", "0"), "--retry-after"),
    (("--upstream", "ftp://example.org"), "http(s) URL"),
    (("--upstream", "https://user:secret@example.org"), "no credentials"),
    (("--port", "70000"), "--port"),
])
def test_bad_options_exit_2_with_one_line(capsys: pytest.CaptureFixture[str], options: tuple[str, ...],
                                          says: str) -> None:
    code, err = _serve(capsys, "--port", "0", *options) if "--port" not in options else _serve(capsys, *options)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and says in err
    assert "Traceback" not in err and "secret" not in err


def test_missing_schemas_or_unwritable_reports_exit_2_before_listening(capsys: pytest.CaptureFixture[str],
                                                                       tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    for options, says in ((("--openapi-dir", str(tmp_path / "empty")), "v20"),
                          (("--reports", str(tmp_path / "file" / "reports")), "--reports")):
        code, err = _serve(capsys, "--port", "0", "--duration", "1", *options)
        assert code == 2 and len(err.strip().splitlines()) == 1 and says in err, err
        assert "listening" not in capsys.readouterr().out


def test_unknown_plan_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli_main(["client", "serve", "--plan", "chaos"])
    assert stop.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_busy_port_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        code, err = _serve(capsys, "--port", str(busy.getsockname()[1]), "--duration", "1")
    assert code == 2
    assert "cannot listen" in err and len(err.strip().splitlines()) == 1


def test_unreachable_upstream_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _serve(capsys, "--port", "0", "--upstream", f"http://127.0.0.1:{_free_port()}", "--duration", "1")
    assert code == 2
    assert "unreachable" in err and len(err.strip().splitlines()) == 1


# -- the adverse plan --------------------------------------------------------------------------------------
def _walk(plan: AdversePlan, client: str, requests: int = 20) -> list[tuple[int, str]]:
    """Serve ``requests`` GETs and four creates to ``client``; returns (request index, kind) injected."""
    seen = []
    for n in range(requests):
        decision = plan.before_forward(client, "GET", "/info")
        if decision:
            seen.append((n, decision.kind))
    for n in range(4):
        kind = plan.after_create(client, f"trainee{n}")
        if kind:
            seen.append((100 + n, kind))
    return seen


def test_the_plan_is_deterministic_per_seed_and_client() -> None:
    first = _walk(AdversePlan(3), "vendor")
    assert first == _walk(AdversePlan(3), "vendor")
    assert sorted(k for _, k in first) == sorted(adverse.KINDS)
    seeds = {tuple(_walk(AdversePlan(seed), "vendor")) for seed in range(8)}
    assert len(seeds) > 1  # the seed moves the injections
    lost, late = (n for n, k in first if k in ("lost-create", "late-trn"))
    assert lost != late


def test_each_client_meets_each_kind_once_and_the_journeys_plan_none() -> None:
    plan = AdversePlan(1)
    for client in ("a", "b"):
        kinds = [k for _, k in _walk(plan, client, requests=60)]
        assert sorted(kinds) == sorted(adverse.KINDS)
    assert _walk(AdversePlan(1, enabled=False), "a", requests=60) == []


def test_injected_429_is_what_the_service_sends() -> None:
    plan = AdversePlan(0, retry_after=7, kinds=(adverse.RATE_LIMITED,))
    decision = next(d for d in (plan.before_forward("c", "GET", "/info") for _ in range(10)) if d)
    assert decision.status == 429 and decision.body == "Retry later\n"
    assert dict(decision.headers) == {"content-type": "text/plain", "retry-after": "7"}
    injection = plan.record(5, "c", decision.kind)
    assert injection.retry_after == 7.0 and "Retry-After" in injection.expected


def _trainee(trainee_id: str, trn: str | None = "2000001", state: str = "trn_received",
             updated: str = "2026-01-01T00:00:00.000Z") -> dict:
    return {"trainee_id": trainee_id, "trn": trn, "state": state, "updated_at": updated}


def test_late_trn_is_held_back_everywhere_the_client_looks() -> None:
    plan = AdversePlan(0, late_trn=60, kinds=(adverse.LATE_TRN,))
    held = next(f"t{n}" for n in range(4) if plan.after_create("c", f"t{n}"))
    shown, changed = plan.mask("c", _trainee(held))
    assert changed and shown["trn"] is None and shown["state"] == "submitted_for_trn"
    wrapped, changed = plan.mask("c", {"data": _trainee(held)})
    assert changed and wrapped["data"]["trn"] is None
    assert plan.mask("other-client", _trainee(held)) == (_trainee(held), False)
    index = {"data": [_trainee(held), _trainee("x")], "meta": {"total_count": 2}}
    listed, changed, _ = plan.mask_index("c", index, {"has_trn": "true"})
    assert changed and [t["trainee_id"] for t in listed["data"]] == ["x"] and listed["meta"]["total_count"] == 1
    refused = plan.before_forward("c", "POST", f"/trainees/{held}/recommend-for-qts")
    assert refused is not None and refused.status == 422 and not refused.record
    assert "state must be selected as trn_received" in refused.body


def test_a_released_trn_counts_as_a_change_for_since() -> None:
    plan = AdversePlan(0, late_trn=0, kinds=(adverse.LATE_TRN,))
    held = next(f"t{n}" for n in range(4) if plan.after_create("c", f"t{n}"))
    time.sleep(0.01)
    shown, changed = plan.mask("c", _trainee(held))
    assert changed and shown["trn"] and shown["updated_at"] > "2026-01-01T00:00:00.000Z"
    since = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 5)) + "Z"
    _, _, missing = plan.mask_index("c", {"data": [_trainee("x")]}, {"since": since})
    assert missing == [held]
    assert plan.admit("c", _trainee(held), {"since": since, "has_trn": "true"})["trainee_id"] == held


# -- a real run against another environment ----------------------------------------------------------------
def test_upstream_run_finishes_on_sigterm_and_keeps_no_token(tmp_path: Path) -> None:
    with SandboxProcess() as upstream:
        process = subprocess.Popen(
            [sys.executable, "-m", "register_conformance.cli", "client", "serve", "--port", "0",
             "--upstream", upstream.base_url, "--plan", "journeys", "--reports", str(tmp_path)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = process.stdout.readline() if process.stdout else ""
            assert first.startswith("listening on http://127.0.0.1:")
            base = first.split()[-1]
            headers = {"Authorization": f"Bearer {upstream.token}"}
            assert httpx.get(f"{base}/api/v2026.1/info", headers=headers).status_code == 200
            assert httpx.get(f"{base}/api/v2026.1/trainees", headers=headers).status_code == 404
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 1, err  # two requests demonstrate no journey
    assert "NOT CERTIFIED" in out and "Traceback" not in err
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["exchanges"] == 2 and summary["run"]["target"] == "upstream"
    assert summary["run"]["finished_because"] == "SIGTERM"
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert upstream.token not in path.read_text(encoding="utf-8", errors="replace"), path
    assert upstream.token not in out + err


def test_generated_token_is_printed_and_works(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "register_conformance.cli", "client", "serve", "--port", "0", "--plan", "journeys",
         "--api-version", "v2026.1", "--duration", "5", "--reports", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base = process.stdout.readline().split()[-1]
        token_line = process.stdout.readline()
        assert token_line.startswith("token vendor: serve_")
        token = token_line.split()[-1]
        assert httpx.get(f"{base}/api/v2026.1/info", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert httpx.get(f"{base}/api/v2025.0/info", headers={"Authorization": f"Bearer {token}"}).status_code == 404
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1 and "NOT CERTIFIED" in out and "Traceback" not in err  # two requests: no certificate
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["exchanges"] == 2 and summary["run"]["finished_because"] == "--duration 5s"
    assert token not in (tmp_path / "exchanges.har").read_text(encoding="utf-8")


def test_resilience_is_not_certified_before_the_client_met_each_adverse_response(tmp_path: Path) -> None:
    """Two reads and one body a JavaScript client can send (a lone surrogate): judged, reported, not certified."""
    process = subprocess.Popen(
        [sys.executable, "-m", "register_conformance.cli", "client", "serve", "--port", "0", "--plan", "resilience",
         "--api-version", "v2026.1", "--provider-token", "vendor=abcdefgh12", "--until-idle", "2",
         "--reports", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base = process.stdout.readline().split()[-1]
        headers = {"Authorization": "Bearer abcdefgh12", "Content-Type": "application/json"}
        assert httpx.get(f"{base}/api/v2026.1/info", headers=headers).status_code == 200
        lone = httpx.post(f"{base}/api/v2026.1/trainees", headers=headers,
                          content=b'{"data": {"first_names": "\\ud800"}}')
        assert lone.status_code in (400, 422)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1 and "Traceback" not in err, err
    assert "adverse responses handled: 0/4; not met: rate-limited-429, unavailable-503, lost-create, late-trn" in out
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert [u["kind"] for u in summary["adverse_not_met"]] == list(adverse.KINDS)
    assert "with the client's" in summary["adverse_not_met"][0]["when"]
    verdicts = {r["id"]: r["verdict"] for r in summary["requirements"]}
    assert verdicts["CL-REACT-LOST-CREATE"] == "not-demonstrated" and verdicts["CL-REQ-JSON"] == "fail"
