"""pytest plugin that records a run for the reports (loaded by the root ``conftest.py``, and with
``-p register_conformance.reporting.collector`` by ``register-conformance run``).

Options: ``--register-results FILE`` (one JSON document written at session end),
``--register-events FILE`` (JSON lines while running, for the live progress display) and
``--reports DIR`` (the pytest route: write summary.json, report.html and junit.xml into DIR at the
end, as ``register-conformance run`` does). With none of them the plugin does nothing, so
``pytest suites ...`` behaves exactly as without it.

What a failure breaks and the exchange that showed it come from the plugin's report hook
(``report.register_failure``, see ``register_conformance.failures``); the traffic counts from the
run's exchange observers.

It also labels Allure results (epic = API version, feature = resource, story = requirement id) when
``--alluredir`` is given. Every text it stores is redacted with the run's tokens.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from register_conformance.interrupts import ignore_further_interrupts
from register_conformance.redaction import redact_text
from register_conformance.reporting import outcomes, traffic
from register_conformance.reporting.traffic import resource_of
from register_conformance.reporting.writer import utc

_KEY = pytest.StashKey["Collector"]()
MAX_DETAILS = 12000
HEARTBEAT_SECONDS = 5.0


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("register-reports", "Register conformance reports")
    group.addoption("--register-results", dest="register_results", default=None,
                    help="write this run's results (JSON) to FILE at the end")
    group.addoption("--register-events", dest="register_events", default=None,
                    help="append progress events (JSON lines) to FILE while running")
    group.addoption("--register-label", dest="register_label", default=None,
                    help="name of this run in the reports (default: the API version)")
    group.addoption("--reports", dest="register_reports", default=None, metavar="DIR",
                    help="write summary.json, report.html and junit.xml into DIR at the end (as "
                         "register-conformance run does)")


def pytest_cmdline_main(config: pytest.Config) -> None:
    """``--reports DIR`` without ``--junitxml``: pytest's own JUnit writer fills DIR/junit.xml."""
    reports = config.getoption("register_reports", None)
    if reports and not getattr(config.option, "xmlpath", None):
        config.option.xmlpath = str(Path(reports) / "junit.xml")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    is_worker = hasattr(config, "workerinput")  # with xdist the controller writes the reports
    if (config.getoption("register_results", None) or config.getoption("register_events", None)
            or (config.getoption("register_reports", None) and not is_worker)):
        collector = Collector(config)
        config.stash[_KEY] = collector
        config.pluginmanager.register(collector, "register-reports-collector")


def pytest_unconfigure(config: pytest.Config) -> None:
    collector = config.stash.get(_KEY, None)
    if collector is not None:
        collector.close()


def suite_of(nodeid: str) -> str:
    """``suites/lifecycle/test_x.py::t`` → ``lifecycle``."""
    parts = nodeid.split("::", 1)[0].split("/")
    return parts[parts.index("suites") + 1] if "suites" in parts[:-1] else (parts[0] if len(parts) > 1 else "tests")


