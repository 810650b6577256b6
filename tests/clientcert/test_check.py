"""``register-conformance client check`` end to end on small HAR files written by the tests."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest

from register_conformance.cli import main
from register_conformance.clientcert.har import to_har, write_har
from register_conformance.clientcert.report import load_schema

from .judging_samples import create_data, ex, journey_walk


def _har(tmp_path: Path, exchanges, name="traffic.har") -> Path:
    path = tmp_path / name
    write_har(exchanges, path)
    return path


def test_certified_walk(tmp_path: Path, capsys) -> None:
    reports = tmp_path / "reports"
    code = main(["client", "check", str(_har(tmp_path, journey_walk())), "--reports", str(reports)])
    out = capsys.readouterr().out
    assert code == 0 and "CERTIFIED" in out and "NOT CERTIFIED" not in out
    for name in ("report.html", "summary.json", "junit.xml", "exchanges.har"):
        assert (reports / name).is_file(), name
    assert list((reports / "allure-results").glob("*-result.json"))
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    jsonschema.validate(summary, load_schema())
    assert summary["certified"] is True and summary["run"]["plan"] == "check"


def test_broken_client_is_refused_with_the_cl_id(tmp_path: Path, capsys) -> None:
    lower = (("Authorization", "bearer [REDACTED]"), ("Content-Type", "application/json"))
    bad = [ex(0, "POST", "/trainees", {"data": create_data(course_subject_1=None, course_subject_one="100425")},
              422, headers=lower)]
    reports = tmp_path / "r"
    code = main(["client", "check", str(_har(tmp_path, bad)), "--reports", str(reports)])
    out = capsys.readouterr().out
    assert code == 1 and "NOT CERTIFIED" in out
    assert "CL-REQ-AUTH" in out and "CL-REQ-FIELD-NAMES" in out
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    failed = {r["id"] for r in summary["requirements"] if r["verdict"] == "fail"}
    assert {"CL-REQ-AUTH", "CL-REQ-FIELD-NAMES"} <= failed
    junit = (reports / "junit.xml").read_text(encoding="utf-8")
    assert "CL-REQ-AUTH" in junit and "<failure" in junit
    html = (reports / "report.html").read_text(encoding="utf-8")
    assert "NOT CERTIFIED" in html and "course_subject_1" in html and "<script" not in html


def test_v2025_readiness_and_journey_claims(tmp_path: Path, capsys) -> None:
    reports = tmp_path / "r"
    code = main(["client", "check", str(_har(tmp_path, journey_walk("v2025.0"))), "--reports", str(reports),
                 "--journeys", "create-with-degree,defer"])
    capsys.readouterr()
    assert code == 0
    summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    assert any("KD-RENAME-COURSE-SUBJECT" in r["known_differences"] for r in summary["readiness"])
    assert {j["id"]: j["status"] for j in summary["journeys"]}["withdraw"] == "not claimed"


def test_api_version_option_refuses_other_versions(tmp_path: Path, capsys) -> None:
    code = main(["client", "check", str(_har(tmp_path, journey_walk())), "--reports", str(tmp_path / "r"),
                 "--api-version", "v2025.0"])
    assert code == 1 and "CL-REQ-VERSION" in capsys.readouterr().out


def test_bad_input_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    deep = tmp_path / "deep.har"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    ipv6 = _har(tmp_path, journey_walk(), "w4.har")  # one URL with an unclosed IPv6 address
    ipv6.write_text(ipv6.read_text(encoding="utf-8").replace("https://register.example/", "https://[::1/", 1),
                    encoding="utf-8")
    broken = tmp_path / "broken.har"
    broken.write_text('{"log": ', encoding="utf-8")
    no_api = _har(tmp_path, [ex(0, "GET", "/info")], "other.har")
    no_api.write_text(no_api.read_text(encoding="utf-8").replace("/api/v2026.1/info", "/static/app.js"),
                      encoding="utf-8")
    cases = [
        [str(broken)],
        [str(tmp_path / "missing.har")],
        [str(no_api)],
        [str(_har(tmp_path, journey_walk(), "w.har")), "--journeys", "fly"],
        [str(_har(tmp_path, journey_walk(), "w2.har")), "--api-version", "v9"],
        [str(_har(tmp_path, journey_walk(), "w3.har")), "--openapi-dir", str(tmp_path / "no-schemas")],
        [str(ipv6)],
        [str(deep)],
    ]
    for args in cases:
        code = main(["client", "check", *args, "--reports", str(tmp_path / "r2")])
        err = capsys.readouterr().err
        assert code == 2, args
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err


def test_serve_delegates_or_says_not_available(capsys) -> None:
    import importlib.util

    if importlib.util.find_spec("register_conformance.clientcert.serve") is None:
        assert main(["client", "serve"]) == 2
        assert "not available" in capsys.readouterr().err
    else:
        with pytest.raises(SystemExit) as info:
            main(["client", "serve", "--help"])
        assert info.value.code == 0


def test_requirements_command_lists_the_client_rules() -> None:
    from register_conformance.commands.requirements import client_rows
    from register_conformance.requirements import client_catalogue

    listed = client_rows()
    assert [r["id"] for r in listed] == list(client_catalogue())
    assert all(r["judged_by"] and r["area"] == "client" for r in listed)


def test_requirements_json_has_cl_ids_and_uncovered_never_lists_them(monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from register_conformance.commands import requirements

    monkeypatch.setattr(requirements, "collect_coverage", lambda *args, **kwargs: {})
    assert main(["requirements", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["CL-REQ-AUTH"]["judged_by"] and rows["CL-REQ-AUTH"]["level"] == "MUST"
    assert main(["requirements", "--uncovered"]) == 0
    assert "CL-" not in capsys.readouterr().out


def test_no_secret_from_the_recording_reaches_any_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret, cookie = "sandbox_" + "9f" * 32, "session-" + "c0" * 16
    har = to_har(journey_walk())
    for entry in har["log"]["entries"]:
        entry["request"]["url"] = entry["request"]["url"].replace("https://", f"https://vendor:{secret}@")
        entry["request"]["headers"] = [{"name": "Authorization", "value": f"Bearer {secret}"},
                                       {"name": "Cookie", "value": f"sid={cookie}"},
                                       {"name": "Content-Type", "value": "application/json"}]
        entry["request"]["cookies"] = [{"name": "sid", "value": cookie}]
        entry["response"]["headers"] = [{"name": "Set-Cookie", "value": f"sid={cookie}; HttpOnly"}]
    path = tmp_path / "secret.har"
    path.write_text(json.dumps(har), encoding="utf-8")
    reports = tmp_path / "reports"
    assert main(["client", "check", str(path), "--reports", str(reports)]) == 0
    assert secret not in capsys.readouterr().out
    files = [p for p in reports.rglob("*") if p.is_file()]
    assert len(files) > 4
    for report in files:
        text = report.read_text(encoding="utf-8")
        assert secret not in text and cookie not in text, report


def test_a_lone_surrogate_is_judged_as_a_malformed_body_not_a_crash(tmp_path: Path, capsys) -> None:
    """A JavaScript client that cut a string inside an emoji sends "\\ud800"; a HAR may carry it either way."""
    walk = journey_walk()
    escaped = walk[0].request_body.replace('"first_names": "', '"first_names": "\\ud800', 1)
    assert escaped != walk[0].request_body
    path = _har(tmp_path, [dataclasses.replace(walk[0], request_body=escaped), *walk[1:]])
    code = main(["client", "check", str(path), "--reports", str(tmp_path / "r")])
    out, err = capsys.readouterr()
    assert code == 1 and err == "" and "CL-REQ-JSON" in out
    raw = tmp_path / "raw.har"  # the surrogate itself (not its escape) in the HAR's own JSON
    raw.write_text(path.read_text(encoding="utf-8").replace("\\\\ud800", "\\ud800", 1), encoding="utf-8")
    assert main(["client", "check", str(raw), "--reports", str(tmp_path / "r2")]) == 0
    assert "\ufffd" in (tmp_path / "r2" / "exchanges.har").read_text(encoding="utf-8")
