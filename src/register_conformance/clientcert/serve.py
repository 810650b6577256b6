"""``register-conformance client serve``: stand in for the Register API, observe a vendor's client, judge it.

The embedded sandbox runs as its own process (``launcher.SandboxProcess``) — or ``--upstream`` names another
Register environment — behind the observer (``observer.py``) on ``--host``/``--port``. Adverse responses come
from ``adverse.AdversePlan`` (plans ``resilience`` and ``full``). The run finishes on ``--until-idle``,
``--duration``, SIGINT or SIGTERM (or the live page's finish): the recorded traffic is judged per client
(``judging.judge``), the reports are written (``report.write_reports``) and the verdict table printed.
Exit 0 every client certified, 1 not, 2 could not run (one line on stderr).
"""

from __future__ import annotations

import argparse
import importlib
import re
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import uvicorn

from register_conformance import __version__
from register_conformance.clientcert.adverse import AdversePlan
from register_conformance.clientcert.har import write_har
from register_conformance.clientcert.judging import JOURNEYS, parse_journeys
from register_conformance.clientcert.observer import Recording, observer_app
from register_conformance.clientcert.report import verdict_table, write_reports
from register_conformance.clientcert.rules_request import SchemaBook
from register_conformance.errors import ConformanceError, InternalError, TargetError, UsageError
from register_conformance.launcher import SandboxProcess

VERSIONS = ("v2025.0", "v2026.1")
PLANS = ("journeys", "resilience", "full")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$")
GENERATED_NAME = "vendor"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on; 0 picks a free one (default 8080)")
    parser.add_argument("--api-version", default="all", choices=[*VERSIONS, "all"],
                        help="version(s) served and allowed (default all)")
    parser.add_argument("--provider-token", action="append", default=[], metavar="NAME=TOKEN",
                        help="a client's token (repeatable; each NAME is judged on its own); "
                             "without it one token is generated and printed")
    parser.add_argument("--plan", default="full", choices=PLANS,
                        help="journeys: demonstrate the journeys; resilience: adverse responses; full: both "
                             "(default)")
    parser.add_argument("--journeys", metavar="LIST",
                        help="comma-separated journeys the client claims (default all): "
                             + ", ".join(j for j, _ in JOURNEYS))
    parser.add_argument("--seed", type=int, default=0, help="chooses where adverse responses fall (default 0)")
    parser.add_argument("--reports", metavar="DIR", default="reports/client",
                        help="where to write the reports (default reports/client; one folder per client "
                             "when several tokens are given)")
    parser.add_argument("--until-idle", type=float, metavar="SECONDS",
                        help="finish after this long without a request (counted from the first request)")
    parser.add_argument("--duration", type=float, metavar="SECONDS", help="finish after this long in any case")
    parser.add_argument("--openapi-dir", help="folder holding v2025.0.yaml / v2026.1.yaml (env REGISTER_OPENAPI_DIR)")
    parser.add_argument("--upstream", metavar="URL",
                        help="observe traffic to this Register environment instead of the embedded sandbox")
    parser.add_argument("--trn-delay", type=float, default=2.0, metavar="SECONDS",
                        help="embedded sandbox: seconds until a created trainee gets its TRN (default 2)")
    parser.add_argument("--retry-after", type=int, default=5, metavar="SECONDS",
                        help="Retry-After announced by injected 429/503 answers (default 5)")
    parser.add_argument("--late-trn", type=float, default=20.0, metavar="SECONDS",
                        help="the late TRN is shown no sooner than this long after its create (default 20; "
                             "the others arrive after --trn-delay)")


def main(args: argparse.Namespace) -> int:
    try:
        return _Serve(args).run()
    except ConformanceError as exc:
        sys.stderr.write(f"register-conformance client serve: {exc}\n")
        return exc.exit_code


