"""Drive reference clients and broken variants against one real ``client serve`` process.

Each client gets its own ``--provider-token`` (so ``client serve`` judges and reports it on its own, in
``REPORTS/<name>/``); all run at once in threads, then the process finishes on ``--until-idle``.
Used by the meta-tests (tests/clientcert/test_variants.py) and bench/client_certification.py.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .reference_client import VARIANTS, Outcome, ReferenceClient

#: Fast settings: TRN after 2 s, the late TRN 5 s later, Retry-After 2 s (the reference waits it out).
FAST = ("--trn-delay", "2", "--late-trn", "5", "--retry-after", "2", "--until-idle", "4")


@dataclass(frozen=True)
class ClientSpec:
    name: str
    version: str = "v2026.1"
    flaw: str | None = None


@dataclass
class ServedRun:
    returncode: int
    stdout: str
    stderr: str
    reports: Path
    outcomes: dict[str, Outcome | BaseException] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # name → token (to prove none is kept)

    def summary(self, name: str) -> dict[str, Any]:
        return json.loads((self.reports / name / "summary.json").read_text(encoding="utf-8"))

    def failed_ids(self, name: str) -> set[str]:
        return {r["id"] for r in self.summary(name)["requirements"] if r["verdict"] == "fail"}

    def har(self, name: str) -> Path:
        return self.reports / name / "exchanges.har"


def reference_specs() -> list[ClientSpec]:
    return [ClientSpec("reference-v2026", "v2026.1"), ClientSpec("reference-v2025", "v2025.0")]


def variant_specs() -> list[ClientSpec]:
    return [ClientSpec(v.name, "v2026.1", v.name) for v in VARIANTS]


def serve_and_drive(reports: Path, clients: list[ClientSpec], *, seed: int = 7, options: tuple[str, ...] = FAST,
                    timeout: float = 240.0) -> ServedRun:
    """Start ``client serve`` with one token per client, run every client against it, wait for the verdicts."""
    tokens = {spec.name: "cs_" + secrets.token_hex(12) for spec in clients}
    command = [sys.executable, "-m", "register_conformance.cli", "client", "serve", "--port", "0",
               "--seed", str(seed), "--reports", str(reports), *options]
    for name, token in tokens.items():
        command += ["--provider-token", f"{name}={token}"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline() if process.stdout else ""
        if not first.startswith("listening on "):
            out, err = process.communicate(timeout=30)
            return ServedRun(process.returncode, first + out, err, reports, tokens=tokens)
        base_url = first.split()[-1]
        outcomes: dict[str, Outcome | BaseException] = {}

        def walk(spec: ClientSpec) -> None:
            client = ReferenceClient(base_url, tokens[spec.name], spec.version, flaw=spec.flaw, run_id=spec.name)
            try:
                outcomes[spec.name] = client.run()
            except Exception as exc:  # a broken variant may give up; its traffic is still judged
                outcomes[spec.name] = exc

        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            list(pool.map(walk, clients))
        out, err = process.communicate(timeout=timeout)
        return ServedRun(process.returncode, first + out, err, reports, outcomes, tokens)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
