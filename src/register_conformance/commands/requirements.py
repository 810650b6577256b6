"""``register-conformance requirements``: the requirement catalogue and the tests that cover it.

Coverage comes from the test markers (``@pytest.mark.requirement``): the suites are collected by
pytest in a subprocess (``--collect-only``, no target needed), never typed by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from register_conformance.errors import ConfigurationError
from register_conformance.reporting.execute import COLLECTOR
from register_conformance.requirements import catalogue, client_catalogue
from register_conformance.schemas import ENV_OPENAPI_DIR, schema_folder
from register_conformance.settings import build_settings

#: How the client rules (``CL-…``) are judged: from a client's traffic, not by a suite test.
CLIENT_JUDGED_BY = "register-conformance client check | client serve"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--uncovered", action="store_true", help="list only the requirements no test covers")
    parser.add_argument("--openapi-dir", help=f"folder holding v2025.0.yaml / v2026.1.yaml (env {ENV_OPENAPI_DIR}); "
                                              "collecting the schema suite reads the official schema")
    parser.add_argument("--suites-dir", help=argparse.SUPPRESS)


def collect_coverage(suites: Path, openapi_dir: str | None = None) -> dict[str, list[str]]:
    """Requirement id → node ids of the tests citing it, by collecting ``suites`` with pytest.

    The schema suite builds its tests from the official schema at collection time; the child runs in a
    temporary folder, so the schema folder is resolved here and passed on (a missing schema: one line, exit 2).
    """
    if not suites.is_dir():
        raise ConfigurationError(f"no suites folder at {suites}")
    version = build_settings({}, os.environ).api_version  # the version the child collects for
    schemas = schema_folder([version], openapi_dir)
    with tempfile.TemporaryDirectory(prefix="rc-collect-") as tmp:
        out = Path(tmp) / "collected.json"
        cmd = [sys.executable, "-m", "pytest", str(suites), "--collect-only", "-q", "-p", COLLECTOR,
               "--register-results", str(out), "-p", "no:cacheprovider", "--rootdir", str(suites.parent),
               "--api-version", version, "--openapi-dir", str(schemas)]
        proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, errors="replace")
        if proc.returncode not in (0, 5) or not out.is_file():
            lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
            errors = [ln for ln in lines if ln.startswith(("ERROR", "E "))]
            raise ConfigurationError(f"collecting {suites} failed: {(errors or lines or ['no output'])[-1].strip()}")
        collected = json.loads(out.read_text(encoding="utf-8")).get("collected", [])
    coverage: dict[str, list[str]] = {}
    for item in collected:
        for rid in item["requirements"]:
            coverage.setdefault(rid, []).append(item["nodeid"])
    return coverage


def rows(coverage: dict[str, list[str]]) -> list[dict[str, Any]]:
    return [
        {"id": r.id, "title": r.title, "level": r.level, "source": r.source, "versions": list(r.versions),
         "area": r.area, "not_tested": r.not_tested or None, "tests": coverage.get(r.id, [])}
        for r in catalogue().values()
    ]


def client_rows() -> list[dict[str, Any]]:
    """The client rules: judged from recorded traffic, so never "not covered"."""
    return [
        {"id": r.id, "title": r.title, "level": r.level, "source": r.source, "versions": list(r.versions),
         "area": r.area, "not_tested": None, "tests": [], "judged_by": CLIENT_JUDGED_BY}
        for r in client_catalogue().values()
    ]


def main(args: argparse.Namespace) -> int:
    from register_conformance.commands.run import suites_root

    table = rows(collect_coverage(suites_root(args.suites_dir), args.openapi_dir))
    uncovered = [r for r in table if not r["tests"]]
    clients = client_rows()
    if args.json:
        print(json.dumps(uncovered if args.uncovered else table + clients, indent=2))
        return 0
    shown = uncovered if args.uncovered else table
    for r in shown:
        versions = ",".join(v.removeprefix("v") for v in r["versions"])
        tests = f"{len(r['tests'])} test(s)" if r["tests"] else ("not tested: " + r["not_tested"]
                                                                 if r["not_tested"] else "NOT COVERED")
        print(f"{r['id']:<24} {r['level']:<6} {versions:<14} {tests:<12} {r['title']} ({r['source']})")
        if not args.uncovered:
            for test in r["tests"]:
                print(f"{'':<26}- {test}")
    print(f"\n{len(table)} requirements; {len(table) - len(uncovered)} covered by tests; "
          f"{len(uncovered)} not covered" + (":" if uncovered and not args.uncovered else "."))
    if uncovered and not args.uncovered:
        print("  " + ", ".join(r["id"] for r in uncovered))
    if not args.uncovered:
        print(f"\nClient requirements (judged by {CLIENT_JUDGED_BY}):")
        for r in clients:
            versions = ",".join(v.removeprefix("v") for v in r["versions"])
            print(f"{r['id']:<26} {r['level']:<6} {versions:<14} {r['title']} ({r['source']})")
        print(f"\n{len(clients)} client requirements.")
    return 0
