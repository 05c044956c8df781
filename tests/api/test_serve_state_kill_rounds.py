"""`kill -9` at random moments, round after round: a server with `--state` runs a developer's
story through the official SDK (codes set, one failing, a backup pulled, a lock offline with
its writes held, the clock advanced, a webhook registered) and is killed while a call may be in
flight. After each restart, every answered call is there, the call that got no answer either
happened whole or not at all, and the story goes on exactly as in a twin that never stopped:
the same ids, PINs, statuses and events."""

from __future__ import annotations

import random
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from seam import Seam
from test_serve import Served
from test_serve_state import (
    FAST,
    T0,
    Control,
    database,
    fresh_state,
    http_control,
    started,
    twin_control,
    twin_of,
)

from fake_seam.fake import FakeSeam

__all__ = ["started"]  # the fixture, used by name

LOCKS = ("august_device_1", "august_device_2", "schlage_device_id")
# Port 9 (discard) has no listener on loopback: each delivery is refused, at once, alike in
# the server's sender and in the twin's flush, so both keep the same retry schedule.
HOOK_URL = "http://127.0.0.1:9/hooks"
Step = Callable[[Seam, Control, dict[str, str]], Any]


def _code(seam: Seam, device: str, name: str, **more: Any) -> Any:
    made = seam.access_codes.create(device_id=device, name=name, **more)
    return (made.access_code_id, made.code, made.status)


def _remember(key: str, step: Step) -> Step:
    """A step whose first answer item is an id later steps use (`ids[key]`)."""

    def run(seam: Seam, control: Control, ids: dict[str, str]) -> Any:
        answer = step(seam, control, ids)
        ids[key] = answer[0]
        return answer

    return run


def _status(seam: Seam, access_code_id: str) -> Any:
    code = seam.access_codes.get(access_code_id=access_code_id)
    return (code.status, [error.error_code for error in code.errors])


def _pull(seam: Seam, control: Control, ids: dict[str, str]) -> Any:
    backup = seam.access_codes.pull_backup_access_code(access_code_id=ids["stay"])
    return (backup.access_code_id, backup.code, backup.is_backup)


def _advance(seconds: int) -> Step:
    return lambda seam, control, ids: control("/_fake/clock/advance", {"seconds": seconds})["now"]


def story(cycle: int) -> list[Step]:
    """One pass of the story; `cycle` keeps each pass's names and times apart."""
    day = f"2030-0{1 + cycle % 9}-1{cycle % 10}"
    return [
        lambda seam, control, ids: _code(seam, LOCKS[0], f"ongoing {cycle}"),
        _remember(
            "stay",
            lambda seam, control, ids: _code(
                seam,
                LOCKS[1],
                f"stay {cycle}",
                starts_at=f"{day}T15:00:00Z",
                ends_at=f"{day}T23:00:00Z",
                use_backup_access_code_pool=True,
            ),
        ),
        _advance(30),
        lambda seam, control, ids: control(
            "/_fake/devices/set_fault_plan", {"device_id": LOCKS[0], "fail_next": 1}
        )["fault_plan"]["fail_next"],
        _remember("failing", lambda seam, control, ids: _code(seam, LOCKS[0], f"will fail {cycle}")),
        _advance(30),
        lambda seam, control, ids: _status(seam, ids["failing"]),
        _pull,
        lambda seam, control, ids: control(
            "/_fake/devices/go_offline", {"device_id": LOCKS[2], "for_seconds": 600}
        ),
        lambda seam, control, ids: _code(seam, LOCKS[2], f"held {cycle}"),
        _advance(900),
        lambda seam, control, ids: [
            (e.event_type, e.occurred_at) for e in seam.events.list(since=T0, limit=1000)
        ],
    ]


def program(rounds: int) -> list[Step]:
    """The webhook first, then passes of the story, enough for every round to kill in it."""
    steps: list[Step] = [
        lambda seam, control, ids: control("/_fake/clock/freeze", {})["ok"],
        lambda seam, control, ids: control("/_fake/clock/set", {"now": T0})["now"],
        lambda seam, control, ids: seam.webhooks.create(url=HOOK_URL).webhook_id,
    ]
    cycle = 0
    while len(steps) < rounds * 8 + 20:
        steps.extend(story(cycle))
        cycle += 1
    return steps


def outcome(step: Step, seam: Seam, control: Control, ids: dict[str, str]) -> Any:
    """What the step answered: its value, or the Seam error it was refused with."""
    try:
        return ("ok", step(seam, control, ids))
    except Exception as error:  # a refusal is part of the story, compared like an answer
        if isinstance(error, httpx.TransportError):
            raise
        return ("refused", type(error).__name__, getattr(error, "error_type", None))


