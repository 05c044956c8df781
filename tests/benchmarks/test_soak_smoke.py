"""The soak still runs: `python benchmarks/soak.py --seconds 2` (about 4 s with start-up).

Its RSS target is not judged here (2 s says nothing about a plateau), only that the mixed
load runs against `fake-seam serve`, every request is answered below 500, RSS is sampled
and a reset answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from repo import BENCHMARKS, ROOT


def test_soak_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    result = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "soak.py"),
            "--seconds",
            "2",
            "--warmup",
            "0.5",
            "--retention-count",
            "100",
            "--json",
            str(out),
            "--cache-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}"
    assert "RSS MiB: start" in result.stdout
    data = json.loads(out.read_text())
    assert data["requests"] > 0 and data["status_5xx"] == 0 and data["failures"] == []
    assert set(data["rss_mib"]) == {"start", "after_warmup", "end", "peak", "after_reset"}
    assert data["events_polled"] > 0
