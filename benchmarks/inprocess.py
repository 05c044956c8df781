"""The official SDK against fake-seam in-process, over HTTP, and at scale.

Imported by run.py for the in-process section; run as a script for the scale section
(``python benchmarks/inprocess.py scale --codes N --locks L ...``), so each workspace size
is built in a fresh process whose resident memory is its own. The script prints one JSON
object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:  # fake_seam from this checkout when run as a script
    sys.path.insert(1, str(BENCH_DIR.parent))

from harness import Stats, peak_rss_mb, rss_mb, run_sequential, time_repeated  # noqa: E402
from http_bench import API_KEY, CREATE_DEVICE, LIST_DEVICE, LIST_DEVICE_CODES, PinSource, merge_stats  # noqa: E402

SDK_CALLS = ("devices.list", "access_codes.list", "access_codes.create")


def sdk_version() -> str:
    try:
        from importlib.metadata import version

        return version("seam")
    except Exception:
        return "?"


def _sdk_calls(seam: Any, pins: PinSource) -> dict[str, Callable[[], object]]:
    def create() -> object:
        pin = pins.next()
        return seam.access_codes.create(device_id=CREATE_DEVICE, code=pin, name=f"bench {pin}")

    return {
        "devices.list": lambda: seam.devices.list(),
        "access_codes.list": lambda: seam.access_codes.list(device_id=LIST_DEVICE),
        "access_codes.create": create,
    }


def _as_call(fn: Callable[[], object]) -> Callable[[int], str | None]:
    def call(_: int) -> str | None:
        fn()
        return None

    return call


def sdk_suite(
    seams: dict[str, Any],
    n: int,
    warmup: int,
    rounds: int = 1,
    max_seconds: float | None = None,
) -> dict[str, dict[str, Stats]]:
    """devices.list, access_codes.list (on a device holding LIST_DEVICE_CODES codes), create.

    Same order and same state as the raw-HTTP suite in http_bench.py. With several SDK
    clients (transports), they take turns in `rounds` rounds of n/rounds calls per call
    name, so outside load hits them alike.
    """
    calls = {}
    for label, seam in seams.items():
        pins = PinSource()
        for _ in range(LIST_DEVICE_CODES):
            pin = pins.next()
            seam.access_codes.create(device_id=LIST_DEVICE, code=pin, name=f"list {pin}")
        calls[label] = _sdk_calls(seam, pins)
    per_round = max(n // rounds, 1)
    budget = None if max_seconds is None else max_seconds / rounds
    results: dict[str, dict[str, Stats]] = {label: {} for label in seams}
    for name in SDK_CALLS:
        for label in seams:
            run_sequential(_as_call(calls[label][name]), 0, warmup, budget)
        parts: dict[str, list[Stats]] = {label: [] for label in seams}
        for _ in range(rounds):
            for label in seams:
                parts[label].append(run_sequential(_as_call(calls[label][name]), per_round, 0, budget))
        for label in seams:
            results[label][name] = merge_stats(parts[label])
    return results


def sdk_transports_suite(
    seam_fake_endpoint: str | None,
    n: int,
    warmup: int,
    rounds: int,
    max_seconds: float | None = None,
) -> tuple[dict[str, dict[str, Stats]], str]:
    """The SDK calls in-process, over HTTP to a ThreadedServer and (if given) to Seam's fake."""
    from seam import Seam

    from fake_seam import FakeSeam
    from fake_seam.server import ThreadedServer

    seams: dict[str, Any] = {
        "in-process": FakeSeam().client(),
        "SDK alone": Seam(
            api_key=API_KEY,
            endpoint="http://sdk-alone.invalid",
            httpx_options={"transport": ReplayedAnswers(FakeSeam())},
        ),
    }
    with ThreadedServer(FakeSeam()) as server:
        seams["threaded HTTP"] = Seam(api_key=server.api_key, endpoint=server.endpoint)
        if seam_fake_endpoint:
            seams["Seam's fake HTTP"] = Seam(api_key=API_KEY, endpoint=seam_fake_endpoint)
        try:
            results = sdk_suite(seams, n, warmup, rounds, max_seconds)
        finally:
            for seam in seams.values():
                seam.client.close()
        return results, f"fake_seam.server.ThreadedServer at {server.endpoint}"


