"""Where things are, for tests in any folder: the checkout's own directories, and the user's
cache for what is expensive to rebuild and must not live in the tree."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
DATA = TESTS / "data"
SPEC = ROOT / "spec" / "seam-openapi.json"
EXAMPLES = ROOT / "examples"
SCENARIOS = ROOT / "scenarios"
BENCHMARKS = ROOT / "benchmarks"


def user_cache() -> Path:
    """fake-seam's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "fake-seam"
