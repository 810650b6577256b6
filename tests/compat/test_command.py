"""``register-conformance compat``: formats, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from register_conformance.cli import main
from register_conformance.compat import compare, load_raw, render_html_fragment, render_text


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["compat", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_groups_by_severity_and_operation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--no-overlays")
    assert code == 0
    assert out.index("KNOWN DIFFERENCES") < out.index("SCHEMA CHANGES")
    schema = out[out.index("SCHEMA CHANGES"):]
    assert schema.index("BREAKING") < schema.index("WARNING") < schema.index("INFO")
    assert "    POST /trainees/{trainee_id}/withdraw\n" in schema
    assert "data.withdraw_date renamed to data.withdrawal_date (required)" in schema


@pytest.mark.parametrize(("fail_on", "expected"), [("breaking", 1), ("warning", 1), ("never", 0)])
def test_exit_code_follows_fail_on(capsys: pytest.CaptureFixture[str], fail_on: str, expected: int) -> None:
    assert run(capsys, "--no-overlays", "--fail-on", fail_on)[0] == expected


def test_no_changes_exits_zero_even_with_fail_on_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--from", "v2025.0", "--to", "v2025.0", "--no-overlays", "--fail-on", "warning")[0] == 0


def test_json_output_to_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "compat.json"
    code, out, err = run(capsys, "--no-overlays", "--format", "json", "--output", str(target))
    assert (code, out) == (0, "")
    assert "breaking" in err and str(target) in err
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["from"] == "v2025.0" and data["to"] == "v2026.1" and data["worst"] == "breaking"
    assert {"rule", "severity", "operation", "location", "field", "before", "after", "known"} <= set(data["changes"][0])
    assert len(data["known_differences"]) == 31


def test_html_page_and_fragment(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--no-overlays", "--format", "html")
    assert code == 0 and out.startswith("<!DOCTYPE html>") and '<section class="compat-report">' in out
    fragment = render_html_fragment(compare("v2025.0", "v2026.1", loader=load_raw))
    assert fragment.startswith('<section class="compat-report">') and "<html" not in fragment
    assert "KD-WRITE-LOCK" in fragment and "withdrawal_date" in fragment


@pytest.mark.parametrize("argv", [
    ("--from", "v2024.0"),
    ("--to", "v9"),
    ("--format", "xml"),
    ("--fail-on", "sometimes"),
])
def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    try:
        code = main(["compat", *argv])
    except SystemExit as exc:  # argparse rejects bad choices itself
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1


def test_missing_schema_dir_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "--openapi-dir", str(tmp_path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "v2025.0.yaml not found" in err


def test_unwritable_output_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "--no-overlays", "--output", str(tmp_path / "missing" / "x.txt"))
    assert code == 2 and "cannot write" in err


def test_group_by_change_lists_operations_under_each_change() -> None:
    text = render_text(compare("v2025.0", "v2026.1", loader=load_raw), group_by="change")
    block = text[text.index("data.withdraw_date renamed to data.withdrawal_date (required)"):]
    assert block.splitlines()[1].strip().startswith("POST /trainees/{trainee_id}/withdraw")
