"""The fixed start the lifecycle, fault and pool tests share, and helpers to read time off it.

A test module that sets `FAKE_START = T0` gets conftest's `fake` frozen at that instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from seam import Seam

from fake_seam.clock import iso

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
HOUR = 3600


def at(seconds: float) -> str:
    """The Seam timestamp `seconds` after the test's start."""
    return iso(T0 + timedelta(seconds=seconds))


def events(sdk: Seam, *types: str, **filters: Any) -> list[Any]:
    """Every event so far, optionally of the given types."""
    kwargs: dict[str, Any] = {"since": "2000-01-01T00:00:00.000Z", **filters}
    if types:
        kwargs["event_types"] = list(types)
    return sdk.events.list(**kwargs)
