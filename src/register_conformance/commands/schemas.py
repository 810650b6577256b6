"""``register-conformance schemas``: where the official schemas are and whether they match.

``--export DIR`` also writes our overlaid schema per version (``DIR/<version>.overlaid.yaml``, see
``schema_export``) for other tools.
"""

from __future__ import annotations

import argparse
import json
import sys

from register_conformance import API_VERSIONS
from register_conformance.errors import EXIT_CONFIG, ConfigurationError
from register_conformance.schemas import ENV_OPENAPI_DIR, locate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--openapi-dir", help=f"folder holding v2025.0.yaml / v2026.1.yaml (env {ENV_OPENAPI_DIR})")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--export", metavar="DIR",
                        help="write our overlaid schemas as standalone OpenAPI files DIR/<version>.overlaid.yaml "
                             "(our reading of the facts, not DfE's files)")
    parser.add_argument("--api-version", choices=(*API_VERSIONS, "all"), default="all",
                        help="with --export: the version(s) to write (default: all)")


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
            print(f"register-conformance schemas: error: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    if args.export:
        from register_conformance.schema_export import export

        versions = list(API_VERSIONS) if args.api_version == "all" else [args.api_version]
        for path in export(args.export, versions, args.openapi_dir):
            print(f"exported {path}", file=sys.stderr if args.json else sys.stdout)
    return 0
