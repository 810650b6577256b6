"""The live page of ``client serve`` with 10,000 recorded exchanges: page load time and API latency.

Serves the live routes (``clientcert.live``) on uvicorn in this process, over a fake source holding
``--exchanges`` synthetic, redacted exchanges judged by the real ``judging.judge`` (tests/clientcert/live_fakes.py),
then measures:

* the first judgement of the recording (what the first poll waits for; cached afterwards by the source);
* per endpoint, ``--repeat`` calls over loopback with httpx: p50 / p95 / max latency and response size;
* in headless Chromium (Debian ``chromium`` + ``chromium-driver``, when installed): the page load, from
  navigation start to the first render of the state and the newest page of exchanges (the page's own
  ``performance.now()``): cold (the first judgement still being computed: the list shows at once, the
  checklist when judging is done) and warm; then opening an exchange far back, paging older, the DOM size.

    python bench/live_page.py [--exchanges 10000] [--repeat 30] [--loads 5] [--no-browser] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.clientcert.browser import browser_paths, start_chromium  # noqa: E402
from tests.clientcert.live_fakes import FakeSource, ThreadServer, live_app, synthetic_exchanges  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def api_latency(base: str, repeat: int, count: int) -> list[dict]:
    middle = count // 2
    calls = [
        ("state", "/api/state"),
        ("newest 50 exchanges", "/api/exchanges?limit=50"),
        ("poll: nothing new", f"/api/exchanges?after={count - 1}&limit=50"),
        ("older page (middle)", f"/api/exchanges?before={middle}&limit=50"),
        ("one exchange in full", f"/api/exchanges/{middle}"),
    ]
    rows = []
    with httpx.Client(base_url=base + "/_conformance", timeout=60) as client:
        for name, path in calls:
            times, size = [], 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
                size = len(response.content)
            rows.append({"call": name, "path": path, "p50_ms": statistics.median(times),
                         "p95_ms": percentile(times, 0.95), "max_ms": max(times), "bytes": size})
    return rows


def page_load(driver, url: str) -> float:
    driver.get("about:blank")
    driver.get(url)
    deadline = time.monotonic() + 120
    while not driver.execute_script("return document.body && document.body.dataset.readyMs"):
        if time.monotonic() > deadline:
            raise RuntimeError("the page did not render within 120 s")
        time.sleep(0.02)
    return float(driver.execute_script("return document.body.dataset.readyMs"))


def in_page_ms(driver, script: str) -> float:
    """Run ``script`` (an async body) in the page and return how long it took there, in ms."""
    return float(driver.execute_async_script(
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
        f"(async () => {{ {script} }})().then(() => done(performance.now() - t0), () => done(-1));"))


def browser_figures(base: str, loads: int, count: int) -> dict:
    driver = start_chromium(1366, 900)
    try:
        url = base + "/_conformance/"
        cold = page_load(driver, url)
        cold_list = float(driver.execute_script("return document.body.dataset.listMs"))
        deadline = time.monotonic() + 300
        while not driver.execute_script("return document.body.dataset.judgedMs"):
            if time.monotonic() > deadline:
                raise RuntimeError("the first judgement did not reach the page within 300 s")
            time.sleep(0.05)
        cold_judged = float(driver.execute_script("return document.body.dataset.judgedMs"))
        warm = [page_load(driver, url) for _ in range(loads)]
        far = count // 10
        open_far = in_page_ms(driver, f"await showExchange({far});")
        older = in_page_ms(driver, "await loadNewest(); await loadOlder();")
        rows = driver.execute_script("return document.querySelectorAll('#exchanges tr').length")
        nodes = driver.execute_script("return document.getElementsByTagName('*').length")
        return {"cold_list_ms": cold_list, "cold_load_ms": cold, "cold_checklist_ms": cold_judged,
                "warm_load_ms_p50": statistics.median(warm), "warm_load_ms_max": max(warm),
                "open_exchange_far_back_ms": open_far, "page_older_ms": older, "table_rows_in_dom": rows,
                "dom_elements": nodes, "chromium": driver.capabilities.get("browserVersion")}
    finally:
        driver.quit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exchanges", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30, help="calls per API endpoint (default 30)")
    parser.add_argument("--loads", type=int, default=5, help="warm page loads in the browser (default 5)")
    parser.add_argument("--no-browser", action="store_true", help="API latency only")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()

    t0 = time.perf_counter()
    source = FakeSource(synthetic_exchanges(args.exchanges))
    print(f"{args.exchanges} synthetic exchanges built in {time.perf_counter() - t0:.1f} s")
    figures: dict = {"exchanges": args.exchanges}
    with ThreadServer(live_app(source)) as base:
        use_browser = not args.no_browser and not isinstance(browser_paths(), str)
        if use_browser:
            figures["browser"] = browser_figures(base, args.loads, args.exchanges)  # its cold load judges first
        else:
            t0 = time.perf_counter()
            httpx.get(base + "/_conformance/api/state", timeout=120).raise_for_status()
            figures["first_state_ms"] = (time.perf_counter() - t0) * 1000
        figures["api"] = api_latency(base, args.repeat, args.exchanges)
    t0 = time.perf_counter()
    source.judge_fn(source.exchanges(), source.context)
    figures["judge_10k_s"] = time.perf_counter() - t0

    print(f"judging all {args.exchanges} exchanges once: {figures['judge_10k_s']:.2f} s "
          "(on a thread of its own; the source caches it until the next exchange)")
    if "first_state_ms" in figures:
        print(f"first api/state (includes that judgement): {figures['first_state_ms']:.0f} ms")
    print(f"\n{'API call':<24} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'bytes':>8}")
    for row in figures["api"]:
        print(f"{row['call']:<24} {row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f} {row['max_ms']:>8.1f} {row['bytes']:>8}")
    if "browser" in figures:
        b = figures["browser"]
        print(f"\nheadless Chromium {b['chromium']}, 1366x900:")
        print(f"  page load, cold (the first judgement still running): {b['cold_list_ms']:.0f} ms to the newest "
              f"exchanges, {b['cold_load_ms']:.0f} ms to the whole page ('Judging…'), "
              f"{b['cold_checklist_ms']:.0f} ms to the checklist and requirements")
        print(f"  page load, warm: p50 {b['warm_load_ms_p50']:.0f} ms, max {b['warm_load_ms_max']:.0f} ms "
              f"({args.loads} loads; navigation start → state + newest 50 exchanges drawn)")
        print(f"  open exchange #{args.exchanges // 10} (page jump + detail): {b['open_exchange_far_back_ms']:.0f} ms;"
              f" page older: {b['page_older_ms']:.0f} ms")
        print(f"  DOM: {b['table_rows_in_dom']} exchange table rows, {b['dom_elements']} elements")
    elif not args.no_browser:
        print(f"\n(no browser: {browser_paths()})")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
