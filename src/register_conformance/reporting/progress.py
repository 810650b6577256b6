"""Live progress of a run and the closing summary table, readable with or without a terminal.

On a TTY one status line is redrawn in place; otherwise (CI logs) a status line is printed at most
every ``interval`` seconds. Failures are always printed as they happen, one line each.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

from register_conformance.reporting.collector import suite_of


class Progress:
    """Renders the JSON events written by the collector plugin."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None, interval: float = 10.0,
                 clock: Any = time.monotonic) -> None:
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = interval
        self.clock = clock
        self.label = ""
        self.total = 0
        self.state: dict[str, Any] = {}
        self._last_print = 0.0
        self._line_open = False

    def _write(self, text: str) -> None:
        if self._line_open:
            self.stream.write("\r\033[K" if self.tty else "\n")
            self._line_open = False
        self.stream.write(text + "\n")
        self.stream.flush()

    def status_line(self) -> str:
        s = self.state
        suite = suite_of(s["nodeid"]) if s.get("nodeid") else "-"
        return (f"[{self.label} {suite}] {s.get('done', 0)}/{self.total} tests · {s.get('failed', 0)} failed · "
                f"{s.get('requests', 0)} requests · {s.get('waits', 0)} rate-limit waits")

    def _status(self, force: bool = False) -> None:
        now = self.clock()
        if self.tty:
            self.stream.write("\r\033[K" + self.status_line()[:200])
            self.stream.flush()
            self._line_open = True
        elif force or now - self._last_print >= self.interval:
            self._write(self.status_line())
            self._last_print = now

    def start_run(self, label: str, suites: list[str]) -> None:
        self.label, self.total, self.state = label, 0, {}
        self._write(f"==> {label}: running {', '.join(suites)}")
        self._last_print = self.clock()

    def event(self, event: Mapping[str, Any]) -> None:
        kind = event.get("event")
        if kind == "collected":
            self.total = int(event.get("count", 0))
            self._write(f"    {self.total} tests collected")
        elif kind == "test":
            self.state = dict(event)
            self.total = int(event.get("total") or self.total)
            if event.get("outcome") in ("failed", "error"):
                reqs = ", ".join(event.get("requirements") or ()) or "no requirement id"
                message = f": {event['message']}" if event.get("message") else ""
                self._write(f"    {event['outcome'].upper()} {event['nodeid']} [{reqs}]{message}")
            self._status()
        elif kind == "heartbeat":
            self.state = {**self.state, **event}
            self._status()
        elif kind == "finished":
            if self.state:
                self._status(force=True)
            if self._line_open:
                self.stream.write("\n")
                self._line_open = False

    def message(self, text: str) -> None:
        self._write(text)


def problem_lines(summary: Mapping[str, Any], limit: int = 10) -> list[str]:
    """"N distinct problems" and one line per problem (statement, requirement, how often, a reproduction)."""
    problems = [p for p in summary.get("problems") or () if not p.get("baselined")]
    if not problems:
        return []
    failures = sum(p["count"] for p in problems)
    lines = [f"{len(problems)} distinct problem{'s' if len(problems) != 1 else ''} "
             f"({failures} failure{'s' if failures != 1 else ''}):"]
    for p in problems[:limit]:
        where = ", ".join([*p.get("api_versions", ()), *p.get("suites", ())])
        lines.append(f"  {p['id']}  {p['statement']}  [{p.get('requirement') or 'no requirement id'}] "
                     f"seen {p['count']}× ({where})")
        if p.get("curl"):
            lines.append(f"      {p['curl'][:300]}")
    if len(problems) > limit:
        lines.append(f"  … and {len(problems) - limit} more in the report")
    return lines


def summary_table(summary: Mapping[str, Any], report_dir: str) -> str:
    """The closing summary: the distinct problems first, then requirement verdicts per version, totals,
    the verdict and where the report is."""
    cols = ("pass", "fail", "error", "skip", "not-covered")
    lines = [""]
    problems = problem_lines(summary)
    if problems:
        lines += [*problems, ""]
    lines.append(f"{'Requirements':<14}" + "".join(f"{c:>13}" for c in cols))
    for version, totals in summary["requirement_totals"].items():
        lines.append(f"{version:<14}" + "".join(f"{totals.get(c, 0):>13}" for c in cols))
    t, r = summary["totals"], summary["requests"]
    lines.append("")
    lines.append(f"Tests: {t['passed']} passed, {t['failed']} failed, {t['errors']} errors, {t['skipped']} skipped"
                 + (f" ({t['known_failures']} known failures excused by the baseline)" if t["known_failures"] else "")
                 + f" · {r['count']} requests · {r['rate_limit_waits'] + r['throttle_waits']} rate-limit waits"
                 + f" · {summary['duration_seconds']:.0f} s")
    baseline = summary.get("baseline")
    if baseline and baseline["now_passing"]:
        lines.append("Baseline entries that now pass (remove them): " + ", ".join(baseline["now_passing"]))
    if baseline and baseline["unmatched"]:
        lines.append("Baseline entries that matched no test: " + ", ".join(baseline["unmatched"]))
    if summary.get("comparison"):
        from register_conformance.reporting.compare import render_text

        lines.append(render_text(summary["comparison"]))
    failing = sorted({rid for f in summary["failures"] if not f["baselined"]
                      for rid in f.get("failed_requirements") or f["requirements"]})
    verdict = summary["verdict"].upper()
    if summary["verdict"] == "interrupted":
        verdict += " (the results cover the tests that ran before Ctrl-C)"
    elif failing:
        verdict += f" (failed requirements: {', '.join(failing)})"
    elif summary["verdict"] != "conformant":
        verdict += " (failures in tests without a requirement id)"
    lines.append(f"Verdict: {verdict}")
    lines.append(f"Report:  {report_dir}/report.html  (summary.json, junit.xml, allure-results/)")
    return "\n".join(lines)
