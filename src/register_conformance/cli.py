"""The ``register-conformance`` command line: a thin dispatcher over ``commands/*``.

Each subcommand lives in ``register_conformance.commands.<name>`` and provides
``add_arguments(parser)`` and ``main(args) -> int``. Errors are one line on stderr and an exit
code (see ``errors.py``); never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from register_conformance import __version__
from register_conformance.errors import EXIT_INTERNAL, EXIT_USAGE, ConformanceError

COMMANDS: dict[str, str] = {
    "run": "certify a target: run the suites and write reports (starts the sandbox if no --base-url)",
    "sandbox": "start the reference Register API (the embedded default target)",
    "compare": "what changed between two finished runs (new, fixed and still-failing problems)",
    "compat": "compare two API versions' schemas and classify the changes",
    "requirements": "print the requirement catalogue and which tests cover it",
    "schemas": "show where the official schemas are and whether they match the manifest",
    "client": "certify a vendor's client: judge recorded traffic (check) or observe it live (serve)",
}


# Subcommands whose arguments are passed through untouched to another program.
PASSTHROUGH = frozenset({"sandbox"})


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="register-conformance",
        description="Conformance suite for the DfE Register trainee teachers API (v2025.0, v2026.1).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, help_text in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        module = _command_module(name)
        if module is not None and hasattr(module, "add_arguments"):
            module.add_arguments(sp)
    return parser


def _command_module(name: str):  # -> ModuleType | None
    try:
        return importlib.import_module(f"register_conformance.commands.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"register_conformance.commands.{name}":
            return None
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; whatever happens, one line on stderr and an exit code (never a traceback)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if not a.startswith("-")), "")
    prog = f"register-conformance {command}".strip()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        sys.stderr.write(f"{prog}: interrupted\n")
        return 130
    except BrokenPipeError:  # `… | head` stopped reading: not an error; exit as a shell reports SIGPIPE
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at interpreter exit
        return 141
    except Exception as exc:  # a defect of ours: say so in one line; the traceback only when asked for
        if os.environ.get("REGISTER_CONFORMANCE_DEBUG"):
            traceback.print_exc()
        frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
        sys.stderr.write(f"{prog}: internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}{where} "
                         "(a defect of this tool, please report it; REGISTER_CONFORMANCE_DEBUG=1 for the traceback)\n")
        return EXIT_INTERNAL


def _main(argv: list[str]) -> int:
    if argv and argv[0] in PASSTHROUGH:
        # These commands parse their own options in their own process (e.g. the sandbox).
        args = argparse.Namespace(command=argv[0], passthrough=argv[1:])
        return _dispatch(args)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_USAGE
    return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    module = _command_module(args.command)
    if module is None or not hasattr(module, "main"):
        sys.stderr.write(f"register-conformance {args.command}: not implemented yet\n")
        return EXIT_USAGE
    try:
        return int(module.main(args) or 0)
    except ConformanceError as exc:
        sys.stderr.write(f"register-conformance {args.command}: error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(f"register-conformance {args.command}: interrupted\n")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
