"""The fake's clock: read it, move it forward, set it, freeze it, and settle writes in flight."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from typing import Annotated, Any, ClassVar

from fake_seam import messages as msgs
from fake_seam.clock import EARLIEST, LATEST, format_duration, iso, to_datetime
from fake_seam.controls.control import READS, Bench, ControlParams, InvalidControlInput, NoParams, control
from fake_seam.seam.errors import invalid_input
from fake_seam.wire import validation as z


def in_range(param: str, target: float) -> None:
    """Refuse a clock move past the clock's range (`fake_seam.clock.EARLIEST`, `LATEST`)."""
    if not EARLIEST.timestamp() <= target <= LATEST.timestamp():
        # A bad argument, from Python as from the route: also a ValueError.
        raise InvalidControlInput.naming(
            param, msgs.clock_out_of_range(iso(EARLIEST) or "", iso(LATEST) or "")
        )


def clock_answer(bench: Bench, params: Any, result: Any) -> dict[str, Any]:
    """`{now, frozen}`: what every clock route answers, the new time included."""
    return {"now": iso(bench.clock.now()), "frozen": bench.clock.frozen}


def read_clock(answer: dict[str, Any]) -> datetime:
    """The time a clock route answers (`now`), as `FakeSeam`'s clock methods return it."""
    return to_datetime(answer["now"])


def _clock(moment: Any) -> str:
    return str(moment or "")[:19].replace("T", " ")


@control(
    "/_fake/clock",
    NoParams,
    answer=clock_answer,
    read=read_clock,
    describe=lambda p, a: f"clock reads {_clock(a['now'])}",
    methods=READS,
)
def now(fake: Bench, p: NoParams) -> datetime:
    """The fake's time now."""
    return fake.clock.now()


class Advance(ControlParams):
    # Seconds, or a duration as scenario files write it (`1m`, `1h30m`, `500ms`).
    seconds: Annotated[float, z.duration()]
    python_types: ClassVar[dict[str, Any]] = {"seconds": float | timedelta | str}


def _describe_advance(p: Advance, answer: dict[str, Any]) -> str:
    after = to_datetime(answer["now"])
    before = iso(datetime.fromtimestamp(after.timestamp() - p.seconds, after.tzinfo))
    return f"clock {_clock(before)} -> {_clock(answer['now'])} (+{format_duration(p.seconds)})"


# Jobs per step of an advance (a few milliseconds of work). Between two steps a served fake
# lets go of its lock, so other requests are answered while a long advance runs; each step
# ends between two instants, so what they see is the world whole at a time on the way.
ADVANCE_STEP_JOBS = 128


@control(
    "/_fake/clock/advance",
    Advance,
    answer=clock_answer,
    read=read_clock,
    describe=_describe_advance,
    sliced=True,
)
def advance(fake: Bench, p: Advance) -> datetime:
    """Move the clock forward, running everything that falls due on the way, each at its own time."""
    timeline, clock = fake.timeline, fake.clock
    with fake.lock:
        timeline.run_until()
        target = clock.timestamp() + p.seconds
        in_range("seconds", target)
    long_run = False
    with ExitStack() as stack:
        while True:
            with fake.lock:
                if clock.timestamp() >= target:
                    # There (or moved past it meanwhile by another request): catch up to now.
                    timeline.run_until()
                    return clock.now()
                # Run the jobs first, at their own times, then bring the clock to where they reached.
                reached = timeline.run_toward(target, ADVANCE_STEP_JOBS)
                clock.advance(max(0.0, reached - clock.timestamp()))
            if not long_run:  # more than one step: a long advance
                long_run = True
                stack.enter_context(heap_left_out_of_collections())
            let_others_in()


@contextmanager
def heap_left_out_of_collections() -> Iterator[None]:
    """While a long advance runs, what the process held when it began (the fake's world with
    it) is left out of the collector's passes, which then cost what the advance allocates:
    a full pass over 12,000 codes stopped every thread, and so every other request, for
    20-70 ms. Afterwards it is handed back whole (`gc.unfreeze`). Left alone when something
    else froze objects already (`fake-seam serve` freezes its start-up heap), since unfreezing
    would hand those back too."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def let_others_in() -> None:
    """Between two steps: a request waiting for the fake's lock gets it now. (A zero sleep
    gives up the interpreter; let go of, the lock alone would be taken straight back.)
    Alone in the process there is nobody to let in, and the sleep would only hand the core
    to other processes: on a busy machine that cost ~3 ms a step, more than the step."""
    if threading.active_count() > 1:
        time.sleep(0)


class SetTime(ControlParams):
    now: Annotated[str, z.string()]  # ISO 8601
    python_types: ClassVar[dict[str, Any]] = {"now": datetime | str}


@control(
    "/_fake/clock/set",
    SetTime,
    answer=clock_answer,
    read=read_clock,
    describe=lambda p, a: f"clock set to {_clock(a['now'])}",
)
def set_time(fake: Bench, p: SetTime) -> datetime:
    """Set the clock: forward runs what falls due on the way; backward moves it back (events
    stay in order, time-bound codes are judged again at the earlier time)."""
    try:
        target = to_datetime(p.now)
    except ValueError:
        raise invalid_input("now", msgs.INVALID_DATETIME) from None
    in_range("now", target.timestamp())
    if target.timestamp() > fake.clock.timestamp():
        return advance.apply(fake, Advance(seconds=target.timestamp() - fake.clock.timestamp()))
    fake.clock.set(target)
    fake.timeline.run_until()  # codes are judged again at the earlier time (docs/faults-and-time.md)
    return fake.clock.now()


class Freeze(ControlParams):
    frozen: Annotated[bool, z.boolean()] = True
    shorthand: ClassVar[str | None] = "frozen"


@control(
    "/_fake/clock/freeze",
    Freeze,
    answer=clock_answer,
    describe=lambda p, a: "clock frozen" if p.frozen else "clock follows wall time",
)
def freeze(fake: Bench, p: Freeze) -> None:
    """Stop the clock where it is (or, with `frozen=False`, let it follow wall time again)."""
    fake.clock.freeze(p.frozen)


class Settle(ControlParams):
    # Bounded: past 2**53 a JSON integer is a double, which no loop counts to.
    max_rounds: Annotated[int, z.number(integer=True, minimum=1, maximum=1_000_000)] = 1000


@control(
    "/_fake/settle",
    Settle,
    answer=clock_answer,
    read=read_clock,
    describe=lambda p, a: f"settled: clock {_clock(a['now'])}",
)
def settle(fake: Bench, p: Settle) -> datetime:
    """Move the clock just far enough that no write is in flight (each landed or failed).

    Writes held by an offline lock stay held; later starts and ends are not reached unless
    a write lands after them.
    """
    for _ in range(p.max_rounds):
        dues = [
            write.job.due
            for device in fake.cloud.store.locks_by_id.values()
            if device.lock is not None
            for write in device.lock.pending.values()
            if write.job is not None and not write.held and not write.job.cancelled
        ]
        if not dues:
            break
        advance.apply(fake, Advance(seconds=max(0.0, min(dues) - fake.clock.timestamp())))
    return fake.clock.now()
