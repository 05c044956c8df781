"""The console's cost in a real browser, on a big fleet: 200 locks and 10,000 access codes.

    python benchmarks/console_page.py [--locks 200] [--codes 10000] [--events 5000] [--json out.json]

Serves one fake on 127.0.0.1, opens `/_fake/console` in Debian's headless Chromium (`chromium`
and `chromium-driver`) and reports:
- the read routes' server time (median of 30 calls): a page of lock cards, one lock in full;
- page load: navigation to DOMContentLoaded and load, and to the page's first drawn read
  (its `fake-seam-console-ready` performance mark);
- opening a lock (50 codes shown) and turning a page of cards, as a person waits for them;
- the browser's memory (CDP `Performance.getMetrics`: JS heap, DOM nodes; after a forced GC)
  when loaded, with a lock open, and after each of two batches of `--events` events streamed
  in live: the timeline is capped, so the second batch leaves both where the first did.
A measurement, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_seam.fake import FakeSeam  # noqa: E402
from fake_seam.server import ThreadedServer  # noqa: E402

WORKSPACE = "seed_workspace_1"


def build(locks: int, codes: int) -> tuple[FakeSeam, float]:
    started = time.perf_counter()
    fake = FakeSeam(frozen=True, call_log_size=0)
    per_lock = -(-codes // locks)
    devices = [
        fake.create_lock(
            display_name=f"Unit {i:03}",
            max_active_codes_supported=per_lock + 5,
            programming_delay_seconds=0,
        )
        for i in range(locks)
    ]
    sdk = fake.client()
    made = 0
    for device in devices:
        for _ in range(min(per_lock, codes - made)):
            sdk.access_codes.create(device_id=device.device_id, name=f"Guest {made:05}")
            made += 1
    fake.settle()
    return fake, time.perf_counter() - started


def server_time(endpoint: str, path: str, body: dict[str, Any], n: int = 30) -> float:
    with httpx.Client(base_url=endpoint) as client:
        client.post(path, json=body).raise_for_status()
        times = []
        for _ in range(n):
            started = time.perf_counter()
            client.post(path, json=body).raise_for_status()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def chromium() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--enable-precise-memory-info",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "chromedriver"), options=options)


def until(driver: Any, css: str, timeout: float = 60) -> float:
    """Seconds until `css` matches (polled every 5 ms: the figure is as good as that)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    started = time.perf_counter()
    WebDriverWait(driver, timeout, poll_frequency=0.005).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )
    return time.perf_counter() - started


def WebDriverWait(*args: Any, **kwargs: Any) -> Any:  # noqa: N802 - selenium's name
    from selenium.webdriver.support.ui import WebDriverWait as Wait

    return Wait(*args, **kwargs)


def memory(driver: Any) -> dict[str, float]:
    driver.execute_cdp_cmd("HeapProfiler.enable", {})
    driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
    metrics = {m["name"]: m["value"] for m in driver.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}
    return {
        "js_heap_used_mb": metrics["JSHeapUsedSize"] / 2**20,
        "js_heap_total_mb": metrics["JSHeapTotalSize"] / 2**20,
        "dom_nodes": metrics["Nodes"],
        "timeline_entries": driver.execute_script(
            "return document.getElementById('timeline').childElementCount"
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--locks", type=int, default=200)
    parser.add_argument("--codes", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=5_000, help="events streamed in after loading")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    fake, built = build(args.locks, args.codes)
    print(f"fleet: {args.locks} locks, {args.codes} codes, built in {built:.1f} s", file=sys.stderr)
    figures: dict[str, Any] = {"locks": args.locks, "codes": args.codes, "build_seconds": round(built, 1)}
    with ThreadedServer(fake) as server:
        endpoint = server.endpoint
        first = next(
            d.device_id for d in fake.cloud.store.locks_by_id.values() if d.display_name == "Unit 000"
        )
        figures["server_ms"] = {
            "overview_24_cards": server_time(endpoint, "/_fake/console/overview", {"limit": 24}),
            "lock_50_codes": server_time(endpoint, "/_fake/console/lock", {"device_id": first}),
        }
        driver = chromium()
        try:
            driver.execute_cdp_cmd("Performance.enable", {})
            started = time.perf_counter()
            driver.get(f"{endpoint}/_fake/console")
            until(driver, 'body[data-state="ready"]')
            seen = time.perf_counter() - started
            timing = driver.execute_script(
                """const n = performance.getEntriesByType('navigation')[0];
                   const ready = performance.getEntriesByName('fake-seam-console-ready')[0];
                   return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd, ready: ready.startTime,
                           transfer: n.transferSize};"""
            )
            figures["load_ms"] = {
                "dom_content_loaded": timing["dom"],
                "load_event": timing["load"],
                "first_read_drawn": timing["ready"],
                "seen_by_driver": seen * 1000,
            }
            figures["memory_loaded"] = memory(driver)

            device = next(
                d.device_id for d in fake.cloud.store.locks_by_id.values() if d.display_name == "Unit 000"
            )
            driver.find_element("css selector", f'article[data-device-id="{device}"] .open').click()
            opened = until(driver, f'#lock-panel[data-device-id="{device}"] #codes tbody tr[data-status]')
            before = driver.find_element("id", "page-info").text
            started = time.perf_counter()
            driver.find_element("id", "next").click()
            WebDriverWait(driver, 60, poll_frequency=0.005).until(
                lambda d: d.find_element("id", "page-info").text != before
            )
            paged = time.perf_counter() - started
            figures["interaction_ms"] = {"open_lock": opened * 1000, "next_page": paged * 1000}

            figures["memory_lock_open"] = memory(driver)

            # Events streamed live, twice over: a lock dropping off and coming back. The timeline
            # is capped, so the second batch must leave the heap and the DOM where the first did.
            locks = list(fake.cloud.store.locks_by_id)
            for batch in (1, 2):
                started = time.perf_counter()
                for i in range(args.events // 2):
                    device_id = locks[i % len(locks)]
                    fake.go_offline(device_id)
                    fake.go_online(device_id)
                until(driver, f'#timeline li[data-seq="{fake.cloud.store.event_seq}"]', timeout=300)
                figures[f"live_batch_{batch}"] = {
                    "events": args.events,
                    "seconds_until_last_shown": round(time.perf_counter() - started, 2),
                    **memory(driver),
                }
        finally:
            driver.quit()

    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
