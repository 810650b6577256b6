"""CI: build the sdist and the wheel (from the sdist), install the wheel into a fresh venv outside the checkout,
and use it from an empty folder as a vendor would. Also runs the Dockerfile's entry command and healthcheck
against that install (the same commands the image runs; no container engine needed).

    python3 .ci/wheel_smoke.py [--python .venv/bin/python]

Needs DfE's schemas: REGISTER_OPENAPI_DIR, else ../shared/openapi beside the checkout. They are copied into
<empty>/openapi/, where a vendor puts them, and the commands run without REGISTER_OPENAPI_DIR (only ``compat`` and
the Dockerfile's sandbox get it, as in the image). Prints the wheel size and the time of each step; exits non-zero
on the first failure.
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
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def step(name: str, cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    t0 = time.monotonic()
    proc = subprocess.run(cmd, text=True, capture_output=True, **kwargs)
    print(f"== {name}: exit {proc.returncode} in {time.monotonic() - t0:.1f} s", flush=True)
    if proc.returncode != 0:
        sys.stdout.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"wheel smoke: {name} failed")
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dockerfile_commands(port: int, workdir: Path) -> tuple[list[str], list[str]]:
    """The image's ENTRYPOINT + CMD and its HEALTHCHECK command, moved to ``port`` and ``workdir``."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    def exec_form(keyword: str) -> list[str]:
        line = next(ln for ln in text.splitlines() if ln.startswith(keyword))
        return json.loads(line[line.index("["):])

    def local(arg: str) -> str:
        return arg.replace("8000", str(port)).replace("0.0.0.0", "127.0.0.1").replace("/work/", f"{workdir}/")

    return ([local(a) for a in exec_form("ENTRYPOINT") + exec_form("CMD")],
            [local(a) for a in exec_form("HEALTHCHECK")])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", default=str(ROOT / ".venv" / "bin" / "python"),
                        help="a Python with the 'build' package (the checkout's dev venv)")
    args = parser.parse_args()
    t_start = time.monotonic()
    schemas = os.environ.get("REGISTER_OPENAPI_DIR") or str(ROOT.parent / "shared" / "openapi")
    with tempfile.TemporaryDirectory(prefix="wheel-smoke-") as tmp:
        work = Path(tmp)
        # --no-isolation: the dev venv's setuptools, no download; the wheel is built from the sdist
        step("build sdist + wheel", [args.python, "-m", "build", "--no-isolation", "--outdir", str(work / "dist"),
                                     str(ROOT)])
        wheel = next((work / "dist").glob("*.whl"))
        print(f"   wheel {wheel.name}: {wheel.stat().st_size / 1024:.0f} KiB", flush=True)
        venv.create(work / "venv", with_pip=True)
        bin_dir = work / "venv" / "bin"
        step("install the wheel into a fresh venv", [str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
                                                     "--no-compile", "--disable-pip-version-check", str(wheel)])
        empty = work / "empty"
        (empty / "openapi").mkdir(parents=True)
        for official in Path(schemas).glob("v*.yaml"):
            shutil.copy(official, empty / "openapi")
        env = dict(os.environ)  # the schemas are found in ./openapi/ of the current folder
        for name in ("REGISTER_BASE_URL", "PYTEST_BASE_URL", "REGISTER_API_TOKEN", "REGISTER_API_SECOND_TOKEN",
                     "REGISTER_OPENAPI_DIR", "REGISTER_API_VERSION"):
            env.pop(name, None)
        env_dir = {**env, "REGISTER_OPENAPI_DIR": schemas}
        tool = str(bin_dir / "register-conformance")
        step("schemas", [tool, "schemas"], cwd=empty, env=env)
        step("compat (REGISTER_OPENAPI_DIR)", [tool, "compat"], cwd=empty, env=env_dir)
        listed = step("python -m register_conformance requirements --json",
                      [str(bin_dir / "python"), "-m", "register_conformance", "requirements", "--json"],
                      cwd=empty, env=env)
        covered = [r for r in json.loads(listed.stdout) if r["tests"]]
        if not any(t.startswith("suites/schema/") for r in covered for t in r["tests"]):
            raise SystemExit("wheel smoke: requirements lists no test of the schema suite")
        print(f"   {len(covered)} requirements covered by tests", flush=True)
        collected = step("pytest --pyargs register_conformance.suites.lifecycle --collect-only (pytest11 plugin)",
                         [str(bin_dir / "python"), "-m", "pytest", "--pyargs", "register_conformance.suites.lifecycle",
                          "-p", "no:cacheprovider", "--collect-only", "-q", "--base-url", "http://127.0.0.1:9",
                          "--api-version", "v2026.1"], cwd=empty, env=env)
        print(f"   {collected.stdout.strip().splitlines()[-1]}", flush=True)
        run = step("run --api-version v2026.1 --profile quick --suite lifecycle",
                   [tool, "run", "--api-version", "v2026.1", "--profile", "quick", "--suite", "lifecycle"],
                   cwd=empty, env=env)
        print("   " + "\n   ".join(run.stdout.strip().splitlines()[-3:]), flush=True)
        summaries = list((empty / "reports").glob("2*/summary.json"))
        if len(summaries) != 1 or json.loads(summaries[0].read_text())["verdict"] != "conformant":
            raise SystemExit(f"wheel smoke: expected one conformant report under {empty / 'reports'}, got {summaries}")
        nodeids = re.findall(r'"(suites/lifecycle/test_[^"]+)"', summaries[0].read_text())
        if not nodeids:
            raise SystemExit("wheel smoke: test ids in summary.json do not read suites/lifecycle/...")
        sandbox_dir = work / "sandbox"
        sandbox_dir.mkdir()
        port = free_port()
        command, healthcheck = dockerfile_commands(port, sandbox_dir)
        command[0] = str(bin_dir / command[0])  # ENTRYPOINT register-conformance, from the fresh venv
        healthcheck[0] = str(bin_dir / healthcheck[0])
        t0 = time.monotonic()
        sandbox = subprocess.Popen(command, cwd=empty, env=env_dir, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.STDOUT)
        try:
            while subprocess.run(healthcheck, capture_output=True).returncode != 0:
                if sandbox.poll() is not None or time.monotonic() - t0 > 30:
                    raise SystemExit(f"wheel smoke: the Dockerfile's sandbox command never became healthy: {command}")
                time.sleep(0.3)
            print(f"== Dockerfile CMD + HEALTHCHECK: healthy after {time.monotonic() - t0:.1f} s", flush=True)
            # The pytest route against it: --reports DIR comes from the collector's pytest11 entry point.
            pytest_reports = empty / "reports" / "pytest-route"
            step("pytest --pyargs register_conformance.suites.lifecycle -k index_empty --reports DIR",
                 [str(bin_dir / "python"), "-m", "pytest", "--pyargs", "register_conformance.suites.lifecycle",
                  "-p", "no:cacheprovider", "-q", "-k", "index_empty", "--base-url", f"http://127.0.0.1:{port}",
                  "--api-version", "v2026.1", "--rate-limit", "off", "--reports", str(pytest_reports)],
                 cwd=empty, env={**env, "REGISTER_API_TOKEN": "sandbox_provider_a_token"})
            verdict = json.loads((pytest_reports / "summary.json").read_text())["verdict"]
            if verdict != "conformant":
                raise SystemExit(f"wheel smoke: the pytest route's --reports summary says {verdict}")
        finally:
            sandbox.terminate()
            sandbox.wait(10)
        if subprocess.run(healthcheck, capture_output=True).returncode == 0:
            raise SystemExit("wheel smoke: the healthcheck passes with the sandbox stopped")
        left = sorted(p.name for p in empty.iterdir())
        if left != ["openapi", "reports"]:
            raise SystemExit(f"wheel smoke: the empty folder holds more than openapi/ and reports/: {left}")
    print(f"wheel smoke: passed in {time.monotonic() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
