"""The live page of the real ``client serve``, in headless Chromium: the issue's done-when scenario.

A scripted client (the reference client's create step) walks one journey; the page's checklist item turns
to demonstrated; its exchange expands without a token; "finish" ends the run and report.html is written.
"""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.clientcert.browser import start_chromium, wait_for
from tests.clientcert.reference_client import ReferenceClient

pytestmark = pytest.mark.slow


class ServeProcess:
    """``register-conformance client serve`` as a child process; its stdout lines read on a thread."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "register_conformance.cli", "client", "serve", *args],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, pattern: str, timeout: float = 60.0) -> re.Match[str]:
        """The first stdout line (from here on) matching ``pattern``."""
        __tracebackhide__ = True
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                pytest.fail(f"client serve printed no line matching {pattern!r}; it printed {self.seen}; "
                            f"stderr: {self.stderr()}")
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr is not None
        return self.proc.stderr.read()[-2000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def test_a_vendor_watches_a_journey_demonstrated_and_finishes_from_the_live_page(tmp_path: Path):
    browser = start_chromium()  # skips where no browser is installed
    reports = tmp_path / "reports"
    serve = ServeProcess("--port", "0", "--plan", "journeys", "--api-version", "v2026.1", "--trn-delay", "0.5",
                         "--reports", str(reports))
    try:
        base_url = serve.line(r"^listening on (http://\S+)$").group(1)
        token = serve.line(r"^token \S+: (\S+)$").group(1)
        page_url = serve.line(r"^live page: (http://\S+)$").group(1)
        assert page_url == f"{base_url}/_conformance/"

        browser.get(page_url)
        wait_for(lambda: browser.execute_script("return document.body.dataset.ready"), "the page's first update")
        assert "plan journeys" in browser.find_element("id", "run-info").text
        state = 'return document.querySelector("#journeys li[data-journey=create-with-degree]").dataset.state'
        assert browser.execute_script(state) == "waiting"

        client = ReferenceClient(base_url, token, "v2026.1", run_id="live-page")
        assert client.create(client.trainee_body()), client.outcome.problems  # the journey: create with a degree

        wait_for(lambda: browser.execute_script(state) == "demonstrated", "create-with-degree to be demonstrated", 30)
        link = browser.find_element("css selector", "#journeys li[data-journey=create-with-degree] a.seq")
        seq = link.get_attribute("data-seq")
        link.click()
        detail = wait_for(lambda: browser.execute_script(
            "const d = document.querySelector(`tr.detail[data-seq='${arguments[0]}'] .message`);"
            "return d && d.closest('tr').textContent;", seq), "the demonstrating exchange, expanded")
        assert "POST" in detail and "degrees_attributes" in detail
        assert re.search(r"(?im)^authorization: Bearer \[REDACTED\]$", detail), detail
        assert token not in browser.page_source

        browser.find_element("id", "finish").click()
        browser.find_element("id", "finish-yes").click()
        serve.proc.wait(60)  # finishing judges, writes the reports and exits
        assert (reports / "report.html").is_file(), serve.seen
        wait_for(lambda: "has finished and stopped" in browser.find_element("id", "banner").text,
                 "the page to say client serve has finished", 40)
        assert token not in (reports / "report.html").read_text(encoding="utf-8")
    finally:
        serve.stop()
        browser.quit()
