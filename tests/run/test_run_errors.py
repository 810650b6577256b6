"""Every class of bad input ends with exit code 2 and one line on stderr, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from register_conformance.cli import main

from .helpers import run_cli
from .stub import TOKEN


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize("args", [
    ["--api-version", "v9999.0"],
    ["--profile", "turbo"],
    ["--suite", "nonsense"],
])
def test_bad_arguments_exit_2(args: list[str], passing_suites: Path, target: str, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "--base-url", target, "--suites-dir", str(passing_suites), "--reports", str(tmp_path), *args])
    assert exc.value.code == 2
    assert "error:" in _one_line_error(capsys)


@pytest.mark.parametrize(("args", "expected"), [
    (["--rate-limit", "lots"], "invalid rate limit"),
    (["--seed", "abc"], "invalid seed"),
    (["--suite", "lifecycle"], "have no tests"),
])
def test_bad_option_values_exit_2(args: list[str], expected: str, passing_suites: Path, target: str,
                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(passing_suites, target, tmp_path / "r", *args) == 2
    assert expected in _one_line_error(capsys)


def test_bad_base_url_exits_2(passing_suites: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(passing_suites, "ftp://example", tmp_path / "r") == 2
    assert "invalid base URL" in _one_line_error(capsys)


def test_missing_schemas_exit_2(passing_suites: Path, target: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli(passing_suites, target, tmp_path / "r", "--openapi-dir", str(empty)) == 2
    assert "official schema v2025.0.yaml not found" in _one_line_error(capsys)


def test_rejected_token_exits_2(passing_suites: Path, target: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(passing_suites, target, tmp_path / "r", token="wrong-token-123") == 2
    line = _one_line_error(capsys)
    assert "rejected the token (401)" in line
    assert "wrong-token-123" not in line


def test_missing_token_for_a_hosted_target_exits_2(passing_suites: Path, target: str, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("REGISTER_API_TOKEN", raising=False)
    assert run_cli(passing_suites, target, tmp_path / "r", token="") == 2
    assert "REGISTER_API_TOKEN" in _one_line_error(capsys)


@pytest.mark.parametrize(("content", "expected"), [
    ("{not: [valid", "not valid YAML/JSON"),
    ("just a string", "expected a list"),
    ("- 42\n", "bad entry"),
])
def test_bad_baseline_exits_2(content: str, expected: str, passing_suites: Path, target: str, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(content)
    assert run_cli(passing_suites, target, tmp_path / "r", "--baseline", str(baseline)) == 2
    assert expected in _one_line_error(capsys)


def test_missing_baseline_file_exits_2(passing_suites: Path, target: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(passing_suites, target, tmp_path / "r", "--baseline", str(tmp_path / "nope.yaml")) == 2
    assert "cannot read baseline" in _one_line_error(capsys)


def test_child_preflight_failure_exits_2(tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A suite that stops the session (pytest.exit returncode 2) ends the run with its reason."""
    from .stub import make_suites

    (tmp_path / "p").mkdir()
    suites = make_suites(tmp_path / "p", failing=False)
    (suites / "conftest.py").write_text(
        "import pytest\n\n@pytest.fixture(scope='session', autouse=True)\n"
        "def _stop():\n    pytest.exit('preflight failed: the target went away', returncode=2)\n")
    assert run_cli(suites, target, tmp_path / "r") == 2
    assert _one_line_error(capsys).endswith("preflight failed: the target went away")


def test_unreachable_target_exits_2_in_one_line_without_a_traceback(passing_suites: Path, tmp_path: Path) -> None:
    # Its own process, as a user runs it: in-process, pytester runs of other tests on this worker may leave
    # httpcore imported twice, and its ConnectError then escapes httpx's mapping (not so in a fresh process).
    with socket.socket() as held:  # bound, never listening: refused, and no other test's server can take the port
        held.bind(("127.0.0.1", 0))
        proc = subprocess.run(
            [sys.executable, "-m", "register_conformance.cli", "run", "--base-url",
             f"http://127.0.0.1:{held.getsockname()[1]}", "--token", TOKEN, "--suites-dir", str(passing_suites),
             "--reports", str(tmp_path / "r")],
            capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "target unreachable" in proc.stderr and "Traceback" not in proc.stderr
    assert TOKEN not in proc.stdout + proc.stderr
    assert not (tmp_path / "r").exists()  # no empty reports folder left behind
