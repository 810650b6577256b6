"""Run one pytest process over the suites and collect what the collector plugin wrote.

The child gets tokens through its environment (never on the command line), its output goes to a
redacted log file, and its progress events are read from a JSON-lines file while it runs.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from register_conformance.interrupts import ignore_further_interrupts
from register_conformance.redaction import redact_text

COLLECTOR = "register_conformance.reporting.collector"


@dataclass
class PytestRun:
    """One pytest invocation: which suites, which API version, where its files go."""

    label: str
    api_version: str
    paths: list[str]
    options: list[str]
    workdir: Path
    versions: list[str] = field(default_factory=list)  # API versions its requirement results count for

    @property
    def results_path(self) -> Path:
        return self.workdir / f"results-{self.label}.json"

    @property
    def events_path(self) -> Path:
        return self.workdir / f"events-{self.label}.jsonl"

    @property
    def junit_path(self) -> Path:
        return self.workdir / f"junit-{self.label}.xml"

    def command(self, allure_dir: Path | None) -> list[str]:
        cmd = [sys.executable, "-m", "pytest", *self.paths, "-p", COLLECTOR,
               "--register-results", str(self.results_path), "--register-events", str(self.events_path),
               "--register-label", self.label, "--junitxml", str(self.junit_path),
               "-o", f"junit_suite_name={self.label}", "-q", "-rfE", "-p", "no:cacheprovider", *self.options]
        if allure_dir is not None:
            cmd += ["--alluredir", str(allure_dir)]
        return cmd


@dataclass
class RunOutcome:
    exit_code: int
    results: dict[str, Any]
    tail: list[str]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run: carries what the interrupted pytest process recorded before it stopped."""

    def __init__(self, run: PytestRun, outcome: RunOutcome | None) -> None:
        super().__init__()
        self.run = run
        self.outcome = outcome


#: Seconds an interrupted pytest process gets to write its results before it is terminated.
INTERRUPT_GRACE = 10.0


def execute(run: PytestRun, *, cwd: Path, env: Mapping[str, str], secrets: Sequence[str], log_path: Path,
            allure_dir: Path | None, on_event: Callable[[dict[str, Any]], None], poll: float = 0.25) -> RunOutcome:
    """Run pytest for ``run``; return its exit code, the results document and the last output lines."""
    run.workdir.mkdir(parents=True, exist_ok=True)
    run.events_path.write_text("", encoding="utf-8")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: list[str] = []
    proc = subprocess.Popen(run.command(allure_dir), cwd=cwd, env={**env, "PYTHONUNBUFFERED": "1"},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")

    def pump() -> None:
        assert proc.stdout is not None
        with log_path.open("w", encoding="utf-8") as log:
            for line in proc.stdout:
                line = redact_text(line, secrets)
                log.write(line)
                tail.append(line.rstrip("\n"))
                del tail[:-40]

    reader = threading.Thread(target=pump, daemon=True, name=f"pytest-output-{run.label}")
    reader.start()
    offset = 0
    try:
        while True:
            finished = proc.poll() is not None
            offset = _read_events(run.events_path, offset, on_event)
            if finished:
                break
            time.sleep(poll)
    except KeyboardInterrupt:
        ignore_further_interrupts()  # the reports of what ran are written even if Ctrl-C is pressed again
        # The child got the terminal's SIGINT too (or gets it now): pytest stops, runs its session
        # finish hooks (the collector writes the results), then exits; after the grace it is ended.
        _stop(proc, signal.SIGINT, INTERRUPT_GRACE)
        reader.join(2)
        _read_events(run.events_path, offset, on_event)
        raise Interrupted(run, RunOutcome(proc.returncode if proc.returncode is not None else 130,
                                          _results(run, proc.returncode), tail)) from None
    except BaseException:
        _stop(proc, signal.SIGTERM, 10)
        raise
    reader.join(10)
    return RunOutcome(proc.returncode, _results(run, proc.returncode), tail)


def _stop(proc: subprocess.Popen[str], sig: int, grace: float) -> None:
    if sig == signal.SIGINT:
        # A terminal's Ctrl-C reached the child already; a second one could cut its report writing short.
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(1.0)
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def _results(run: PytestRun, returncode: int | None) -> dict[str, Any]:
    """The collector's results file of ``run`` (empty when the process wrote none), with run facts added."""
    results: dict[str, Any] = {}
    if run.results_path.is_file():
        try:
            results = json.loads(run.results_path.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    results.setdefault("label", run.label)
    results.setdefault("api_version", run.api_version)
    results.setdefault("tests", [])
    results["suites"] = [Path(p).name for p in run.paths]
    results["versions"] = run.versions or [run.api_version]
    results["exitstatus"] = returncode
    return results


def _read_events(path: Path, offset: int, on_event: Callable[[dict[str, Any]], None]) -> int:
    """Feed complete new lines of ``path`` after byte ``offset`` to ``on_event``; return the new offset."""
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            while True:
                line = fh.readline()
                if not line.endswith(b"\n"):
                    return offset
                offset += len(line)
                try:
                    on_event(json.loads(line))
                except ValueError:
                    continue
    except OSError:
        return offset
