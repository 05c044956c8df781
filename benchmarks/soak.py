"""Soak: does `fake-seam serve` keep a flat memory under a long mixed load?

    python benchmarks/soak.py                  # 3 minutes (about 4 with start and reset)
    python benchmarks/soak.py --seconds 2      # a smoke run

Starts `python -m fake_seam serve` on 127.0.0.1 in its own process group, then drives it
from one keep-alive client with a seeded mix of what an integration does: access code
creates (ongoing and time-bound), gets, lists, updates and deletes, device gets and lists,
lock and unlock with the attempt polled as the SDK does, an `events/list` poller that asks
`since` the last `occurred_at` it saw, and clock advances (so time-bound codes start and
end). The server's RSS (VmRSS of its process) is sampled twice a second. At the end the
fake is reset and RSS read again.

Prints RSS at start, after warm-up, at the end (and its peak and after the reset), the
requests sent and how many answered 4xx and 5xx, with PASS/MISS for the target: RSS at the
end within 20% of RSS after warm-up. Exit status 1 if any request answered 5xx or failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import time
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

API_KEY = "seam_apikey1_token"
LOCKS = ("august_device_1", "august_device_2", "schlage_device_id", "salto_device_1", "yale_device_1")
CODES_PER_LOCK = 6  # the soak's live codes per lock: older ones are deleted (seed capacity >= 10)
FLAT_WITHIN = 0.20  # target: end RSS within 20% of the RSS after warm-up


def rss_of(pid: int) -> float:
    """VmRSS of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS for {pid}")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Load:
    """The mixed load: one client, one seeded RNG, the soak's own view of what it made."""

    def __init__(self, port: int, seed: int = 0) -> None:
        # http.client, not httpx: the load generator shares the 2 cores with the server, and
        # a lighter client leaves more of them to what is measured.
        self.connection = http.client.HTTPConnection(harness.LOOPBACK, port, timeout=30)
        self.headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
        self.rng = random.Random(seed)
        self.live: dict[str, deque[str]] = {lock: deque() for lock in LOCKS}
        self.statuses: Counter[int] = Counter()
        self.failures: list[str] = []
        self.events_seen = 0
        self.made = 0
        self.since = "2000-01-01T00:00:00.000Z"
        self.now = datetime.now(UTC)

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
        try:
            self.connection.request("POST", path, json.dumps(body or {}), self.headers)
            response = self.connection.getresponse()
            text = response.read()
        except (OSError, http.client.HTTPException) as problem:
            self.failures.append(f"{path}: {problem!r}")
            self.connection.close()  # reconnects on the next request
            return None
        self.statuses[response.status] += 1
        if response.status >= 500 and len(self.failures) < 20:
            self.failures.append(f"{path}: {response.status} {text[:200]!r}")
        answer: dict[str, Any] = json.loads(text) if response.status == 200 else None
        return answer

    def step(self) -> None:
        roll = self.rng.random()
        lock = self.rng.choice(LOCKS)
        live = self.live[lock]
        if roll < 0.20:
            self.create(lock)
        elif roll < 0.30 and live:
            code_id = self.rng.choice(live)
            self.post(
                "/access_codes/update", {"access_code_id": code_id, "name": f"u{self.rng.randrange(10**8)}"}
            )
        elif roll < 0.40 and live:
            self.post("/access_codes/get", {"access_code_id": self.rng.choice(live)})
        elif roll < 0.55:
            self.post("/access_codes/list", {"device_id": lock})
        elif roll < 0.63:
            self.post("/devices/list")
        elif roll < 0.70:
            self.post("/devices/get", {"device_id": lock})
        elif roll < 0.82:
            self.poll_events()
        elif roll < 0.92:
            self.lock_or_unlock(lock)
        elif roll < 0.95:
            answer = self.post("/_fake/clock/advance", {"seconds": 300})
            if answer is not None:
                self.now = datetime.fromisoformat(answer["now"].replace("Z", "+00:00"))
        elif live:
            self.post("/access_codes/delete", {"access_code_id": live.popleft()})

    def create(self, lock: str) -> None:
        self.made += 1  # names short enough for every seed lock (Schlage: 9 characters)
        body: dict[str, Any] = {"device_id": lock, "name": f"s{self.made % 10**8}"}
        if self.rng.random() < 0.5:  # time-bound: starts and ends as the clock advances
            starts = self.now + timedelta(seconds=self.rng.uniform(0, 3600))
            body["starts_at"] = iso(starts)
            body["ends_at"] = iso(starts + timedelta(seconds=self.rng.uniform(600, 7200)))
        answer = self.post("/access_codes/create", body)
        live = self.live[lock]
        if answer is not None:
            live.append(answer["access_code"]["access_code_id"])
        while len(live) > CODES_PER_LOCK:
            self.post("/access_codes/delete", {"access_code_id": live.popleft()})

    def lock_or_unlock(self, lock: str) -> None:
        route = "/locks/lock_door" if self.rng.random() < 0.5 else "/locks/unlock_door"
        answer = self.post(route, {"device_id": lock})
        if answer is not None:  # poll the attempt, as the SDK does
            attempt = answer["action_attempt"]["action_attempt_id"]
            self.post("/action_attempts/get", {"action_attempt_id": attempt})

    def poll_events(self) -> None:
        answer = self.post("/events/list", {"since": self.since})
        if answer is not None and answer["events"]:
            self.events_seen += len(answer["events"])
            self.since = answer["events"][-1]["occurred_at"]


