"""The real process: listening line, clean shutdown, bad arguments, restart persistence."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from .conftest import VALID_2026

TOKEN = "sandbox_provider_a_token"


def _start(db: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-m", "register_sandbox", "--port", "0", "--db", str(db), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "listening on http://127.0.0.1:" in line, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, line.split("listening on ", 1)[1].strip()


def _request(url: str, method: str = "GET", payload: object | None = None) -> tuple[int, dict]:
    data = json.dumps(payload).encode() if payload is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM) -> int:
    proc.send_signal(sig)
    return proc.wait(timeout=10)


def test_process_serves_and_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    proc, base = _start(db, "--trn-delay", "0")
    try:
        status, created = _request(f"{base}/api/v2026.1/trainees", "POST", {"data": VALID_2026})
        assert status == 201
        trainee_id = created["data"]["trainee_id"]
    finally:
        assert _stop(proc) == 0
    proc, base = _start(db)
    try:
        status, shown = _request(f"{base}/api/v2026.1/trainees/{trainee_id}")
        assert status == 200 and shown["trainee_id"] == trainee_id and shown["state"] == "trn_received"
    finally:
        assert _stop(proc, signal.SIGINT) == 0


@pytest.mark.parametrize("args", [["--port", "x"], ["--defect", "nope"], ["--versions", "v1"],
                                  ["--rate-limit", "fast"], ["--provider-token", "novalue"], ["--trn-delay", "-1"]])
def test_bad_arguments_are_one_line_and_exit_2(args: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", "register_sandbox", *args], capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_defect_list_prints_the_catalogue() -> None:
    result = subprocess.run([sys.executable, "-m", "register_sandbox", "--defect", "list"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0
    assert "show-wrapped-in-data" in result.stdout


def test_concurrent_writes_lose_nothing_and_never_500(tmp_path: Path) -> None:
    proc, base = _start(tmp_path / "c.sqlite3", "--trn-delay", "0.05")
    try:
        status, created = _request(f"{base}/api/v2026.1/trainees", "POST", {"data": VALID_2026})
        assert status == 201
        url = f"{base}/api/v2026.1/trainees/{created['data']['trainee_id']}"
        fields = ("first_names", "middle_names", "previous_last_name", "ni_number")
        statuses: list[int] = []

        def writer(field: str) -> None:
            for i in range(12):
                value = "final" if i == 11 else f"v{i}"
                statuses.append(_request(url, "PATCH", {"data": {field: f"{value}{field[:3]}"}})[0])

        def creator(n: int) -> None:
            data = dict(VALID_2026, last_name=f"Conc{n}", date_of_birth=f"19{60 + n}-01-01")
            statuses.append(_request(f"{base}/api/v2026.1/trainees", "POST", {"data": data})[0])

        threads = [threading.Thread(target=writer, args=(f,)) for f in fields]
        threads += [threading.Thread(target=creator, args=(n,)) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert set(statuses) == {200, 201}
        status, shown = _request(url)
        assert {f: shown[f] for f in fields} == {f: f"final{f[:3]}" for f in fields}
        status, listed = _request(f"{base}/api/v2026.1/trainees")
        assert listed["meta"]["total_count"] == 13
    finally:
        assert _stop(proc) == 0
