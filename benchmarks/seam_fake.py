"""Seam's own fake (npm ``@seamapi/fake-seam-connect``), installed into the benchmarks' cache
(``harness.cache_dir()``).

It listens on every interface by itself; ``node --require loopback.cjs`` keeps it on
127.0.0.1 (see loopback.cjs and shared/seam-api/README.md).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from harness import BENCH_DIR, cache_dir

PACKAGE = "@seamapi/fake-seam-connect"
VERSION = "1.86.0"
HEALTH_PATH = "/health"  # GET /health -> 200 {"ok": true, "msg": "I’m one with the Force..."}


def npm_dir() -> Path:
    return cache_dir() / "npm"


class SeamFakeUnavailable(RuntimeError):
    pass


def server_js() -> Path:
    return npm_dir() / "node_modules" / PACKAGE / "dist" / "server.js"


def installed_version() -> str | None:
    manifest = npm_dir() / "node_modules" / PACKAGE / "package.json"
    try:
        return str(json.loads(manifest.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return None


def ensure_installed(quiet: bool = False) -> Path:
    """Install the pinned version with npm unless it is already in the cache."""
    if shutil.which("node") is None:
        raise SeamFakeUnavailable("node is not on PATH")
    if installed_version() == VERSION and server_js().is_file():
        return server_js()
    npm = shutil.which("npm")
    if npm is None:
        raise SeamFakeUnavailable("npm is not on PATH")
    npm_root = npm_dir()
    npm_root.mkdir(parents=True, exist_ok=True)
    manifest = npm_root / "package.json"
    if not manifest.exists():
        manifest.write_text(json.dumps({"name": "fake-seam-bench-cache", "private": True}, indent=2) + "\n")
    if not quiet:
        print(f"installing {PACKAGE}@{VERSION} with npm into {npm_root} ...", flush=True)
    result = subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--save-exact",
            "--loglevel=error",
            f"{PACKAGE}@{VERSION}",
        ],
        cwd=npm_root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not server_js().is_file():
        raise SeamFakeUnavailable(
            f"npm install failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
        )
    return server_js()


def command(port: int) -> tuple[list[str], dict[str, str | None], Path]:
    """argv, extra environment and working directory to start Seam's fake on port."""
    node = shutil.which("node") or "node"
    argv = [
        node,
        "--require",
        str(BENCH_DIR / "loopback.cjs"),
        str(server_js().relative_to(npm_dir())),
        "--seed",
    ]
    env: dict[str, str | None] = {"PORT": str(port), "NODE_ENV": "production"}
    return argv, env, npm_dir()
