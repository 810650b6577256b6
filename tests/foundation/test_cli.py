"""The command line: subcommands listed, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from register_conformance import cli


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "register_conformance.cli", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in ("run", "sandbox", "compat", "requirements", "schemas"):
        assert name in out


def test_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["frobnicate"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_schemas_prints_version_path_sha_and_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schemas"]) == 0
    out = capsys.readouterr().out
    assert "v2025.0  ok" in out and "v2026.1  ok" in out
    assert "ff76c049ed4b89e103e05e07f45f3aac4017de87b9218884736f2f9a0fc0a461" in out


def test_schemas_missing_is_exit_2_with_one_line_per_problem(tmp_path: Path) -> None:
    result = run_cli("schemas", "--openapi-dir", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all("not found" in line and str(tmp_path) in line for line in lines)


def test_an_unexpected_error_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from register_conformance.commands import schemas

    def broken(args):  # stands in for a defect of the tool
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(schemas, "main", broken)
    monkeypatch.delenv("REGISTER_CONFORMANCE_DEBUG", raising=False)
    assert cli.main(["schemas"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: RuntimeError: boom second line at test_cli.py:" in err
    assert "Traceback" not in err
    monkeypatch.setenv("REGISTER_CONFORMANCE_DEBUG", "1")
    assert cli.main(["schemas"]) == 3
    assert "Traceback" in capsys.readouterr().err


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    """``register-conformance requirements --json | head``: the reader leaves while the command still writes
    (its output is flushed as it goes). Exit 141, as a shell reports SIGPIPE; no traceback, no "internal error"."""
    code = textwrap.dedent('''\
        import sys
        from register_conformance import cli
        from register_conformance.commands import schemas

        def chatty(args):
            for _ in range(10_000):
                print("x" * 100, flush=True)
            return 0

        schemas.main = chatty  # stands in for a command that writes a lot
        sys.exit(cli.main(["schemas"]))
    ''')
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(100)
    proc.stdout.close()  # the reader goes away with most of the output unread
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 141, err
    assert err == ""
