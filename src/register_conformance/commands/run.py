"""``register-conformance run``: certify a target in one command and write the reports.

Without ``--base-url`` it starts the embedded sandbox (fresh database, two providers) and tests it.
Each API version gets one pytest process over the selected suites; the compatibility suite runs
once. The pytest route (``pytest suites --base-url …``) runs the same tests with the same verdicts;
this command only adds the collector plugin, progress, the summary and the reports.

Exit codes: 0 conformant, 1 non-conformant, 2 bad arguments, configuration or target problem; an
interrupted run (Ctrl-C) still writes the reports of what ran (verdict ``interrupted``) and exits 130.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from register_conformance import API_VERSIONS
from register_conformance.errors import ConfigurationError, ConformanceError, TargetError, UsageError
from register_conformance.reporting.baseline import Baseline, load_baseline
from register_conformance.reporting.execute import Interrupted, PytestRun, RunOutcome, execute
from register_conformance.reporting.progress import Progress, summary_table
from register_conformance.reporting.writer import schemas_used, utc, write_reports
from register_conformance.schemas import schema_folder
from register_conformance.settings import PROFILES, Settings, build_settings

SUITES = ("schema", "lifecycle", "compatibility")
PER_VERSION_SUITES = ("schema", "lifecycle")
SANDBOX_TRN_DELAY = 1.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", help="target to certify; without it the embedded sandbox is started and tested")
    parser.add_argument("--api-version", choices=(*API_VERSIONS, "all"), default="all",
                        help="API version(s) to test (default: all)")
    parser.add_argument("--profile", choices=PROFILES, help="how hard to test (default: standard)")
    parser.add_argument("--reports", metavar="DIR", help="where to write the reports (default: reports/<UTC time>/)")
    parser.add_argument("--seed", help="random seed, for a reproducible run (default: a fresh one, printed)")
    parser.add_argument("--rate-limit", metavar="N/SECONDS",
                        help="client-side request limit, or off (default 100/60 for a hosted target, "
                             "off for the embedded sandbox)")
    parser.add_argument("--allow-production", action="store_true", default=None,
                        help="allow writing tests against a production (sensitive) target")
    parser.add_argument("--baseline", metavar="FILE",
                        help="YAML/JSON list of requirement or test ids whose failures are known "
                             "and do not fail the run")
    parser.add_argument("--suite", action="append", choices=SUITES,
                        help="run only this suite (repeatable; default: every suite)")
    parser.add_argument("--token", help="provider A's bearer token (prefer env REGISTER_API_TOKEN)")
    parser.add_argument("--second-token", help="provider B's token (prefer env REGISTER_API_SECOND_TOKEN)")
    parser.add_argument("--openapi-dir", help="folder holding the official v2025.0.yaml / v2026.1.yaml")
    parser.add_argument("--compare", metavar="PREVIOUS",
                        help="a previous run's reports folder or summary.json: add new / fixed / still-failing "
                             "problems and changed requirement verdicts to the report")
    parser.add_argument("--school-urn", help="URN of a school the target knows, for the input corpus's "
                                             "school-linked placements (env REGISTER_SCHOOL_URN)")
    parser.add_argument("--suites-dir", help=argparse.SUPPRESS)  # another suites folder (used by our own tests)


def suites_root(option: str | None = None) -> Path:
    """The suites folder: ``--suites-dir`` when given, else the checkout's or the installed package's."""
    from register_conformance.layout import suites_dir

    return Path(option).resolve() if option else suites_dir()


def plan_suites(requested: list[str] | None, root: Path, profile: str | None = None) -> list[str]:
    """The suites to run: the requested ones (each must have tests) or every suite that has tests.

    Under the ``certify`` profile (live targets at 100 requests/minute) the default leaves out the schema
    suite: the lifecycle suite validates every response against the overlaid schema anyway, and
    property-based fuzzing is opt-in there (``--suite schema``).
    """
    if not root.is_dir():
        raise ConfigurationError(f"no suites folder at {root}")
    present = [s for s in SUITES if any((root / s).rglob("test_*.py"))]
    if requested:
        missing = [s for s in dict.fromkeys(requested) if s not in present]
        if missing:
            raise UsageError(f"suite(s) {', '.join(missing)} have no tests under {root}")
        return list(dict.fromkeys(requested))
    if not present:
        raise ConfigurationError(f"no tests found under {root}")
    if profile == "certify" and len(present) > 1:
        return [s for s in present if s != "schema"]
    return present


def _settings(args: argparse.Namespace, embedded: bool) -> Settings:
    cli: dict[str, Any] = {
        "base_url": args.base_url, "profile": args.profile, "seed": args.seed, "rate_limit": args.rate_limit,
        "allow_production": args.allow_production, "token": args.token, "second_token": args.second_token,
        "openapi_dir": args.openapi_dir, "school_urn": args.school_urn,
    }
    env = dict(os.environ)
    if embedded:
        # The embedded sandbox gets fresh random tokens and has no rate limit unless asked for.
        for name in ("REGISTER_BASE_URL", "PYTEST_BASE_URL", "REGISTER_API_TOKEN", "REGISTER_API_SECOND_TOKEN"):
            env.pop(name, None)
        if not args.rate_limit and not env.get("REGISTER_RATE_LIMIT"):
            cli["rate_limit"] = "off"
    return build_settings(cli, env)


def _reports_dir(option: str | None) -> Path:
    if option:
        path = Path(option).expanduser()
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = Path("reports") / stamp
        n = 2
        while path.exists():
            path = Path("reports") / f"{stamp}-{n}"
            n += 1
    try:
        path.mkdir(parents=True, exist_ok=True)
        # A reused folder must not mix in an earlier run's results (Allure would merge them).
        shutil.rmtree(path / "allure-results", ignore_errors=True)
        for name in ("summary.json", "report.html", "junit.xml", "baseline-suggestion.yaml"):
            (path / name).unlink(missing_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot use the reports folder {path}: {exc.strerror or exc}") from None
    return path.resolve()


@contextlib.contextmanager
def _target(settings: Settings, logs: Path, progress: Progress) -> Iterator[Settings]:
    """The settings to test with: as given, or pointing at a freshly started embedded sandbox."""
    if settings.base_url:
        yield settings
        return
    import importlib.util

    if importlib.util.find_spec("register_sandbox") is None:
        raise ConfigurationError("no --base-url given and the embedded sandbox (register_sandbox) is not installed")
    from register_conformance.launcher import SandboxProcess

    progress.message("Starting the embedded sandbox (temporary database, two providers)…")
    with SandboxProcess(trn_delay=SANDBOX_TRN_DELAY, log_path=logs / "sandbox.log") as sandbox:
        progress.message(f"Sandbox listening on {sandbox.base_url}")
        yield settings.replace(base_url=sandbox.base_url, token=sandbox.token, second_token=sandbox.second_token,
                               school_urn=settings.school_urn or sandbox.school_urn)


def _preflight(settings: Settings, versions: list[str]) -> None:
    from register_conformance.client import ApiClient
    from register_conformance.preflight import preflight

    for version in versions:
        client = ApiClient(settings.base_url or "", version, settings.token, timeout=settings.timeout,
                           rate_limit=settings.rate_limit, secrets=settings.secrets)
        try:
            preflight(client)
        finally:
            client.close()


def _child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in (("REGISTER_API_TOKEN", settings.token), ("REGISTER_API_SECOND_TOKEN", settings.second_token)):
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    return env


def _options(settings: Settings, version: str, index: int) -> list[str]:
    # Each pytest process gets its own run id (base id + letter) so the data one creates never
    # collides with another's on the same target (duplicate checks answer 409).
    opts = ["--base-url", settings.base_url or "", "--api-version", version, "--profile", settings.profile,
            "--seed", str(settings.seed), "--rate-limit", str(settings.rate_limit or "off"),
            "--run-id", f"{settings.run_id}{'abcdefghij'[index % 10]}"]
    if settings.openapi_dir:
        opts += ["--openapi-dir", settings.openapi_dir]
    if settings.allow_production:
        opts.append("--allow-production")
    if settings.school_urn:
        opts += ["--school-urn", settings.school_urn]
    return opts


def plan_runs(suites: list[str], versions: list[str], settings: Settings, workdir: Path,
              root: Path) -> list[PytestRun]:
    """One pytest process per API version over the per-version suites; compatibility once.

    ``--rootdir`` is the folder above ``suites/`` so test ids read ``suites/<suite>/…`` whether the suites
    come from a checkout or from the installed package.
    """
    runs = []
    rootdir = ["--rootdir", str(root.parent)]
    per_version = [str(root / s) for s in suites if s in PER_VERSION_SUITES]
    if per_version:
        for version in versions:
            runs.append(PytestRun(version, version, per_version, [*_options(settings, version, len(runs)), *rootdir],
                                  workdir, [version]))
    if "compatibility" in suites and len(versions) > 1:
        first = versions[0]
        runs.append(PytestRun("compatibility", first, [str(root / "compatibility")],
                              [*_options(settings, first, len(runs)), *rootdir], workdir, list(versions)))
    return runs


def _check(outcome: RunOutcome, run: PytestRun, log: Path) -> None:
    """Turn a pytest process that could not run the tests into a one-line error (exit 2)."""
    code, results = outcome.exit_code, outcome.results
    if code in (0, 1, 5):
        return
    if results.get("aborted"):
        raise TargetError(results["aborted"])
    if results.get("collect_errors"):
        first = results["collect_errors"][0].strip().splitlines()
        raise ConfigurationError(f"the {run.label} tests failed to load: {first[-1] if first else '?'} (log: {log})")
    errors = [line for line in outcome.tail if line.startswith(("ERROR:", "error:"))]
    if code == 4:
        raise UsageError(errors[-1].split(":", 1)[1].strip() if errors else f"pytest rejected the options (log: {log})")
    if code == 3:
        raise ConfigurationError(f"pytest crashed in the {run.label} run (internal error; log: {log})")
    if code == 2:
        raise ConformanceError(f"the {run.label} run was interrupted (log: {log})")
    raise ConformanceError(f"the {run.label} run ended with pytest exit code {code} (log: {log})")


def main(args: argparse.Namespace) -> int:
    t0, started = time.monotonic(), utc()
    embedded = not (args.base_url or os.environ.get("REGISTER_BASE_URL") or os.environ.get("PYTEST_BASE_URL"))
    settings = _settings(args, embedded)
    versions = list(API_VERSIONS) if args.api_version == "all" else [args.api_version]
    root = suites_root(args.suites_dir)
    suites = plan_suites(args.suite, root, settings.profile)
    if "compatibility" in suites and len(versions) == 1:
        if args.suite and "compatibility" in args.suite:
            raise UsageError("the compatibility suite compares both API versions: use --api-version all")
        suites.remove("compatibility")
    if not suites:
        raise UsageError("nothing to run: the selected suites need --api-version all")
    baseline: Baseline | None = load_baseline(args.baseline) if args.baseline else None
    previous = None
    if args.compare:
        from register_conformance.reporting.compare import load_summary

        previous = load_summary(args.compare)  # a bad PREVIOUS is a usage error before anything runs
    schemas = schemas_used(versions, settings.openapi_dir)
    # The pytest children run in a temporary folder: they get the folder found here, absolute.
    settings = settings.replace(openapi_dir=str(schema_folder(versions, settings.openapi_dir)))
    if settings.seed is None:
        settings = settings.replace(seed=random.randint(1, 2**31 - 1))
    if not embedded and not settings.token:
        raise UsageError("no token for the target: set REGISTER_API_TOKEN (and REGISTER_API_SECOND_TOKEN) "
                         "or pass --token")
    reports = _reports_dir(args.reports)
    logs = reports / "logs"
    logs.mkdir(exist_ok=True)
    progress = Progress()
    secrets: list[str] = list(settings.secrets)
    try:
        with _target(settings, logs, progress) as target, tempfile.TemporaryDirectory(prefix="rc-run-") as tmp:
            secrets = list(dict.fromkeys([*secrets, *target.secrets]))
            progress.message(f"Target {target.base_url} · API {', '.join(versions)} · suites {', '.join(suites)} · "
                             f"profile {target.profile} · seed {target.seed} · rate limit {target.rate_limit or 'off'}")
            if target.is_sensitive and not target.allow_production:
                progress.message("Production target: writing tests are skipped (pass --allow-production to run them)")
            if not target.second_token:
                progress.message("No second token: provider-isolation tests will be skipped "
                                 "(set REGISTER_API_SECOND_TOKEN)")
            _preflight(target, versions)
            outcomes: list[tuple[PytestRun, RunOutcome]] = []
            interrupted = False
            try:
                for run in plan_runs(suites, versions, target, Path(tmp), root):
                    progress.start_run(run.label, [Path(p).name for p in run.paths])
                    log = logs / f"pytest-{run.label}.log"
                    outcome = execute(run, cwd=Path(tmp), env=_child_env(target), secrets=secrets,
                                      log_path=log, allure_dir=reports / "allure-results", on_event=progress.event)
                    _check(outcome, run, log)
                    outcomes.append((run, outcome))
            except Interrupted as stop:
                # Ctrl-C: report what ran (the interrupted child wrote its results on the way out).
                interrupted = True
                if stop.outcome is not None:
                    outcomes.append((stop.run, stop.outcome))
                progress.message("Interrupted: writing the reports of the tests that ran…")
            if not interrupted and not any(o.results["tests"] for _, o in outcomes):
                raise ConfigurationError(f"no tests ran (logs: {logs})")
            summary = write_reports(
                reports, target=target, embedded=embedded, versions=versions, suites=suites, schemas=schemas,
                results=[o.results for _, o in outcomes],
                junit_parts=[(run.label, run.junit_path) for run, _ in outcomes], baseline=baseline,
                started=started, duration_seconds=time.monotonic() - t0, interrupted=interrupted,
                compare_with=previous)
    except OSError as exc:  # a full disk or an unwritable folder: one line, not a traceback
        raise ConfigurationError(f"cannot write the reports under {reports}: {exc.strerror or exc}") from None
    finally:
        from register_conformance.reporting.scrub import scrub_tree

        scrub_tree(reports, secrets)
        _remove_if_empty(reports)
    print(summary_table(summary, _display(reports)))
    if summary["verdict"] == "interrupted":
        raise KeyboardInterrupt  # the CLI's exit code for Ctrl-C (130) is unchanged
    return int(summary["exit_code"])


def _remove_if_empty(reports: Path) -> None:
    """A run stopped before any test leaves no empty folders behind."""
    for folder in (reports / "logs", reports):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)



if __name__ == "__main__":  # pragma: no cover
    sys.exit(2)
