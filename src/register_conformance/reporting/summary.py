"""Build ``summary.json`` (format ``summary.schema.json``) from the results of each pytest run.

The summary is the source of truth: ``report.html`` and the terminal table are rendered from it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from register_conformance.reporting import FORMAT_VERSION, SCHEMA_PATH, outcomes
from register_conformance.reporting.baseline import Baseline
from register_conformance.reporting.problems import build_problems
from register_conformance.reporting.traffic import OperationMatcher, version_of
from register_conformance.requirements import Requirement, public_reference

MAX_UNDOCUMENTED = 200
_STAT_KEYS = ("requests", "retries", "rate_limit_waits", "rate_limit_wait_seconds", "throttle_waits",
              "throttle_wait_seconds")


def _tests(runs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    tests = []
    for run in runs:
        for test in run.get("tests", ()):
            if "outcome" not in test:
                continue
            entry = {
                "id": f"{run['label']}::{test['nodeid']}",
                "nodeid": test["nodeid"],
                "run": run["label"],
                "api_version": run.get("api_version"),
                "suite": test.get("suite", ""),
                "outcome": test["outcome"],
                "requirements": list(test.get("requirements", ())),
                "duration_seconds": test.get("duration_seconds", 0.0),
                "resource": test.get("resource"),
                "baselined": False,
            }
            for key in ("reason", "message", "request", "response", "curl", "details", "failed_requirements",
                        "signature", "findings"):
                if test.get(key):
                    entry[key] = test[key]
            tests.append(entry)
    return tests


def _failures_of(test: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The failure entries of a failed test: one, or one per finding when it reported several
    (``RequirementFailure.several``: ids ``<test id>#1``, ``#2``, …, each with its own requirement and
    exchange; the test's full output is shared)."""
    keys = ("id", "nodeid", "api_version", "suite", "outcome", "requirements", "message", "request", "response",
            "curl", "details", "baselined", "signature")
    entry = {key: test.get(key) for key in keys}
    findings = test.get("findings") or ()
    if not findings:
        return [{**entry, "failed_requirements": test.get("failed_requirements") or list(test["requirements"])}]
    own = ("message", "request", "response", "curl", "signature")
    return [{**entry, **{key: finding.get(key) for key in own}, "id": f"{test['id']}#{index}",
             "failed_requirements": [finding["requirement"]] if finding.get("requirement")
             else list(test["requirements"])}
            for index, finding in enumerate(findings, 1)]


