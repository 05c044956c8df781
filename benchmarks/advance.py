"""A year of stays in one clock advance: how fast the timeline runs the jobs it makes due, on
locks of many slots and of few, and how long other requests wait while it runs over HTTP.

Run as a script, each measure in a fresh process (run.py's `advance` section does):

    python benchmarks/advance.py year --locks 4 --capacity 10000 --codes 12000
    python benchmarks/advance.py latency --locks 4 --capacity 10000 --codes 12000

The workspace: `--codes` time-bound codes with generated PINs, 3-day stays starting at
15:00 on a day drawn (seeded) from the year ahead, spread round-robin over `--locks` locks
of `--capacity` slots (no backup pool, the default 5 s programming delay), on a frozen
clock. Each code makes four jobs run: its start, its write landing, its end, its erase
landing. `year` times `fake.advance(366 days)` in-process; `latency` serves the fake from
a `ThreadedServer`, has a separate process poll `/health` and `devices/list` on one
keep-alive connection, and times `POST /_fake/clock/advance` of 366 days meanwhile. Each
prints one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:  # fake_seam from this checkout when run as a script
    sys.path.append(str(BENCH_DIR.parent))

from harness import percentile  # noqa: E402

YEAR_S = 366 * 86400.0
DAY_S = 86400.0
API_KEY = "seam_apikey1_token"
WORKSPACE = "seed_workspace_1"


def build(locks: int, capacity: int, codes: int, seed: int = 1) -> Any:
    """The fake with its locks and codes, built through the model (not the SDK: the build is
    not what is measured, and 12,000 SDK calls would take longer than the advance)."""
    from fake_seam import FakeSeam
    from fake_seam.seam.store import Caller

    fake = FakeSeam(now="2030-03-17T00:00:00Z", frozen=True)
    t0 = fake.clock.timestamp()
    ids = [
        fake.create_lock(
            WORKSPACE,
            display_name=f"Bench lock {i}",
            max_active_codes_supported=capacity,
            supports_backup_access_code_pool=False,
        ).device_id
        for i in range(locks)
    ]
    caller = Caller(WORKSPACE, "api_key")
    rng = random.Random(seed)
    for j in range(codes):
        starts = t0 + DAY_S * rng.randrange(362) + 15 * 3600.0
        fake.cloud.codes.create(
            caller, device_id=ids[j % locks], name=f"Guest {j}", starts_at=starts, ends_at=starts + 3 * DAY_S
        )
    return fake


def count_jobs() -> list[int]:
    """A counter of the jobs the timeline runs (one list cell, bumped per job)."""
    from fake_seam.clock import Job

    ran = [0]
    run = Job.run

    def counted(job: Any) -> None:
        ran[0] += 1
        run(job)

    Job.run = counted  # type: ignore[method-assign]
    return ran


class CollectorPauses:
    """The collector's passes in this process while `watching`: how many, per generation, and
    the longest (each pass stops every thread of the process, a served fake's included)."""

    def __init__(self) -> None:
        self.passes = [0, 0, 0]
        self.longest_ms = 0.0
        self.total_ms = 0.0
        self.watching = False
        self._began = 0.0
        gc.callbacks.append(self._note)

    def _note(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        elif self.watching:
            took = (time.perf_counter() - self._began) * 1000
            self.passes[info["generation"]] += 1
            self.longest_ms = max(self.longest_ms, took)
            self.total_ms += took

    def figures(self) -> dict[str, Any]:
        return {"gc_passes": self.passes, "gc_longest_ms": self.longest_ms, "gc_total_ms": self.total_ms}


def year(locks: int, capacity: int, codes: int) -> dict[str, Any]:
    started = time.perf_counter()
    fake = build(locks, capacity, codes)
    build_s = time.perf_counter() - started
    ran = count_jobs()
    gc.collect()
    pauses = CollectorPauses()
    pauses.watching = True
    load_before = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    fake.advance(YEAR_S)
    advance_s = time.perf_counter() - started
    cpu_s = time.process_time() - cpu
    pauses.watching = False
    return {
        "locks": locks,
        "capacity": capacity,
        "codes": codes,
        "build_s": build_s,
        "advance_s": advance_s,
        "jobs": ran[0],
        "jobs_per_s": ran[0] / advance_s if advance_s > 0 else None,
        # The CPU this process had meanwhile: on a busy machine well below `advance_s`, and
        # what the advance costs when the machine is idle.
        "cpu_s": cpu_s,
        "load_1m": load_before,
        "events": len(fake.cloud.store.events),
        **pauses.figures(),
    }


def probe(port: int) -> None:
    """Poll until stdin closes; then print (sent at, latency) pairs, monotonic seconds."""
    import threading

    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    paths = ("/health", "/devices/list")
    samples: list[tuple[float, float, str]] = []
    print("ready", flush=True)
    i = 0
    while not stop.is_set():
        path = paths[i % 2]
        i += 1
        sent = time.monotonic()
        conn.request("GET", path, headers={"Authorization": f"Bearer {API_KEY}"})
        answer = conn.getresponse()
        answer.read()
        samples.append((sent, time.monotonic() - sent, f"{path} {answer.status}"))
    print(json.dumps(samples), flush=True)


def latency(locks: int, capacity: int, codes: int) -> dict[str, Any]:
    from fake_seam.server import ThreadedServer

    fake = build(locks, capacity, codes)
    server = ThreadedServer(fake).start()
    prober = subprocess.Popen(
        [sys.executable, __file__, "probe", "--port", str(server.port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert prober.stdout is not None and prober.stdin is not None
        if prober.stdout.readline().strip() != "ready":
            raise RuntimeError("the prober did not start")
        time.sleep(0.3)  # a few answers before the advance: the idle latency
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        body = json.dumps({"seconds": YEAR_S})
        pauses = CollectorPauses()
        pauses.watching = True
        load_before = os.getloadavg()[0]
        began = time.monotonic()
        conn.request(
            "POST",
            "/_fake/clock/advance",
            body=body,
            headers={"Content-Type": "application/json", **server.control_headers},
        )
        answer = conn.getresponse()
        answer.read()
        ended = time.monotonic()
        pauses.watching = False
        time.sleep(0.1)
        prober.stdin.close()
        samples = json.loads(prober.stdout.readline())
    finally:
        if prober.poll() is None:
            prober.kill()
        prober.wait()
        server.stop()
    during = sorted(lat for sent, lat, _ in samples if began <= sent <= ended)
    # A request sent just before the advance may wait on it too: count any answered after it began.
    waited = sorted(lat for sent, lat, _ in samples if sent < began and sent + lat > began)
    idle = sorted(lat for sent, lat, _ in samples if sent + lat < began)
    worst = max(during + waited, default=None)
    bad = [status for _, _, status in samples if not status.endswith(" 200")]
    return {
        "locks": locks,
        "capacity": capacity,
        "codes": codes,
        "advance_status": answer.status,
        "advance_s": ended - began,
        "answered_during": len(during),
        "idle_p50_ms": percentile(idle, 50) * 1000 if idle else None,
        "during_p50_ms": percentile(during, 50) * 1000 if during else None,
        "during_p99_ms": percentile(during, 99) * 1000 if during else None,
        "during_max_ms": worst * 1000 if worst is not None else None,
        "errors": len(bad),
        "load_1m": load_before,
        **pauses.figures(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=("year", "latency", "probe"))
    parser.add_argument("--locks", type=int, default=4)
    parser.add_argument("--capacity", type=int, default=10_000)
    parser.add_argument("--codes", type=int, default=12_000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.what == "probe":
        probe(args.port)
        return
    measure = year if args.what == "year" else latency
    print(json.dumps(measure(args.locks, args.capacity, args.codes)), flush=True)


if __name__ == "__main__":
    main()
