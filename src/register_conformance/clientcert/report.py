"""The client certification reports, in the formats ``run`` writes.

``write_reports`` writes ``report.html`` (self-contained: inline CSS, no script, no external link),
``summary.json`` (schema: ``clientcert/summary.schema.json``, shipped in the package), ``junit.xml`` (one
test case per CL rule), ``allure-results/`` (one result per CL rule) and ``exchanges.har`` (redacted).
``verdict_table`` is the console table. Exchanges are already redacted (``Exchange``); nothing here adds a
header value or a cookie.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from register_conformance import __version__
from register_conformance.clientcert.exchange import Exchange
from register_conformance.clientcert.har import write_har
from register_conformance.errors import ConformanceError

FORMAT = "register-conformance-client-summary"
FORMAT_VERSION = "1.1"  # 1.1: adverse_not_met
SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")
#: Exchanges listed in report.html besides those with a finding (the full list is in exchanges.har).
HTML_EXCHANGES = 500


class ReportError(ConformanceError):
    """A report cannot be written."""


def summary(judgement: Any, exchanges: Sequence[Exchange], run_info: dict[str, Any]) -> dict[str, Any]:
    data = judgement.to_dict()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "verdict": "certified" if judgement.certified else "not certified",
        "certified": judgement.certified,
        "exit_code": 0 if judgement.certified else 1,
        "tool": {"name": "register-conformance", "version": __version__},
        "run": dict(run_info),
        "counts": data["counts"],
        "notes": data["notes"],
        "requirements": data["requirements"],
        "journeys": data["journeys"],
        "injections": data["injections"],
        "readiness": data["readiness"],
        "adverse_not_met": data["unmet"],
        "exchanges": len(exchanges),
    }


def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def write_reports(judgement: Any, exchanges: Sequence[Exchange], reports_dir: Path,
                  run_info: dict[str, Any]) -> dict[str, Path]:
    """Write every report into ``reports_dir``; returns the paths by name."""
    reports_dir = Path(reports_dir)
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        doc = summary(judgement, exchanges, run_info)
        paths = {name: reports_dir / name for name in ("summary.json", "report.html", "junit.xml", "exchanges.har")}
        paths["summary.json"].write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
        paths["report.html"].write_text(render_html(doc, judgement, exchanges), encoding="utf-8")
        write_junit(doc, paths["junit.xml"])
        paths["allure-results"] = write_allure(doc, reports_dir / "allure-results")
    except OSError as exc:
        raise ReportError(f"cannot write reports to {reports_dir}: {exc.strerror or exc}") from None
    write_har(exchanges, paths["exchanges.har"])
    return paths


# -- console ---------------------------------------------------------------------------------------------
def verdict_table(judgement: Any) -> str:
    lines = [f"{'requirement':<26} {'level':<6} {'verdict':<17} evidence"]
    for r in judgement.requirements:
        first = r["evidence"][0] if r["evidence"] else None
        more = f" (+{r['failures'] - 1} more)" if r["verdict"] == "fail" and r["failures"] > 1 else ""
        shown = f"seq {first[0]}: {first[1]}{more}" if first else ""
        lines.append(f"{r['id']:<26} {r['level']:<6} {r['verdict']:<17} {shown[:110]}")
    done = [j for j in judgement.journeys if j["status"] == "demonstrated"]
    claimed = [j for j in judgement.journeys if j["status"] != "not claimed"]
    lines.append(f"journeys demonstrated: {len(done)}/{len(claimed)} claimed")
    if judgement.injections or judgement.unmet:
        ok = sum(1 for i in judgement.injections if i["verdict"] == "pass")
        owed = f"; not met: {', '.join(u['kind'] for u in judgement.unmet)}" if judgement.unmet else ""
        lines.append(f"adverse responses handled: {ok}/{len(judgement.injections) + len(judgement.unmet)}{owed}")
    if judgement.readiness:
        lines.append(f"v2026.1 readiness: {len(judgement.readiness)} change(s) to make")
    for note in judgement.notes:
        lines.append(f"note: {note}")
    lines.append("CERTIFIED" if judgement.certified else "NOT CERTIFIED")
    return "\n".join(lines)


# -- junit and allure ------------------------------------------------------------------------------------------
def _failure_text(r: dict[str, Any]) -> str:
    return "\n".join(f"seq {seq}: {msg}" for seq, msg in r["evidence"])


def write_junit(doc: dict[str, Any], path: Path) -> None:
    reqs = doc["requirements"]
    failures = sum(1 for r in reqs if r["verdict"] == "fail")
    skipped = sum(1 for r in reqs if r["verdict"] in ("not-applicable", "not-demonstrated"))
    suites = ET.Element("testsuites", name="register-conformance client", tests=str(len(reqs)),
                        failures=str(failures), errors="0", skipped=str(skipped))
    suite = ET.SubElement(suites, "testsuite", name=f"client {doc['run'].get('plan', '')}".strip(),
                          tests=str(len(reqs)), failures=str(failures), errors="0", skipped=str(skipped))
    for r in reqs:
        case = ET.SubElement(suite, "testcase", classname="client", name=f"{r['id']} {r['title']}")
        if r["verdict"] == "fail":
            el = ET.SubElement(case, "failure", message=f"{r['id']} ({r['level']}): {r['failures']} finding(s)")
            el.text = _failure_text(r)
        elif r["verdict"] in ("not-applicable", "not-demonstrated"):
            ET.SubElement(case, "skipped", message=r["verdict"])
    ET.ElementTree(suites).write(path, encoding="utf-8", xml_declaration=True)


_ALLURE_STATUS = {"pass": "passed", "fail": "failed", "not-applicable": "skipped", "not-demonstrated": "skipped"}


def write_allure(doc: dict[str, Any], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    now = int(time.time() * 1000)
    for r in doc["requirements"]:
        result = {
            "uuid": str(uuid.uuid4()), "historyId": r["id"], "name": f"{r['id']} {r['title']}",
            "fullName": f"client.{r['id']}", "status": _ALLURE_STATUS[r["verdict"]],
            "statusDetails": {"message": r["verdict"] if r["verdict"] != "fail" else _failure_text(r)},
            "stage": "finished", "start": now, "stop": now,
            "labels": [{"name": "suite", "value": "client"}, {"name": "severity",
                                                            "value": "critical" if r["level"] == "MUST" else "normal"},
                       {"name": "tag", "value": r["level"]}],
            "links": [], "parameters": [{"name": "source", "value": r["source"]}],
        }
        (folder / f"{result['uuid']}-result.json").write_text(json.dumps(result), encoding="utf-8")
    return folder


# -- html --------------------------------------------------------------------------------------------------------
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5rem;color:#1b1b1b;max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}
.banner{padding:.8rem 1rem;font-size:1.2rem;font-weight:bold;border-radius:4px}
.ok{background:#dff0d8;color:#225522}.bad{background:#f8d7da;color:#721c24}
.v-pass{color:#225522;font-weight:bold}.v-fail{color:#a00;font-weight:bold}.v-other{color:#666}
code{font-size:.85rem;white-space:nowrap}ul{margin:.2rem 0;padding-left:1.2rem}.muted{color:#666}
"""


