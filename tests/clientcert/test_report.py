"""The client reports: summary.json against its shipped schema, junit, allure, a self-contained page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from register_conformance.clientcert.judging import Context, Injection, judge
from register_conformance.clientcert.report import load_schema, verdict_table, write_reports

from .judging_samples import ex, journey_walk, trainee

RUN = {"plan": "resilience", "source": "test", "api_versions": ["v2026.1"], "started": "2026-01-01T00:00:00+00:00"}


def _judged():
    walk = journey_walk()
    throttled = ex(len(walk), "GET", "/trainees/t1", status=429, response_headers=(("Retry-After", "30"),),
                   t=walk[-1].started - walk[0].started + 20)
    retry = ex(len(walk) + 1, "GET", "/trainees/t1", resp=trainee(), t=throttled.started - walk[0].started + 31)
    items = [*walk, throttled, retry]
    inj = Injection(seq=throttled.seq, client="vendor", kind="rate-limited-429", retry_after=30.0,
                    expected="wait 30 s, then retry")
    return judge(items, Context(plan="resilience", injections=(inj,))), items


def test_all_reports_written_and_valid(tmp_path: Path) -> None:
    judgement, items = _judged()
    paths = write_reports(judgement, items, tmp_path, RUN)
    assert set(paths) == {"summary.json", "report.html", "junit.xml", "exchanges.har", "allure-results"}
    summary = json.loads(paths["summary.json"].read_text(encoding="utf-8"))
    jsonschema.validate(summary, load_schema())
    assert summary["injections"][0]["verdict"] == "pass"
    suite = ET.parse(paths["junit.xml"]).getroot()
    assert int(suite.get("tests")) == len(summary["requirements"]) and suite.get("failures") == "0"
    results = [json.loads(p.read_text()) for p in paths["allure-results"].glob("*-result.json")]
    assert {r["historyId"] for r in results} == {r["id"] for r in summary["requirements"]}
    assert json.loads(paths["exchanges.har"].read_text(encoding="utf-8"))["log"]["version"] == "1.2"


def test_summary_schema_refuses_a_wrong_document() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"format": "register-conformance-client-summary", "verdict": "maybe"}, load_schema())


def test_page_is_self_contained_and_escapes(tmp_path: Path) -> None:
    evil = ex(0, "GET", "/trainees/<script>alert(1)</script>", headers=(("Authorization", "bearer [REDACTED]"),))
    judgement = judge([evil], Context(plan="check"))
    html = write_reports(judgement, [evil], tmp_path, {**RUN, "plan": "check"})["report.html"].read_text()
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no external resource
    assert "NOT CERTIFIED" in html and 'href="#ex-0"' in html and 'id="ex-0"' in html


def test_console_table_names_failures() -> None:
    judgement = judge([ex(0, "GET", "/info", headers=())], Context(plan="check"))
    table = verdict_table(judgement)
    assert "CL-REQ-AUTH" in table and "fail" in table and table.endswith("NOT CERTIFIED")


def test_unwritable_reports_dir_is_one_line(tmp_path: Path) -> None:
    from register_conformance.clientcert.report import ReportError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    judgement, items = _judged()
    with pytest.raises(ReportError, match="cannot write"):
        write_reports(judgement, items, blocker / "reports", RUN)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium not installed")
def test_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    judgement, items = _judged()
    page = write_reports(judgement, items, tmp_path, RUN)["report.html"]
    proc = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=60)
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-500:]
    assert "CERTIFIED" in dom and "Adverse responses" in dom and "CL-REACT-RETRY-AFTER" in dom
