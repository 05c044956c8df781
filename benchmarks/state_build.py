#!/usr/bin/env python3
"""Write a state file holding N access codes (for `run.py`'s state section).

    python benchmarks/state_build.py PATH --codes 100000

The codes are made through the fake's own request handling (in-process, not journaled: the
file gets one snapshot of the result). Code j sits on lock j % locks, time-bound, starting
an hour after the frozen start plus j minutes, as in the scale section. Prints one JSON line:
build and snapshot seconds, file size.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import orjson


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--codes", type=int, default=100_000)
    parser.add_argument("--locks", type=int, default=1000)
    args = parser.parse_args()
    from fake_seam.clock import iso, to_datetime
    from fake_seam.state.journal import open_state

    args.path.unlink(missing_ok=True)
    fake, journal = open_state(args.path)
    t0 = 1_900_000_000.0
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
        starts = t0 + 3600.0 + j * 60.0
        body = orjson.dumps(
            {
                "device_id": locks[j % args.locks],
                "code": str(10_000_000 + j),
                "name": f"guest {j}",
                "starts_at": iso(to_datetime(starts)),
                "ends_at": iso(to_datetime(starts + 30 * 86400.0)),
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
