"""Start the embedded sandbox as a separate process (never imported) and stop it afterwards.

``with SandboxProcess() as sandbox:`` gives ``sandbox.base_url``, ``sandbox.token`` and
``sandbox.second_token`` for a fresh sandbox on a free loopback port with a temporary database
and two providers with random tokens.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from register_conformance.errors import TargetError

_LISTENING = re.compile(r"listening on (http://\S+)")


class SandboxProcess:
    """A sandbox process owned by the caller (context manager)."""

    #: A school the embedded sandbox knows (its fixture list, src/register_sandbox/data/reference/schools.json).
    school_urn = "100001"

    def __init__(self, *, trn_delay: float = 1.0, award_delay: float | None = None, defect: str | None = None,
                 extra_args: Sequence[str] = (), db: str | Path | None = None, startup_timeout: float = 30.0,
                 log_path: str | Path | None = None) -> None:
        self.token = "sandbox_" + secrets.token_hex(16)
        self.second_token = "sandbox_" + secrets.token_hex(16)
        self.trn_delay = trn_delay
        self.award_delay = award_delay
        self.defect = defect
        self.extra_args = list(extra_args)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.db = Path(db) if db else None
        self.startup_timeout = startup_timeout
        self.log_path = Path(log_path) if log_path else None
        self.base_url = ""
        self.process: subprocess.Popen[str] | None = None
        self._output: list[str] = []

    def command(self) -> list[str]:
        args = [sys.executable, "-m", "register_sandbox", "--host", "127.0.0.1", "--port", "0",
                "--db", str(self.db), "--trn-delay", f"{self.trn_delay:g}",
                "--provider-token", f"Conformance Provider A={self.token}",
                "--provider-token", f"Conformance Provider B={self.second_token}"]
        if self.award_delay is not None:
            args += ["--award-delay", f"{self.award_delay:g}"]
        if self.defect:
            args += ["--defect", self.defect]
        return args + self.extra_args

    def start(self) -> SandboxProcess:
        if self.db is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="register-sandbox-")
            self.db = Path(self._tmp.name) / "sandbox.sqlite3"
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=env, start_new_session=True)
        found = threading.Event()

        def pump() -> None:
            assert self.process and self.process.stdout
            log = self.log_path.open("a", encoding="utf-8") if self.log_path else None
            for line in self.process.stdout:
                self._output.append(line)
                del self._output[:-200]
                if log:
                    log.write(line)
                    log.flush()
                match = _LISTENING.search(line)
                if match and not found.is_set():
                    self.base_url = match.group(1).rstrip("/")
                    found.set()
            if log:
                log.close()
            found.set()

        threading.Thread(target=pump, daemon=True, name="sandbox-output").start()
        deadline = time.monotonic() + self.startup_timeout
        while not found.wait(0.05):
            if time.monotonic() > deadline:
                self.stop()
                raise TargetError(f"the sandbox did not start within {self.startup_timeout:g}s")
        if not self.base_url:
            tail = "".join(self._output[-3:]).strip().splitlines()
            self.stop()
            raise TargetError(f"the sandbox exited before listening: {tail[-1] if tail else 'no output'}")
        return self

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._tmp:
            self._tmp.cleanup()
            self._tmp = None

    @property
    def output(self) -> str:
        """The last lines the sandbox printed (no tokens: the sandbox never prints them)."""
        return "".join(self._output)

    def __enter__(self) -> SandboxProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