class ReplayedAnswers:
    """An httpx transport that lets the SDK run with no server at all: the first
    `PASS_THROUGH` requests per route are answered by a real fake (so the state and the
    answers' sizes match the other transports), later ones get the last answer again at no
    cost. What remains is the SDK's own work per call (httpx, parsing into its objects): no
    fake can make a call cheaper than this."""

    PASS_THROUGH = 20

    def __init__(self, fake: Any) -> None:
        import httpx

        from fake_seam.api.transport import InProcessTransport

        self._inner = InProcessTransport(fake.api)
        self._response = httpx.Response
        self._seen: dict[tuple[str, str], int] = {}
        self._last: dict[tuple[str, str], tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    def handle_request(self, request: Any) -> Any:
        key = (request.method, request.url.path)
        seen = self._seen[key] = self._seen.get(key, 0) + 1
        if seen > self.PASS_THROUGH:
            status, headers, body = self._last[key]
            return self._response(status, headers=headers, content=body, request=request)
        answer = self._inner.handle_request(request)
        body = answer.read()
        self._last[key] = (answer.status_code, list(answer.headers.raw), body)
        return answer

    def close(self) -> None:
        pass


def fixture_cost(n: int, warmup: int) -> Stats:
    """One test's worth of set-up and tear-down: a fresh fake and its SDK client."""
    from fake_seam import FakeSeam

    def fixture() -> None:
        fake = FakeSeam()
        seam = fake.client()
        seam.client.close()

    return time_repeated(fixture, n, warmup)


# --------------------------------------------------------------------------- scale


def _iso(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def scale(codes: int, locks: int, ops: int, transitions: int) -> dict[str, Any]:
    """Build a workspace of `codes` time-bound codes over `locks` locks, then time the calls.

    Code j sits on lock j % locks and starts at T0 + 1 h + j x 60 s (ending 30 days after
    its start), so advancing the clock from T0 to just past the start of code
    `transitions - 1` makes exactly `transitions` codes start (none end). Every lock holds
    codes // locks codes, so `access_codes.list(device_id=lock 0)` returns the same number
    in every workspace size. `create` is timed on an extra, empty lock.
    """
    from fake_seam import FakeSeam

    t0 = 1_900_000_000.0  # 2030-03-17, a fixed instant: a frozen clock makes runs repeatable
    gap = 60.0
    fake = FakeSeam(now=_iso(t0), frozen=True)
    seam = fake.client()
    per_lock_capacity = codes // locks + 100
    start = time.perf_counter()
    lock_ids = [
        fake.create_lock(
            display_name=f"Scale lock {i}",
            max_active_codes_supported=per_lock_capacity,
            programming_delay_seconds=0,
            supports_backup_access_code_pool=False,
        ).device_id
        for i in range(locks)
    ]
    for j in range(codes):
        starts = t0 + 3600.0 + j * gap
        seam.access_codes.create(
            device_id=lock_ids[j % locks],
            code=str(10_000_000 + j),
            name=f"guest {j}",
            starts_at=_iso(starts),
            ends_at=_iso(starts + 30 * 86400.0),
        )
    create_lock = fake.create_lock(
        display_name="Scale create lock",
        max_active_codes_supported=ops + 100,
        programming_delay_seconds=0,
        supports_backup_access_code_pool=False,
    ).device_id
    build_s = time.perf_counter() - start
    gc.collect()
    rss_after_build = rss_mb()

    listed = len(seam.access_codes.list(device_id=lock_ids[0]))
    warm = max(ops // 10, 3)
    list_stats = time_repeated(lambda: seam.access_codes.list(device_id=lock_ids[0]), ops, warm)
    pins = PinSource(start=200_000)

    def create(i: int) -> str | None:
        seam.access_codes.create(device_id=create_lock, code=pins.next(), name=f"new {i}")
        return None

    create_stats = run_sequential(create, ops, warm)

    # Advance over the window holding the first `transitions` starts.
    window = 3600.0 + (transitions - 1) * gap + gap / 2
    gc.collect()
    adv_start = time.perf_counter()
    fake.advance(window)
    advance_s = time.perf_counter() - adv_start
    # Check what actually moved: codes on lock 0 that are no longer "unset".
    moved = sum(1 for c in seam.access_codes.list(device_id=lock_ids[0]) if c.status != "unset")
    expected_on_lock0 = len(range(0, transitions, locks))
    seam.client.close()
    return {
        "codes": codes,
        "locks": locks,
        "codes_per_lock": codes // locks,
        "listed_on_lock0": listed,
        "build_s": build_s,
        "list_p50_ms": list_stats.p50_ms,
        "list_mean_ms": list_stats.mean_ms,
        "list_p99_ms": list_stats.p99_ms,
        "create_p50_ms": create_stats.p50_ms,
        "create_mean_ms": create_stats.mean_ms,
        "create_p99_ms": create_stats.p99_ms,
        "advance_s": advance_s,
        "advance_window_s": window,
        "advance_transitions": transitions,
        "advance_per_transition_ms": advance_s * 1000 / transitions if transitions else None,
        "lock0_started_after_advance": moved,
        "lock0_expected_started": expected_on_lock0,
        "rss_mb": rss_after_build,
        "peak_rss_mb": peak_rss_mb(),
        "notes": (
            f"fleet built through the in-process SDK (one access_codes.create per code);"
            f" after the advance lock 0 has {moved} of its codes out of 'unset'"
            f" (expected {expected_on_lock0})"
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sc = sub.add_parser("scale")
    sc.add_argument("--codes", type=int, required=True)
    sc.add_argument("--locks", type=int, required=True)
    sc.add_argument("--ops", type=int, default=300)
    sc.add_argument("--transitions", type=int, default=1000)
    args = parser.parse_args()
    if args.command == "scale":
        print(json.dumps(scale(args.codes, args.locks, args.ops, args.transitions)))


if __name__ == "__main__":
    main()
