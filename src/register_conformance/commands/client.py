"""``register-conformance client``: certify a vendor's client of the Register API.

``client check FILE.har`` judges recorded traffic offline; ``client serve`` stands in for the API and
observes a live client (``register_conformance.clientcert.serve``). Exit 0 certified, 1 not certified,
2 could not run (one line on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from register_conformance.errors import EXIT_USAGE


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
    check.add_argument("--journeys", metavar="LIST", help="comma-separated journeys the client claims (default all)")
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
    from register_conformance.clientcert.har import read_har
    from register_conformance.clientcert.judging import Context, judge

    exchanges = read_har(args.har)
    judgement = judge(exchanges, Context(plan="check"))
    return 0 if judgement.certified else 1
