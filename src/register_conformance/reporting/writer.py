"""Write the reports of a finished (or interrupted) run: summary.json, report.html, junit.xml, baseline hint.

One writer for both routes: ``register-conformance run`` (one pytest child per suite × version, their
JUnit files merged) and ``pytest suites ... --reports DIR`` (the collector plugin of that pytest
process, whose own ``--junitxml`` already is the junit.xml).
"""

from __future__ import annotations

import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from register_conformance import __version__
from register_conformance.reporting.baseline import Baseline
from register_conformance.settings import Settings


def utc(ts: float | None = None) -> str:
    import time

    return datetime.fromtimestamp(ts or time.time(), UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def schemas_used(versions: Sequence[str], openapi_dir: str | None) -> dict[str, dict[str, Any]]:
    """Per version: the official schema file, its sha256 and that it matches the manifest (else an error)."""
    from register_conformance.schemas import locate, verify

    found = {}
    for version in versions:
        schema = verify(locate(version, openapi_dir))
        found[version] = {"file": schema.path.name, "sha256": schema.sha256, "matches_manifest": True,
                          "path": schema.path}
    return found


def tool_versions() -> dict[str, str | None]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {"name": "register-conformance", "version": __version__, "python": platform.python_version(),
            "pytest": version("pytest"), "schemathesis": version("schemathesis")}


def suggest_baseline(summary: Mapping[str, Any], path: Path) -> None:
    ids: dict[str, None] = {}
    for failure in summary["failures"]:
        for rid in failure.get("failed_requirements") or failure["requirements"] or [failure["nodeid"]]:
            ids[rid] = None
    if ids:
        lines = ["# Failing requirement/test ids of this run; pass this file to --baseline to accept them for now."]
        lines += [f"- {i!r}" if any(c in i for c in ":[]#") else f"- {i}" for i in ids]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_reports(reports: Path, *, target: Settings, embedded: bool, versions: list[str], suites: list[str],
                  schemas: Mapping[str, Mapping[str, Any]], results: Sequence[Mapping[str, Any]],
                  junit_parts: Sequence[tuple[str, Path]] | None, baseline: Baseline | None, started: str,
                  duration_seconds: float, interrupted: bool = False,
                  compare_with: tuple[Path, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """Build ``summary.json`` from the runs' ``results`` and render the other files beside it.

    ``junit_parts``: ``(label, file)`` pairs merged into ``junit.xml`` (None: it is written elsewhere).
    ``compare_with``: a previous run's summary (``compare.load_summary``); adds the ``comparison`` section.
    """
    from register_conformance.reporting.html import render_html
    from register_conformance.reporting.junit import merge_junit
    from register_conformance.reporting.summary import build_summary, write_summary
    from register_conformance.reporting.traffic import OperationMatcher
    from register_conformance.requirements import catalogue
    from register_conformance.schemas import load_official

    matchers = {v: OperationMatcher(load_official(v, target.openapi_dir).get("paths") or {}) for v in versions}
    meta = {
        "target": {"base_url": target.base_url, "embedded_sandbox": embedded},
        "api_versions": versions,
        "schemas": {v: {k: s[k] for k in ("file", "sha256", "matches_manifest")} for v, s in schemas.items()},
        "tool": tool_versions(),
        "settings": {"seed": target.seed, "profile": target.profile,
                     "rate_limit": str(target.rate_limit) if target.rate_limit else None,
                     "allow_production": bool(target.allow_production), "suites": suites, "run_id": target.run_id},
        "started": started,
        "finished": utc(),
        "duration_seconds": round(duration_seconds, 1),
    }
    summary = build_summary(meta, results, catalogue(), matchers, baseline, interrupted=interrupted)
    if compare_with:
        from register_conformance.reporting.compare import compare

        previous_file, previous = compare_with
        summary["comparison"] = compare(previous, summary, str(previous_file))
    write_summary(summary, reports / "summary.json")
    (reports / "report.html").write_text(render_html(summary), encoding="utf-8")
    if junit_parts is not None:
        merge_junit(list(junit_parts), reports / "junit.xml")
    suggest_baseline(summary, reports / "baseline-suggestion.yaml")
    return summary
