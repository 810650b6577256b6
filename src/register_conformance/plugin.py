"""The pytest plugin: options, settings, clients, markers, safety.

Loaded by the root ``conftest.py`` in a checkout and by the ``pytest11`` entry point when installed.

Options have an environment variable and an ini key each (see ``settings.SOURCES``); precedence
CLI > env > ini is settled once in ``pytest_configure``. Tests that write are destructive unless
marked ``nondestructive``; against a sensitive (production) target they are skipped unless
``--allow-production``. Every conformance test cites requirement ids with
``@pytest.mark.requirement(...)``; unknown ids stop collection.

Every request of the run goes through clients built here (``make_client``, ``session_schema``), which
hand each exchange to the run's ``ExchangeObservers`` (stash ``OBSERVERS_KEY``): the reports' traffic
log subscribes to it, and so does ``LastExchange``, the fallback exchange of a failure that carries
none. A failing test's ``RequirementFailure`` is read in one place, ``pytest_runtest_makereport``,
which puts the requirement and the redacted exchange on the report (``report.register_failure``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from register_conformance import API_VERSIONS
from register_conformance.client import ApiClient, ExchangeObservers, RequestStats, Throttle
from register_conformance.errors import ConformanceError
from register_conformance.requirements import catalogue
from register_conformance.settings import PROFILES, SOURCES, Settings, build_settings
from register_conformance.stats import OperationStats

SETTINGS_KEY = pytest.StashKey[Settings]()
STATS_KEY = pytest.StashKey[RequestStats]()
THROTTLE_KEY = pytest.StashKey[Throttle]()
OPERATION_STATS_KEY = pytest.StashKey[OperationStats]()
SCHEMA_KEY = pytest.StashKey[object]()
SESSION_KEY = pytest.StashKey[object]()
OBSERVERS_KEY = pytest.StashKey[ExchangeObservers]()
LAST_EXCHANGE_KEY = pytest.StashKey["LastExchange"]()
# Module state, on purpose: a schema-suite test module builds its Schemathesis tests at import
# (``schema.parametrize()`` at collection), where no fixture or ``request.config`` exists yet, so it reaches
# the running config through ``current_config()``. One pytest session per process; set in pytest_configure.
_CONFIG: list[pytest.Config] = []


class LastExchange:
    """Remembers the last exchange of the running test: the one a failure without its own shows."""

    def __init__(self) -> None:
        self.response: object | None = None

    def __call__(self, response: object) -> None:
        self.response = response


def run_settings(config: pytest.Config) -> Settings:
    """The settled settings of this run (for ``pytest_generate_tests``, which has no fixtures)."""
    return config.stash[SETTINGS_KEY]


def token_vars(settings: Settings) -> dict[str, str]:
    """The run's tokens → the environment variables a reproduction names instead."""
    return {t: v for t, v in ((settings.token, "REGISTER_API_TOKEN"),
                              (settings.second_token, "REGISTER_API_SECOND_TOKEN")) if t}


def current_config() -> pytest.Config:
    """The running pytest config (for test modules that build Schemathesis tests at collection time)."""
    if not _CONFIG:
        raise RuntimeError("the register_conformance plugin is not configured")
    return _CONFIG[0]


def session_schema(config: pytest.Config) -> object:
    """The overlaid Schemathesis schema of this run, loaded once at collection time.

    Bound to the run's settings (base URL, version, provider A's token, profile, seed) and
    routed through the run's throttle and counters (``loader.route_through``). A schema that
    cannot be loaded stops the run with one line and exit code 2.
    """
    cached = config.stash.get(SCHEMA_KEY, None)
    if cached is not None:
        return cached
    from register_conformance.loader import load_schema, route_through

    s = config.stash[SETTINGS_KEY]
    try:
        schema = load_schema(s.api_version, s.base_url, token=s.token, openapi_dir=s.openapi_dir,
                             profile_name=s.profile, seed=s.seed)
    except ConformanceError as exc:
        pytest.exit(f"cannot load the schema: {exc}", returncode=2)
    config.stash[SCHEMA_KEY] = route_through(schema, schemathesis_session(config))
    return config.stash[SCHEMA_KEY]


