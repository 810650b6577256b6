"""``register-conformance compat``: compare two API versions' schemas and classify the changes.

Exit codes: 0 when the report stays below ``--fail-on`` (default ``never``), 1 when it reaches it,
2 on bad input (unknown version, missing/corrupt schema files, unwritable output).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from register_conformance import API_VERSIONS
from register_conformance.compat import (
    compare,
    load_raw,
    render_html_page,
    render_json,
    render_text,
)
from register_conformance.compat.render import GROUPINGS
from register_conformance.errors import EXIT_NONCONFORMANT, EXIT_OK, UsageError
from register_conformance.schemas import ENV_OPENAPI_DIR

FORMATS = ("text", "json", "html")
FAIL_ON = ("breaking", "warning", "never")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="from_version", default="v2025.0", metavar="VERSION",
                        help=f"version the client is integrated against ({', '.join(API_VERSIONS)}; default v2025.0)")
    parser.add_argument("--to", dest="to_version", default="v2026.1", metavar="VERSION",
                        help="version to move to (default v2026.1)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="never",
                        help="exit 1 when a change of this class (or worse) is found (default never)")
    parser.add_argument("--group-by", choices=GROUPINGS, default="operation",
                        help="text output: group schema changes by operation (default) or by change")
    parser.add_argument("--openapi-dir", help=f"folder holding v2025.0.yaml / v2026.1.yaml (env {ENV_OPENAPI_DIR})")
    parser.add_argument("--no-overlays", action="store_true",
                        help="compare the official files as published, without our overlays")
    parser.add_argument("--output", metavar="FILE", help="write the report to FILE instead of stdout")


def main(args: argparse.Namespace) -> int:
    for version in (args.from_version, args.to_version):
        if version not in API_VERSIONS:
            raise UsageError(f"unknown API version {version!r}; expected one of {', '.join(API_VERSIONS)}")
    report = compare(args.from_version, args.to_version, openapi_dir=args.openapi_dir,
                     loader=load_raw if args.no_overlays else None)
    if args.format == "json":
        text = render_json(report)
    elif args.format == "html":
        text = render_html_page(report)
    else:
        text = render_text(report, group_by=args.group_by)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
        counts = report.counts()
        sys.stderr.write(f"compat {args.from_version} → {args.to_version}: {counts['breaking']} breaking, "
                         f"{counts['warning']} warning, {counts['info']} info → {args.output}\n")
    else:
        sys.stdout.write(text)
    return EXIT_NONCONFORMANT if report.fails(args.fail_on) else EXIT_OK
