"""``register-conformance client``: certify a vendor's client of the Register API.

``client check FILE.har`` judges recorded traffic offline; ``client serve`` stands in for the API and
observes a live client (``register_conformance.clientcert.serve``). Exit 0 certified, 1 not certified,
2 could not run (one line on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from register_conformance import API_VERSIONS
from register_conformance.errors import EXIT_NONCONFORMANT, EXIT_OK, EXIT_USAGE, UsageError


def _serve_module():  # -> ModuleType | None
    try:
        return importlib.import_module("register_conformance.clientcert.serve")
    except ModuleNotFoundError as exc:
        if exc.name == "register_conformance.clientcert.serve":
            return None
        raise


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="client_command", metavar="SUBCOMMAND", parser_class=type(parser))
    check = sub.add_parser("check", help="judge recorded traffic (a HAR 1.2 file) offline",
                           description="judge recorded traffic (a HAR 1.2 file) offline")
    check.add_argument("har", metavar="FILE.har", help="HAR 1.2 file recorded against any Register environment")
    check.add_argument("--reports", metavar="DIR", default="reports/client",
                       help="where to write the reports (default reports/client)")
    check.add_argument("--api-version", dest="api_versions", action="append", metavar="VERSION",
                       help="version(s) the client is meant to use (default: taken from the URLs)")
    check.add_argument("--openapi-dir", help="folder holding v2025.0.yaml / v2026.1.yaml (env REGISTER_OPENAPI_DIR)")
    check.add_argument("--journeys", metavar="LIST",
                       help="comma-separated journeys the client claims (default all): "
                            "create-with-degree, add-or-replace-degree, add-placements, update-trainee, defer, "
                            "withdraw, recommend-for-qts, update-qts-or-eyts-status, incremental-read")
    serve = sub.add_parser("serve", help="stand in for the Register API and judge a live client",
                           description="stand in for the Register API and judge a live client")
    module = _serve_module()
    if module is not None:
        module.add_arguments(serve)


def main(args: argparse.Namespace) -> int:
    command = getattr(args, "client_command", None)
    if command == "serve":
        module = _serve_module()
        if module is None:
            sys.stderr.write("register-conformance client serve: not available in this build\n")
            return EXIT_USAGE
        return int(module.main(args) or 0)
    if command == "check":
        return _check(args)
    sys.stderr.write("register-conformance client: choose a subcommand: check or serve\n")
    return EXIT_USAGE


def _check(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from register_conformance.clientcert.har import HarError, read_har
    from register_conformance.clientcert.judging import Context, judge, parse_journeys
    from register_conformance.clientcert.report import verdict_table, write_reports
    from register_conformance.clientcert.rules_request import SchemaBook, served_version

    versions = None
    if args.api_versions:
        wanted = {v.strip() for item in args.api_versions for v in item.split(",") if v.strip()}
        unknown = sorted(wanted - set(API_VERSIONS))
        if unknown:
            raise UsageError(f"unknown API version {', '.join(unknown)}; expected {', '.join(API_VERSIONS)}")
        versions = frozenset(wanted)
    try:
        claimed = parse_journeys(args.journeys)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    started = datetime.now(UTC).isoformat(timespec="seconds")
    exchanges = read_har(args.har)
    if not any(ex.api_version is not None for ex in exchanges):
        raise HarError(f"{args.har}: no request to /api/{{version}}/ in the recording: nothing to judge")
    book = SchemaBook(openapi_dir=args.openapi_dir)
    # The request schemas are part of the verdict: without them the run cannot certify (exit 2, like `run`).
    book.require(sorted({v for ex in exchanges if (v := served_version(ex.api_version))}))
    judgement = judge(exchanges, Context(plan="check", api_versions=versions, claimed_journeys=claimed), book=book)
    seen = sorted({ex.api_version for ex in exchanges if ex.api_version})
    run_info = {"plan": "check", "source": str(args.har), "api_versions": seen, "started": started,
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "claimed_journeys": sorted(claimed) if claimed is not None else "all"}
    paths = write_reports(judgement, exchanges, Path(args.reports), run_info)
    print(verdict_table(judgement))
    print(f"reports: {paths['report.html'].parent}")
    return EXIT_OK if judgement.certified else EXIT_NONCONFORMANT