def soak(args: argparse.Namespace) -> dict[str, Any]:
    port = harness.free_port()
    argv = [sys.executable, "-m", "fake_seam", "serve", "--host", harness.LOOPBACK, "--port", str(port)]
    if args.retention_days is not None:
        argv += ["--retention-days", str(args.retention_days)]
    if args.retention_count is not None:
        argv += ["--retention-count", str(args.retention_count)]
    env = {"PYTHONPYCACHEPREFIX": str(harness.cache_dir() / "pycache")}
    with harness.Processes() as procs:
        server = procs.spawn("soak-fake-seam", argv, port, env=env, cwd=harness.REPO_DIR)
        harness.wait_healthy(server, "/health")
        pid = server.proc.pid
        load = Load(port, seed=args.seed)
        load.post("/devices/list")  # loads the route table: RSS at start includes it
        start_rss = rss_of(pid)
        samples: list[tuple[float, float]] = [(0.0, start_rss)]
        warmup_rss: float | None = None
        began = time.monotonic()
        next_sample = began + 0.5
        sent = 0
        while (now := time.monotonic()) - began < args.seconds:
            for _ in range(50):
                load.step()
            sent += 50
            if now >= next_sample:
                samples.append((now - began, rss_of(pid)))
                next_sample = now + 0.5
                if warmup_rss is None and now - began >= args.warmup:
                    warmup_rss = samples[-1][1]
                    print(f"warm-up over at {now - began:.1f}s: RSS {warmup_rss:.1f} MiB", file=sys.stderr)
            if server.proc.poll() is not None:
                load.failures.append(f"server exited with {server.proc.returncode}")
                break
        elapsed = time.monotonic() - began
        end_rss = rss_of(pid)
        samples.append((elapsed, end_rss))
        load.post("/_fake/reset")
        load.post("/devices/list")
        reset_rss = rss_of(pid)
        load.connection.close()
    warm = warmup_rss if warmup_rss is not None else start_rss
    requests = sum(load.statuses.values())
    result = {
        "seconds": round(elapsed, 1),
        "warmup_seconds": args.warmup,
        "retention_days": args.retention_days,
        "retention_count": args.retention_count,
        "requests": requests,
        "requests_per_s": round(requests / elapsed, 1) if elapsed else 0.0,
        "status_5xx": sum(n for status, n in load.statuses.items() if status >= 500),
        "status_4xx": sum(n for status, n in load.statuses.items() if 400 <= status < 500),
        "statuses": {str(k): v for k, v in sorted(load.statuses.items())},
        "failures": load.failures,
        "events_polled": load.events_seen,
        "rss_mib": {
            "start": round(start_rss, 1),
            "after_warmup": round(warm, 1),
            "end": round(end_rss, 1),
            "peak": round(max(rss for _, rss in samples), 1),
            "after_reset": round(reset_rss, 1),
        },
        "growth_after_warmup": round((end_rss - warm) / warm, 3),
        "samples": [(round(t, 1), round(r, 1)) for t, r in samples],
    }
    return result


def report(result: dict[str, Any]) -> None:
    rss = result["rss_mib"]
    growth = result["growth_after_warmup"]
    verdict = "PASS" if growth <= FLAT_WITHIN else "MISS"
    days, count = (
        result["retention_days"] or "serve's default",
        result["retention_count"] or "serve's default",
    )
    retention = f"retention: days={days}, count={count}"
    print(f"fake-seam soak: {result['seconds']}s, {retention}")
    print(
        f"requests {result['requests']:,} ({result['requests_per_s']:,.0f}/s), "
        f"5xx {result['status_5xx']}, 4xx {result['status_4xx']}, failures {len(result['failures'])}"
    )
    print(f"statuses {result['statuses']}; events polled {result['events_polled']:,}")
    print(
        f"RSS MiB: start {rss['start']}, after warm-up ({result['warmup_seconds']}s) {rss['after_warmup']}, "
        f"end {rss['end']}, peak {rss['peak']}, after reset {rss['after_reset']}"
    )
    print(f"{verdict}  RSS end / after warm-up = {1 + growth:.2f} (target <= {1 + FLAT_WITHIN:.2f})")
    for failure in result["failures"]:
        print(f"  problem: {failure}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="load duration (default 180)")
    parser.add_argument(
        "--warmup", type=float, default=None, help="warm-up seconds (default: a sixth of the run)"
    )
    parser.add_argument(
        "--retention-days",
        default="1",
        help="passed to serve: DAYS or none (default 1: the load's clock advances cover about a "
        "simulated day a minute, so the age limit is exercised too)",
    )
    parser.add_argument("--retention-count", help="passed to serve: N or none (default: serve's own)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the load's RNG")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--cache-dir", type=Path, help="where logs and bytecode go (default benchmarks/.cache)"
    )
    args = parser.parse_args(argv)
    if args.warmup is None:
        args.warmup = args.seconds / 6
    if args.cache_dir is not None:
        os.environ[harness.CACHE_ENV] = str(args.cache_dir)
    harness.install_sigterm_handler()
    result = soak(args)
    report(result)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if result["status_5xx"] or result["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
