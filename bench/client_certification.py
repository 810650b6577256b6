"""Client certification: false refusals of the reference client over seeded runs, and the detection table.

Each seeded run is one real ``client serve`` process (embedded sandbox, plan ``full``: a 429, a 503, a lost
create and a late TRN for every client, placed by the seed) serving the reference client on v2026.1 and on
v2025.0 (tests/clientcert/reference_client.py). A *false refusal* is a reference client not certified.
The detection run serves every broken variant at once; a variant is *detected* when it is not certified and
the requirement it breaks is among the failed ones (the meta-test's rule, tests/clientcert/test_variants.py).

    python bench/client_certification.py [--seeds 10] [--first-seed 1] [--jobs 2] [--no-variants]
        [--output bench/results/client_certification.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.clientcert.drive import reference_specs, serve_and_drive, variant_specs  # noqa: E402
from tests.clientcert.reference_client import VARIANTS  # noqa: E402


def reference_run(seed: int, folder: Path) -> dict:
    start = time.monotonic()
    run = serve_and_drive(folder / f"seed-{seed}", reference_specs(), seed=seed)
    rows = []
    for spec in reference_specs():
        try:
            summary = run.summary(spec.name)
        except FileNotFoundError:
            rows.append({"client": spec.name, "certified": False, "failed": [f"no report (exit {run.returncode})"]})
            continue
        injections = {r["injection"]["kind"]: r["verdict"] for r in summary["injections"]}
        rows.append({"client": spec.name, "certified": summary["certified"],
                     "failed": sorted(run.failed_ids(spec.name)), "injections": injections,
                     "exchanges": summary["exchanges"]})
    return {"seed": seed, "seconds": round(time.monotonic() - start, 1), "clients": rows}


def detection_run(folder: Path, seed: int) -> dict:
    start = time.monotonic()
    run = serve_and_drive(folder / "variants", variant_specs(), seed=seed)
    rows = []
    for variant in VARIANTS:
        summary = run.summary(variant.name)
        failed = sorted(run.failed_ids(variant.name))
        rows.append({"variant": variant.name, "mistake": variant.mistake, "expected": variant.cl_id,
                     "certified": summary["certified"], "failed": failed,
                     "detected": not summary["certified"] and variant.cl_id in failed})
    return {"seed": seed, "seconds": round(time.monotonic() - start, 1), "variants": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="seeded runs at once")
    parser.add_argument("--no-variants", action="store_true", help="skip the detection run")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "client_certification.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="client-cert-bench-") as tmp:
        folder = Path(tmp)
        seeds = range(args.first_seed, args.first_seed + args.seeds)
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            runs = list(pool.map(lambda s: reference_run(s, folder), seeds))
        detection = None if args.no_variants else detection_run(folder, args.first_seed)
    print("False refusals of the reference client (plan full, every adverse response, one run per seed)")
    print(f"{'seed':>4}  {'client':<16} {'verdict':<14} {'injections':<60} failed")
    refusals = total = 0
    for run in runs:
        for row in run["clients"]:
            total += 1
            refusals += not row["certified"]
            shown = ", ".join(f"{k}={v}" for k, v in sorted(row.get("injections", {}).items()))
            print(f"{run['seed']:>4}  {row['client']:<16} {'certified' if row['certified'] else 'REFUSED':<14} "
                  f"{shown:<60} {', '.join(row['failed'])}")
    print(f"false refusals: {refusals}/{total} reference runs over {len(runs)} seeds "
          f"(wall {sum(r['seconds'] for r in runs):.0f} s of runs, {args.jobs} at a time)")
    if detection:
        print()
        print(f"Detection table (seed {detection['seed']}, one client serve for all variants, "
              f"{detection['seconds']:.0f} s)")
        print(f"{'variant':<24} {'expected':<28} {'verdict':<10} failed")
        for row in detection["variants"]:
            print(f"{row['variant']:<24} {row['expected']:<28} {'refused' if row['detected'] else 'MISSED':<10} "
                  f"{', '.join(row['failed'])}")
        found = sum(r["detected"] for r in detection["variants"])
        print(f"detected: {found}/{len(detection['variants'])} broken variants refused citing the CL id they break")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({"reference_runs": runs, "detection": detection}, indent=2), encoding="utf-8")
    print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
