"""An independent validator on the suite's own traffic: Prism as a validating proxy, official vs exported schemas.

For each API version and each schema (DfE's official file, and ours from ``register-conformance schemas
--export``), a fresh sandbox runs behind ``prism proxy SCHEMA SANDBOX --errors false`` and the lifecycle
suite (``--profile quick``) runs through the proxy. Prism checks every request and response against the
schema and logs each violation (the ``sl-violations`` header). Printed per run: requests, tests passed /
failed, request violations (the suite sends invalid requests on purpose: they are expected; those on requests
the sandbox accepted with 2xx are counted apart, as the schema being stricter than the API) and
response violations (what the sandbox — faithful to the facts — does that the schema does not allow),
with the most frequent messages. The exported schema should leave no response violation.

    npm i -g @stoplight/prism-cli     # Prism 5.x
    python bench/exported_schemas_prism.py [--versions v2025.0,v2026.1] [--schemas official,exported]
        [--openapi-dir DIR] [--output PATH]

Writes JSON (default bench/results/exported_schemas_prism.json).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from register_conformance.launcher import SandboxProcess  # noqa: E402
from register_conformance.schemas import locate  # noqa: E402

ANSI = re.compile(r"\x1b\[[0-9;]*m")
VIOLATION = re.compile(r"Violation: (\S+) (.*)$")
RECEIVED = re.compile(r"\[HTTP SERVER\] (\w+) (\S+)")
RETURNED = re.compile(r"has returned (\d+)")
ID_SEGMENT = re.compile(r"/(trainees|degrees|placements)/[^/?]+")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"prism exited ({process.returncode}): {' | '.join(ANSI.sub('', t) for t in tail)}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer: Prism is listening
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"prism did not answer {url} within {timeout:.0f} s")


def parse_prism_log(text: str) -> dict:
    requests = 0
    request_v: Counter[str] = Counter()
    accepted_v: Counter[str] = Counter()  # request violations the target answered 2xx: schema stricter than the API
    response_v: Counter[str] = Counter()
    operation, status = "?", "?"
    for raw in text.splitlines():
        line = ANSI.sub("", raw)
        if "Request received" in line:
            requests += 1
            if m := RECEIVED.search(line):
                path = ID_SEGMENT.sub(r"/\1/{id}", m[2].split("?")[0])
                operation, status = f"{m[1].upper()} {path}", "?"
        if m := RETURNED.search(line):
            status = m[1]
        if m := VIOLATION.search(line):
            where, message = m.groups()
            counter = request_v if where.startswith("request") else response_v
            counter[f"{operation} → {status}: {where} {message}"] += 1
            if counter is request_v and status.startswith("2"):
                accepted_v[f"{operation} → {status}: {where} {message}"] += 1
    return {"requests": requests, "request_violations": sum(request_v.values()),
            "response_violations": sum(response_v.values()), "accepted_request_violations": sum(accepted_v.values()),
            "top_accepted_request_violations": accepted_v.most_common(5),
            "top_response_violations": response_v.most_common(8), "top_request_violations": request_v.most_common(5)}


def run_one(version: str, schema: Path, workdir: Path, prism: str) -> dict:
    log = workdir / f"prism-{version}-{schema.stem}.log"
    with SandboxProcess(trn_delay=1.0) as sandbox:
        port = free_port()
        with log.open("w") as fh:
            proxy = subprocess.Popen([prism, "proxy", str(schema), sandbox.base_url, "--host", "127.0.0.1",
                                      "--port", str(port), "--errors", "false"], stdout=fh, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{port}/api/{version}/info", proxy, log)
            env = {**os.environ, "REGISTER_API_TOKEN": sandbox.token, "REGISTER_API_SECOND_TOKEN": sandbox.second_token}
            t0 = time.monotonic()
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "suites/lifecycle", "-q", "-p", "no:cacheprovider",
                 "--base-url", f"http://127.0.0.1:{port}", "--api-version", version, "--profile", "quick",
                 "--rate-limit", "off", "--request-timeout", "15", "--trn-timeout", "30"],
                cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
            seconds = round(time.monotonic() - t0, 1)
        except RuntimeError as exc:
            return {"version": version, "schema": schema.name, "error": str(exc)}
        finally:
            proxy.terminate()
            try:
                proxy.wait(10)
            except subprocess.TimeoutExpired:
                proxy.kill()
    last = next((ln for ln in reversed(proc.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", ln)), "")
    failed = [ln[len("FAILED "):][:160] for ln in proc.stdout.splitlines() if ln.startswith("FAILED ")]
    return {"version": version, "schema": schema.name, "tests": last.strip("= "), "failed": failed,
            "pytest_exit": proc.returncode,
            "seconds": seconds, **parse_prism_log(log.read_text(errors="replace"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", default="v2025.0,v2026.1")
    parser.add_argument("--schemas", default="official,exported")
    parser.add_argument("--openapi-dir")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "exported_schemas_prism.json"))
    args = parser.parse_args()
    prism = shutil.which("prism")
    if not prism:
        print("prism not found: npm i -g @stoplight/prism-cli", file=sys.stderr)
        return 2
    version_text = subprocess.run([prism, "--version"], capture_output=True, text=True).stdout.strip()
    versions = args.versions.split(",")
    kinds = args.schemas.split(",")
    results = []
    with tempfile.TemporaryDirectory(prefix="prism-bench-") as tmp:
        workdir = Path(tmp)
        subprocess.run([sys.executable, "-m", "register_conformance", "schemas", "--export", str(workdir / "exported"),
                        *(["--openapi-dir", args.openapi_dir] if args.openapi_dir else [])],
                       check=True, capture_output=True, cwd=ROOT)
        for version in versions:
            for kind in kinds:
                schema = (locate(version, args.openapi_dir).path if kind == "official"
                          else workdir / "exported" / f"{version}.overlaid.yaml")
                result = run_one(version, schema, workdir, prism)
                result["kind"] = kind
                results.append(result)
                if "error" in result:
                    print(f"{version} {kind:9} Prism refused the schema: {result['error']}")
                    continue
                print(f"{version} {kind:9} {result['requests']:4} requests · {result['tests']} · "
                      f"{result['request_violations']} request violations "
                      f"({result['accepted_request_violations']} on requests the sandbox accepted) · "
                      f"{result['response_violations']} response violations · {result['seconds']} s")
                for message, count in result["top_response_violations"]:
                    print(f"    {count:4} × {message[:200]}")
                for message, count in result["top_accepted_request_violations"]:
                    print(f"    {count:4} × accepted: {message[:200]}")
                for line in result["failed"]:
                    print(f"    failed through the proxy: {line}")
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"prism": version_text, "results": results}, indent=2))
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