def _requests(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = dict.fromkeys(_STAT_KEYS, 0)
    statuses: Counter[str] = Counter()
    for run in runs:
        stats = run.get("stats") or {}
        for key in _STAT_KEYS:
            total[key] += stats.get(key, 0) or 0
        statuses.update({str(k): int(v) for k, v in (stats.get("statuses") or {}).items()})
    for key in ("rate_limit_wait_seconds", "throttle_wait_seconds"):
        total[key] = round(float(total[key]), 3)
    total["count"] = total.pop("requests")
    total["recorded_exchanges"] = sum(int(row["count"]) for run in runs for row in run.get("traffic", ()))
    total["statuses"] = dict(sorted(statuses.items()))
    return total


def _requirements(tests: list[dict[str, Any]], runs: Sequence[Mapping[str, Any]], versions: Sequence[str],
                  catalogue: Mapping[str, Requirement]) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    applies: dict[str, list[str]] = {run["label"]: list(run.get("versions") or [run.get("api_version")])
                                     for run in runs}
    by_req: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for test in tests:
        for version in applies.get(test["run"], ()):
            # A failure may name a requirement its test does not cite (LC-SCHEMA inside any scenario).
            for rid in dict.fromkeys([*test["requirements"], *(test.get("failed_requirements") or ())]):
                by_req.setdefault((rid, version), []).append(test)

    def outcome_for(rid: str, test: dict[str, Any]) -> str:
        named = test.get("failed_requirements")
        if outcomes.counts_against(test["outcome"]) and named and rid not in named:
            return outcomes.PASSED  # the test failed, but on another of the rules it checks
        return test["outcome"]

    rows, totals = [], {v: dict.fromkeys(outcomes.VERDICTS, 0) for v in versions}
    for rid, req in catalogue.items():
        results = {}
        for version in versions:
            hits = by_req.get((rid, version), [])
            if hits:
                verdict = outcomes.rollup(outcome_for(rid, t) for t in hits)
            else:
                verdict = outcomes.NOT_APPLICABLE if version not in req.versions else outcomes.NOT_COVERED
            known = bool(hits) and verdict in ("fail", "error") and all(
                t["baselined"] for t in hits if outcomes.counts_against(outcome_for(rid, t)))
            results[version] = {"verdict": verdict, "known_failure": known, "tests": [t["id"] for t in hits]}
            totals[version][verdict] += 1
        rows.append({"id": rid, "title": req.title, "level": req.level, "source": req.source, "area": req.area,
                     "versions": list(req.versions), "not_tested": req.not_tested, "results": results,
                     "references": {v: public_reference(req.source, v) for v in versions}})
    return rows, totals


def _coverage(runs: Sequence[Mapping[str, Any]], versions: Sequence[str],
              matchers: Mapping[str, OperationMatcher]) -> dict[str, Any]:
    observed: dict[str, Counter[tuple[str, str, str]]] = {v: Counter() for v in versions}
    undocumented: dict[str, Counter[tuple[str, str, str]]] = {v: Counter() for v in versions}
    for run in runs:
        default = run.get("api_version") or versions[0]
        for row in run.get("traffic", ()):
            version = version_of(row["path"], default, versions)
            if version not in observed:
                continue
            matcher = matchers.get(version)
            template = matcher.template(row["method"], row["path"]) if matcher else None
            key = (row["method"], template or row["path"], str(row["status"]))
            documented = matcher is not None and (row["method"], template) in matcher.documented
            (observed if documented else undocumented)[version][key] += int(row["count"])
    coverage = {}
    for version in versions:
        matcher = matchers.get(version)
        operations = []
        for (method, path), codes in sorted((matcher.documented if matcher else {}).items(),
                                            key=lambda kv: (kv[0][1], kv[0][0])):
            seen = {s: n for (m, p, s), n in observed[version].items() if m == method and p == path}
            operations.append({"method": method, "path": path, "documented": codes,
                               "observed": dict(sorted(seen.items()))})
        extra = [{"method": m, "path": p, "status": s, "count": n}
                 for (m, p, s), n in sorted(undocumented[version].items())][:MAX_UNDOCUMENTED]
        coverage[version] = {"operations": operations, "undocumented": extra}
    return coverage


def build_summary(meta: Mapping[str, Any], runs: Sequence[Mapping[str, Any]], catalogue: Mapping[str, Requirement],
                  matchers: Mapping[str, OperationMatcher], baseline: Baseline | None = None, *,
                  interrupted: bool = False) -> dict[str, Any]:
    """The summary document. ``meta`` carries target, versions, schemas, tool, settings and times.

    ``interrupted``: the run was stopped (Ctrl-C) before every test ran; the verdict says so whatever
    the results of the tests that did run.
    """
    versions = list(meta["api_versions"])
    tests = _tests(runs)
    baseline_section = baseline.apply(tests) if baseline else None
    requirements, requirement_totals = _requirements(tests, runs, versions, catalogue)
    counted = Counter(t["outcome"] for t in tests)
    blocking = [t for t in tests if outcomes.counts_against(t["outcome"]) and not t["baselined"]]
    verdict = outcomes.NON_CONFORMANT if blocking else outcomes.CONFORMANT
    if interrupted:
        verdict = outcomes.INTERRUPTED
    failures = [failure for t in tests if outcomes.counts_against(t["outcome"]) for failure in _failures_of(t)]
    titles = {rid: req.title for rid, req in catalogue.items()}
    references = {rid: public_reference(req.source, versions[0]) for rid, req in catalogue.items()}
    problems = build_problems(failures, matchers, titles, references)
    for failure in failures:
        failure.pop("signature", None)
    return {
        "format": "register-conformance-summary",
        "format_version": FORMAT_VERSION,
        "verdict": verdict,
        "exit_code": 130 if interrupted else 1 if blocking else 0,
        "target": dict(meta["target"]),
        "api_versions": versions,
        "schemas": dict(meta["schemas"]),
        "tool": dict(meta["tool"]),
        "settings": dict(meta["settings"]),
        "started": meta["started"],
        "finished": meta["finished"],
        "duration_seconds": meta["duration_seconds"],
        "totals": {
            "tests": len(tests),
            "passed": counted[outcomes.PASSED],
            "failed": counted[outcomes.FAILED],
            "skipped": counted[outcomes.SKIPPED],
            "errors": counted[outcomes.ERROR],
            "known_failures": sum(1 for t in tests if t["baselined"]),
        },
        "requests": _requests(runs),
        "runs": [
            {"label": r["label"], "api_version": r.get("api_version"), "suites": list(r.get("suites", ())),
             "exit_status": r.get("exitstatus"), "duration_seconds": r.get("duration_seconds", 0.0),
             "tests": len(r.get("tests", ())), "collect_errors": list(r.get("collect_errors", ()))}
            for r in runs
        ],
        "requirement_totals": requirement_totals,
        "requirements": requirements,
        "problems": problems,
        "failures": failures,
        "tests": [{k: v for k, v in t.items()
                   if k not in ("message", "request", "response", "curl", "details", "failed_requirements",
                                "signature", "findings")}
                  for t in tests],
        "coverage": _coverage(runs, versions, matchers),
        "baseline": baseline_section,
    }


def load_schema() -> dict[str, Any]:
    """The JSON Schema of summary.json."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def write_summary(summary: Mapping[str, Any], path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
