"""``register-conformance schemas``: where the official schemas are and whether they match."""

from __future__ import annotations

import argparse
import json

from register_conformance import API_VERSIONS
from register_conformance.errors import EXIT_CONFIG, ConfigurationError
from register_conformance.schemas import ENV_OPENAPI_DIR, locate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--openapi-dir", help=f"folder holding v2025.0.yaml / v2026.1.yaml (env {ENV_OPENAPI_DIR})")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def main(args: argparse.Namespace) -> int:
    rows = []
    problems: list[str] = []
    for version in API_VERSIONS:
        try:
            found = locate(version, args.openapi_dir)
        except ConfigurationError as exc:
            problems.append(str(exc))
            rows.append({"version": version, "path": None, "sha256": None, "matches_manifest": False})
            continue
        rows.append(
            {
                "version": version,
                "path": str(found.path),
                "sha256": found.sha256,
                "matches_manifest": found.matches_manifest,
                "source": found.source,
            }
        )
        if not found.matches_manifest:
            problems.append(f"{found.path} does not match the manifest sha256 for {version}")
    if args.json:
        print(json.dumps({"schemas": rows, "ok": not problems}, indent=2))
    else:
        for row in rows:
            status = "ok" if row["matches_manifest"] else ("MISSING" if row["path"] is None else "MISMATCH")
            print(f"{row['version']}  {status:8}  {row['sha256'] or '-':64}  {row['path'] or '-'}")
    if problems:
        for problem in problems:
            print(f"register-conformance schemas: error: {problem}", file=__import__("sys").stderr)
        return EXIT_CONFIG
    return 0
