#!/usr/bin/env python3
"""fake-seam benchmark suite: start-up, HTTP throughput, in-process cost, scale, concurrency.

    python benchmarks/run.py                # full run (installs Seam's fake with npm)
    python benchmarks/run.py --smoke        # tiny sizes, finishes in seconds
    python benchmarks/run.py --json out.json

Every server runs on 127.0.0.1 and is stopped when the run ends, fails or is interrupted.
See benchmarks/README.md for what is measured and the targets.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import harness
import http_bench
import seam_fake
from harness import BENCH_DIR, REPO_DIR, Processes, Server, Stats

FAKE_SEAM_HEALTH = "/health"
ALL_SECTIONS = (
    "startup",
    "http",
    "inprocess",
    "scale",
    "concurrency",
    "stateful",
    "webhooks",
    "state",
    "advance",
    "seed",
)


# --------------------------------------------------------------------------- config


@dataclass
class Config:
    smoke: bool
    seam_fake: bool
    sections: tuple[str, ...]
    startup_runs: int
    requests: int
    warmup: int
    inprocess_calls: int
    max_seconds: float
    rounds: int
    fixture_runs: int
    scale_codes: int
    scale_locks: int
    scale_small_codes: int
    scale_ops: int
    scale_transitions: int
    clients: int
    concurrency_s: float
    stateful_examples: int
    stateful_steps: int
    advance_codes: int
    advance_big: tuple[int, int]  # (locks, slots per lock)
    advance_small: tuple[int, int]
    json_path: Path | None
    fail_on_miss: bool


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes and durations (seconds, not minutes)"
    )
    parser.add_argument(
        "--no-seam-fake", action="store_true", help="skip Seam's own fake (no node/npm needed)"
    )
    parser.add_argument(
        "--sections",
        default=",".join(ALL_SECTIONS),
        help=f"comma-separated subset of {','.join(ALL_SECTIONS)}",
    )
    parser.add_argument("--json", type=Path, dest="json_path", help="also write every figure to this file")
    parser.add_argument("--fail-on-miss", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help=f"npm install, bytecode, logs (default benchmarks/.cache, or ${harness.CACHE_ENV})",
    )
    parser.add_argument("--requests", type=int, help="timed requests per route (default 3000, smoke 20)")
    parser.add_argument("--scale-codes", type=int, help="codes in the big workspace (default 100000)")
    parser.add_argument(
        "--concurrency-seconds", type=float, help="length of the concurrency run (default 10)"
    )
    args = parser.parse_args(argv)
    if args.cache_dir is not None:
        # Through the environment, so the workers this run spawns use it too.
        os.environ[harness.CACHE_ENV] = str(args.cache_dir.resolve())
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    unknown = set(sections) - set(ALL_SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    smoke = bool(args.smoke)
    scale_codes = args.scale_codes or (1_000 if smoke else 100_000)
    return Config(
        smoke=smoke,
        seam_fake=not args.no_seam_fake,
        sections=sections,
        startup_runs=1 if smoke else 7,
        requests=args.requests or (20 if smoke else 3000),
        warmup=5 if smoke else 300,
        inprocess_calls=20 if smoke else 3000,
        max_seconds=5.0 if smoke else 15.0,
        rounds=1 if smoke else 5,
        fixture_runs=20 if smoke else 500,
        scale_codes=scale_codes,
        scale_locks=max(scale_codes // 50, 2),
        scale_small_codes=100,
        scale_ops=20 if smoke else 300,
        scale_transitions=min(1_000, scale_codes // 2),
        clients=32,
        concurrency_s=args.concurrency_seconds or (1.0 if smoke else 10.0),
        stateful_examples=2 if smoke else 20,
        stateful_steps=10 if smoke else 50,
        advance_codes=600 if smoke else 12_000,
        advance_big=(4, 1_000) if smoke else (4, 10_000),
        advance_small=(20, 30) if smoke else (120, 150),
        json_path=args.json_path,
        fail_on_miss=args.fail_on_miss,
    )


# ------------------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}{suffix}"
    return f"{value:.{digits}f}{suffix}"


def table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(cell))

    def line(cells: list[str]) -> str:
        parts = [cells[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return indent + "  ".join(parts).rstrip()

    out = [line(headers), indent + "  ".join("-" * w for w in widths)]
    out.extend(line(r) for r in rows)
    return "\n".join(out)


@dataclass
class Target:
    name: str
    value: float | None
    limit: float
    kind: str  # "max" (value <= limit) or "min" (value >= limit)
    unit: str = "x"
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None or math.isnan(self.value):
            return "n/a"
        ok = self.value <= self.limit if self.kind == "max" else self.value >= self.limit
        return "PASS" if ok else "MISS"

    def row(self) -> list[str]:
        op = "<=" if self.kind == "max" else ">="
        digits = 3 if self.unit == "x" else 2
        return [
            self.name,
            fmt(self.value, digits, self.unit),
            f"{op} {fmt(self.limit, 2, self.unit)}",
            self.verdict,
            self.note,
        ]


@dataclass
class Report:
    cfg: Config
    data: dict[str, Any] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def add(self, title: str, body: str) -> None:
        text = f"{title}\n{body}"
        self.sections.append(text)
        print(text + "\n", file=sys.stderr, flush=True)

    def problem(self, text: str) -> None:
        self.problems.append(text)
        print(f"PROBLEM: {text}", file=sys.stderr, flush=True)


def progress(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0 or math.isnan(a) or math.isnan(b):
        return None
    return a / b


def get(data: dict[str, Any], *path: str) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


# ------------------------------------------------------------------------- servers


def python_env(bytecode_cache: bool = True) -> dict[str, str | None]:
    """Environment of a spawned Python server.

    With bytecode_cache, .pyc files are written to and read from the cache's pycache/
    (PYTHONPYCACHEPREFIX), also where PYTHONDONTWRITEBYTECODE=1 is set (as on this
    project's machines), so start-up is timed as a user's machine sees it after the
    first run, without writing into the source tree.
    """
    if bytecode_cache:
        return {"PYTHONPYCACHEPREFIX": str(harness.cache_dir() / "pycache"), "PYTHONDONTWRITEBYTECODE": None}
    # As a fresh clone under PYTHONDONTWRITEBYTECODE=1: installed packages have their
    # __pycache__, fake_seam's own modules are compiled at every start.
    return {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": None}


def fake_seam_argv(port: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "fake_seam",
        "serve",
        "--host",
        harness.LOOPBACK,
        "--port",
        str(port),
        *extra,
    ]


def start_fake_seam(
    procs: Processes, name: str = "fake-seam", bytecode_cache: bool = True, extra: tuple[str, ...] = ()
) -> Server:
    port = harness.free_port()
    argv = fake_seam_argv(port, *extra)
    server = procs.spawn(name, argv, port, env=python_env(bytecode_cache), cwd=REPO_DIR)
    harness.wait_healthy(server, FAKE_SEAM_HEALTH)
    return server


def start_seam_fake(procs: Processes, name: str = "seam-fake") -> Server:
    port = harness.free_port()
    argv, env, cwd = seam_fake.command(port)
    server = procs.spawn(name, argv, port, env=env, cwd=cwd)
    harness.wait_healthy(server, seam_fake.HEALTH_PATH)
    return server


_CAPTURE_UVICORN = r"""
import json, runpy, sys
import uvicorn

captured = {}

class _Captured(BaseException):
    pass

def _run(app, **kwargs):
    captured.update(kwargs)
    raise _Captured

_config_init = uvicorn.Config.__init__

def _config(self, app, **kwargs):
    captured.update(kwargs)
    raise _Captured

uvicorn.run = _run
uvicorn.Config.__init__ = _config
sys.argv = ["fake_seam", "serve", "--host", "127.0.0.1", "--port", "0"]
how = "captured"
try:
    runpy.run_module("fake_seam", run_name="__main__", alter_sys=True)
    how = "not called"
except _Captured:
    pass
except SystemExit as exc:
    how = f"exit {exc.code}"
plain = {k: v for k, v in captured.items() if isinstance(v, (str, int, float, bool, type(None)))}
print("UVICORN_OPTIONS=" + json.dumps({"how": how, "options": plain, "all_keys": sorted(captured)}))
"""

# Options that describe where and how to find the app, not how uvicorn serves it.
_NOT_MIRRORED = {"host", "port", "factory", "app_dir", "reload", "reload_dirs", "uds", "fd"}


def uvicorn_options_of_fake_seam() -> tuple[dict[str, Any], str]:
    """The keyword arguments ``python -m fake_seam serve`` hands to uvicorn.

    Found by running the CLI with ``uvicorn.run`` and ``uvicorn.Config`` replaced by
    recorders, so the ceiling mirrors whatever fake-seam does (http=, loop=, ...).
    """
    result = subprocess.run(
        [sys.executable, "-c", _CAPTURE_UVICORN],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    for line in result.stdout.splitlines():
        if line.startswith("UVICORN_OPTIONS="):
            found = json.loads(line.split("=", 1)[1])
            if found["how"] == "captured":
                options = {k: v for k, v in found["options"].items() if k not in _NOT_MIRRORED}
                return options, "mirrored from fake_seam's CLI"
            return {"log_level": "warning"}, f"could not capture fake_seam's options ({found['how']})"
    return {"log_level": "warning"}, f"could not capture fake_seam's options: {result.stderr.strip()[-300:]}"


def start_ceiling(procs: Processes, body_file: Path, options: dict[str, Any]) -> Server:
    port = harness.free_port()
    argv = [
        sys.executable,
        str(BENCH_DIR / "ceiling.py"),
        "--port",
        str(port),
        "--body-file",
        str(body_file),
        "--uvicorn-options",
        json.dumps(options),
    ]
    server = procs.spawn("ceiling", argv, port, env=python_env(), cwd=REPO_DIR)
    harness.wait_healthy(server, "/health")
    return server


# ------------------------------------------------------------------------ sections


def section_startup(cfg: Config, report: Report, procs: Processes, ceiling_args: dict[str, Any]) -> None:
    progress(f"start-up: {cfg.startup_runs} run(s) per server")
    auth = dict(http_bench.HEADERS)

    starters: dict[str, tuple[Callable[[], Server], bool]] = {
        "fake-seam": (lambda: start_fake_seam(procs), True),
        "fake-seam, no bytecode cache (information)": (
            lambda: start_fake_seam(procs, bytecode_cache=False),
            True,
        ),
    }
    if cfg.seam_fake:
        starters["Seam's fake"] = (lambda: start_seam_fake(procs), True)
    if ceiling_args:
        starters["bare Starlette (reference)"] = (
            lambda: start_ceiling(procs, ceiling_args["body_file"], ceiling_args["options"]),
            False,
        )
    if not cfg.smoke:  # one discarded start each: bytecode caches written, files in page cache
        for start, _ in starters.values():
            procs.stop(start())
    runs: dict[str, list[tuple[float, float | None]]] = {name: [] for name in starters}
    for _ in range(cfg.startup_runs):  # servers take turns, so outside load hits them alike
        for name, (start, api_call) in starters.items():
            server = start()
            assert server.ready_after_s is not None
            first_api = harness.since_spawn_to_first_200(server, "/devices/list", auth) if api_call else None
            runs[name].append((server.ready_after_s, first_api))
            procs.stop(server)

    data: dict[str, Any] = {}
    rows = []
    for name, times in runs.items():
        ordered = sorted(t for t, _ in times)
        med = harness.percentile(ordered, 50) * 1000
        apis = sorted(a for _, a in times if a is not None)
        api_med = harness.percentile(apis, 50) * 1000 if apis else None
        data[name] = {
            "runs_ms": [t * 1000 for t, _ in times],
            "median_ms": med,
            "min_ms": ordered[0] * 1000,
            "first_devices_list_median_ms": api_med,
        }
        rows.append(
            [
                name,
                fmt(med, 1),
                fmt(ordered[0] * 1000, 1),
                fmt(ordered[-1] * 1000, 1),
                fmt(api_med, 1) if api_med is not None else "-",
            ]
        )
    report.data["startup"] = data
    report.add(
        f"1. Start-up: spawn -> first 200 from /health ({cfg.startup_runs} run(s), median)",
        table(
            ["server", "median ms", "min ms", "max ms", "then 1st devices/list ms"],
            rows,
        )
        + "\n  last column (information): spawn -> first 200 from an authenticated GET /devices/list,"
        " sent right after the first /health 200",
    )


def _stat_row(first: str, label: str, st: Stats) -> list[str]:
    return [
        first,
        label,
        fmt(st.ops_per_s, 0),
        fmt(st.p50_ms, 3),
        fmt(st.p99_ms, 3),
        str(st.n),
        str(st.errors),
    ]


STAT_HEADERS = ["req/s", "p50 ms", "p99 ms", "n", "errors"]


def section_http(cfg: Config, report: Report, procs: Processes) -> dict[str, Any]:
    """Sequential keep-alive throughput; returns what the ceiling needs (body, options)."""
    fake = start_fake_seam(procs)
    body = http_bench.body_of(fake.url, "/devices/list")
    body_file = harness.cache_dir() / "devices_list_body.json"
    body_file.parent.mkdir(parents=True, exist_ok=True)
    body_file.write_bytes(body)
    options, how = uvicorn_options_of_fake_seam()
    ceiling_args = {"body_file": body_file, "options": options, "how": how}
    running = {"fake-seam": fake, "bare Starlette": start_ceiling(procs, body_file, options)}
    if cfg.seam_fake:
        running["Seam's fake"] = start_seam_fake(procs)
    servers = {name: server.url for name, server in running.items()}
    progress(
        f"sequential HTTP: {', '.join(servers)}; up to {cfg.requests} requests per route and server,"
        f" in {cfg.rounds} alternating rounds (ceiling: {len(body)} bytes, uvicorn {options}: {how})"
    )
    results, notes = http_bench.interleaved_suite(
        servers,
        {"bare Starlette": ("devices/list",)},
        cfg.requests,
        cfg.warmup,
        rounds=cfg.rounds,
        max_seconds=cfg.max_seconds,
    )
    for server in running.values():
        procs.stop(server)

    rows: list[list[str]] = []
    for route in http_bench.ROUTES:
        for label, stats in results.items():
            if route in stats:
                rows.append(_stat_row(route, label, stats[route]))
    report.data["http_sequential"] = {
        label: {route: st.as_dict() for route, st in stats.items()} for label, stats in results.items()
    }
    report.data["http_sequential_notes"] = notes
    report.data["ceiling"] = {"uvicorn_options": options, "how": how, "body_bytes": len(body)}
    for label, stats in results.items():
        for route, st in stats.items():
            if st.errors:
                report.problem(f"{label} {route}: {st.errors} errors, first: {st.first_error}")
    sizes = ", ".join(
        f"{label} {n['devices/list bytes']} B / {n['devices/list devices']} devices"
        for label, n in notes.items()
        if "devices/list bytes" in n
    )
    list_counts = ", ".join(
        f"{label} {n.get('access_codes/list codes')}"
        for label, n in notes.items()
        if "access_codes/list codes" in n
    )
    report.add(
        f"2. Sequential keep-alive HTTP, one httpx.Client per server (up to {cfg.requests} timed after"
        f" {cfg.warmup} warm-up, at most {cfg.max_seconds:g} s each; servers take turns in"
        f" {cfg.rounds} rounds)",
        table(["route", "server", *STAT_HEADERS], rows)
        + f"\n  devices/list answers (default seeds): {sizes}"
        + f"\n  ceiling: fake-seam's devices/list bytes as a constant; uvicorn options {options} ({how})"
        + f"\n  event loop and HTTP parser, both Python servers: {_loop_and_parser()}"
        + f"\n  access_codes/list lists {http_bench.LIST_DEVICE} holding codes: {list_counts};"
        f" create uses {http_bench.CREATE_DEVICE}",
    )
    return ceiling_args


def _loop_and_parser() -> str:
    """What uvicorn's "auto" picks in this environment (the ceiling runs under it) and what
    `fake-seam serve` uses (the same: uvloop when installed, httptools when installed)."""
    import importlib.util

    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"{loop} + {parser}"


def section_inprocess(cfg: Config, report: Report, procs: Processes) -> None:
    import inprocess

    n, warm = cfg.inprocess_calls, max(cfg.warmup, 5)
    seam_fake_server = start_seam_fake(procs) if cfg.seam_fake else None
    transports = ["in-process", "SDK alone", "ThreadedServer"] + (["Seam's fake"] if seam_fake_server else [])
    progress(
        f"SDK: up to {n} calls per call and transport ({', '.join(transports)})"
        f" in {cfg.rounds} alternating rounds"
    )
    try:
        suites, how = inprocess.sdk_transports_suite(
            seam_fake_server.url if seam_fake_server else None, n, warm, cfg.rounds, cfg.max_seconds
        )
    finally:
        if seam_fake_server is not None:
            procs.stop(seam_fake_server)
    data: dict[str, Any] = {label: {k: v.as_dict() for k, v in st.items()} for label, st in suites.items()}
    data["threaded_server"] = how
    names = {
        "in-process": "fake-seam in-process",
        "SDK alone": "SDK alone, no server (floor)",
        "threaded HTTP": "fake-seam ThreadedServer",
        "Seam's fake HTTP": "Seam's fake over HTTP",
    }
    rows = [
        _stat_row(call, names[label], st) for label, stats in suites.items() for call, st in stats.items()
    ]

    progress(f"fixture cost: {cfg.fixture_runs} x FakeSeam() + client() + close()")
    fixture = inprocess.fixture_cost(cfg.fixture_runs, max(cfg.fixture_runs // 10, 3))
    data["fixture"] = fixture.as_dict()
    report.data["inprocess"] = data
    for label in ("in-process", "SDK alone", "threaded HTTP", "Seam's fake HTTP"):
        for route, st in data.get(label, {}).items():
            if st["errors"]:
                report.problem(f"SDK {label} {route}: {st['errors']} errors, first: {st['first_error']}")
    rows.sort(key=lambda r: inprocess.SDK_CALLS.index(r[0]) if r[0] in inprocess.SDK_CALLS else 99)
    report.add(
        f"3. Official SDK (seam {inprocess.sdk_version()}): in-process transport vs HTTP"
        f" (up to {n} calls after {warm} warm-up, at most {cfg.max_seconds:g} s each;"
        f" transports take turns in {cfg.rounds} rounds)",
        table(["SDK call", "transport", "calls/s", *STAT_HEADERS[1:]], rows)
        + f"\n  per-test fixture (FakeSeam() + .client() + .client.close()): mean {fmt(fixture.mean_ms, 3)} ms,"
        f" p50 {fmt(fixture.p50_ms, 3)} ms, p99 {fmt(fixture.p99_ms, 3)} ms over {fixture.n}"
        + f"\n  threaded server: {how}"
        + "\n  SDK alone: the same client with answers replayed by its transport (no server, no fake work):"
        " the SDK's own cost per call"
        + "".join(
            f"\n    {call}: SDK alone / Seam's fake over HTTP = {fmt(bound, 2)}x"
            " (the most any in-process fake can reach on this call)"
            for call in inprocess.SDK_CALLS
            if (
                bound := ratio(
                    get(data, "SDK alone", call, "ops_per_s"),
                    get(data, "Seam's fake HTTP", call, "ops_per_s"),
                )
            )
            is not None
        ),
    )


def section_scale(cfg: Config, report: Report) -> None:
    progress(
        f"scale: {cfg.scale_codes:,} codes over {cfg.scale_locks:,} locks vs {cfg.scale_small_codes} codes"
        " (each in a fresh process)"
    )
    runs: dict[str, dict[str, Any]] = {}
    for label, codes, locks in (
        ("small", cfg.scale_small_codes, max(cfg.scale_small_codes // 50, 1)),
        ("big", cfg.scale_codes, cfg.scale_locks),
    ):
        argv = [
            sys.executable,
            str(BENCH_DIR / "inprocess.py"),
            "scale",
            "--codes",
            str(codes),
            "--locks",
            str(locks),
            "--ops",
            str(cfg.scale_ops),
            "--transitions",
            str(min(cfg.scale_transitions, codes)),
        ]
        result = subprocess.run(argv, cwd=REPO_DIR, capture_output=True, text=True, timeout=1800)
        last = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
        if result.returncode != 0 or not last:
            raise RuntimeError(
                f"scale worker ({label}) failed ({result.returncode}): {result.stderr.strip()[-1500:]}"
            )
        runs[label] = json.loads(last[0])
    report.data["scale"] = runs
    small, big = runs["small"], runs["big"]
    rows = []
    for key, title in (
        ("build_s", "build the workspace (s)"),
        ("list_p50_ms", "access_codes.list(device_id) p50 ms"),
        ("list_mean_ms", "access_codes.list(device_id) mean ms"),
        ("create_p50_ms", "access_codes.create p50 ms"),
        ("create_mean_ms", "access_codes.create mean ms"),
        ("advance_s", "advance the clock over the window (s)"),
        ("advance_transitions", "codes starting/ending in the window"),
        ("advance_per_transition_ms", "advance cost per transition (ms)"),
        ("rss_mb", "RSS after build (MiB)"),
        ("peak_rss_mb", "peak RSS (MiB)"),
    ):
        rows.append(
            [
                title,
                fmt(small.get(key), 3),
                fmt(big.get(key), 3),
                fmt(ratio(big.get(key), small.get(key)), 2, "x"),
            ]
        )
    header_small = f"{small['codes']:,} codes/{small['locks']:,} locks"
    header_big = f"{big['codes']:,} codes/{big['locks']:,} locks"
    notes = big.get("notes", "")
    report.add(
        "4. Scale (in-process SDK; per-device list on a lock holding the same number of codes in both)",
        table(["measure", header_small, header_big, "big/small"], rows) + (f"\n  {notes}" if notes else ""),
    )


def concurrent_load(url: str, clients: int, seconds: float) -> dict[str, Any]:
    """The asyncio load of `benchmarks/concurrent_load.py`, from a process of its own."""
    argv = [
        sys.executable,
        str(BENCH_DIR / "concurrent_load.py"),
        "--url",
        url,
        "--clients",
        str(clients),
        "--seconds",
        str(seconds),
    ]
    result = subprocess.run(argv, cwd=REPO_DIR, capture_output=True, text=True, timeout=seconds + 120)
    last = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
    if result.returncode != 0 or not last:
        raise RuntimeError(
            f"concurrent_load.py failed ({result.returncode}): {result.stderr.strip()[-1500:]}"
        )
    data: dict[str, Any] = json.loads(last[0])
    return data


def section_concurrency(cfg: Config, report: Report, procs: Processes) -> None:
    progress(
        f"concurrency: {cfg.clients} keep-alive connections for {cfg.concurrency_s:g}s from one asyncio"
        f" process, then {cfg.clients} client threads in this process (information), each on a fresh fake-seam"
    )
    server = start_fake_seam(procs, "fake-seam-concurrency")
    loop = concurrent_load(server.url, cfg.clients, cfg.concurrency_s)
    procs.stop(server)
    server = start_fake_seam(procs, "fake-seam-concurrency-threads")
    threads = http_bench.concurrency_suite(server.url, cfg.clients, cfg.concurrency_s)
    procs.stop(server)
    report.data["concurrency"] = loop
    report.data["concurrency_threads"] = threads.as_dict()
    if loop["errors"]:
        report.problem(f"concurrency: {loop['errors']} errors, first: {loop['first_error']}")
    if threads.errors:
        report.problem(f"concurrency (threads): {threads.errors} errors, first: {threads.first_error}")
    mix = ", ".join(f"{k} {v}" for k, v in sorted(loop["by_op"].items()))
    report.add(
        f"5. Concurrency: {cfg.clients} keep-alive clients, {cfg.concurrency_s:g}s each way, mixed reads/writes",
        table(
            ["client", "req/s", "p50 ms", "p99 ms", "requests", "errors"],
            [
                [
                    f"{cfg.clients} connections, one asyncio process",
                    fmt(loop["ops_per_s"], 0),
                    fmt(loop["p50_ms"], 2),
                    fmt(loop["p99_ms"], 2),
                    str(loop["requests"]),
                    str(loop["errors"]),
                ],
                [
                    f"{cfg.clients} httpx threads, this process (information)",
                    fmt(threads.ops_per_s, 0),
                    fmt(threads.p50_ms, 2),
                    fmt(threads.p99_ms, 2),
                    str(threads.requests),
                    str(threads.errors),
                ],
            ],
        )
        + f"\n  mix (asyncio run): {mix}"
        + "\n  the target is judged on the asyncio run: the threads share one GIL and this process's"
        " core, so their latency holds the client's own queue (see benchmarks/README.md)",
    )


def section_webhooks(cfg: Config, report: Report, procs: Processes) -> None:
    """What a webhook whose receiver never answers costs the API calls that cause its events:
    access_codes/create on a served fake with such a webhook against one without."""
    import socket

    # A black hole: the kernel accepts connections into the backlog, nothing ever answers,
    # so every delivery waits for its timeout (a refused port would fail fast: the easy case).
    hole = socket.socket()
    hole.bind((harness.LOOPBACK, 0))
    hole.listen(1024)
    url = f"http://{harness.LOOPBACK}:{hole.getsockname()[1]}/never-answers"
    progress(f"webhooks: access_codes/create with a webhook to {url} and without")
    try:
        running = {
            "no webhook": start_fake_seam(procs, "fake-seam-plain"),
            "unreachable webhook": start_fake_seam(procs, "fake-seam-webhook", extra=("--webhook", url)),
        }
        servers = {name: server.url for name, server in running.items()}
        only_create = {name: ("access_codes/create",) for name in servers}
        results, _ = http_bench.interleaved_suite(
            servers, only_create, cfg.requests, cfg.warmup, rounds=cfg.rounds, max_seconds=cfg.max_seconds
        )
        for server in running.values():
            procs.stop(server)
    finally:
        hole.close()
    plain = results["no webhook"]["access_codes/create"]
    hooked = results["unreachable webhook"]["access_codes/create"]
    report.data["webhooks"] = {"no_webhook": plain.as_dict(), "unreachable_webhook": hooked.as_dict()}
    for label, st in (("no webhook", plain), ("unreachable webhook", hooked)):
        if st.errors:
            report.problem(f"webhooks {label}: {st.errors} errors, first: {st.first_error}")
    report.add(
        "7. Webhooks: access_codes/create over HTTP, with a webhook whose receiver never answers"
        " (every delivery waits for its 15 s timeout, in the sender's thread) and without",
        table(
            ["route", "server", *STAT_HEADERS],
            [_stat_row("access_codes/create", label, st) for label, st in results_rows(results)],
        ),
    )


def section_state(cfg: Config, report: Report, procs: Processes) -> None:
    """`serve --state`: what keeping every change costs a mutating request (access_codes/create
    over HTTP, each committed to the state file before it is answered) against a server without
    one, and how long a server takes to start from a state holding `scale_codes` codes."""
    folder = harness.cache_dir() / "state"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.db*"):
        old.unlink()
    progress("state: access_codes/create with --state (normal, full) and without")
    running = {
        "no state": start_fake_seam(procs, "fake-seam-stateless"),
        "--state": start_fake_seam(procs, "fake-seam-state", extra=("--state", str(folder / "normal.db"))),
        "--state --state-sync full": start_fake_seam(
            procs, "fake-seam-state-full", extra=("--state", str(folder / "full.db"), "--state-sync", "full")
        ),
    }
    servers = {name: server.url for name, server in running.items()}
    only_create = {name: ("access_codes/create",) for name in servers}
    results, _ = http_bench.interleaved_suite(
        servers, only_create, cfg.requests, cfg.warmup, rounds=cfg.rounds, max_seconds=cfg.max_seconds
    )
    for server in running.values():
        procs.stop(server)
    data: dict[str, Any] = {name: stats["access_codes/create"].as_dict() for name, stats in results.items()}
    for name, stats in results.items():
        if stats["access_codes/create"].errors:
            report.problem(f"state {name}: {stats['access_codes/create'].errors} errors")

    codes = cfg.scale_codes
    path = folder / f"codes-{codes}.db"
    progress(f"state: building a state file of {codes:,} codes")
    built = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "state_build.py"),
            str(path),
            "--codes",
            str(codes),
            "--locks",
            str(max(codes // 100, 1)),
        ],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if built.returncode != 0:
        raise RuntimeError(f"state_build.py failed: {built.stderr.strip()[-1500:]}")
    data["build"] = json.loads(built.stdout.strip().splitlines()[-1])
    starts = []
    for _ in range(max(cfg.startup_runs // 2, 1) + (0 if cfg.smoke else 1)):
        server = start_fake_seam(procs, "fake-seam-state-start", extra=("--state", str(path)))
        assert server.ready_after_s is not None
        starts.append(server.ready_after_s)
        procs.stop(server)  # a clean stop: the next start replays nothing either
    if not cfg.smoke:
        starts = starts[1:]  # the first reads the file into the page cache
    ordered = sorted(starts)
    data["start_from_codes"] = {"codes": codes, "runs_s": starts, "median_s": harness.percentile(ordered, 50)}
    report.data["state"] = data
    rows = [
        _stat_row("access_codes/create", label, st["access_codes/create"]) for label, st in results.items()
    ]
    build = data["build"]
    report.add(
        "8. State file (--state): access_codes/create over HTTP with every change committed before"
        " its answer, and without; start-up from a state file",
        table(["route", "server", *STAT_HEADERS], rows)
        + f"\n  start from a state of {codes:,} codes ({build['file_mb']:.1f} MiB): spawn -> first 200 from"
        f" /health, median {fmt(data['start_from_codes']['median_s'], 2)} s of {len(starts)}"
        f" (snapshot of it took {build['snapshot_s']:.2f} s)",
    )


def section_seed(cfg: Config, report: Report) -> None:
    """Loading a seed file of `scale_codes` managed codes (time-bound, 1 lock per 100 codes, as
    in section 8): `FakeSeam(seed=path)` timed in a fresh process each run: the package is imported before the
    clock starts, the seed schema (pydantic, loaded on a seed file's first use) after."""
    folder = harness.cache_dir() / "seed"
    folder.mkdir(parents=True, exist_ok=True)
    codes = cfg.scale_codes
    path = folder / f"codes-{codes}.json"
    build = [sys.executable, str(BENCH_DIR / "state_build.py"), str(path), "--codes", str(codes)]
    progress(f"seed: writing a seed file of {codes:,} codes")
    written = subprocess.run(
        [*build, "--locks", str(max(codes // 100, 1)), "--seed-file"],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if written.returncode != 0:
        raise RuntimeError(f"state_build.py --seed-file failed: {written.stderr.strip()[-1500:]}")
    made = json.loads(written.stdout.strip().splitlines()[-1])
    runs: list[float] = []
    cpu: list[float] = []  # the process's CPU time: on a shared machine, what wall time hides
    for _ in range(1 if cfg.smoke else 3):
        loaded = subprocess.run(
            [*build, "--load-seed"], cwd=REPO_DIR, capture_output=True, text=True, timeout=600
        )
        if loaded.returncode != 0:
            raise RuntimeError(f"state_build.py --load-seed failed: {loaded.stderr.strip()[-1500:]}")
        result = json.loads(loaded.stdout.strip().splitlines()[-1])
        if result["codes"] < codes:
            report.problem(f"seed: {result['codes']:,} codes loaded of {codes:,}")
        runs.append(result["load_s"])
        cpu.append(result["cpu_s"])
    median = harness.percentile(sorted(runs), 50)
    report.data["seed"] = {
        "codes": codes,
        "file_mb": made["file_mb"],
        "runs_s": runs,
        "median_s": median,
        "cpu_s": cpu,
    }
    report.add(
        "10. Seed file: FakeSeam(seed=path) of a seed holding managed access codes, each run in a"
        " fresh process",
        f"  {codes:,} codes ({made['file_mb']:.1f} MiB of JSON): median {fmt(median, 2)} s of {len(runs)}"
        f" ({', '.join(f'{r:.2f}' for r in runs)} s; CPU {', '.join(f'{c:.2f}' for c in cpu)} s)",
    )


def section_number(text: str) -> int:
    """A report section's number (`10. Seed file...` -> 10), for printing them in order."""
    number = text.split(".", 1)[0]
    return int(number) if number.isdigit() else 99


def results_rows(results: dict[str, dict[str, Stats]]) -> list[tuple[str, Stats]]:
    return [(label, stats["access_codes/create"]) for label, stats in results.items()]


def section_stateful(cfg: Config, report: Report) -> None:
    # The stateful property test's steps per second, see stateful_hook.py.
    progress("stateful property test: steps per second")
    argv = [
        sys.executable,
        str(BENCH_DIR / "stateful_hook.py"),
        "--examples",
        str(cfg.stateful_examples),
        "--steps",
        str(cfg.stateful_steps),
    ]
    result = subprocess.run(argv, cwd=REPO_DIR, capture_output=True, text=True, timeout=900)
    lines = result.stdout.strip().splitlines()
    try:
        data = json.loads(lines[-1])
    except (IndexError, ValueError):
        data = {"status": "error", "reason": result.stderr.strip()[-500:]}
    report.data["stateful"] = data
    if data.get("status") in ("ok", "failed") and "steps_per_s" in data:
        text = (
            f"  steps/s: {fmt(data['steps_per_s'], 1)} ({data['steps']} steps in {fmt(data['seconds'], 2)} s,"
            f" {cfg.stateful_examples} examples x <= {cfg.stateful_steps} steps,"
            f" via {data.get('via', 'benchmarks/stateful_hook.py')})"
        )
        if data.get("steps_per_cpu_s"):
            # On a shared machine the run waits for a core: the CPU it had says what it costs.
            text += (
                f"\n  steps per CPU second: {fmt(data['steps_per_cpu_s'], 1)}"
                f" (1-min load average {fmt(data.get('load_1m'), 2)} at the start)"
            )
        for m in data.get("machines", []):
            if m.get("error"):
                # A failing property is the test suite's business: noted, not a benchmark error.
                text += f"\n  note: {m['machine']} stopped on a failing property: {m['error']}"
    else:
        text = f"  steps/s: n/a ({data.get('reason', 'unknown')})"
        if data.get("status") == "error":
            report.problem(f"stateful hook: {data.get('reason')}")
    report.add("6. Stateful property test", text)


# ------------------------------------------------------------------------ targets


def _advance_worker(*args: str) -> dict[str, Any]:
    argv = [sys.executable, str(BENCH_DIR / "advance.py"), *args]
    result = subprocess.run(argv, cwd=REPO_DIR, capture_output=True, text=True, timeout=900)
    last = result.stdout.strip().splitlines()[-1:] if result.stdout.strip() else []
    if result.returncode != 0 or not last:
        raise RuntimeError(
            f"advance worker {args} failed ({result.returncode}): {result.stderr.strip()[-1500:]}"
        )
    data: dict[str, Any] = json.loads(last[0])
    return data


def section_advance(cfg: Config, report: Report) -> None:
    """A year of stays in one advance, on a few locks of many slots and on many of few."""
    codes = cfg.advance_codes
    fleets = {"big": cfg.advance_big, "small": cfg.advance_small}
    progress(
        f"advance: a year of {codes:,} stays on {fleets['big'][0]}x{fleets['big'][1]:,} slots and on"
        f" {fleets['small'][0]}x{fleets['small'][1]:,} (each in a fresh process), then over HTTP"
    )
    runs: dict[str, dict[str, Any]] = {}
    for label, (locks, capacity) in fleets.items():
        runs[label] = _advance_worker(
            "year", "--locks", str(locks), "--capacity", str(capacity), "--codes", str(codes)
        )
    locks, capacity = fleets["big"]
    served = _advance_worker(
        "latency", "--locks", str(locks), "--capacity", str(capacity), "--codes", str(codes)
    )
    report.data["advance"] = {**runs, "http": served}
    if served.get("errors") or served.get("advance_status") != 200:
        report.problem(
            f"advance over HTTP: status {served.get('advance_status')}, {served.get('errors')} errors"
        )
    rows = [
        [
            f"{run['locks']} locks x {run['capacity']:,} slots",
            f"{run['codes']:,}",
            fmt(run["build_s"], 2),
            fmt(run["advance_s"], 3),
            fmt(run.get("cpu_s"), 3),
            f"{run['jobs']:,}",
            f"{run['jobs_per_s']:,.0f}",
            fmt(run.get("load_1m"), 2),
        ]
        for run in runs.values()
    ]
    body = table(
        ["fleet", "codes", "build (s)", "advance 366 d (s)", "its CPU (s)", "jobs run", "jobs/s", "load"],
        rows,
    )
    body += "\n\n" + table(
        ["over HTTP (ThreadedServer)", "value"],
        [
            ["POST /_fake/clock/advance 366 d (s)", fmt(served["advance_s"], 3)],
            ["/health + devices/list answered meanwhile", str(served["answered_during"])],
            [
                "their latency p50 / p99 / max (ms)",
                "/".join(fmt(served.get(k), 1) for k in ("during_p50_ms", "during_p99_ms", "during_max_ms")),
            ],
            ["latency before the advance, p50 (ms)", fmt(served.get("idle_p50_ms"), 2)],
            [
                "collector passes meanwhile (gen 0/1/2), longest (ms)",
                "/".join(str(n) for n in served.get("gc_passes") or ())
                + f", {fmt(served.get('gc_longest_ms'), 1)}",
            ],
            ["1-min load average before the advance", fmt(served.get("load_1m"), 2)],
        ],
    )
    report.add(
        "9. Clock advance: a year of 3-day stays (random days, seeded), frozen clock, in-process;"
        " then over HTTP with another process polling /health and devices/list",
        body,
    )


def compute_targets(report: Report) -> None:
    d = report.data
    t = report.targets

    def ratio_of(label: str, over: tuple[str, ...], under: tuple[str, ...], limit: float, kind: str) -> None:
        """A target on the ratio of two figures, each named by its path in the report's data."""
        t.append(Target(label, ratio(get(d, *over), get(d, *under)), limit, kind))

    ratio_of(
        "start-up: fake-seam / Seam's fake",
        ("startup", "fake-seam", "median_ms"),
        ("startup", "Seam's fake", "median_ms"),
        0.6,
        "max",
    )
    for route in http_bench.ROUTES:
        ratio_of(
            f"HTTP {route}: fake-seam / Seam's fake req/s",
            ("http_sequential", "fake-seam", route, "ops_per_s"),
            ("http_sequential", "Seam's fake", route, "ops_per_s"),
            2.5,
            "min",
        )
    ratio_of(
        "HTTP devices/list: fake-seam / bare Starlette req/s",
        ("http_sequential", "fake-seam", "devices/list", "ops_per_s"),
        ("http_sequential", "bare Starlette", "devices/list", "ops_per_s"),
        0.90,
        "min",
    )
    ratio_of(
        "HTTP access_codes/create with an unreachable webhook / without, req/s",
        ("webhooks", "unreachable_webhook", "ops_per_s"),
        ("webhooks", "no_webhook", "ops_per_s"),
        0.9,
        "min",
    )
    import inprocess

    # (label, numerator's transport, denominator's transport, figure, limit, kind)
    for label, over, under, figure, limit, kind in (
        (
            "in-process / HTTP to Seam's fake calls/s",
            "in-process",
            "Seam's fake HTTP",
            "ops_per_s",
            5.0,
            "min",
        ),
        ("in-process / SDK alone (floor) calls/s", "in-process", "SDK alone", "ops_per_s", 0.85, "min"),
        (
            "in-process / threaded HTTP time per call (p50)",
            "in-process",
            "threaded HTTP",
            "p50_ms",
            0.25,
            "max",
        ),
    ):
        for call in inprocess.SDK_CALLS:
            ratio_of(
                f"SDK {call}: {label}",
                ("inprocess", over, call, figure),
                ("inprocess", under, call, figure),
                limit,
                kind,
            )
    t.append(
        Target("per-test fixture cost (mean)", get(d, "inprocess", "fixture", "mean_ms"), 2.0, "max", " ms")
    )
    big = get(d, "scale", "big") or {}
    small = get(d, "scale", "small") or {}
    label = f"{big.get('codes', 0):,} codes / {small.get('codes', 0):,} codes"
    t.append(
        Target(
            f"scale list(device): {label} (p50)",
            ratio(big.get("list_p50_ms"), small.get("list_p50_ms")),
            1.3,
            "max",
        )
    )
    t.append(
        Target(
            f"scale create: {label} (p50)",
            ratio(big.get("create_p50_ms"), small.get("create_p50_ms")),
            1.3,
            "max",
        )
    )
    t.append(Target(f"scale RSS with {big.get('codes', 0):,} codes", big.get("rss_mb"), 300.0, "max", " MiB"))
    ratio_of(
        "HTTP access_codes/create time per request, --state / without",
        ("state", "no state", "ops_per_s"),
        ("state", "--state", "ops_per_s"),
        1.3,
        "max",
    )
    t.append(
        Target(
            f"start from a state of {get(d, 'state', 'start_from_codes', 'codes') or 0:,} codes",
            get(d, "state", "start_from_codes", "median_s"),
            3.0,
            "max",
            " s",
        )
    )
    t.append(
        Target(
            f"load a seed file of {get(d, 'seed', 'codes') or 0:,} codes",
            get(d, "seed", "median_s"),
            2.0,
            "max",
            " s",
        )
    )
    for label in ("big", "small"):
        run = get(d, "advance", label) or {}
        fleet = f"{run.get('locks', 0)}x{run.get('capacity', 0):,} slots"
        t.append(Target(f"advance: timeline jobs/s, {fleet}", run.get("jobs_per_s"), 50_000.0, "min", ""))
    big_year = get(d, "advance", "big") or {}
    t.append(
        Target(
            f"advance a year of {big_year.get('codes', 0):,} codes on {big_year.get('locks', 0)}x"
            f"{big_year.get('capacity', 0):,} slots",
            big_year.get("advance_s"),
            1.0,
            "max",
            " s",
        )
    )
    t.append(
        Target(
            "other requests during that advance over HTTP (max)",
            get(d, "advance", "http", "during_max_ms"),
            50.0,
            "max",
            " ms",
        )
    )
    stateful = get(d, "stateful") or {}
    t.append(
        Target(
            "stateful machine steps/s (tests/behaviour/test_stateful.py)",
            stateful.get("steps_per_s") if stateful.get("status") in ("ok", "failed") else None,
            1_000.0,
            "min",
            "",
        )
    )
    counts = [get(d, key, "errors") for key in ("concurrency", "concurrency_threads")]
    errors = None if all(c is None for c in counts) else float(sum(c or 0 for c in counts))
    t.append(Target("concurrency errors (32 clients, both runs)", errors, 0.0, "max", ""))
    t.append(
        Target(
            "concurrency p99 (32 keep-alive clients, asyncio process)",
            get(d, "concurrency", "p99_ms"),
            25.0,
            "max",
            " ms",
        )
    )


# --------------------------------------------------------------------------- main


_LOAD_AT_START: list[float] = []


def report_load() -> list[float]:
    """Load average (1, 5, 15 min) when the run started: other work skews every figure."""
    if not _LOAD_AT_START:
        try:
            _LOAD_AT_START.extend(os.getloadavg())
        except OSError:
            _LOAD_AT_START.extend([float("nan")] * 3)
    return _LOAD_AT_START


def header(cfg: Config) -> str:
    node = "n/a"
    try:
        node = subprocess.run(
            ["node", "--version"], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        from importlib.metadata import version

        sdk = version("seam")
    except Exception:
        sdk = "n/a"
    seam_fake_version = seam_fake.installed_version() if cfg.seam_fake else None
    load = "/".join(f"{x:.2f}" for x in report_load())
    lines = [
        "=" * 100,
        f"fake-seam benchmarks  ({'SMOKE run: tiny sizes, figures not meaningful' if cfg.smoke else 'full run'})"
        f"  {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"CPU: {harness.cpu_model()} ({harness.cpu_count()} cores usable), {platform.system()} {platform.release()},"
        f" load average at start {load}",
        f"Python {platform.python_version()}, node {node}, seam SDK {sdk},"
        f" @seamapi/fake-seam-connect {seam_fake_version or 'not used'}",
        "=" * 100,
    ]
    return "\n".join(lines)


def run(cfg: Config) -> int:
    report = Report(cfg)
    report.data["load_average_at_start"] = report_load()
    report.data["config"] = {k: (str(v) if isinstance(v, Path) else v) for k, v in cfg.__dict__.items()}
    report.data["machine"] = {
        "cpu": harness.cpu_model(),
        "cores": harness.cpu_count(),
        "python": platform.python_version(),
    }
    started = time.perf_counter()

    if cfg.seam_fake:
        try:
            seam_fake.ensure_installed()
        except seam_fake.SeamFakeUnavailable as exc:
            if not cfg.smoke:
                report.problem(f"Seam's fake unavailable, its columns are n/a: {exc}")
            else:
                progress(f"smoke: skipping Seam's fake ({exc})")
            cfg.seam_fake = False

    def guarded(name: str, fn: Callable[[], Any]) -> Any:
        if name not in cfg.sections:
            return None
        try:
            return fn()
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:
            report.problem(f"section {name} failed: {type(exc).__name__}: {exc}")
            traceback.print_exc(file=sys.stderr)
            return None

    with Processes() as procs:
        ceiling_args = guarded("http", lambda: section_http(cfg, report, procs)) or {}
        guarded("startup", lambda: section_startup(cfg, report, procs, ceiling_args))
        guarded("inprocess", lambda: section_inprocess(cfg, report, procs))
        guarded("concurrency", lambda: section_concurrency(cfg, report, procs))
        guarded("webhooks", lambda: section_webhooks(cfg, report, procs))
        guarded("state", lambda: section_state(cfg, report, procs))
    guarded("scale", lambda: section_scale(cfg, report))
    guarded("stateful", lambda: section_stateful(cfg, report))
    guarded("advance", lambda: section_advance(cfg, report))
    guarded("seed", lambda: section_seed(cfg, report))

    compute_targets(report)
    report.data["targets"] = [
        {"name": t.name, "value": t.value, "limit": t.limit, "kind": t.kind, "verdict": t.verdict}
        for t in report.targets
    ]
    report.data["problems"] = report.problems
    report.data["wall_s"] = time.perf_counter() - started

    out = [header(cfg)]
    out += sorted(report.sections, key=section_number)
    out.append(
        "Targets (from this one run)\n"
        + table(["target", "value", "limit", "result", ""], [t.row() for t in report.targets])
    )
    verdicts = [t.verdict for t in report.targets]
    out.append(
        f"  {verdicts.count('PASS')} PASS, {verdicts.count('MISS')} MISS, {verdicts.count('n/a')} n/a;"
        f" wall time {report.data['wall_s']:.1f} s"
    )
    if report.problems:
        out.append("Problems\n" + "\n".join(f"  - {p}" for p in report.problems))
    print("\n\n".join(out), flush=True)

    if cfg.json_path:
        cfg.json_path.parent.mkdir(parents=True, exist_ok=True)
        cfg.json_path.write_text(json.dumps(report.data, indent=2, default=str) + "\n")
        progress(f"wrote {cfg.json_path}")

    if report.problems:
        return 1
    if cfg.fail_on_miss and "MISS" in verdicts:
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    harness.install_sigterm_handler()
    # Run from anywhere: fake_seam is imported from the repo this file belongs to.
    if str(REPO_DIR) not in sys.path:
        sys.path.insert(1, str(REPO_DIR))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO_DIR), os.environ.get("PYTHONPATH", "")) if p
    )
    cfg = parse_args(argv)
    try:
        return run(cfg)
    except KeyboardInterrupt:
        print("\ninterrupted: every server was stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