# -- options ---------------------------------------------------------------------------------------------
def parse_tokens(values: list[str]) -> tuple[dict[str, str], bool]:
    """``NAME=TOKEN`` options as {token: name}; generates one token when none is given (second: generated)."""
    if not values:
        return {"serve_" + secrets.token_hex(16): GENERATED_NAME}, True
    tokens: dict[str, str] = {}
    for value in values:
        name, sep, token = value.partition("=")
        name, token = name.strip(), token.strip()
        if not sep or not name or not token:
            raise UsageError("--provider-token takes NAME=TOKEN")
        if not _NAME.match(name):
            raise UsageError(f"--provider-token name {name!r}: use letters, digits, space, '.', '_' or '-'")
        if len(token) < 8 or any(c.isspace() or c == ":" for c in token):
            raise UsageError(f"--provider-token {name}: the token needs 8+ characters, no spaces or ':'")
        if token in tokens:
            raise UsageError(f"--provider-token {name}: the same token is given twice")
        if name in tokens.values():
            raise UsageError(f"--provider-token {name}: the same name is given twice")
        tokens[token] = name
    return tokens, False


def _check_options(args: argparse.Namespace) -> None:
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: use 0–65535")
    for option in ("until_idle", "duration"):
        value = getattr(args, option)
        if value is not None and value <= 0:
            raise UsageError(f"--{option.replace('_', '-')} must be more than 0 seconds")
    if args.trn_delay < 0 or args.late_trn < 0:
        raise UsageError("--trn-delay and --late-trn cannot be negative")
    if not 1 <= args.retry_after <= 3600:
        raise UsageError("--retry-after must be 1–3600 seconds")
    if args.upstream:
        parts = urlsplit(args.upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--upstream {args.upstream!r}: give an http(s) URL such as https://example.org")
        if parts.username or parts.password or parts.query:
            raise UsageError("--upstream: give the base URL only (no credentials, no query)")


def _live_routes(recording: Recording) -> list | None:
    """The live page's routes when ``clientcert.live`` is installed (None otherwise)."""
    try:
        live = importlib.import_module("register_conformance.clientcert.live")
    except ModuleNotFoundError as exc:
        if exc.name == "register_conformance.clientcert.live":
            return None
        raise
    return list(live.live_routes(recording))


# -- the run ---------------------------------------------------------------------------------------------
class _Serve:
    def __init__(self, args: argparse.Namespace) -> None:
        _check_options(args)
        self.args = args
        self.tokens, self.generated = parse_tokens(args.provider_token)
        try:
            self.claimed = parse_journeys(args.journeys)
        except ValueError as exc:
            raise UsageError(f"--journeys: {exc}") from None
        self.versions = frozenset(VERSIONS if args.api_version == "all" else (args.api_version,))
        self.names = [GENERATED_NAME] if args.upstream and self.generated else sorted(self.tokens.values())
        # Before anything listens: the request schemas are part of the verdict, and the reports must have
        # somewhere to go (exit 2 now, not after the vendor's session).
        self.book = SchemaBook(openapi_dir=args.openapi_dir)
        self.book.require(sorted(self.versions))
        _check_writable(Path(args.reports))
        self.finished = threading.Event()
        self.reason = ""

    def finish(self, reason: str = "finished from the live page") -> None:
        if not self.finished.is_set():
            self.reason = reason
            self.finished.set()

    def run(self) -> int:
        args = self.args
        sock = _bind(args.host, args.port)
        sandbox: SandboxProcess | None = None
        # SIGINT/SIGTERM finish the run (judge, report, exit) from now until the reports are written.
        previous = {sig: signal.signal(sig, lambda s, _f: self.finish(signal.Signals(s).name))
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if args.upstream:
                upstream = args.upstream.rstrip("/")
                _check_upstream(upstream, sorted(self.versions)[-1])
            else:
                sandbox = _start_sandbox(self.tokens, self.versions, args.trn_delay)
                upstream = sandbox.base_url
            if self.finished.is_set():  # Ctrl-C or SIGTERM while starting: nothing was served
                raise KeyboardInterrupt
            return self._observe(sock, upstream)
        finally:
            sock.close()
            if sandbox is not None:
                sandbox.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _observe(self, sock: socket.socket, upstream: str) -> int:
        args = self.args
        host, port = sock.getsockname()[:2]
        shown_host = f"[{host}]" if ":" in host else host
        base_url = f"http://{shown_host}:{port}"
        started = datetime.now(UTC)
        adverse = AdversePlan(args.seed, enabled=args.plan != "journeys", retry_after=args.retry_after,
                              late_trn=args.late_trn)
        info = {"started": started.isoformat(timespec="seconds"), "base_url": base_url, "seed": args.seed,
                "target": "upstream" if args.upstream else "embedded sandbox", "tool_version": __version__,
                "clients": sorted(self.tokens.values()), "reports": str(args.reports)}
        recording = Recording(plan=args.plan, adverse=adverse, api_versions=self.versions,
                              claimed_journeys=self.claimed, info=info, on_finish=self.finish,
                              clients=self.names, book=self.book)
        live = _live_routes(recording)
        default_client = GENERATED_NAME if args.upstream and self.generated else "unknown"
        app = observer_app(recording, upstream, {} if args.upstream and self.generated else self.tokens,
                           default_client=default_client, live_routes=live)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                                               timeout_graceful_shutdown=3))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="observer")
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise TargetError("the observer could not start")
            time.sleep(0.02)
        print(f"listening on {base_url}", flush=True)
        if args.upstream and self.generated:
            print("token: use your own token for the upstream environment (it is passed on, never recorded)")
        else:
            for token, name in self.tokens.items():
                print(f"token {name}: {token}" if self.generated else f"token {name}: as given with --provider-token")
        if live is not None:
            print(f"live page: {base_url}/_conformance/")
        print(f"plan {args.plan}, API version(s) {', '.join(sorted(self.versions))}, seed {args.seed}; "
              "stop with Ctrl-C", flush=True)
        self._wait(recording)
        server.should_exit = True
        thread.join(15)
        recording.note(finished=datetime.now(UTC).isoformat(timespec="seconds"), finished_because=self.reason)
        return self._report(recording, Path(args.reports))

    def _wait(self, recording: Recording) -> None:
        args = self.args
        start = time.monotonic()
        while not self.finished.wait(0.1):
            now = time.monotonic()
            if args.duration is not None and now - start >= args.duration:
                self.finish(f"--duration {args.duration:g}s")
            elif args.until_idle is not None and recording.last_activity is not None \
                    and now - recording.last_activity >= args.until_idle:
                self.finish(f"--until-idle {args.until_idle:g}s")

    def _report(self, recording: Recording, reports: Path) -> int:
        """Judge each client on its own exchanges, write its reports, print its verdict table."""
        names = self.names
        several = len(names) > 1
        certified = True
        for name in names:
            folder = reports / _safe(name) if several else reports
            try:
                exchanges, judgement = recording.judge_client(name)
            except Exception as exc:  # a defect of ours: keep the vendor's session, say where it is
                saved = folder / "exchanges.har"
                folder.mkdir(parents=True, exist_ok=True)
                write_har([e for e in recording.exchanges() if e.client == name], saved)
                raise InternalError(f"judging {name}'s traffic failed ({type(exc).__name__}: {exc}); the "
                                    f"recording is kept in {saved}: judge it again with `client check`") from exc
            write_reports(judgement, exchanges, folder, {**recording.info(), "client": name})
            if several:
                print(f"== {name} ({len(exchanges)} exchanges)")
            print(verdict_table(judgement))
            print(f"reports: {folder}")
            certified = certified and judgement.certified
        unknown = sum(1 for e in recording.exchanges() if e.client not in names)
        if unknown:
            print(f"{unknown} request(s) without a known token were forwarded but not judged")
        return 0 if certified else 1


def _check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UsageError(f"--reports {folder}: cannot write there: {exc.strerror or exc}") from None


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "client"


def _bind(host: str, port: int) -> socket.socket:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: {exc.strerror}") from exc
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (port busy? try --port 0)") from exc
    sock.setblocking(False)
    return sock


def _start_sandbox(tokens: dict[str, str], versions: frozenset[str], trn_delay: float) -> SandboxProcess:
    extra = ["--versions", ",".join(sorted(versions))]
    for token, name in tokens.items():
        extra += ["--provider-token", f"{name}={token}"]
    try:
        return SandboxProcess(trn_delay=trn_delay, extra_args=extra).start()
    except TargetError as exc:
        raise TargetError(f"the embedded sandbox failed: {exc}") from exc


def _check_upstream(upstream: str, version: str) -> None:
    """Any HTTP answer from ``/api/{version}/info`` (401 included) shows the upstream is reachable."""
    try:
        httpx.get(f"{upstream}/api/{version}/info", timeout=10)
    except httpx.HTTPError as exc:
        raise TargetError(f"upstream {upstream} unreachable: {type(exc).__name__}") from exc
