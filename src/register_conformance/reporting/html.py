"""Render ``report.html`` from a summary: one self-contained file (inline CSS and a small inline
script for the problem filters; no network).

Written for a reader who never saw pytest: the verdict and the distinct problems first (each
expandable, filterable by API version and suite, with its first exchange and a curl line that runs),
then what was tested and how, every failure linked to its problem, the requirement traceability
matrix and the operation × status-code coverage matrix. It must stay readable on a laptop screen:
long node ids wrap instead of widening the tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from register_conformance.reporting.problems import versions_and_suites

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:26px}h2{margin:32px 0 8px;border-bottom:2px solid #ddd;padding-bottom:4px}
h3{margin:20px 0 6px}
.banner{padding:18px 24px;color:#fff;border-radius:6px}
.banner.pass{background:#00703c}.banner.fail{background:#d4351c}
.banner p{margin:4px 0 0;font-size:15px}
table{border-collapse:collapse;margin:8px 0;background:#fff}
th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}
table.kv th{width:220px}
td.num,th.num{text-align:right}
.v{font-weight:600;border-radius:3px;padding:1px 6px;white-space:nowrap}
.pass{background:#cce2d8;color:#005a30}.fail,.error{background:#f6d7d2;color:#942514}
.skip{background:#fff7bf;color:#594d00}.not-covered{background:#e8e8e8;color:#555}
.not-applicable{color:#999}.known{background:#fde9c8;color:#6e3d00}
.cell-ok{background:#cce2d8}.cell-never{background:#f3f2f1;color:#888}.cell-extra{background:#fcd6c3}
pre{background:#0b0c0c;color:#f3f2f1;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all;
border-radius:4px;font-size:12px}
pre.curl{background:#1d3557}
details{margin:6px 0}summary{cursor:pointer}
.failure{border-left:5px solid #d4351c;background:#fff;padding:8px 12px;margin:12px 0}
.failure.known{border-left-color:#f47738}
.muted{color:#666}code{font-size:12px}
ul.tests{margin:0;padding-left:16px;font-size:12px;word-break:break-all}
.banner.pass,.banner.fail,.banner.interrupted{color:#fff}.banner.interrupted{background:#505a5f}
.banner .lead{font-size:19px;font-weight:600}
#traceability{table-layout:fixed;width:100%}#traceability td,#traceability th{overflow-wrap:anywhere}
#traceability td:first-child,#traceability th:first-child{width:42%}
code{overflow-wrap:anywhere}.failure h3 code{font-size:13px}
.problem{background:#fff;border-left:5px solid #d4351c;margin:8px 0;padding:6px 12px}
.problem.known{border-left-color:#f47738}
.problem>summary{font-size:15px;padding:4px 0}.problem>summary .stmt{font-weight:600}
.problem .meta{color:#505a5f;font-size:13px}
.filters{background:#fff;border:1px solid #ccc;padding:8px 12px;margin:8px 0}
.filters label{margin-right:14px;white-space:nowrap}
.ref a{color:#1d70b8}
"""

FILTER_SCRIPT = """
(function(){
  function apply(){
    var on = function(kind){ return Array.prototype.map.call(
      document.querySelectorAll('.filters input[data-' + kind + ']:checked'),
      function(i){ return i.getAttribute('data-' + kind); }); };
    var versions = on('version'), suites = on('suite'), shown = 0;
    document.querySelectorAll('.problem').forEach(function(p){
      var pv = p.getAttribute('data-versions').split(' '), ps = p.getAttribute('data-suites').split(' ');
      var ok = pv.some(function(v){ return versions.indexOf(v) >= 0; }) &&
               ps.some(function(s){ return suites.indexOf(s) >= 0; });
      p.style.display = ok ? '' : 'none'; if (ok) { shown++; }
    });
    var count = document.getElementById('problems-shown');
    if (count) { count.textContent = shown; }
  }
  document.querySelectorAll('.filters input').forEach(function(i){ i.addEventListener('change', apply); });
  var all = document.getElementById('expand-all');
  if (all) { all.addEventListener('click', function(){
    var open = all.getAttribute('data-open') !== '1';
    document.querySelectorAll('.problem').forEach(function(p){ p.open = open; });
    all.setAttribute('data-open', open ? '1' : '0');
    all.textContent = open ? 'Collapse all' : 'Expand all';
  }); }
})();
"""