def _v(verdict: str) -> str:
    cls = "v-pass" if verdict in ("pass", "demonstrated") else "v-fail" if verdict in ("fail",) else "v-other"
    return f'<span class="{cls}">{escape(verdict)}</span>'


def _seq(seq: Any) -> str:
    return f'<a href="#ex-{int(seq)}">#{int(seq)}</a>' if isinstance(seq, int) else "-"


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def render_html(doc: dict[str, Any], judgement: Any, exchanges: Sequence[Exchange]) -> str:
    run = doc["run"]
    parts = [f'<div class="banner {"ok" if doc["certified"] else "bad"}">{escape(doc["verdict"].upper())}</div>']
    info = [("plan", run.get("plan")), ("source", run.get("source")), ("API versions", run.get("api_versions")),
            ("exchanges", doc["exchanges"]), ("judged", doc["counts"].get("judged")),
            ("tool", f"register-conformance {__version__}"), ("started", run.get("started"))]
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(', '.join(v) if isinstance(v, list) else str(v))}</td></tr>"
                   for k, v in info if v is not None)
    parts.append(f"<table>{rows}</table>")
    if doc["notes"]:
        parts.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in doc["notes"]) + "</ul>")
    parts.append("<h2>Requirements</h2>")
    parts.append(_table(("id", "level", "verdict", "requirement", "source", "evidence"), (
        (f"<code>{escape(r['id'])}</code>", escape(r["level"]), _v(r["verdict"]), escape(r["title"]),
         escape(r["source"]),
         "<ul>" + "".join(f"<li>{_seq(s)} {escape(m)}</li>" for s, m in r["evidence"]) + "</ul>"
         + (f'<span class="muted">{r["failures"]} finding(s) in all</span>' if r["failures"] > len(r["evidence"])
            else ""))
        for r in doc["requirements"])))
    parts.append("<h2>Journeys</h2>")
    parts.append(_table(("journey", "status", "exchange"), (
        (escape(j["title"]) + (f' <span class="muted">({escape(j["note"])})</span>' if j.get("note") else ""),
         _v(j["status"]), _seq(j.get("seq"))) for j in doc["journeys"])))
    if doc["injections"]:
        parts.append("<h2>Adverse responses</h2>")
        parts.append(_table(("served on", "kind", "a correct client", "verdict", "reaction", "what happened"), (
            (_seq(i["injection"]["seq"]), escape(i["injection"]["kind"]), escape(i["injection"]["expected"]),
             _v(i["verdict"]), _seq(i.get("seq_reaction")), escape(i["message"])) for i in doc["injections"])))
    if doc["readiness"]:
        parts.append("<h2>Readiness for v2026.1</h2>")
        parts.append(_table(("change to make", "known differences", "exchanges"), (
            (escape(r["change"]), escape(", ".join(r["known_differences"])),
             " ".join(_seq(s) for s in r["seqs"]) + (f' <span class="muted">({r["count"]} in all)</span>'
                                                     if r["count"] > len(r["seqs"]) else ""))
            for r in doc["readiness"])))
    parts.append("<h2>Exchanges</h2>")
    flagged = [ex for ex in exchanges if judgement.for_exchange(ex.seq)]
    shown = {ex.seq for ex in list(exchanges)[:HTML_EXCHANGES]} | {ex.seq for ex in flagged}
    listed = [ex for ex in exchanges if ex.seq in shown]
    if len(listed) < len(exchanges):
        parts.append(f'<p class="muted">{len(listed)} of {len(exchanges)} exchanges listed (the first '
                     f'{HTML_EXCHANGES} and every one with a finding); all are in exchanges.har.</p>')
    parts.append(_table(("#", "method", "path", "status", "findings"), (
        (f'<span id="ex-{ex.seq}">{ex.seq}</span>', escape(ex.method), f"<code>{escape(ex.path)}</code>",
         escape(str(ex.status) if ex.status is not None else "no response") + (
             f' <span class="muted">({escape(ex.injected)})</span>' if ex.injected else ""),
         "<ul>" + "".join(f"<li>{_v(v)} <code>{escape(c)}</code> {escape(m)}</li>"
                          for c, v, m in judgement.for_exchange(ex.seq)) + "</ul>")
        for ex in listed)))
    title = f"Client certification: {doc['verdict']}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>{''.join(parts)}</body></html>\n")
