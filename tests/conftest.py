"""Fixtures of fake-seam's own tests. (The plugin's `fake_seam`, `seam`, `async_seam` and
`fake_seam_server` are for users; these names stay clear of them.)"""

from __future__ import annotations

import os
import sys

# Tests write nothing into the tree (tests/README.md). First, before importing anything of it:
# no bytecode, here or in the processes tests start (pytest-xdist's workers too).
sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"

from repo import user_cache

# Hypothesis keeps a cache of the constants in the code under test; it goes with ours.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(user_cache() / "hypothesis"))

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fake_seam.fake import DEFAULT_API_KEY, DEFAULT_ENDPOINT, FakeSeam

pytest_plugins = ["clean_tree"]


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> FakeSeam:
    """A fresh fake with the default seed and a frozen clock: time moves only when told.

    It starts at wall time, or at the test module's `FAKE_START` when it sets one.
    """
    return FakeSeam(frozen=True, now=getattr(request.module, "FAKE_START", None))


@pytest.fixture
def sdk(fake: FakeSeam) -> Any:
    """The official `seam.Seam`, API key of workspace 1, wired to `fake` in-process."""
    return fake.client()


@pytest.fixture
def raw(fake: FakeSeam) -> Iterator[httpx.Client]:
    """Plain httpx to `fake`, with workspace 1's API key: for what the SDK cannot send."""
    with httpx.Client(
        transport=fake.transport(),
        base_url=DEFAULT_ENDPOINT,
        headers={"authorization": f"Bearer {DEFAULT_API_KEY}"},
    ) as client:
        yield client


@pytest.fixture
def anyio_backend() -> str:
    """anyio runs an async test on every backend installed (trio comes with the browser
    tests' driver), but the official `AsyncSeam` waits with asyncio's sleep."""
    return "asyncio"


# What the fuzzing tests count (`record_property`), summed over the run (xdist's workers too)
# and printed at its end: the requests schemathesis sent, the hostile values tried.
COUNTED = {"fuzzed_requests": "requests fuzzed (schemathesis)", "hostile_values": "hostile values tried"}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    totals = dict.fromkeys(COUNTED, 0)
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name in totals:
                    totals[name] += value
    for name, total in totals.items():
        if total:
            terminalreporter.write_line(f"{COUNTED[name]}: {total}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failing test marked `@pytest.mark.guide(id)` says which sentence of Seam's guide broke."""
    report = yield
    if report.failed and call.when == "call":
        from guide import SENTENCES

        for mark in item.iter_markers("guide"):
            heading, words, _ = SENTENCES.get(mark.args[0], ("?", "(unknown sentence id)", ""))
            report.sections.append(("Seam's guide", f"{heading}: {' '.join(words.split())}"))
    return report
