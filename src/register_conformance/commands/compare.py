"""``register-conformance compare A B``: what changed between two finished runs.

A and B are reports folders (or their ``summary.json``): A the earlier run, B the later one. Prints
new problems, fixed problems, problems still failing and the requirements whose verdict changed —
the same section ``run --compare`` adds to a report. Exit 0; with ``--fail-on-new``, 1 when B has a
problem A did not; 2 when a summary cannot be read.
"""

from __future__ import annotations

import argparse
import json

from register_conformance.errors import EXIT_NONCONFORMANT, EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("previous", metavar="A", help="the earlier run: its reports folder or summary.json")
    parser.add_argument("current", metavar="B", help="the later run: its reports folder or summary.json")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument("--fail-on-new", action="store_true", help="exit 1 when B has a problem A did not")


def main(args: argparse.Namespace) -> int:
    from register_conformance.reporting.compare import compare, load_summary, render_text

    previous_file, previous = load_summary(args.previous)
    _, current = load_summary(args.current)
    comparison = compare(previous, current, str(previous_file))
    print(json.dumps(comparison, indent=2, ensure_ascii=False) if args.format == "json" else render_text(comparison))
    return EXIT_NONCONFORMANT if args.fail_on_new and comparison["new"] else EXIT_OK
