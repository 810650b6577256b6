"""Loopback throughput of the sandbox: requests/s and p50/p99 latency per endpoint.

Starts ``python -m register_sandbox --port 0`` on a temporary database, seeds trainees, then drives
it with a small keep-alive HTTP/1.1 client on asyncio (no third-party client, so the load generator
stays cheap next to the server on the same cores). Bounded by request count and time per phase.

    python bench/sandbox_throughput.py [--requests 6000] [--concurrency 16] [--seconds 15] [--trainees 25]
                                       [--only POST]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TOKEN = "sandbox_provider_a_token"
BASE_BODY = {
    "first_names": "Bench", "last_name": "Trainee", "date_of_birth": "1990-01-01", "sex": "11",
    "email": "bench@example.com", "nationality": "GB", "training_route": "11", "itt_start_date": "2026-08-01",
    "itt_end_date": "2027-08-01", "course_subject_1": "100346", "study_mode": "63", "course_age_range": "13918",
    "itt_aim": "202", "itt_qualification_aim": "001", "course_year": "1", "fund_code": "2", "funding_method": "6",
    "hesa_id": "0310261553101",
}


def create_body(n: int) -> bytes:
    """A valid create body that is not a duplicate of any other (unique birth date + names)."""
    data = dict(BASE_BODY, last_name=f"Bench{n}", first_names=f"B{n}x", email=f"b{n}@example.com",
                date_of_birth=f"{1960 + n % 40}-{1 + n % 12:02d}-{1 + n % 28:02d}")
    return json.dumps({"data": data}).encode()


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {TOKEN}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            if line.lower().startswith("content-length:"):
                length = int(line.split(":", 1)[1])
        payload = await self.reader.readexactly(length) if length else b""
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def run_phase(host: str, port: int, make: Callable[[int], tuple[str, str, bytes]], total: int,
                    concurrency: int, seconds: float, expect: int) -> dict[str, float]:
    """Send ``total`` requests over ``concurrency`` connections (stop early after ``seconds``)."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        conn = Connection(host, port)
        await conn.open()
        try:
            for n in counter:
                if time.perf_counter() > deadline:
                    break
                method, path, body = make(n)
                started = time.perf_counter()
                status, _ = await conn.request(method, path, body)
                latencies.append(time.perf_counter() - started)
                if status != expect:
                    errors += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "unexpected_status": errors,
    }


def start_sandbox(db: Path) -> tuple[subprocess.Popen[str], str, int]:
    """Start the sandbox process and parse its listening line."""
    proc = subprocess.Popen([sys.executable, "-m", "register_sandbox", "--port", "0", "--db", str(db),
                             "--trn-delay", "1"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "listening on http://" not in line:
        proc.kill()
        raise SystemExit(f"sandbox did not start: {line!r}")
    address = line.split("listening on http://", 1)[1].strip()
    host, port = address.rsplit(":", 1)
    return proc, host, int(port)


async def bench(args: argparse.Namespace, host: str, port: int) -> dict[str, dict[str, float]]:
    """Seed, then measure the three endpoints."""
    seeder = Connection(host, port)
    await seeder.open()
    ids = []
    for n in range(args.trainees):
        status, payload = await seeder.request("POST", "/api/v2026.1/trainees", create_body(10_000_000 + n))
        if status != 201:
            raise SystemExit(f"seeding failed: {status} {payload[:200]!r}")
        ids.append(json.loads(payload)["data"]["trainee_id"])
    seeder.close()
    await asyncio.sleep(1.2)  # let the TRN edge fire, so reads measure the steady state
    rng = random.Random(1)
    serial = itertools.count()
    phases = {
        "GET /trainees/{id}": (lambda n: ("GET", f"/api/v2026.1/trainees/{rng.choice(ids)}", b""), 200),
        f"GET /trainees ({min(args.trainees, 50)} per page)": (lambda n: ("GET", "/api/v2026.1/trainees", b""), 200),
        "GET /trainees?per_page=10": (lambda n: ("GET", "/api/v2026.1/trainees?per_page=10", b""), 200),
        "POST /trainees": (lambda n: ("POST", "/api/v2026.1/trainees", create_body(next(serial))), 201),
    }
    results = {}
    for name, (make, expect) in phases.items():
        if args.only and args.only not in name:
            continue
        await run_phase(host, port, make, min(300, args.requests), args.concurrency, 5, expect)  # warm-up
        total = args.requests if not name.startswith("POST") else max(args.requests // 3, 100)
        results[name] = await run_phase(host, port, make, total, args.concurrency, args.seconds, expect)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=6000, help="requests per GET phase (POST: a third)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0, help="time cap per phase")
    parser.add_argument("--trainees", type=int, default=25, help="trainees seeded before the GET phases")
    parser.add_argument("--only", default="", help="run only phases whose name contains this text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        proc, host, port = start_sandbox(Path(tmp) / "bench.sqlite3")
        try:
            results = asyncio.run(bench(args, host, port))
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    print(f"sandbox throughput on loopback ({os.cpu_count()} CPUs, concurrency {args.concurrency}):")
    for name, r in results.items():
        print(f"  {name:34s} {r['rps']:8.0f} req/s  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms"
              f"  ({int(r['requests'])} requests, {int(r['unexpected_status'])} unexpected status)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