def hardware(control: Control) -> list[Any]:
    """Each lock as the console's lock panel shows it: slots, writes in flight or held, fault
    plan, online, backup pool; what `/_fake/database` (Seam's objects) does not show."""
    return [control("/_fake/console/lock", {"device_id": lock, "limit": 100}) for lock in LOCKS]


def state_of(endpoint: str) -> dict[str, Any]:
    control = http_control(endpoint)
    control("/_fake/webhooks/flush", {})
    return {"database": database(endpoint), "locks": hardware(control)}


def twin_state(twin: FakeSeam, control: Control) -> dict[str, Any]:
    twin.webhooks.flush()
    return {"database": twin.database(include_credentials=True), "locks": hardware(control)}


class Restarted:
    """The server brought back from the file, its SDK client and its controls."""

    def __init__(self, started: Callable[..., Served], path: Path) -> None:
        self.served = started(path)
        self.seam = Seam(
            api_key=self.served.api_key, endpoint=self.served.endpoint, wait_for_action_attempt=False
        )
        self.control = http_control(self.served.endpoint)

    def state(self) -> dict[str, Any]:
        return state_of(self.served.endpoint)


@pytest.mark.parametrize(
    "rounds",
    [pytest.param(6, id="6 rounds"), pytest.param(50, id="50 rounds", marks=pytest.mark.slow)],
)
def test_killed_at_random_moments_the_server_comes_back_as_the_fake_that_never_stopped(
    tmp_path: Path, started: Callable[..., Served], rounds: int
) -> None:
    rng = random.Random(rounds)
    path = fresh_state(tmp_path / "state.db")
    twin = twin_of(path, tmp_path)
    twin_seam, twin_ctl = twin.client(wait_for_action_attempt=FAST), twin_control(twin)
    steps = program(rounds)
    ids: dict[str, str] = {}  # what later steps refer to, from the twin's answers
    done = 0  # steps the twin has run
    # A call the kill cut short: the step, the twin's answer to it, and the twin before it.
    cut: tuple[Step, Any, dict[str, Any], dict[str, str]] | None = None
    kept = sent_again = 0

    def back_as_the_twin(server: Restarted) -> None:
        nonlocal cut, kept, sent_again
        now = server.state()
        if cut is not None:
            # The call that got no answer happened whole, or not at all; then it is sent again.
            step, expected, before, ids_before = cut
            if now == twin_state(twin, twin_ctl):
                kept += 1
            else:
                assert now == before, f"step {done - 1} is half there after the kill"
                assert outcome(step, server.seam, server.control, dict(ids_before)) == expected
                sent_again += 1
                now = server.state()
            cut = None
        # Every answered call came back, and nothing else.
        assert now == twin_state(twin, twin_ctl)

    for _ in range(rounds):
        server = Restarted(started, path)
        back_as_the_twin(server)
        # Kill in the middle of a call: after `answered` more answers, a few ms into the next.
        answered, delay = rng.randrange(0, 6), rng.uniform(0.0, 0.004)
        for step in steps[done : done + answered]:
            expected = outcome(step, twin_seam, twin_ctl, ids)
            assert outcome(step, server.seam, server.control, dict(ids)) == expected
            done += 1
        step, before, ids_before = steps[done], twin_state(twin, twin_ctl), dict(ids)
        killer = threading.Timer(delay, server.served.process.send_signal, (signal.SIGKILL,))
        killer.start()
        try:
            got = outcome(step, server.seam, server.control, dict(ids))
        except httpx.TransportError:
            got = None  # no answer: the kill came first
        killer.join()
        server.served.process.wait()
        expected = outcome(step, twin_seam, twin_ctl, ids)
        done += 1
        if got is None:
            cut = (step, expected, before, ids_before)
        else:
            assert got == expected
    if rounds >= 20:  # a few rounds may all be killed between calls; fifty cannot
        assert kept and sent_again, f"calls cut short: {kept} kept, {sent_again} not kept"

    server = Restarted(started, path)
    back_as_the_twin(server)
    # And the story goes on as in the twin: the same ids, PINs, statuses, then the same events.
    for step in steps[done : done + 12]:
        expected = outcome(step, twin_seam, twin_ctl, ids)
        assert outcome(step, server.seam, server.control, dict(ids)) == expected
    since = "2000-01-01T00:00:00Z"
    assert [
        (e.event_id, e.event_type, e.occurred_at) for e in server.seam.events.list(since=since, limit=1000)
    ] == [(e.event_id, e.event_type, e.occurred_at) for e in twin_seam.events.list(since=since, limit=1000)]
