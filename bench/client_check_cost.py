"""Cost of ``register-conformance client check`` on a large HAR file (goal: 10,000 exchanges < 10 s, < 300 MB).

Generates a HAR 1.2 file of N exchanges from one v2026.1 client walking the journeys (creates with a
degree, reads, updates, degrees, placements, defers, withdrawals, recommendations, incremental index reads,
some 422s and 429s honoured), then runs the real command line in a child process and prints its wall time
CPU time and peak memory (the child's maximum resident set size), plus the judging time alone, in process.
The whole command is measured: interpreter start, HAR reading, loading the overlaid schema, judging, and
writing every report (report.html, summary.json, junit.xml, allure-results, exchanges.har).

    python bench/client_check_cost.py [--exchanges 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

T0 = datetime.now(UTC).timestamp() - 86_400 * 3


def _cycle_start() -> date:
    from register_conformance.generation import cycle_start

    return cycle_start(date.today())


def _entry(i: int, t: float, method: str, path: str, body: dict | None, status: int, response: dict | None,
           extra_response_headers: list | None = None) -> dict:
    request = {"method": method, "url": f"https://register.example/api/v2026.1{path}", "httpVersion": "HTTP/1.1",
               "headers": [{"name": "Authorization", "value": "Bearer sandbox_" + "0" * 64},
                           {"name": "Content-Type", "value": "application/json"}],
               "queryString": [], "cookies": []}
    if body is not None:
        request["postData"] = {"mimeType": "application/json", "text": json.dumps(body)}
    text = json.dumps(response) if response is not None else ""
    headers = [{"name": "Content-Type", "value": "application/json"}, *(extra_response_headers or [])]
    return {"startedDateTime": datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"), "time": 40, "request": request,
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "cookies": [],
                     "headers": headers,
                     "content": {"size": len(text), "mimeType": "application/json", "text": text}}}


def _steps(n: int, k: int) -> list[tuple[str, str, dict | None, int, dict | None, list | None]]:
    """One trainee's journey (k numbers the trainee)."""
    start = _cycle_start()
    tid = f"t{k:06d}"
    person = {"first_names": f"Ada{k}", "last_name": f"Lovelace{k}", "date_of_birth": f"{start.year - 25}-04-12",
              "sex": "10", "email": f"ada{k}@example.com", "nationality": "GB", "training_route": "12",
              "itt_start_date": start.isoformat(), "itt_end_date": f"{start.year + 1}-07-31",
              "course_subject_1": "100425", "study_mode": "63", "course_age_range": "13918", "itt_aim": "202",
              "itt_qualification_aim": "020", "course_year": "1", "fund_code": "7", "funding_method": "D",
              "hesa_id": f"{k:013d}",
              "degrees_attributes": [{"subject": "100425", "institution": "0117", "uk_degree": "083", "grade": "02",
                                      "graduation_year": start.year - 3}]}
    trainee = {"trainee_id": tid, "state": "submitted_for_trn", **person}
    steps = [
        ("POST", "/trainees", {"data": person}, 201, {"data": trainee}, None),
        ("GET", f"/trainees/{tid}", None, 200, {**trainee, "state": "trn_received", "trn": "1234567"}, None),
        ("POST", f"/trainees/{tid}/degrees", {"data": {"subject": "100425", "institution": "0117", "uk_degree": "083",
                                                       "grade": "01", "graduation_year": start.year - 4}}, 201,
         {"data": {"degree_id": f"d{k}"}}, None),
        ("PUT", f"/trainees/{tid}/degrees/d{k}", {"data": {"grade": "02"}}, 200, {"data": {"degree_id": f"d{k}"}},
         None),
        ("POST", f"/trainees/{tid}/placements", {"data": {"urn": "123456", "name": f"School {k}",
                                                          "postcode": "BN1 1AA"}}, 201,
         {"data": {"placement_id": f"p{k}"}}, None),
        ("PATCH", f"/trainees/{tid}", {"data": {"middle_names": f"M{k}"}}, 200,
         {"data": {**trainee, "state": "trn_received"}}, None),
        ("PATCH", f"/trainees/{tid}", {"data": {"email": f"ada{k}@@example"}}, 422,
         {"message": "Validation failed: 1 error prohibited this trainee from being saved",
          "errors": ["email Enter an email address in the correct format, like name@example.com"]}, None),
        ("GET", f"/trainees?since={start.isoformat()}T00:00:00Z&page=1&per_page=50", None, 429, None,
         [{"name": "Retry-After", "value": "5"}]),
        ("GET", f"/trainees?since={start.isoformat()}T00:00:00Z&page=1&per_page=50", None, 200,
         {"data": [{**trainee, "state": "trn_received"}]}, None),
    ]
    if k % 5:  # the incremental read runs every fifth trainee
        steps = [s for s in steps if not s[1].startswith("/trainees?")]
    if k % 3 == 0:
        steps.append(("POST", f"/trainees/{tid}/defer", {"data": {"defer_date": start.isoformat()}}, 200,
                      {"data": {**trainee, "state": "deferred"}}, None))
    elif k % 3 == 1:
        steps.append(("POST", f"/trainees/{tid}/withdraw", {"data": {
            "withdrawal_date": start.isoformat(), "reasons": ["mandatory_reasons"], "trigger": "provider",
            "future_interest": "no"}}, 200, {"data": {**trainee, "state": "withdrawn"}}, None))
    else:
        steps.append(("POST", f"/trainees/{tid}/update-qts-or-eyts-status",
                      {"data": {"qts_standards_met_date": start.isoformat()}}, 202,
                      {"data": {**trainee, "state": "recommended_for_award"}}, None))
    return steps


