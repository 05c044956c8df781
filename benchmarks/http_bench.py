"""Raw-HTTP load against a running server: sequential keep-alive and 32-client concurrency.

The same client code is used for every server (fake-seam, Seam's fake, the ceiling):
one ``httpx.Client`` per client thread, keep-alive, ``Authorization: Bearer
seam_apikey1_token``, GET with a query string for reads (as SDK 3.x sends them) and
POST with a JSON body for writes.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from harness import Call, Stats, percentile, run_sequential

API_KEY = "seam_apikey1_token"
CREATE_DEVICE = "august_device_1"
LIST_DEVICE = "august_device_2"
LIST_DEVICE_CODES = 10  # codes put on LIST_DEVICE before access_codes/list is timed
HEADERS = {"Authorization": f"Bearer {API_KEY}"}


def make_client(base_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url,
        headers=HEADERS,
        timeout=30.0,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
    )


def _check(resp: httpx.Response) -> str | None:
    if resp.status_code == 200:
        return None
    return f"HTTP {resp.status_code} {resp.request.method} {resp.request.url.path}: {resp.text[:200]}"


class PinSource:
    """Distinct 6-digit PINs, shared by every call against one server."""

    def __init__(self, start: int = 100000) -> None:
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def next(self) -> str:
        with self._lock:
            value = next(self._counter)
        if value > 999999:
            raise RuntimeError("ran out of distinct 6-digit PINs")
        return str(value)


def devices_list_call(client: httpx.Client) -> Call:
    def call(_: int) -> str | None:
        return _check(client.get("/devices/list"))

    return call


def access_codes_create_call(client: httpx.Client, pins: PinSource, device_id: str = CREATE_DEVICE) -> Call:
    def call(_: int) -> str | None:
        pin = pins.next()
        body = {"device_id": device_id, "code": pin, "name": f"bench {pin}"}
        return _check(client.post("/access_codes/create", json=body))

    return call


def access_codes_list_call(client: httpx.Client, device_id: str = LIST_DEVICE) -> Call:
    def call(_: int) -> str | None:
        return _check(client.get("/access_codes/list", params={"device_id": device_id}))

    return call


def prepare_list_device(client: httpx.Client, pins: PinSource) -> int:
    """Put LIST_DEVICE_CODES codes on LIST_DEVICE; return how many codes it then lists."""
    create = access_codes_create_call(client, pins, LIST_DEVICE)
    for i in range(LIST_DEVICE_CODES):
        problem = create(i)
        if problem:
            raise RuntimeError(f"setting up {LIST_DEVICE}: {problem}")
    resp = client.get("/access_codes/list", params={"device_id": LIST_DEVICE})
    resp.raise_for_status()
    return len(resp.json().get("access_codes", []))


def body_of(base_url: str, path: str) -> bytes:
    with make_client(base_url) as client:
        resp = client.get(path)
        resp.raise_for_status()
        return resp.content


ROUTES = ("devices/list", "access_codes/list", "access_codes/create")


def _prepare_route(client: httpx.Client, route: str, pins: PinSource, notes: dict[str, object]) -> Call:
    """Set a route up on one server (recording notes about its answers) and return its call."""
    if route == "devices/list":
        resp = client.get("/devices/list")
        notes["devices/list bytes"] = len(resp.content)
        notes["devices/list devices"] = len(resp.json().get("devices", []))
        return devices_list_call(client)
    if route == "access_codes/list":
        notes["access_codes/list codes"] = prepare_list_device(client, pins)
        return access_codes_list_call(client)
    if route == "access_codes/create":
        return access_codes_create_call(client, pins)
    raise ValueError(route)


def sequential_suite(
    base_url: str,
    n: int,
    warmup: int,
    routes: tuple[str, ...] = ROUTES,
    max_seconds: float | None = None,
) -> tuple[dict[str, Stats], dict[str, object]]:
    """Time each route back to back on one keep-alive connection (one server)."""
    results, notes = interleaved_suite({"server": base_url}, {"server": routes}, n, warmup, 1, max_seconds)
    return results["server"], notes["server"]


def interleaved_suite(
    servers: dict[str, str],
    routes_of: dict[str, tuple[str, ...]],
    n: int,
    warmup: int,
    rounds: int = 3,
    max_seconds: float | None = None,
) -> tuple[dict[str, dict[str, Stats]], dict[str, dict[str, object]]]:
    """Time each route on every server in alternating rounds, one keep-alive client each.

    For each route, every server gets `rounds` turns of n/rounds timed calls (after its
    warm-up), server after server, so a load spike from outside hits them alike instead of
    skewing one server's figure. Routes run in ROUTES order: access_codes/list before
    access_codes/create, on another device, so the device it lists carries the same
    LIST_DEVICE_CODES codes on every server.
    """
    clients = {name: make_client(url) for name, url in servers.items()}
    pins = {name: PinSource() for name in servers}
    notes: dict[str, dict[str, object]] = {name: {} for name in servers}
    results: dict[str, dict[str, Stats]] = {name: {} for name in servers}
    per_round = max(n // rounds, 1)
    budget = None if max_seconds is None else max_seconds / rounds
    try:
        for route in ROUTES:
            takers = [name for name in servers if route in routes_of.get(name, ROUTES)]
            calls = {name: _prepare_route(clients[name], route, pins[name], notes[name]) for name in takers}
            for name in takers:  # warm-up, not timed
                run_sequential(calls[name], 0, warmup, budget)
            parts: dict[str, list[Stats]] = {name: [] for name in takers}
            for _ in range(rounds):
                for name in takers:
                    parts[name].append(run_sequential(calls[name], per_round, 0, budget))
            for name in takers:
                results[name][route] = merge_stats(parts[name])
    finally:
        for client in clients.values():
            client.close()
    return results, notes


def merge_stats(parts: list[Stats]) -> Stats:
    latencies = [lat for part in parts for lat in part.latencies_ns]
    first_error = next((part.first_error for part in parts if part.first_error), None)
    return Stats(
        n=sum(part.n for part in parts),
        elapsed_s=sum(part.elapsed_s for part in parts),
        latencies_ns=latencies,
        errors=sum(part.errors for part in parts),
        first_error=first_error,
    )


# ------------------------------------------------------------------- concurrency


@dataclass
class ConcurrencyResult:
    clients: int
    duration_s: float
    requests: int
    errors: int
    first_error: str | None
    p50_ms: float
    p99_ms: float
    by_op: dict[str, int]

    @property
    def ops_per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "clients": self.clients,
            "duration_s": self.duration_s,
            "requests": self.requests,
            "ops_per_s": self.ops_per_s,
            "errors": self.errors,
            "first_error": self.first_error,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "by_op": self.by_op,
        }


# One worker's cycle: 4 reads, then a write pair (create a code, delete it again, so the
# workspace does not grow without bound and no lock runs out of slots).
READ_DEVICES = ("august_device_1", "august_device_2", "schlage_device_id")
MIX = ("devices/list", "access_codes/list", "devices/get", "access_codes/list", "write")


def concurrency_suite(base_url: str, clients: int, duration_s: float) -> ConcurrencyResult:
    pins = PinSource(start=500000)
    deadline_holder: list[float] = []
    start_barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()
    latencies: list[int] = []
    by_op: dict[str, int] = {}
    errors = 0
    first_error: list[str] = []
    max_requests_per_client = 1_000_000  # a hard bound besides the deadline

    def record(op: str, t0: int, problem: str | None, local: list[int], counts: dict[str, int]) -> int:
        local.append(time.perf_counter_ns() - t0)
        counts[op] = counts.get(op, 0) + 1
        if problem is not None:
            with lock:
                if not first_error:
                    first_error.append(problem[:300])
            return 1
        return 0

    def worker(wid: int) -> None:
        nonlocal errors
        local: list[int] = []
        counts: dict[str, int] = {}
        errs = 0
        with make_client(base_url) as client:
            ops: dict[str, Callable[[str], str | None]] = {
                "devices/list": lambda d: _check(client.get("/devices/list")),
                "devices/get": lambda d: _check(client.get("/devices/get", params={"device_id": d})),
                "access_codes/list": lambda d: _check(
                    client.get("/access_codes/list", params={"device_id": d})
                ),
            }
            start_barrier.wait()
            deadline = deadline_holder[0]
            for k in range(max_requests_per_client):
                # Each client makes at least one request: on a loaded machine the deadline can
                # pass before a thread first runs, and a run of nothing measures nothing.
                if k and time.monotonic() >= deadline:
                    break
                op = MIX[(wid + k) % len(MIX)]
                device = READ_DEVICES[(wid + k) % len(READ_DEVICES)]
                t0 = time.perf_counter_ns()
                try:
                    if op == "write":
                        pin = pins.next()  # the name stays short: schlage allows 9 characters
                        resp = client.post(
                            "/access_codes/create",
                            json={"device_id": device, "code": pin, "name": f"c{pin}"},
                        )
                        problem = _check(resp)
                        errs += record("access_codes/create", t0, problem, local, counts)
                        if problem is None:
                            code_id = resp.json()["access_code"]["access_code_id"]
                            t0 = time.perf_counter_ns()
                            problem = _check(
                                client.post("/access_codes/delete", json={"access_code_id": code_id})
                            )
                            errs += record("access_codes/delete", t0, problem, local, counts)
                    else:
                        errs += record(op, t0, ops[op](device), local, counts)
                except Exception as exc:
                    errs += record(op, t0, f"{type(exc).__name__}: {exc}", local, counts)
        with lock:
            latencies.extend(local)
            errors += errs
            for name, count in counts.items():
                by_op[name] = by_op.get(name, 0) + count

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline_holder.append(time.monotonic() + duration_s)
    start = time.perf_counter()
    start_barrier.wait()
    for thread in threads:
        thread.join(timeout=duration_s + 60)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return ConcurrencyResult(
        clients=clients,
        duration_s=elapsed,
        requests=len(latencies),
        errors=errors,
        first_error=first_error[0] if first_error else None,
        p50_ms=percentile(latencies, 50) / 1e6,
        p99_ms=percentile(latencies, 99) / 1e6,
        by_op=by_op,
    )
