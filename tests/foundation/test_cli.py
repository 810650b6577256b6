"""The command line: subcommands listed, one-line errors, exit codes."""

from __future__ import annotations

import subprocess
import sys
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
