"""Mutation score: how many sandbox defects each suite profile catches, at what cost; plain Schemathesis beside it.

For each profile, every catalogue defect gets a fresh sandbox process and a run of the whole schema +
lifecycle suites (plus the compatibility suite for cross-version defects). A defect is *detected*
when at least one failed test cites one of the defect's requirement ids (JUnit XML properties, as
in tests/meta). Measured: detected/total, wall time, requests sent (the suite's own counters,
``--register-stats-json``), requests per detected defect, and detection per family.

The baseline is what a user would run instead: ``schemathesis run`` on the official schema (version
pinned with a temporary ``schemathesis.toml`` ``[parameters]`` table, ``--url``, the bearer token
header, default checks and settings, fixed seed). It fails on the clean sandbox already (the official
file has discrepancies), so a defect counts as detected when the run shows a failure (operation +
check) that two clean runs did not show. Requests are counted from its VCR cassette.

    python bench/mutation_score.py [--profiles certify,quick,standard] [--defects a,b] [--jobs 2]
        [--versions target|both] [--no-schemathesis] [--run-timeout 900] [--keyword EXPR] [--output PATH]

``--versions target`` (default) runs each defect against one API version (the one its meta-test
uses, see tests/meta/targets.py) and the clean sandbox against both; ``both`` runs every defect
against both versions (twice the time). Writes JSON (default bench/results/mutation_score.json).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from register_conformance.launcher import SandboxProcess  # noqa: E402
from register_sandbox.defects import BY_NAME, CATALOGUE  # noqa: E402
from tests.meta.harness import run_suites  # noqa: E402
from tests.meta.targets import RESTART_ONLY, TARGETS  # noqa: E402

OFFICIAL = Path("/work/shared/openapi")
VERSIONS = ("v2026.1", "v2025.0")


@dataclass
class Outcome:
    """One defect (or clean) under one tool/profile."""

    defect: str
    family: str
    detected: bool
    failed: bool
    requests: int
    seconds: float
    runs: list[dict] = field(default_factory=list)
    note: str = ""


# -- our suites --------------------------------------------------------------------------------------
def _plan(defect: str | None, versions_mode: str,
          suites: tuple[str, ...] = ("schema", "lifecycle")) -> list[tuple[str, tuple[str, ...]]]:
    """(version, suites) runs for one defect: per-version suites, plus compatibility when relevant."""
    ids = BY_NAME[defect].requirement_ids if defect else ()
    compat = defect is None or any(i.startswith("COMPAT") for i in ids)
    if defect is None or versions_mode == "both":
        versions = VERSIONS
    else:
        versions = (TARGETS[defect].version,) if defect in TARGETS else ("v2026.1",)
    runs = [(v, suites) for v in versions]
    if compat:
        runs.append(("v2025.0", ("compatibility",)))
    return runs


def run_ours(defect: str | None, profile: str, versions_mode: str, timeout: float, seed: int,
             suites: tuple[str, ...] = ("schema", "lifecycle"), keyword: str | None = None) -> Outcome:
    ids = BY_NAME[defect].requirement_ids if defect else ()
    detected = failed = False
    requests, seconds, runs = 0, 0.0, []
    for version, chosen in _plan(defect, versions_mode, suites):
        run = run_suites(defect=defect, version=version, suites=chosen, profile=profile, timeout=timeout, seed=seed,
                         extra_args=("-k", keyword) if keyword else ())
        detected |= bool(ids) and run.detects(ids)
        failed |= run.exit_code != 0
        requests += run.requests
        seconds += run.seconds
        runs.append({"version": version, "suites": list(chosen), "exit_code": run.exit_code,
                     "timed_out": run.timed_out, "requests": run.requests, "seconds": round(run.seconds, 1),
                     "tests": len(run.tests), "failed_tests": len(run.failures),
                     "cited": sorted(run.cited())})
    note = "restart-only: caught by tests/meta/test_persistence.py" if defect in RESTART_ONLY else ""
    family = BY_NAME[defect].family if defect else "clean"
    return Outcome(defect or "clean", family, detected, failed, requests, round(seconds, 1), runs, note)


# -- plain Schemathesis ------------------------------------------------------------------------------
def _st_signatures(junit: Path) -> set[str]:
    sigs = set()
    if not junit.is_file():
        return sigs
    for case in ET.parse(junit).getroot().iter("testcase"):
        for node in case:
            if node.tag in ("failure", "error"):
                text = (node.get("message") or "") + "\n" + (node.text or "")
                codes = re.findall(r"^- (ST\d+[^\n]*)$", text, re.M) or [text.strip().splitlines()[0][:80]
                                                                         if text.strip() else node.tag]
                sigs.update(f"{case.get('name')} :: {c.strip()}" for c in codes)
    return sigs


def run_schemathesis(defect: str | None, version: str, timeout: float, seed: int) -> tuple[set[str], int, float, int]:
    """(failure signatures, requests, seconds, exit code) of one plain ``schemathesis run``."""
    with tempfile.TemporaryDirectory(prefix="bench-st-") as tmp:
        work = Path(tmp)
        (work / "schemathesis.toml").write_text(f'[parameters]\n"path.api_version" = "{version}"\n')
        with SandboxProcess(defect=defect) as sandbox:
            cmd = [str(Path(sys.executable).with_name("schemathesis")), "run", str(OFFICIAL / f"{version}.yaml"),
                   "--url", sandbox.base_url, "-H", f"Authorization: Bearer {sandbox.token}",
                   "--report", "junit,vcr", "--report-dir", str(work / "rep"), "--seed", str(seed)]
            start = time.monotonic()
            try:
                code = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=timeout).returncode
            except subprocess.TimeoutExpired:
                code = -1
            seconds = time.monotonic() - start
        junit = next((work / "rep").glob("junit-*.xml"), work / "missing.xml") if (work / "rep").is_dir() \
            else work / "missing.xml"
        vcr = next((work / "rep").glob("vcr-*.yaml"), None) if (work / "rep").is_dir() else None
        requests = sum(1 for line in vcr.open(encoding="utf-8") if line.startswith("- id: ")) if vcr else 0
        return _st_signatures(junit), requests, seconds, code


# -- driver -------------------------------------------------------------------------------------------
def summarise(outcomes: list[Outcome]) -> dict:
    scored = [o for o in outcomes if o.defect != "clean"]
    detected = [o for o in scored if o.detected]
    families: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for o in scored:
        families[o.family][0] += o.detected
        families[o.family][1] += 1
    requests = sum(o.requests for o in scored)
    return {
        "detected": len(detected), "total": len(scored),
        "score": round(len(detected) / len(scored), 3) if scored else 0.0,
        "seconds": round(sum(o.seconds for o in outcomes), 1),
        "requests": requests,
        "requests_per_defect_run": round(requests / len(scored)) if scored else 0,
        "max_requests_per_defect_run": max((o.requests for o in scored), default=0),
        "requests_per_version": _per_version(outcomes),
        "requests_per_detected_defect": round(requests / len(detected)) if detected else None,
        "families": {f: {"detected": d, "total": t} for f, (d, t) in sorted(families.items())},
        "missed": [o.defect for o in scored if not o.detected],
        "clean_failed": any(o.failed for o in outcomes if o.defect == "clean"),
    }


def _per_version(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """Max and median requests of one pytest run per API version (per-version suites, not compatibility)."""
    counts: dict[str, list[int]] = defaultdict(list)
    for o in outcomes:
        for run in o.runs:
            if "version" in run and run.get("suites") != ["compatibility"]:
                counts[run["version"]].append(int(run["requests"]))
    return {v: {"max": max(c), "median": round(statistics.median(c)), "runs": len(c)}
            for v, c in sorted(counts.items())}


def table(results: dict) -> str:
    tools = list(results["tools"])
    families = sorted({f for t in tools for f in results["tools"][t]["summary"]["families"]})
    rows = [("", *tools)]
    for key, label in (("score", "detected"), ("elapsed", "elapsed (s, --jobs)"), ("seconds", "process time (s)"),
                       ("requests", "requests"),
                       ("requests_per_defect_run", "requests / defect run"),
                       ("requests_per_detected_defect", "requests / detected defect")):
        row = [label]
        for t in tools:
            s = results["tools"][t]["summary"]
            row.append(f"{s['detected']}/{s['total']} ({s['score']:.0%})" if key == "score" else str(s[key]))
        rows.append(tuple(row))
    versions = sorted({v for t in tools for v in results["tools"][t]["summary"].get("requests_per_version", {})})
    for version in versions:
        row = [f"requests / run {version} (max/median)"]
        for t in tools:
            per = results["tools"][t]["summary"].get("requests_per_version", {}).get(version)
            row.append(f"{per['max']}/{per['median']}" if per else "-")
        rows.append(tuple(row))
    for fam in families:
        row = [f"  {fam}"]
        for t in tools:
            f = results["tools"][t]["summary"]["families"].get(fam, {"detected": 0, "total": 0})
            row.append(f"{f['detected']}/{f['total']}")
        rows.append(tuple(row))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", default="certify,quick,standard")
    parser.add_argument("--defects", help="comma-separated defect names (default: the whole catalogue)")
    parser.add_argument("--jobs", type=int, default=2, help="defect runs in parallel (default 2)")
    parser.add_argument("--versions", choices=("target", "both"), default="target")
    parser.add_argument("--no-schemathesis", action="store_true", help="skip the plain Schemathesis baseline")
    parser.add_argument("--st-version", default="v2026.1", help="API version of the Schemathesis baseline")
    parser.add_argument("--run-timeout", type=float, default=900.0, help="seconds per pytest/schemathesis process")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--suites", default="schema,lifecycle",
                        help="per-version suites of our runs (default schema,lifecycle)")
    parser.add_argument("--keyword", "-k", metavar="EXPR",
                        help="pytest -k expression for our runs, e.g. 'not input_corpus' to measure without the corpus")
    parser.add_argument("--from-json", metavar="PATH", help="only print the table of an earlier result file")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "mutation_score.json"))
    args = parser.parse_args(argv)
    if args.from_json:
        print(table(json.loads(Path(args.from_json).read_text(encoding="utf-8"))))
        return 0
    suites = tuple(x.strip() for x in args.suites.split(",") if x.strip())
    label = "" if suites == ("schema", "lifecycle") else f"[{'+'.join(suites)}]"
    label += f"[-k {args.keyword}]" if args.keyword else ""
    names = [n.strip() for n in args.defects.split(",")] if args.defects else [d.name for d in CATALOGUE]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        print(f"mutation_score: unknown defect {unknown[0]!r}", file=sys.stderr)
        return 2
    profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
    started = time.monotonic()
    results: dict = {"date": datetime.now(UTC).isoformat(timespec="seconds"),
                     "machine": f"{platform.node()} {platform.machine()} {platform.processor() or ''} "
                                f"cores={__import__('os').cpu_count()} python={platform.python_version()}".strip(),
                     "defects": len(names), "versions_mode": args.versions, "seed": args.seed, "tools": {}}
    with cf.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for prof in profiles:
            t0 = time.monotonic()
            jobs = [None, *names]
            outcomes = list(pool.map(
                lambda d, p=prof: run_ours(d, p, args.versions, args.run_timeout, args.seed, suites, args.keyword),
                jobs))
            results["tools"][f"suite:{prof}{label}"] = {"summary": {**summarise(outcomes),
                                                             "elapsed": round(time.monotonic() - t0, 1)},
                                                 "outcomes": [asdict(o) for o in outcomes]}
            print(f"[{prof}] {results['tools'][f'suite:{prof}{label}']['summary']['detected']}/{len(names)} detected "
                  f"in {time.monotonic() - t0:.0f}s", flush=True)
        if not args.no_schemathesis:
            t0 = time.monotonic()
            clean = list(pool.map(lambda _: run_schemathesis(None, args.st_version, args.run_timeout, args.seed),
                                  range(2)))
            baseline = set().union(*(c[0] for c in clean))

            def one(name: str) -> Outcome:
                sigs, req, secs, code = run_schemathesis(name, args.st_version, args.run_timeout, args.seed)
                new = sorted(sigs - baseline)
                return Outcome(name, BY_NAME[name].family, bool(new), code != 0, req, round(secs, 1),
                               [{"new_failures": new[:20], "exit_code": code}])

            outcomes = [Outcome("clean", "clean", False, c[3] != 0, c[1], round(c[2], 1),
                                [{"failures": sorted(c[0])}]) for c in clean]
            outcomes += list(pool.map(one, names))
            results["tools"]["schemathesis"] = {"summary": {**summarise(outcomes),
                                                            "elapsed": round(time.monotonic() - t0, 1)},
                                                "outcomes": [asdict(o) for o in outcomes]}
            print(f"[schemathesis] {results['tools']['schemathesis']['summary']['detected']}/{len(names)} "
                  f"detected in {time.monotonic() - t0:.0f}s", flush=True)
    results["elapsed"] = round(time.monotonic() - started, 1)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print()
    print(f"Mutation score, {results['date']}, {results['machine']}, {len(names)} defects, "
          f"versions={args.versions}, seed={args.seed}")
    print(table(results))
    for tool, data in results["tools"].items():
        if data["summary"]["missed"]:
            print(f"{tool} missed: {', '.join(data['summary']['missed'])}")
    print(f"JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