def schemathesis_session(config: pytest.Config) -> object:
    """The one ``requests`` session Schemathesis traffic goes through (throttle, retry, counters, observers)."""
    from register_conformance.client import requests_session

    session = config.stash.get(SESSION_KEY, None)
    if session is None:
        session = requests_session(config.stash[THROTTLE_KEY], config.stash[STATS_KEY],
                                   on_exchange=config.stash[OBSERVERS_KEY])
        config.stash[SESSION_KEY] = session
    return session

_OPTIONS = {
    "base_url": ("--base-url", "base URL of the target, e.g. https://sandbox.example (env REGISTER_BASE_URL)"),
    "api_version": ("--api-version", f"API version to test: {' or '.join(API_VERSIONS)} (env REGISTER_API_VERSION)"),
    "token": ("--token", "bearer token of provider A (prefer env REGISTER_API_TOKEN)"),
    "second_token": ("--second-token",
                     "token of a second provider, for isolation checks (env REGISTER_API_SECOND_TOKEN)"),
    "openapi_dir": ("--openapi-dir", "folder holding the official schemas (env REGISTER_OPENAPI_DIR)"),
    "profile": ("--profile", f"how hard to test: {', '.join(PROFILES)} (env REGISTER_PROFILE)"),
    "seed": ("--seed", "Hypothesis seed for reproducible runs (env REGISTER_SEED)"),
    "rate_limit": ("--rate-limit", "client-side limit N/SECONDS or off; default 100/60 (env REGISTER_RATE_LIMIT)"),
    "sensitive_url": ("--sensitive-url", "regex of hosts treated as production (env REGISTER_SENSITIVE_URL)"),
    "trn_timeout": ("--trn-timeout", "seconds to wait for the target to assign a TRN (env REGISTER_TRN_TIMEOUT)"),
    "timeout": ("--request-timeout", "seconds per HTTP request (env REGISTER_TIMEOUT)"),
    "run_id": ("--run-id", "identifier put into created data (env REGISTER_RUN_ID; default random)"),
    "school_urn": ("--school-urn", "URN of a school the target knows, for school-linked placements "
                                   "(env REGISTER_SCHOOL_URN; without it those cases are left out)"),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("register", "Register API conformance")
    for dest, (flag, help_text) in _OPTIONS.items():
        group.addoption(flag, dest=f"register_{dest}", default=None, help=help_text)
    group.addoption("--allow-production", dest="register_allow_production", action="store_true", default=None,
                    help="allow destructive (writing) tests against a sensitive/production target")
    group.addoption("--register-stats-json", dest="register_stats_json", default=None, metavar="PATH",
                    help="write the per-operation 2xx shares and request counters as JSON to PATH "
                    "(a .json file, or a folder receiving schema-stats.json)")
    for dest, (_env, ini_key) in SOURCES.items():
        if ini_key:
            parser.addini(ini_key, help=f"default for {dest}", default=None)


def _settings_from_config(config: pytest.Config) -> Settings:
    cli = {dest: config.getoption(f"register_{dest}") for dest in (*_OPTIONS, "allow_production")}
    ini = {}
    for _dest, (_env, ini_key) in SOURCES.items():
        if ini_key:
            with contextlib.suppress(ValueError):
                ini[ini_key] = config.getini(ini_key)
    return build_settings(cli, os.environ, ini)


MARKERS = (
    "requirement(*ids): requirement ids (catalogue) that this test checks",
    "destructive: the test writes to the target (refused on production unless --allow-production)",
    "nondestructive: the test only reads from the target",
    "needs_second_token: the test needs a second provider's token",
)


def pytest_configure(config: pytest.Config) -> None:
    for marker in MARKERS:  # registered here so installed suites need no ini file
        config.addinivalue_line("markers", marker)
    try:
        settings = _settings_from_config(config)
    except ConformanceError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[SETTINGS_KEY] = settings
    config.stash[STATS_KEY] = RequestStats()
    config.stash[THROTTLE_KEY] = Throttle(settings.rate_limit)
    config.stash[OPERATION_STATS_KEY] = OperationStats()
    observers = ExchangeObservers()
    last = LastExchange()
    observers.subscribe(last)
    config.stash[OBSERVERS_KEY] = observers
    config.stash[LAST_EXCHANGE_KEY] = last
    _CONFIG[:] = [config]


def pytest_runtest_logstart(nodeid: str, location: object) -> None:
    if _CONFIG and LAST_EXCHANGE_KEY in _CONFIG[0].stash:
        _CONFIG[0].stash[LAST_EXCHANGE_KEY].response = None


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the share of generated requests answered 2xx per operation, and the request counters."""
    op_stats = config.stash.get(OPERATION_STATS_KEY, None)
    req_stats = config.stash.get(STATS_KEY, None)
    lines = op_stats.lines() if op_stats is not None else []
    if lines:
        terminalreporter.write_sep("-", "Register API: generated requests answered 2xx, per operation")
        for line in lines:
            terminalreporter.write_line(line)
    if req_stats is not None and req_stats.requests:
        d = req_stats.as_dict()
        terminalreporter.write_line(
            f"register requests: {d['requests']} sent, {d['retries']} retried after 429/503 "
            f"({d['rate_limit_wait_seconds']}s waited), throttle waits {d['throttle_waits']} "
            f"({d['throttle_wait_seconds']}s)")
    target = config.getoption("register_stats_json", None)
    if target and op_stats is not None:
        settings = config.stash.get(SETTINGS_KEY, None)
        extra = {"requests": req_stats.as_dict() if req_stats else {},
                 "api_version": settings.api_version if settings else None,
                 "profile": settings.profile if settings else None,
                 "seed": settings.seed if settings else None}
        path = op_stats.write_json(target, extra)
        terminalreporter.write_line(f"register stats written to {path}")


def pytest_report_header(config: pytest.Config) -> list[str]:
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is None or not settings.base_url:
        return []
    return [
        f"register target: {settings.base_url} api_version={settings.api_version} profile={settings.profile} "
        f"seed={settings.seed} rate_limit={settings.rate_limit or 'off'} run_id={settings.run_id}",
        f"register tokens: first={'set' if settings.token else 'unset'} "
        f"second={'set' if settings.second_token else 'unset'}; sensitive target: {settings.is_sensitive}"
        + (" (destructive tests allowed)" if settings.allow_production else ""),
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = config.stash[SETTINGS_KEY]
    known = catalogue()
    for item in items:
        ids = requirement_ids(item)
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise pytest.UsageError(f"{item.nodeid}: unknown requirement id(s) {', '.join(unknown)}")
        item.user_properties.extend(("requirement", i) for i in ids)
        if settings.is_sensitive and not settings.allow_production and not item.get_closest_marker("nondestructive"):
            item.add_marker(pytest.mark.skip(
                reason=f"destructive test refused: {settings.base_url} matches the sensitive-URL pattern; "
                "pass --allow-production (or mark the test nondestructive) to run it"))


def _redact_report(report: pytest.TestReport, secrets: tuple[str, ...]) -> None:
    """Last line of defence: no token in what pytest prints or writes (terminal, JUnit, allure)."""
    from register_conformance.redaction import redact_text

    if report.longrepr is not None:
        text = str(report.longrepr)
        if any(s in text for s in secrets):
            report.longrepr = redact_text(text, secrets)
    report.sections = [(name, redact_text(content, secrets)) for name, content in report.sections]


def requirement_ids(item: pytest.Item) -> list[str]:
    """Requirement ids cited by ``item`` (all ``requirement`` markers, closest last)."""
    ids: list[str] = []
    for mark in item.iter_markers("requirement"):
        ids.extend(str(a) for a in mark.args)
    return list(dict.fromkeys(ids))


def _redact_exception(exc: BaseException, secrets: tuple[str, ...]) -> None:
    """Best effort: scrub secrets from an exception's args and notes before any reporter reads them."""
    from register_conformance.redaction import redact_text

    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        try:
            if any(isinstance(a, str) and any(s in a for s in secrets) for a in current.args):
                current.args = tuple(redact_text(a, secrets) if isinstance(a, str) else a for a in current.args)
            notes = getattr(current, "__notes__", None)
            if notes:
                current.__notes__ = [redact_text(str(n), secrets) for n in notes]
        except (AttributeError, TypeError):
            pass
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        stack.extend(getattr(current, "exceptions", ()) or ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """The one reader of failures: requirement, message and redacted exchange onto the report."""
    settings = item.config.stash.get(SETTINGS_KEY, None)
    secrets = settings.secrets if settings else ()
    if secrets and call.excinfo is not None:
        _redact_exception(call.excinfo.value, secrets)
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        record = _failure_record(item.config, call.excinfo.value, settings)
        report.register_failure = record
        for rid in [finding["requirement"] for finding in record.get("findings") or ()] or [record["requirement"]]:
            if rid and call.when in ("setup", "call") and ("failed_requirement", rid) not in item.user_properties:
                item.user_properties.append(("failed_requirement", rid))
        if record["exception"] == "RequirementFailure":
            # A broken rule reads as its message and exchange, not as a traceback of the suite's code.
            report.longrepr = record["text"]
    if secrets:
        _redact_report(report, secrets)
    ids = requirement_ids(item)
    if ids and report.failed:
        known = catalogue()
        record = getattr(report, "register_failure", {})
        named = [f.get("requirement") for f in record.get("findings") or ()] or [record.get("requirement")]
        shown = [i for i in dict.fromkeys(named) if i in known] or ids
        lines = [f"{i}: {known[i].title} ({known[i].source})" for i in shown if i in known]
        report.sections.insert(0, ("Requirement", "\n".join(lines)))


def _failure_record(config: pytest.Config, exc: BaseException, settings: Settings | None) -> dict[str, object]:
    """What the reports show of one failure: the requirement it breaks and the exchange that showed it.

    A failure standing for several (``RequirementFailure.several``) also gets ``findings``: one such
    record per finding, each with its own requirement, statement and exchange (the reports make each
    a failure of its own).
    """
    import json

    from register_conformance.failures import find_failure
    from register_conformance.redaction import redact_text

    failure = find_failure(exc)
    tokens = token_vars(settings) if settings else {}
    last = config.stash.get(LAST_EXCHANGE_KEY, None)
    fallback = last.response if last is not None else None
    notes = "\n".join(str(n) for n in getattr(exc, "__notes__", ()) or ())
    message = failure.message if failure is not None else f"{type(exc).__name__}: {exc}"
    record: dict[str, object] = {
        "exception": "RequirementFailure" if failure is not None and failure is exc else type(exc).__name__,
        **_finding_record(failure, fallback, tokens),
        "message": message,
    }
    if failure is not None and failure.findings:
        record["findings"] = [{**_finding_record(f, fallback, tokens), "message": f.message}
                              for f in failure.findings]
    curl = record.get("curl")
    record["text"] = message + (f"\n{notes}" if notes else "") + (f"\nReproduce: {curl}" if curl else "")
    secrets = settings.secrets if settings else ()
    return json.loads(redact_text(json.dumps(record, default=str), secrets)) if secrets else record


def _finding_record(failure: object, fallback: object, tokens: dict[str, str]) -> dict[str, object]:
    """Requirement, signature fields and redacted exchange of one failure (``fallback``: the test's last
    response, for a failure that carries none)."""
    from register_conformance.failures import exchange_of, exchange_record

    response = getattr(failure, "response", None)
    if response is None:
        response = fallback
    exchange: dict[str, object] = {"request": None, "response": None, "curl": None}
    if response is not None:
        with contextlib.suppress(Exception):  # an exchange we cannot read must not hide the failure itself
            exchange = exchange_record(exchange_of(response, tokens))
    fields = ("requirement_id", "title", "kind", "field", "expected", "statement")
    named = {name: getattr(failure, name, None) for name in fields}
    return {"requirement": named.pop("requirement_id"), **named, **exchange}


# -- fixtures ----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def settings(pytestconfig: pytest.Config) -> Settings:
    """The settled run settings (tokens never shown in repr)."""
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def requests_session(pytestconfig: pytest.Config) -> object:
    """The ``requests`` session all Schemathesis traffic goes through (throttle, 429 retry, counters)."""
    return schemathesis_session(pytestconfig)


@pytest.fixture(scope="session")
def request_stats(pytestconfig: pytest.Config) -> RequestStats:
    return pytestconfig.stash[STATS_KEY]


def make_client(config: pytest.Config, token: str | None) -> ApiClient:
    """A client for the configured target sharing the run's throttle and counters."""
    s = config.stash[SETTINGS_KEY]
    if not s.base_url:
        pytest.skip("no target: pass --base-url or set REGISTER_BASE_URL")
    return ApiClient(s.base_url, s.api_version, token, timeout=s.timeout, stats=config.stash[STATS_KEY],
                     throttle=config.stash[THROTTLE_KEY], secrets=s.secrets, on_exchange=config.stash[OBSERVERS_KEY])


def preflight_or_exit(config: pytest.Config) -> None:
    """GET /info once; a missing or wrong target stops the whole run with one line and exit code 2."""
    from register_conformance.preflight import preflight

    settings = config.stash[SETTINGS_KEY]
    if not settings.base_url:
        pytest.exit("no target: pass --base-url or set REGISTER_BASE_URL", returncode=2)
    client = make_client(config, settings.token)
    try:
        preflight(client)
    except ConformanceError as exc:
        pytest.exit(f"preflight failed: {exc}", returncode=2)
    finally:
        client.close()


@pytest.fixture(scope="session")
def api(pytestconfig: pytest.Config, settings: Settings) -> Iterator[ApiClient]:
    """Client authenticated as provider A for the configured version."""
    if not settings.token:
        pytest.skip("no token: set REGISTER_API_TOKEN or pass --token")
    client = make_client(pytestconfig, settings.token)
    yield client
    client.close()


@pytest.fixture(scope="session")
def second_api(pytestconfig: pytest.Config, settings: Settings) -> Iterator[ApiClient]:
    """Client authenticated as provider B (isolation checks); skips when no second token."""
    if not settings.second_token:
        pytest.skip("needs a second provider: set REGISTER_API_SECOND_TOKEN or pass --second-token")
    client = make_client(pytestconfig, settings.second_token)
    yield client
    client.close()


@pytest.fixture(scope="session")
def anon_api(pytestconfig: pytest.Config) -> Iterator[ApiClient]:
    """Client that sends no Authorization header."""
    client = make_client(pytestconfig, None)
    yield client
    client.close()


@pytest.fixture(scope="session")
def operation_stats(pytestconfig: pytest.Config) -> OperationStats:
    """Per-operation status counts of generated requests (printed at the end, see --register-stats-json)."""
    return pytestconfig.stash[OPERATION_STATS_KEY]


@pytest.fixture(scope="session")
def run_id(settings: Settings) -> str:
    """Identifier of this run, put into names/emails of created data so it is recognisable."""
    return settings.run_id
