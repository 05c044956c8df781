"""The concurrency load from a process of its own: N keep-alive connections driven by one
asyncio loop, each sending the next request when its answer is in (a closed loop, as the
threaded clients in http_bench.py do).

Why not threads: 32 Python threads each running an httpx client share one GIL with each
other, and on a 2-core machine the core the server does not use. A request's latency then
holds its wait for the GIL and for the httpx work of 31 other threads: the figure measures
the client as much as the server. Here each request costs the client a write and a parse of
the status line and headers (tens of microseconds, no httpx), from another process, so the
latency is what the server takes, plus its queue.

    python benchmarks/concurrent_load.py --url http://127.0.0.1:PORT --clients 32 --seconds 10

prints one JSON object (requests, errors, p50/p99, by operation) on the last line of stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from harness import percentile  # noqa: E402
from http_bench import API_KEY, MIX, READ_DEVICES  # noqa: E402

PIN_START = 500000


class Connection:
    """One keep-alive HTTP/1.1 connection: a request, then its whole answer."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> None:
        self.reader, self.writer = reader, writer
        self.head = f"Host: {host}\r\nAuthorization: Bearer {API_KEY}\r\n"

    async def request(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        head = f"{method} {target} HTTP/1.1\r\n{self.head}"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + body)
        status_and_headers = await self.reader.readuntil(b"\r\n\r\n")
        lines = status_and_headers.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
                break
        return status, await self.reader.readexactly(length)


async def drive(url: str, clients: int, seconds: float) -> dict[str, object]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    pins = iter(range(PIN_START, 1_000_000))
    latencies: list[int] = []
    by_op: dict[str, int] = {}
    errors = 0
    first_error: list[str] = []
    connections = [
        Connection(*(await asyncio.open_connection(host, port)), f"{host}:{port}") for _ in range(clients)
    ]
    deadline = time.monotonic() + seconds

    def record(op: str, t0: int, status: int, body: bytes) -> bool:
        nonlocal errors
        latencies.append(time.perf_counter_ns() - t0)
        by_op[op] = by_op.get(op, 0) + 1
        if status == 200:
            return True
        errors += 1
        if not first_error:
            first_error.append(f"HTTP {status} {op}: {body[:200]!r}")
        return False

    async def worker(wid: int, conn: Connection) -> None:
        k = 0
        while not k or time.monotonic() < deadline:
            op = MIX[(wid + k) % len(MIX)]
            device = READ_DEVICES[(wid + k) % len(READ_DEVICES)]
            k += 1
            t0 = time.perf_counter_ns()
            if op == "devices/list":
                record(op, t0, *await conn.request("GET", "/devices/list"))
            elif op in ("devices/get", "access_codes/list"):
                record(op, t0, *await conn.request("GET", f"/{op}?device_id={device}"))
            else:
                pin = next(pins)  # the name stays short: schlage allows 9 characters
                body = json.dumps({"device_id": device, "code": str(pin), "name": f"c{pin}"}).encode()
                status, answer = await conn.request("POST", "/access_codes/create", body)
                if record("access_codes/create", t0, status, answer):
                    code_id = json.loads(answer)["access_code"]["access_code_id"]
                    t0 = time.perf_counter_ns()
                    delete = json.dumps({"access_code_id": code_id}).encode()
                    record(
                        "access_codes/delete", t0, *await conn.request("POST", "/access_codes/delete", delete)
                    )

    start = time.perf_counter()
    results = await asyncio.gather(
        *(worker(i, conn) for i, conn in enumerate(connections)), return_exceptions=True
    )
    elapsed = time.perf_counter() - start
    for conn in connections:
        conn.writer.close()
    for result in results:
        if isinstance(result, BaseException):
            errors += 1
            if not first_error:
                first_error.append(f"{type(result).__name__}: {result}")
    latencies.sort()
    return {
        "clients": clients,
        "duration_s": elapsed,
        "requests": len(latencies),
        "ops_per_s": len(latencies) / elapsed if elapsed > 0 else 0.0,
        "errors": errors,
        "first_error": first_error[0] if first_error else None,
        "p50_ms": percentile(latencies, 50) / 1e6,
        "p99_ms": percentile(latencies, 99) / 1e6,
        "max_ms": latencies[-1] / 1e6 if latencies else None,
        "by_op": by_op,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    try:
        import uvloop  # the same loop as the server: the client's own cost stays small

        loop_factory = uvloop.new_event_loop
    except ImportError:
        loop_factory = None
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        print(json.dumps(runner.run(drive(args.url, args.clients, args.seconds))))


if __name__ == "__main__":
    main()
