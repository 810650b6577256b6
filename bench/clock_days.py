"""Test data never expires: the suites against the sandbox with both processes' clocks on chosen days.

For each day the whole run happens under Debian's ``faketime`` (libfaketime, ``apt-get install -y
faketime``) with one offset from the real clock (``faketime -f +Ns``), so every process started inside —
``register-conformance run``, its pytest children and the sandbox it launches — reads the same faked
clock, at 12:00 UTC on that day. Per day two things run:

1. a probe (this script with ``--probe``, under the same offset): the suite's ``utc_today()`` and cycle,
   and a fresh sandbox's clock as seen from outside — the ``submitted_for_trn_at`` of a trainee it
   creates, and whether ``GET /trainees`` (the sandbox's current cycle) lists a trainee whose
   ``itt_start_date`` the suite chose in *its* current cycle;
2. ``register-conformance run`` (all suites, both versions unless narrowed), whose verdict is printed.

    python bench/clock_days.py [--days 2027-07-31,2027-08-01,2026-12-31,2028-02-29] [--profile quick]
        [--suite lifecycle --suite compatibility] [--output bench/results/clock_days.json]

Default days: the last day of a cycle and the first of the next (31 July, 1 August), the last day of a
year, and 29 February of a leap year, the next ones from today. Exit 0 when every day is conformant and
both clocks agree with the day, 1 otherwise, 2 when ``faketime`` is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOON = 12


def default_days(today: date) -> list[date]:
    """The next 31 July and 1 August, 31 December, and 29 February (of the next leap year)."""
    def next_on(month: int, day: int) -> date:
        year = today.year
        while True:
            try:
                candidate = date(year, month, day)
            except ValueError:  # 29 February outside a leap year
                year += 1
                continue
            if candidate > today:
                return candidate
            year += 1

    return [next_on(7, 31), next_on(8, 1), next_on(12, 31), next_on(2, 29)]


def offset_for(day: date) -> int:
    """Seconds from now to 12:00 UTC on ``day`` (the faketime offset)."""
    target = datetime(day.year, day.month, day.day, NOON, tzinfo=UTC)
    return int((target - datetime.now(UTC)).total_seconds())


def faked(command: list[str], day: date) -> list[str]:
    return ["faketime", "-f", f"{offset_for(day):+d}s", *command]


# -- the probe (runs under faketime) ----------------------------------------------------------------
def probe() -> dict:
    """The suite's today and cycle, and the sandbox's clock and current cycle as its API shows them."""
    import httpx

    from register_conformance.cycle import CycleDates, utc_today
    from register_conformance.launcher import SandboxProcess
    from register_conformance.lifecycle.data import TraineeData

    dates = CycleDates(utc_today())
    out: dict = {"suite_today": dates.today.isoformat(), "suite_cycle_start": dates.cycle_start.isoformat(),
                 "itt_start_date": dates.started.isoformat()}
    with SandboxProcess(trn_delay=60) as sandbox:
        headers = {"Authorization": f"Bearer {sandbox.token}"}
        with httpx.Client(base_url=f"{sandbox.base_url}/api/v2026.1", headers=headers, timeout=30) as client:
            created = client.post("/trainees", json={"data": TraineeData("clock", "v2026.1").trainee()})
            trainee = created.json().get("data", {}) if created.status_code == 201 else {}
            out["sandbox_create_status"] = created.status_code
            out["sandbox_submitted_for_trn_at"] = trainee.get("submitted_for_trn_at")
            listed = client.get("/trainees")
            ids = [t.get("trainee_id") for t in listed.json().get("data", [])] if listed.status_code == 200 else []
            out["sandbox_lists_it_in_current_cycle"] = trainee.get("trainee_id") in ids
    return out


# -- the driver -------------------------------------------------------------------------------------
def run_day(day: date, args: argparse.Namespace, workdir: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT),
                                                                     os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    result: dict = {"day": day.isoformat()}
    done = subprocess.run(faked([sys.executable, str(Path(__file__).resolve()), "--probe"], day),
                          capture_output=True, text=True, env=env, timeout=300)
    try:
        result["probe"] = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        result["probe"] = {"error": (done.stderr or done.stdout).strip()[-500:]}
    reports = workdir / day.isoformat()
    command = [str(Path(sys.executable).with_name("register-conformance")), "run", "--reports", str(reports),
               "--seed", str(args.seed)]
    if args.profile:
        command += ["--profile", args.profile]
    for suite in args.suite or ():
        command += ["--suite", suite]
    done = subprocess.run(faked(command, day), capture_output=True, text=True, env=env,
                          timeout=args.run_timeout, cwd=ROOT)
    result["exit_code"] = done.returncode
    summary_file = reports / "summary.json"
    if summary_file.is_file():
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
        result.update(verdict=summary.get("verdict"), run_started=summary.get("started"),
                      totals=summary.get("totals"),
                      not_passed={t.get("id"): t.get("outcome") for t in summary.get("tests", [])
                                  if t.get("outcome") != "passed"})
    else:
        result.update(verdict="no summary", tail=(done.stderr or done.stdout)[-800:])
    result["seconds"] = round(time.monotonic() - started, 1)
    result["clocks_agree"] = clocks_agree(result, day)
    return result


def clocks_agree(result: dict, day: date) -> bool:
    """The run's parent, the probe's suite side and the probe's sandbox all report ``day``."""
    p = result.get("probe", {})
    seen = [str(result.get("run_started") or "")[:10], p.get("suite_today"),
            str(p.get("sandbox_submitted_for_trn_at") or "")[:10]]
    return all(s == day.isoformat() for s in seen) and bool(p.get("sandbox_lists_it_in_current_cycle"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--days", help="comma-separated YYYY-MM-DD (default: the next cycle boundary, "
                                       "31 December and 29 February)")
    parser.add_argument("--profile", help="register-conformance run --profile (default: its own default)")
    parser.add_argument("--suite", action="append", help="register-conformance run --suite (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--run-timeout", type=float, default=1800.0)
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "clock_days.json"))
    args = parser.parse_args(argv)
    if args.probe:
        print(json.dumps(probe()))
        return 0
    if shutil.which("faketime") is None:
        print("clock_days: faketime not found (Debian: apt-get install -y faketime)", file=sys.stderr)
        return 2
    try:
        days = ([date.fromisoformat(d.strip()) for d in args.days.split(",")] if args.days
                else default_days(datetime.now(UTC).date()))
    except ValueError as exc:
        print(f"clock_days: --days: {exc}", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="clock-days-") as tmp:
        for day in days:
            result = run_day(day, args, Path(tmp))
            results.append(result)
            totals = result.get("totals") or {}
            print(f"{day.isoformat()}  {str(result.get('verdict')).upper():<16} exit {result['exit_code']}  "
                  f"tests {totals}  not passed {result.get('not_passed')}  "
                  f"clocks {'agree' if result['clocks_agree'] else 'DISAGREE'}  "
                  f"probe {result.get('probe')}  {result['seconds']} s", flush=True)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                                  "profile": args.profile, "suites": args.suite, "days": results}, indent=2) + "\n",
                      encoding="utf-8")
    print(f"written {output}")
    ok = all(r.get("verdict") == "conformant" and r["clocks_agree"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