_TEST_VERDICT = {"passed": "pass", "failed": "fail", "skipped": "skip", "error": "error"}


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _badge(verdict: str, known: bool = False) -> str:
    label = f"{verdict} (known)" if known else verdict
    return f'<span class="v {"known" if known else _e(verdict)}">{_e(label)}</span>'


def _kv(rows: Iterable[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _banner(s: Mapping[str, Any]) -> str:
    verdict = s["verdict"]
    css = {"conformant": "pass", "interrupted": "interrupted"}.get(verdict, "fail")
    totals = s["totals"]
    problems = [p for p in s.get("problems") or () if not p.get("baselined")]
    detail = (f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped, "
              f"{totals['errors']} errors in {totals['tests']} tests")
    if totals.get("known_failures"):
        detail += f"; {totals['known_failures']} known failure(s) excused by the baseline"
    lead = ""
    if problems:
        failures = sum(p["count"] for p in problems)
        lead = (f'<p class="lead">{len(problems)} distinct problem{"s" if len(problems) != 1 else ""} '
                f"({failures} failure{'s' if failures != 1 else ''})</p>")
    elif verdict == "conformant":
        lead = '<p class="lead">No problem found</p>'
    if verdict == "interrupted":
        lead += "<p>The run was interrupted: these results cover only the tests that ran.</p>"
    return (f'<div class="banner {css}" id="verdict"><h1>{_e(verdict.upper())}</h1>{lead}'
            f'<p>{_e(s["target"]["base_url"])} · API {_e(", ".join(s["api_versions"]))}</p><p>{_e(detail)}</p></div>')


def _exchange_text(request: Any, response: Any) -> tuple[str | None, str | None]:
    """Request and response of a failure as readable text (structured 1.1 or text 1.0)."""
    import json

    def body(value: Any) -> str:
        if value is None:
            return ""
        return "\n\n" + (json.dumps(value, indent=2, ensure_ascii=False) if not isinstance(value, str) else value)

    req_text = resp_text = None
    if isinstance(request, Mapping):
        headers = "\n".join(f"{k}: {v}" for k, v in (request.get("headers") or {}).items())
        req_text = f"{request.get('method')} {request.get('url')}\n{headers}{body(request.get('body'))}"
    elif request:
        req_text = str(request)
    if isinstance(response, Mapping):
        headers = "\n".join(f"{k}: {v}" for k, v in (response.get("headers") or {}).items())
        resp_text = f"{response.get('status')}\n{headers}{body(response.get('body'))}"
    elif response:
        resp_text = str(response)
    return req_text, resp_text


def _reference(ref: Mapping[str, Any] | None) -> str:
    if not ref:
        return ""
    title = _e(ref.get("title"))
    link = f'<a href="{_e(ref["url"])}">{title}</a>' if ref.get("url") else title
    facts = f" · facts: {_e(ref['facts'])}" if ref.get("facts") else ""
    return f'<span class="ref">{link}<span class="muted">{facts}</span></span>'


def _problems(s: Mapping[str, Any]) -> str:
    problems = s.get("problems") or []
    if not problems:
        return "<p>No problem found: every test that ran passed.</p>" if s["verdict"] != "non-conformant" else ""
    versions, suites = versions_and_suites(problems)
    boxes = "".join(f'<label><input type="checkbox" checked data-version="{_e(v)}"> {_e(v)}</label>'
                    for v in versions)
    boxes += "".join(f'<label><input type="checkbox" checked data-suite="{_e(x)}"> {_e(x)} suite</label>'
                     for x in suites)
    out = [f'<div class="filters" id="problem-filters"><strong>Show</strong> {boxes} '
           f'<button type="button" id="expand-all">Expand all</button> '
           f'<span class="muted"><span id="problems-shown">{len(problems)}</span> of {len(problems)} shown'
           '</span></div>']
    failures = {f["id"]: f for f in s["failures"]}
    for p in problems:
        req_text, resp_text = _exchange_text(p.get("request"), p.get("response"))
        seen = p["count"]
        listing = "".join(f'<li><a href="#failure-{_e(fid)}"><code>{_e(fid)}</code></a></li>' for fid in p["failures"])
        first = failures.get(p["failures"][0]) if p["failures"] else None
        out.append(
            f'<details class="problem{" known" if p.get("baselined") else ""}" id="problem-{_e(p["id"])}" '
            f'data-versions="{_e(" ".join(p["api_versions"]))}" data-suites="{_e(" ".join(p["suites"]))}">'
            f'<summary><strong>{_e(p["id"])}</strong> <span class="stmt">{_e(p["statement"])}</span> '
            f'<span class="meta">· {_e(p.get("requirement") or "no requirement id")} · seen {seen}× · '
            f'{_e(", ".join(p["api_versions"]))} · {_e(", ".join(p["suites"]))}'
            f'{" · known (baseline)" if p.get("baselined") else ""}</span></summary>'
            f"<p>Breaks <strong>{_e(p.get('requirement') or '—')}</strong>"
            f"{': ' + _e(p.get('requirement_title')) if p.get('requirement_title') else ''}<br>"
            f"{_reference(p.get('reference'))}</p>"
            + _pre("Reproduce (export REGISTER_API_TOKEN / REGISTER_API_SECOND_TOKEN first)", p.get("curl"), "curl")
            + _pre("What went wrong (first failure)", (first or {}).get("message") or p.get("message"))
            + "<details class='exchange'><summary>First request and response</summary>"
            + _pre("Request", req_text) + _pre("Response", resp_text) + "</details>"
            + f"<details><summary>{seen} failure(s) showed it</summary><ul class='tests'>{listing}</ul></details>"
            + "</details>")
    return "".join(out)


def _run_info(s: Mapping[str, Any]) -> str:
    settings, req = s["settings"], s["requests"]
    schemas = "<br>".join(
        f"{_e(v)}: <code>{_e(info['sha256'])}</code> "
        f"({'matches manifest' if info['matches_manifest'] else 'NOT the manifest file'})"
        for v, info in s["schemas"].items())
    target = _e(s["target"]["base_url"]) + (" (embedded sandbox)" if s["target"].get("embedded_sandbox") else "")
    return _kv([
        ("Target", target),
        ("API versions", _e(", ".join(s["api_versions"]))),
        ("Official schemas (sha256)", schemas),
        ("Suites", _e(", ".join(settings["suites"]))),
        ("Profile", _e(settings["profile"])),
        ("Seed", _e(settings["seed"])),
        ("Client rate limit", _e(settings["rate_limit"] or "off")),
        ("Destructive tests on production", "allowed" if settings["allow_production"] else "refused"),
        ("Started / finished (UTC)", f"{_e(s['started'])} → {_e(s['finished'])} ({s['duration_seconds']:.0f} s)"),
        ("Requests sent", f"{req['count']} ({req['retries']} retries; {req['rate_limit_waits']} rate-limit waits, "
                          f"{req['rate_limit_wait_seconds']:.1f} s; {req['throttle_waits']} throttle waits, "
                          f"{req['throttle_wait_seconds']:.1f} s)"),
        ("Tool", _e(" · ".join(f"{k} {v}" for k, v in s["tool"].items() if k != "name" and v))),
        ("Run id", _e(settings["run_id"])),
    ])


def _totals(s: Mapping[str, Any]) -> str:
    cols = ("pass", "fail", "error", "skip", "not-covered", "not-applicable")
    head = "".join(f'<th class="num">{_e(c)}</th>' for c in cols)
    rows = "".join(
        f"<tr><th>{_e(v)}</th>" + "".join(f'<td class="num">{t.get(c, 0)}</td>' for c in cols) + "</tr>"
        for v, t in s["requirement_totals"].items())
    return f'<table id="requirement-totals"><tr><th>Requirements</th>{head}</tr>{rows}</table>'


def _pre(label: str, text: str | None, cls: str = "") -> str:
    if not text:
        return ""
    return f'<div><strong>{_e(label)}</strong><pre class="{cls}">{_e(text)}</pre></div>'


def _failures(s: Mapping[str, Any]) -> str:
    if not s["failures"]:
        return "<p>No test failed.</p>"
    out = []
    for f in s["failures"]:
        known = f.get("baselined")
        reqs = ", ".join(f.get("failed_requirements") or f["requirements"]) or "no requirement id"
        problem = f.get("problem")
        link = f' · problem <a href="#problem-{_e(problem)}">{_e(problem)}</a>' if problem else ""
        req_text, resp_text = _exchange_text(f.get("request"), f.get("response"))
        out.append(
            f'<div class="failure{" known" if known else ""}" id="failure-{_e(f["id"])}">'
            f'<h3>{_badge(_TEST_VERDICT.get(f["outcome"], f["outcome"]), known)} <code>{_e(f["id"])}</code></h3>'
            f"<p>Requirement: <strong>{_e(reqs)}</strong> · API {_e(f['api_version'])}{link}"
            f"{' · excused by the baseline' if known else ''}</p>"
            + _pre("What went wrong", f.get("message"))
            + _pre("Request", req_text)
            + _pre("Response", resp_text)
            + _pre("Reproduce (export REGISTER_API_TOKEN / REGISTER_API_SECOND_TOKEN first)", f.get("curl"), "curl")
            + (f"<details><summary>Full output</summary><pre>{_e(f['details'])}</pre></details>"
               if f.get("details") else "")
            + "</div>")
    return "".join(out)


def _traceability(s: Mapping[str, Any]) -> str:
    versions = s["api_versions"]
    head = "".join(f"<th>{_e(v)}</th>" for v in versions)
    rows = []
    for r in s["requirements"]:
        cells = []
        for v in versions:
            res = r["results"].get(v, {"verdict": "not-applicable", "tests": [], "known_failure": False})
            tests = res["tests"]
            listing = "".join(f"<li><code>{_e(t)}</code></li>" for t in tests)
            if len(tests) > 3:
                listing = f"<details><summary>{len(tests)} tests</summary><ul class='tests'>{listing}</ul></details>"
            elif tests:
                listing = f"<ul class='tests'>{listing}</ul>"
            elif res["verdict"] == "not-covered" and r.get("not_tested"):
                listing = f'<span class="muted">not tested: {_e(r["not_tested"])}</span>'
            cells.append(f"<td>{_badge(res['verdict'], res.get('known_failure', False))}{listing}</td>")
        refs = r.get("references") or {}
        ref = refs.get(versions[0]) if versions else None
        source = _reference(ref) if ref else f"<span class='muted'>{_e(r['source'])}</span>"
        rows.append(f"<tr><td><strong>{_e(r['id'])}</strong> <span class='muted'>{_e(r['level'])}</span><br>"
                    f"{_e(r['title'])}<br>{source}</td>{''.join(cells)}</tr>")
    return f'<table id="traceability"><tr><th>Requirement</th>{head}</tr>{"".join(rows)}</table>'


def _coverage(s: Mapping[str, Any]) -> str:
    out = []
    for version, cov in s["coverage"].items():
        ops = cov["operations"]
        codes = sorted({c for op in ops for c in (*op["documented"], *op["observed"])})
        never = sum(1 for op in ops for c in op["documented"] if c not in op["observed"])
        untouched = sum(1 for op in ops if not op["observed"])
        head = "".join(f'<th class="num">{_e(c)}</th>' for c in codes)
        rows = []
        for op in ops:
            cells = []
            for c in codes:
                n, documented = op["observed"].get(c), c in op["documented"]
                if n and documented:
                    cells.append(f'<td class="num cell-ok" title="documented, exercised">{n}</td>')
                elif n:
                    cells.append(f'<td class="num cell-extra" title="not documented for this operation">{n}</td>')
                elif documented:
                    cells.append('<td class="num cell-never" title="documented, never exercised">never</td>')
                else:
                    cells.append("<td></td>")
            rows.append(f"<tr><td><code>{_e(op['method'])} {_e(op['path'])}</code></td>{''.join(cells)}</tr>")
        extra = ""
        if cov["undocumented"]:
            items = "".join(f"<li><code>{_e(u['method'])} {_e(u['path'])}</code> → {_e(u['status'])} ×{u['count']}</li>"
                            for u in cov["undocumented"])
            extra = f"<details><summary>{len(cov['undocumented'])} request(s) outside the documented operations" \
                    f"</summary><ul>{items}</ul></details>"
        out.append(
            f"<h3>{_e(version)}</h3><p class='muted'>{len(ops)} documented operations; {untouched} never called; "
            f"{never} documented status code(s) never observed. Green: documented and seen · grey: documented, "
            f"never seen · orange: seen but not documented for the operation.</p>"
            f'<table class="coverage" id="coverage-{_e(version)}"><tr><th>Operation</th>{head}</tr>'
            f"{''.join(rows)}</table>{extra}")
    return "".join(out)


def _skips(s: Mapping[str, Any]) -> str:
    reasons = Counter((t.get("reason") or "no reason given") for t in s["tests"] if t["outcome"] == "skipped")
    if not reasons:
        return "<p>No test was skipped.</p>"
    rows = "".join(f'<tr><td class="num">{n}</td><td>{_e(r)}</td></tr>' for r, n in reasons.most_common())
    return f'<table id="skips"><tr><th class="num">Tests</th><th>Reason</th></tr>{rows}</table>'


def _baseline(s: Mapping[str, Any]) -> str:
    b = s.get("baseline")
    if not b:
        return ""
    def items(xs: list[str]) -> str:
        return "".join(f"<li><code>{_e(x)}</code></li>" for x in xs) or "<li>none</li>"
    return (f"<h2>Baseline</h2><p>{_e(b['file'])}: {b['entries']} entries; {len(b['known_failures'])} failing "
            f"test(s) excused.</p><h3>Now passing (remove from the baseline)</h3><ul>{items(b['now_passing'])}</ul>"
            f"<h3>Matched no test</h3><ul>{items(b['unmatched'])}</ul>")


def _comparison(s: Mapping[str, Any]) -> str:
    c = s.get("comparison")
    if not c:
        return ""

    def items(rows: list[Mapping[str, Any]]) -> str:
        return "".join(f"<li>{_e(r.get('statement') or r.get('key'))} <span class='muted'>"
                       f"({_e(r.get('requirement') or '')}, seen {r.get('count', 0)}×)</span></li>" for r in rows) \
            or "<li>none</li>"

    changed = "".join(f"<li><code>{_e(r['id'])}</code> {_e(r['api_version'])}: {_e(r['before'])} → "
                      f"{_e(r['after'])}</li>" for r in c["requirements_changed"]) or "<li>none</li>"
    return (f"<h2 id='comparison'>Compared with the previous run</h2><p class='muted'>{_e(c['previous'])}</p>"
            f"<h3>New problems ({len(c['new'])})</h3><ul>{items(c['new'])}</ul>"
            f"<h3>Fixed problems ({len(c['fixed'])})</h3><ul>{items(c['fixed'])}</ul>"
            f"<h3>Still failing ({len(c['still_failing'])})</h3><ul>{items(c['still_failing'])}</ul>"
            f"<h3>Requirements whose verdict changed ({len(c['requirements_changed'])})</h3><ul>{changed}</ul>")


def render_html(summary: Mapping[str, Any]) -> str:
    """The whole report page."""
    s = summary
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Register API conformance: {_e(s['verdict'])} — {_e(s['target']['base_url'])}</title>"
        f"<style>{CSS}</style></head><body><main>"
        + _banner(s)
        + f"<h2 id='problems'>Problems ({len(s.get('problems') or [])})</h2>" + _problems(s)
        + _comparison(s)
        + "<h2>Run</h2>" + _run_info(s)
        + "<h2>Results by requirement</h2>" + _totals(s)
        + f"<h2>Failures ({len(s['failures'])})</h2>" + _failures(s)
        + "<h2>Requirement traceability</h2><p class='muted'>Each requirement of the catalogue, the tests that "
          "check it and the verdict per API version (error &gt; fail &gt; skip &gt; pass).</p>" + _traceability(s)
        + "<h2>Operation × status-code coverage</h2>" + _coverage(s)
        + "<h2>Skipped tests</h2>" + _skips(s)
        + _baseline(s)
        + f"<p class='muted'>summary.json format {_e(s['format_version'])} · generated by "
          f"register-conformance {_e(s['tool'].get('version'))}</p>"
        + f"</main><script>{FILTER_SCRIPT}</script></body></html>\n"
    )