class Collector:
    """Per-process recorder; registered as a plugin only when asked for."""

    def __init__(self, config: pytest.Config) -> None:
        from register_conformance.plugin import OBSERVERS_KEY, SETTINGS_KEY

        self.config = config
        self.settings = config.stash.get(SETTINGS_KEY, None)
        self.secrets = self.settings.secrets if self.settings else ()
        self.results_path = config.getoption("register_results", None)
        reports = config.getoption("register_reports", None)
        self.reports_dir = Path(reports).expanduser().resolve() if reports else None
        self.summary: dict[str, Any] | None = None
        self.reports_error = ""
        events = config.getoption("register_events", None)
        self.events = Path(events).open("a", encoding="utf-8") if events else None  # noqa: SIM115
        self.label = config.getoption("register_label", None) or getattr(self.settings, "api_version", "")
        self.traffic = traffic.TrafficLog()
        self.observers = config.stash.get(OBSERVERS_KEY, None)
        if self.observers is not None:
            self.observers.subscribe(self.traffic.observe)
        self.tests: dict[str, dict[str, Any]] = {}
        self.phases: dict[str, dict[str, str]] = {}
        self.collected: list[dict[str, Any]] = []
        self.collect_errors: list[str] = []
        self.aborted: str | None = None
        self.started = utc()
        self.t0 = time.monotonic()
        self.failed = 0
        self.done = 0
        self._closed = False
        self._emit_lock = threading.Lock()
        self._stop = threading.Event()
        self.current: str | None = None
        self.subtests: dict[str, int] = {}
        self.total = 0
        if self.events is not None:
            threading.Thread(target=self._heartbeat, daemon=True, name="register-heartbeat").start()

    # -- helpers ---------------------------------------------------------------------------------
    def redact(self, text: str | None) -> str | None:
        return redact_text(text, self.secrets) if text else text

    def stats(self) -> dict[str, Any]:
        from register_conformance.plugin import STATS_KEY

        stats = self.config.stash.get(STATS_KEY, None)
        return stats.as_dict() if stats is not None else {}

    def emit(self, **event: Any) -> None:
        event.setdefault("label", self.label)
        with self._emit_lock:
            if self.events is None or self.events.closed:
                return
            self.events.write(json.dumps(event) + "\n")
            self.events.flush()

    def _heartbeat(self) -> None:
        """While a long test runs, report the request counters every few seconds."""
        while not self._stop.wait(HEARTBEAT_SECONDS):
            if self.current:
                stats = self.stats()
                self.emit(event="heartbeat", nodeid=self.current, done=self.done, total=self.total, failed=self.failed,
                          requests=stats.get("requests", 0),
                          waits=stats.get("rate_limit_waits", 0) + stats.get("throttle_waits", 0))

    # -- collection ------------------------------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        from register_conformance.plugin import requirement_ids

        allure_on = bool(getattr(config.option, "allure_report_dir", None))
        version = getattr(self.settings, "api_version", "")
        for item in items:
            ids = requirement_ids(item)
            self.collected.append({"nodeid": item.nodeid, "requirements": ids})
            if allure_on:
                item.add_marker(pytest.mark.allure_label(version, label_type="epic"))
                for rid in ids:
                    item.add_marker(pytest.mark.allure_label(rid, label_type="story"))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collect_errors.append(self.redact(f"{report.nodeid}: {str(report.longrepr)[-2000:]}") or "")

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.total = len(session.items)
        self.emit(event="collected", count=self.total, started=self.started)

    # -- running ---------------------------------------------------------------------------------
    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self.traffic.current_test = self.current = nodeid
        self.emit(event="start", nodeid=nodeid)

    def pytest_runtest_teardown(self, item: pytest.Item) -> None:
        # Runs inside allure's teardown wrapper, before it reads labels and parameters.
        if getattr(item.config.option, "allure_report_dir", None):
            resource = self.traffic.resource_for(item.nodeid) or _module_resource(item)
            item.add_marker(pytest.mark.allure_label(resource, label_type="feature"))
            try:
                import allure

                allure.dynamic.parameter("api_version", getattr(self.settings, "api_version", ""))
            except Exception:  # allure not active for this item
                pass

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        phases = self.phases.setdefault(report.nodeid, {})
        phases[report.when] = report.outcome
        record = self.tests.setdefault(report.nodeid, {
            "nodeid": report.nodeid,
            "suite": suite_of(report.nodeid),
            "requirements": [v for k, v in report.user_properties if k == "requirement"],
            "duration_seconds": 0.0,
        })
        record["duration_seconds"] = round(record["duration_seconds"] + report.duration, 3)
        if hasattr(report, "wasxfail"):
            record["xfail"] = True
            record.setdefault("reason", self.redact(f"expected failure: {report.wasxfail}"))
        if report.skipped and "reason" not in record:
            longrepr = report.longrepr
            reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
            record["reason"] = self.redact(reason.removeprefix("Skipped: "))
        if report.failed and "details" not in record:
            text = self.redact(report.longreprtext) or ""
            failure = getattr(report, "register_failure", None) or {}
            message = failure.get("message") or self.redact(_crash_message(report)) or f"{report.when} failed"
            record.update(
                failed_in=report.when,
                message=_plain(self.redact(message) or ""),
                request=failure.get("request"),
                response=failure.get("response"),
                curl=failure.get("curl"),
                details=text[-MAX_DETAILS:],
                signature=_signature(failure),
            )
            if failure.get("findings"):
                # Several failures of one test (the input corpus): each its own requirement and exchange.
                record["findings"] = [
                    {"requirement": f.get("requirement"), "message": _plain(self.redact(f.get("message")) or ""),
                     "request": f.get("request"), "response": f.get("response"), "curl": f.get("curl"),
                     "signature": _signature(f)}
                    for f in failure["findings"]]
                record["failed_requirements"] = list(dict.fromkeys(
                    f["requirement"] for f in failure["findings"] if f.get("requirement")))
            elif failure.get("requirement"):
                record["failed_requirements"] = [failure["requirement"]]
        if is_subtest(report) and self.current and report.nodeid != self.current:
            # Schemathesis reports each API operation as a sub-test of one pytest item.
            record["subtest_of"] = self.current
            self.subtests[self.current] = self.subtests.get(self.current, 0) + 1
            self.total += 1 if self.subtests[self.current] > 1 else 0  # the container's slot counts once
            self._finish(report.nodeid, resource=resource_of(report.nodeid.rpartition(" ")[2].rstrip("]")))

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        self.traffic.current_test = self.current = None
        record = self.tests.get(nodeid)
        if record is None:
            return
        if self.subtests.get(nodeid) and outcomes.test_outcome(self.phases.get(nodeid, {})) == outcomes.PASSED:
            # A container whose operations were reported one by one: they are the tests.
            del self.tests[nodeid]
            self.phases.pop(nodeid, None)
            return
        self._finish(nodeid)

    def _finish(self, nodeid: str, resource: str | None = None) -> None:
        record = self.tests[nodeid]
        record["outcome"] = outcomes.test_outcome(self.phases.pop(nodeid, {}), xfailed=record.pop("xfail", False))
        if record["outcome"] in (outcomes.PASSED,):
            for key in ("message", "request", "response", "curl", "details", "failed_in", "failed_requirements",
                        "signature", "findings"):
                record.pop(key, None)
        record["resource"] = resource or self.traffic.resource_for(nodeid)
        self.done += 1
        if outcomes.counts_against(record["outcome"]):
            self.failed += 1
        stats = self.stats()
        self.emit(event="test", nodeid=nodeid, outcome=record["outcome"],
                  requirements=record.get("failed_requirements") or record["requirements"],
                  message=(record.get("message") or "").splitlines()[0][:200] if record.get("message") else None,
                  done=self.done, total=self.total, failed=self.failed, requests=stats.get("requests", 0),
                  waits=stats.get("rate_limit_waits", 0) + stats.get("throttle_waits", 0))

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.aborted = self.redact(str(getattr(excinfo.value, "msg", None) or excinfo.value)) or "interrupted"
        if isinstance(excinfo.value, KeyboardInterrupt):
            # A second Ctrl-C (or the run command passing the signal on) must not cut the teardown and the
            # results short; the run command ends this process itself after its grace.
            ignore_further_interrupts()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        data = self.write(int(exitstatus))
        if self.reports_dir:
            self.write_reports(data, int(exitstatus))

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
        if not self.reports_dir:
            return
        from register_conformance.reporting.progress import summary_table

        terminalreporter.section("Register API conformance")
        if self.summary is not None:
            for line in summary_table(self.summary, str(self.reports_dir)).splitlines():
                terminalreporter.write_line(line)
        else:
            terminalreporter.write_line(f"register reports not written: {self.reports_error}")

    # -- output ----------------------------------------------------------------------------------
    def write_reports(self, data: dict[str, Any], exitstatus: int) -> None:
        """The pytest route's reports: the same summary.json / report.html as ``register-conformance run``."""
        from register_conformance import API_VERSIONS
        from register_conformance.errors import ConformanceError
        from register_conformance.reporting.scrub import scrub_tree
        from register_conformance.reporting.writer import schemas_used, write_reports

        settings = self.settings
        if settings is None or not settings.base_url:
            self.reports_error = "no target settings"
            return
        suites = sorted({t.get("suite", "") for t in data["tests"]} - {""})
        versions = list(API_VERSIONS) if "compatibility" in suites else [settings.api_version]
        data = {**data, "suites": suites, "versions": versions}
        interrupted = bool(self.aborted) or exitstatus == pytest.ExitCode.INTERRUPTED
        try:
            self.reports_dir.mkdir(parents=True, exist_ok=True)
            self.summary = write_reports(
                self.reports_dir, target=settings, embedded=False, versions=versions, suites=suites,
                schemas=schemas_used(versions, settings.openapi_dir), results=[data], junit_parts=None,
                baseline=None, started=self.started, duration_seconds=time.monotonic() - self.t0,
                interrupted=interrupted)
        except (ConformanceError, OSError) as exc:
            self.reports_error = str(exc)
        finally:
            scrub_tree(self.reports_dir, self.secrets)

    def write(self, exitstatus: int) -> dict[str, Any]:
        settings = self.settings
        data = {
            "label": self.label,
            "api_version": getattr(settings, "api_version", None),
            "base_url": getattr(settings, "base_url", None),
            "profile": getattr(settings, "profile", None),
            "seed": getattr(settings, "seed", None),
            "started": self.started,
            "finished": utc(),
            "duration_seconds": round(time.monotonic() - self.t0, 3),
            "exitstatus": exitstatus,
            "aborted": self.aborted,
            "collect_errors": self.collect_errors,
            "collected": self.collected,
            "tests": list(self.tests.values()),
            "stats": self.stats(),
            "traffic": self.traffic.as_list(),
        }
        self.emit(event="finished", exitstatus=exitstatus, aborted=self.aborted)
        if self.results_path:
            # Written whole or not at all: the run command may read it while this process is being ended.
            path = Path(self.results_path)
            partial = path.with_name(path.name + ".partial")
            partial.write_text(redact_text(json.dumps(data, indent=1), self.secrets), encoding="utf-8")
            os.replace(partial, path)
        return data

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self.observers is not None:
            self.observers.unsubscribe(self.traffic.observe)
        with self._emit_lock:
            if self.events is not None:
                self.events.close()


def _signature(failure: dict[str, Any]) -> dict[str, Any]:
    """What the problem grouping reads of a failure (``reporting.problems``)."""
    return {k: failure.get(k) for k in ("kind", "field", "expected", "title", "statement")}


def _crash_message(report: pytest.TestReport) -> str | None:
    crash = getattr(report.longrepr, "reprcrash", None)
    return getattr(crash, "message", None)


def _module_resource(item: pytest.Item) -> str:
    """Fallback resource name from the test module: ``test_degrees.py`` → ``degrees``."""
    module = getattr(item, "module", None)
    return module.__name__.rsplit(".", 1)[-1].removeprefix("test_") if module is not None else "api"


def _plain(message: str) -> str:
    """A failure message without pytest's ``Failed:`` or Schemathesis's exception-class prefix."""
    message = message.removeprefix("Failed: ")
    head, sep, rest = message.partition(": ")
    if sep and " " not in head and (head.startswith("schemathesis.") or head == "AssertionError"):
        return rest
    return message


def is_subtest(report: pytest.TestReport) -> bool:
    """True for a per-operation report Schemathesis emits inside one pytest item (pytest 8 and 9)."""
    return bool(getattr(report, "_schemathesis_subtest", False)) or type(report).__name__ == "SubtestReport"
