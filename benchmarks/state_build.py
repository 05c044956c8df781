#!/usr/bin/env python3
"""Write a state file, or a seed file, holding N access codes (for `run.py`'s state section).

    python benchmarks/state_build.py PATH --codes 100000
    python benchmarks/state_build.py PATH --codes 100000 --seed-file
    python benchmarks/state_build.py PATH --load-seed

The codes are made through the fake's own request handling (in-process, not journaled: the
file gets one snapshot of the result). Code j sits on lock j % locks, time-bound, starting
an hour after the frozen start plus j minutes, as in the scale section. Prints one JSON line:
build and snapshot seconds, file size.

`--seed-file` writes the same fleet and codes as a seed (JSON for `--seed`, clock frozen at
the start) instead; `--load-seed` times `FakeSeam(seed=PATH)` in this (fresh) process.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import orjson

T0 = 1_900_000_000.0


def window(j: int) -> tuple[float, float]:
    """Code j's stay: an hour after the start plus j minutes, for 30 days."""
    starts = T0 + 3600.0 + j * 60.0
    return starts, starts + 30 * 86400.0


def write_seed(path: Path, codes: int, locks: int) -> dict[str, float]:
    from fake_seam.clock import ts

    started = time.perf_counter()
    per_lock = codes // locks + 10
    devices = [
        {
            "device_id": f"state_lock_{i}",
            "display_name": f"State lock {i}",
            "max_active_codes_supported": per_lock,
            "programming_delay_seconds": 0,
            "supports_backup_access_code_pool": False,
            "access_codes": [],
        }
        for i in range(locks)
    ]
    for j in range(codes):
        starts, ends = window(j)
        devices[j % locks]["access_codes"].append(
            {"name": f"guest {j}", "code": str(10_000_000 + j), "starts_at": ts(starts), "ends_at": ts(ends)}
        )
    seed = {
        "clock": {"now": ts(T0), "frozen": True},
        "workspaces": [
            {"workspace_id": "bench_workspace", "api_keys": ["seam_apikey1_token"], "devices": devices}
        ],
    }
    path.write_bytes(orjson.dumps(seed))
    return {"codes": codes, "write_s": time.perf_counter() - started, "file_mb": path.stat().st_size / 2**20}


def load_seed(path: Path) -> dict[str, float]:
    from fake_seam.fake import FakeSeam

    started, cpu = time.perf_counter(), time.process_time()
    fake = FakeSeam(seed=str(path))
    loaded, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"load_s": loaded, "cpu_s": cpu, "codes": len(fake.cloud.store.access_codes)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--codes", type=int, default=100_000)
    parser.add_argument("--locks", type=int, default=1000)
    parser.add_argument("--seed-file", action="store_true", help="write a seed file instead")
    parser.add_argument("--load-seed", action="store_true", help="time FakeSeam(seed=path)")
    args = parser.parse_args()
    if args.seed_file:
        print(json.dumps(write_seed(args.path, args.codes, args.locks)))
        return 0
    if args.load_seed:
        print(json.dumps(load_seed(args.path)))
        return 0
    from fake_seam.clock import iso, to_datetime
    from fake_seam.state.journal import open_state

    args.path.unlink(missing_ok=True)
    fake, journal = open_state(args.path)
    t0 = T0
    fake.freeze()
    fake.set_time(to_datetime(t0))
    started = time.perf_counter()
    per_lock = args.codes // args.locks + 10
    locks = [
        fake.create_lock(
            display_name=f"State lock {i}",
            max_active_codes_supported=per_lock,
            programming_delay_seconds=0,
            supports_backup_access_code_pool=False,
        ).device_id
        for i in range(args.locks)
    ]
    headers = {"authorization": "Bearer seam_apikey1_token", "content-type": "application/json"}
    for j in range(args.codes):
        starts, ends = window(j)
        body = orjson.dumps(
            {
                "device_id": locks[j % args.locks],
                "code": str(10_000_000 + j),
                "name": f"guest {j}",
                "starts_at": iso(to_datetime(starts)),
                "ends_at": iso(to_datetime(ends)),
            }
        )
        status, _, answer = fake.api.handle("POST", "/access_codes/create", "", headers, body)
        if status != 200:
            print(answer.decode(), file=sys.stderr)
            return 1
    built = time.perf_counter() - started
    started = time.perf_counter()
    journal.snapshot()
    snapshot_s = time.perf_counter() - started
    journal.close()
    print(
        json.dumps(
            {
                "codes": args.codes,
                "build_s": built,
                "snapshot_s": snapshot_s,
                "file_mb": args.path.stat().st_size / 2**20,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
