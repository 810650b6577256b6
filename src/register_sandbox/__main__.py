"""``python -m register_sandbox``: the sandbox's command line (see README.md in this package)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date

from register_sandbox import defects
from register_sandbox.config import DEFAULT_TOKENS, KNOWN_VERSIONS, ProviderSeed, SandboxConfig
from register_sandbox.ratelimit import parse_rate_limit

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line input: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def parse_provider_token(text: str) -> ProviderSeed:
    """``NAME=TOKEN[:revoked|:expired|:expires=YYYY-MM-DD|:discarded]``."""
    name, sep, rest = text.partition("=")
    if not sep or not name.strip() or not rest:
        raise UsageError(f"--provider-token must be NAME=TOKEN[:OPTION], got {text.split('=')[0]!r}=…")
    token, _, option = rest.partition(":")
    if not token.strip():
        raise UsageError(f"--provider-token {name}: empty token")
    status, expires, discarded = "active", None, False
    if option in ("revoked", "expired"):
        status = option
    elif option == "discarded":
        discarded = True
    elif option.startswith("expires="):
        try:
            expires = date.fromisoformat(option[len("expires="):])
        except ValueError:
            raise UsageError(f"--provider-token {name}: expires= needs YYYY-MM-DD") from None
    elif option:
        raise UsageError(f"--provider-token {name}: unknown option {option!r} "
                         "(use revoked, expired, discarded or expires=YYYY-MM-DD)")
    return ProviderSeed(name.strip(), token.strip(), status, expires, discarded)


def _seconds(text: str, flag: str, allow_off: bool = False) -> float | None:
    if allow_off and text.strip().lower() == "off":
        return None
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{flag} must be a number of seconds{' or off' if allow_off else ''}, got {text!r}") from None
    if value < 0 or value != value or value == float("inf"):
        raise UsageError(f"{flag} must be a finite number >= 0, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m register_sandbox",
                     description="Reference Register trainee teachers API (sandbox).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--db", default="sandbox.sqlite3", help="SQLite file (created if missing)")
    parser.add_argument("--provider-token", action="append", default=[], metavar="NAME=TOKEN[:OPTION]",
                        help="seed a provider and token; OPTION: revoked, expired, discarded, expires=YYYY-MM-DD")
    parser.add_argument("--versions", default=",".join(KNOWN_VERSIONS), help="allow-list, comma separated")
    parser.add_argument("--trn-delay", default="2", help="seconds until a created trainee receives its TRN")
    parser.add_argument("--award-delay", default="off", help="seconds until a recommended trainee is awarded")
    parser.add_argument("--rate-limit", default="off", help="N/SECONDS (e.g. 100/60) or off")
    parser.add_argument("--defect", action="append", default=[], metavar="NAME",
                        help="switch on a deliberate defect; 'list' prints the catalogue")
    return parser


def config_from_args(argv: Sequence[str]) -> SandboxConfig | None:
    """Parse arguments into a config; ``None`` means '--defect list' was handled."""
    args = build_parser().parse_args(list(argv))
    if "list" in args.defect:
        for line in defects.catalogue_lines():
            sys.stdout.write(line + "\n")
        return None
    unknown = [name for name in args.defect if name not in defects.BY_NAME]
    if unknown:
        raise UsageError(f"unknown defect {unknown[0]!r} (see --defect list)")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0..65535, got {args.port}")
    versions = tuple(v.strip() for v in args.versions.split(",") if v.strip())
    bad = [v for v in versions if v not in KNOWN_VERSIONS]
    if bad or not versions:
        raise UsageError(f"--versions accepts {', '.join(KNOWN_VERSIONS)}; got {args.versions!r}")
    seeds = tuple(parse_provider_token(t) for t in args.provider_token) or tuple(
        ProviderSeed(n, t) for n, t in DEFAULT_TOKENS)
    try:
        rate_limit = parse_rate_limit(args.rate_limit)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return SandboxConfig(
        db_path=args.db, host=args.host, port=args.port, providers=seeds, versions=versions,
        trn_delay=_seconds(args.trn_delay, "--trn-delay") or 0.0,
        award_delay=_seconds(args.award_delay, "--award-delay", allow_off=True),
        rate_limit=rate_limit, defects=frozenset(args.defect),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse, start the server, exit 0 on Ctrl-C/SIGTERM, 2 on bad input."""
    try:
        config = config_from_args(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        sys.stderr.write(f"register-sandbox: error: {exc}\n")
        return EXIT_USAGE
    if config is None:
        return 0
    from register_sandbox.server import serve

    try:
        return serve(config)
    except sqlite3.Error as exc:
        sys.stderr.write(f"register-sandbox: error: cannot use database {config.db_path!r}: {exc}\n")
        return EXIT_USAGE
    except OSError as exc:
        reason = exc.strerror or str(exc)
        sys.stderr.write(f"register-sandbox: error: cannot serve on {config.host}:{config.port}: {reason}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
