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
# The team's notes on Seam sit beside the checkout (`../shared`), in CI as in a worktree.
SHARED = ROOT.parent / "shared"


def shared_seam_subset() -> Path | None:
    """`../shared/seam-api/openapi-subset.json` (Seam's document cut to the team's routes), when
    the checkout has it beside it."""
    path = SHARED / "seam-api" / "openapi-subset.json"
    return path if path.is_file() else None


def user_cache() -> Path:
    """fake-seam's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "fake-seam"