def generate(path: Path, n: int) -> None:
    """Stream a HAR of ``n`` exchanges to ``path`` (0.7 s apart, 6 s after each 429)."""
    t, i, k = T0, 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write('{"log": {"version": "1.2", "creator": {"name": "bench", "version": "1"}, "entries": [\n')
        while i < n:
            for method, p, body, status, response, headers in _steps(n, k):
                if i >= n:
                    break
                out.write(("," if i else "") + json.dumps(_entry(i, t, method, p, body, status, response, headers)))
                out.write("\n")
                t += 6.0 if status == 429 else 0.7
                i += 1
            k += 1
        out.write("]}}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=10_000)
    parser.add_argument("--keep", metavar="DIR", help="keep the HAR and the reports in DIR")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="client-check-cost-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        har = folder / "big.har"
        generate(har, args.exchanges)
        cli = Path(sys.executable).with_name("register-conformance")
        started = time.perf_counter()
        proc = subprocess.run([str(cli), "client", "check", str(har), "--reports", str(folder / "reports")],
                              capture_output=True, text=True)
        wall = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
        verdict = proc.stdout.strip().splitlines()[-2] if proc.stdout.strip() else proc.stderr.strip()

        from register_conformance.clientcert.har import read_har
        from register_conformance.clientcert.judging import Context, judge

        exchanges = read_har(har)
        judge(exchanges[:1], Context(plan="check"))  # load the schemas once
        started = time.perf_counter()
        judgement = judge(exchanges, Context(plan="check"))
        judging = time.perf_counter() - started
        print(json.dumps({
            "exchanges": args.exchanges, "har_mb": round(har.stat().st_size / 2**20, 1),
            "client_check_seconds": round(wall, 2), "client_check_cpu_seconds": round(cpu, 2),
            "client_check_peak_mb": round(peak_mb, 1),
            "client_check_exit": proc.returncode, "verdict": verdict,
            "judge_seconds_warm": round(judging, 2), "certified": judgement.certified,
            "failed": [r["id"] for r in judgement.requirements if r["verdict"] == "fail"],
            "load_average_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
