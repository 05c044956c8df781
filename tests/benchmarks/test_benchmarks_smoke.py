"""The benchmark suite still runs: `python benchmarks/run.py --smoke --no-seam-fake`.

Part of the default suite and fast (tiny sizes; about 15 s on the 2-core machine). Seam's
own fake is skipped (no node/npm needed). Targets are not judged here (smoke sizes make
the ratios meaningless), only that every section runs and every request succeeds.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from repo import BENCHMARKS, ROOT

RUN = BENCHMARKS / "run.py"


def test_benchmark_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = subprocess.run(
        # Its npm install, bytecode and logs go to tmp_path: tests write nothing into the tree.
        [
            sys.executable,
            str(RUN),
            "--smoke",
            "--no-seam-fake",
            "--json",
            str(out),
            "--cache-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}"
    assert "CPU:" in result.stdout
    assert "Targets (from this one run)" in result.stdout
    data = json.loads(out.read_text())
    assert data["problems"] == []
    for route in ("devices/list", "access_codes/create", "access_codes/list"):
        stats = data["http_sequential"]["fake-seam"][route]
        assert stats["errors"] == 0 and stats["n"] > 0
    assert data["concurrency"]["errors"] == 0 and data["concurrency"]["requests"] > 0
    assert data["scale"]["big"]["codes"] > data["scale"]["small"]["codes"]
    assert data["inprocess"]["fixture"]["n"] > 0
    for fleet in ("big", "small"):  # every stay starts, is written, ends and is erased in the year
        run = data["advance"][fleet]
        assert run["jobs"] == 4 * run["codes"] and run["advance_s"] > 0
    assert data["advance"]["http"]["errors"] == 0 and data["advance"]["http"]["advance_status"] == 200
    assert data["stateful"]["status"] in ("ok", "failed", "n/a")
