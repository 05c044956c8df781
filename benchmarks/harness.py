"""Shared machinery for the benchmark suite: processes, ports, timing, statistics.

Every server the suite starts goes through :class:`Processes`, which puts each
child in its own process group and stops the group on exit, on an exception, on
Ctrl-C (KeyboardInterrupt) and on SIGTERM (see :func:`install_sigterm_handler`).
"""

from __future__ import annotations

import atexit
import http.client
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
# Where runs keep npm installs, bytecode, logs and bodies: benchmarks/.cache (gitignored), or
# FAKE_SEAM_BENCH_CACHE (run.py --cache-dir sets it), so a test run can keep the tree clean.
CACHE_ENV = "FAKE_SEAM_BENCH_CACHE"


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or BENCH_DIR / ".cache")


def log_dir() -> Path:
    return cache_dir() / "logs"


LOOPBACK = "127.0.0.1"


# --------------------------------------------------------------------------- ports


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


# ----------------------------------------------------------------------- processes


class ServerFailed(RuntimeError):
    """A server exited early or never answered its health route."""


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log_path: Path
    started_at_ns: int
    ready_after_s: float | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


class Processes:
    """Owns every child process the suite starts and stops them all on exit."""

    def __init__(self) -> None:
        self._servers: list[Server] = []
        atexit.register(self.stop_all)

    def __enter__(self) -> Processes:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop_all()

    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        port: int,
        *,
        env: dict[str, str | None] | None = None,
        cwd: Path | None = None,
    ) -> Server:
        """Start argv in its own process group; env entries set to None are removed."""
        log_path = log_dir() / f"{name}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        full_env = dict(os.environ)
        for key, value in (env or {}).items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        with log_path.open("wb") as log:
            started = time.perf_counter_ns()
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=full_env,
                cwd=str(cwd) if cwd else None,
                start_new_session=True,  # own process group: stopped as a whole
            )
        server = Server(name, proc, port, log_path, started)
        self._servers.append(server)
        return server

    def stop(self, server: Server, timeout: float = 5.0) -> None:
        proc = server.proc
        if proc.poll() is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _signal_group(proc.pid, signal.SIGKILL)
                proc.wait(timeout=timeout)
        else:
            # The leader is gone; make sure nothing it spawned lingers in its group.
            _signal_group(proc.pid, signal.SIGKILL)
        if server in self._servers:
            self._servers.remove(server)

    def stop_all(self) -> None:
        for server in list(reversed(self._servers)):
            try:
                self.stop(server)
            except Exception as exc:  # keep stopping the others
                print(f"warning: could not stop {server.name}: {exc}", file=sys.stderr)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def install_sigterm_handler() -> None:
    """Turn SIGTERM into SystemExit so that ``with Processes()`` blocks clean up."""

    def _handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _handler)


def health_status(
    port: int, path: str, timeout: float = 1.0, headers: dict[str, str] | None = None
) -> int | None:
    """Status code of GET path, or None if nothing answered."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def wait_healthy(
    server: Server, path: str = "/health", timeout: float = 60.0, poll_s: float = 0.002
) -> float:
    """Poll until path answers 200; return seconds from spawn to that first 200."""
    deadline = time.monotonic() + timeout
    last: int | None = None
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise ServerFailed(
                f"{server.name} exited with {server.proc.returncode} before answering "
                f"{path}:\n{server.log_tail()}"
            )
        last = health_status(server.port, path)
        if last == 200:
            server.ready_after_s = (time.perf_counter_ns() - server.started_at_ns) / 1e9
            return server.ready_after_s
        time.sleep(poll_s)
    raise ServerFailed(
        f"{server.name} gave no 200 on {path} within {timeout:.0f}s (last status {last}):\n"
        f"{server.log_tail()}"
    )


def since_spawn_to_first_200(server: Server, path: str, headers: dict[str, str]) -> float:
    """Seconds from spawn until GET path (with headers) answers 200 (call after wait_healthy)."""
    status = health_status(server.port, path, timeout=30.0, headers=headers)
    if status != 200:
        raise ServerFailed(f"{server.name}: GET {path} answered {status}")
    return (time.perf_counter_ns() - server.started_at_ns) / 1e9


# ------------------------------------------------------------------- measurement


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Percentile q (0-100) of already sorted values, linear interpolation."""
    if not sorted_values:
        return math.nan
    if len(sorted_values) == 1:
        return float(sorted_values[0])
    pos = (len(sorted_values) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    frac = pos - lo
    return float(sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * frac)


@dataclass
class Stats:
    """Latencies (ns) of n timed calls and the wall time they took together."""

    n: int
    elapsed_s: float
    latencies_ns: list[int] = field(repr=False)
    errors: int = 0
    first_error: str | None = None

    @property
    def ops_per_s(self) -> float:
        return self.n / self.elapsed_s if self.elapsed_s > 0 else math.nan

    def _pct_ms(self, q: float) -> float:
        return percentile(sorted(self.latencies_ns), q) / 1e6

    @property
    def p50_ms(self) -> float:
        return self._pct_ms(50)

    @property
    def p99_ms(self) -> float:
        return self._pct_ms(99)

    @property
    def mean_ms(self) -> float:
        return (sum(self.latencies_ns) / len(self.latencies_ns) / 1e6) if self.latencies_ns else math.nan

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "elapsed_s": self.elapsed_s,
            "ops_per_s": self.ops_per_s,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "mean_ms": self.mean_ms,
            "errors": self.errors,
            "first_error": self.first_error,
        }


Call = Callable[[int], str | None]
"""One benchmarked call: gets its index, returns None on success or an error text."""


def run_sequential(call: Call, n: int, warmup: int, max_seconds: float | None = None) -> Stats:
    """Warm up, then time n calls back to back (a failing call counts as an error).

    With max_seconds, warm-up and timed calls each stop early once that much wall time
    has passed (at least one timed call is made); Stats.n is the number actually timed.
    """
    perf = time.perf_counter_ns
    budget_ns = None if max_seconds is None else int(max_seconds * 1e9)
    index = 0
    warm_start = perf()
    for _ in range(warmup):
        call(index)
        index += 1
        if budget_ns is not None and perf() - warm_start > budget_ns / 4:
            break
    latencies: list[int] = []
    errors = 0
    first_error: str | None = None
    start = perf()
    for _ in range(n):
        if budget_ns is not None and latencies and perf() - start > budget_ns:
            break
        t0 = perf()
        try:
            problem = call(index)
        except Exception as exc:  # an exception is an error, not a crash of the suite
            problem = f"{type(exc).__name__}: {exc}"
        latencies.append(perf() - t0)
        index += 1
        if problem is not None:
            errors += 1
            if first_error is None:
                first_error = problem[:300]
    elapsed = (perf() - start) / 1e9
    return Stats(len(latencies), elapsed, latencies, errors, first_error)


def time_repeated(fn: Callable[[], object], n: int, warmup: int, max_seconds: float | None = None) -> Stats:
    """Time n calls of fn that take no argument and signal errors by raising."""

    def call(_: int) -> str | None:
        fn()
        return None

    return run_sequential(call, n, warmup, max_seconds)


# ----------------------------------------------------------------------- machine


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def rss_mb() -> float:
    """Resident set size of this process now, in MiB (VmRSS from /proc)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MiB (ru_maxrss is KiB on Linux)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
