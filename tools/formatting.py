"""Formatting generated source with the project's ruff settings, outside the source tree
(the generators' freshness tests run them, and tests write nothing into the tree)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ruff() -> str | None:
    found = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return found if Path(found).exists() else None


def format_source(source: str, *, fix: tuple[str, ...] = ()) -> str | None:
    """`source` after `ruff check --fix` (only the rules in `fix`, or the project's when
    empty) and `ruff format`, both with pyproject.toml's settings; None without ruff."""
    command = ruff()
    if command is None:
        return None
    config = ["--no-cache", "--config", str(ROOT / "pyproject.toml")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.py"
        path.write_text(source)
        selected = ["--select", ",".join(fix)] if fix else []
        subprocess.run([command, "check", "--fix", "--quiet", *config, *selected, str(path)], check=False)
        subprocess.run([command, "format", "--quiet", *config, str(path)], check=True)
        return path.read_text()
