"""The one clock of a fake, and the ordered queue of jobs that time makes due.

Nothing else in the package reads the time: the model asks `Clock.now()` (through the
`Timeline`), and every delayed effect is a `Job` due at a time.
"""

from __future__ import annotations

import heapq
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache, partial
from typing import Any

from fake_seam import messages as msgs


def to_datetime(value: datetime | str | float | int) -> datetime:
    """An aware UTC datetime from a datetime, an ISO 8601 string or Unix seconds."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def to_seconds(value: float | int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def format_duration(seconds: float) -> str:
    """`10m`, `2h`, `1d`, `45s`, `2.5s`: how a report writes a span of time."""
    if seconds == int(seconds):
        whole = int(seconds)
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if whole and whole % size == 0:
                return f"{whole // size}{unit}"
        return f"{whole}s"
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)")


def parse_duration(value: Any) -> float:
    """Seconds from `10m`, `1h30m`, `2.5s`, `500ms`, `1d`, or a plain number of seconds (also
    as text, `"90"`): the one reading of a duration, for scenario files, `/_fake` routes and
    Python alike. Raises `ValueError`."""
    if isinstance(value, timedelta):
        value = value.total_seconds()
    if isinstance(value, bool) or value is None:
        raise ValueError(msgs.NOT_A_DURATION_TYPE)
    if isinstance(value, int | float):
        if value < 0:
            raise ValueError(msgs.NEGATIVE_DURATION)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(msgs.NOT_A_DURATION_TYPE)
        return float(value)
    text = str(value).strip().replace(" ", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    pos, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(msgs.not_a_duration(value))
    return total


def iso(moment: datetime | None) -> str | None:
    """Seam's timestamp format: `2026-11-26T10:00:00.000Z`."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# The clock's range: what Seam's timestamps can show with room to spare for what is booked
# after the clock (retries, code ends, native schedules). A control that would move the clock
# outside it is refused (`fake_seam.controls.clock`).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=8192)  # the same created_at is shaped on every list call
def ts(seconds: float | None) -> str | None:
    """Seam's timestamp format: `2026-11-26T10:00:00.000Z`."""
    if seconds is None:
        return None
    # isoformat truncates to the millisecond, as Seam does; "+00:00" becomes "Z".
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


class Clock:
    """Wall time plus an offset, or frozen at an instant.

    Wall time is read through `time.time()` at each call, so freezegun and time-machine,
    which patch it, move this clock too.
    """

    def __init__(self, now: datetime | str | None = None, *, frozen: bool = False) -> None:
        self._offset = 0.0
        self._frozen_at: float | None = None
        self._pinned_wall: float | None = None
        # Freeze first: a frozen clock then holds `now` exactly, not wall + (now - wall).
        if frozen:
            self.freeze()
        if now is not None:
            self.set(now)

    def _wall(self) -> float:
        if self._pinned_wall is not None:
            return self._pinned_wall
        return time.time()

    def pin(self, wall: float | None = None) -> float:
        """Hold wall time still (at `wall`, or where it is) until `unpin()`: a request kept in a
        state file reads one instant throughout, which its replay can read again."""
        self._pinned_wall = time.time() if wall is None else wall
        return self._pinned_wall

    def unpin(self) -> None:
        self._pinned_wall = None

    def reading(self) -> tuple[float, float | None]:
        """(offset from wall time, frozen instant or None): all a clock is, apart from wall time."""
        return self._offset, self._frozen_at

    def restore(self, offset: float, frozen_at: float | None) -> None:
        self._offset, self._frozen_at = offset, frozen_at

    def timestamp(self) -> float:
        if self._frozen_at is not None:
            return self._frozen_at
        return self._wall() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def freeze(self, frozen: bool = True) -> None:
        """Stop the clock where it is (or let it follow wall time again from here)."""
        if frozen and self._frozen_at is None:
            self._frozen_at = self.timestamp()
        elif not frozen and self._frozen_at is not None:
            self._offset = self._frozen_at - self._wall()
            self._frozen_at = None

    def set(self, now: datetime | str | float) -> None:
        target = to_datetime(now).timestamp()
        if self._frozen_at is not None:
            self._frozen_at = target
        else:
            self._offset = target - self._wall()

    def advance(self, seconds: float | timedelta) -> None:
        delta = to_seconds(seconds)
        if delta < 0:
            raise ValueError("the clock only moves forward")
        if self._frozen_at is not None:
            self._frozen_at += delta
        else:
            self._offset += delta


class _NoArg:
    """`Job.arg` of an action that takes none: one instance, which a pickle (a state file's
    snapshot) keeps by name, so `arg is NO_ARG` still holds after loading."""

    __slots__ = ()

    def __reduce__(self) -> str:
        return "NO_ARG"

    def __repr__(self) -> str:
        return "NO_ARG"


NO_ARG: Any = _NoArg()


# Where a job keeps what the timeline reads on every run (see `Job`).
_DUE, _CANCELLED, _TIMELINE = 0, 4, 5


class Job(list):  # type: ignore[type-arg]
    """`action(arg)` (or `action()`) at `due`; ties run in booking order (`seq`). A big fleet
    books two per access code, hence one argument instead of a closure per job.

    A job is the list `[due, seq, action, arg, cancelled, timeline]`: the queue's heap then
    compares jobs in C, by `due` and then `seq` (unique, so nothing further is compared),
    about twice as fast as a comparison method written in Python, which a year's advance
    calls ~30 times per job."""

    __slots__ = ()

    def __init__(
        self,
        due: float,
        seq: int,
        action: Callable[..., None],
        arg: Any = NO_ARG,
        cancelled: bool = False,
        timeline: Timeline | None = None,
    ) -> None:
        super().__init__((due, seq, action, arg, cancelled, timeline))

    @property
    def due(self) -> float:
        return self[_DUE]  # type: ignore[no-any-return]

    @property
    def seq(self) -> int:
        return self[1]  # type: ignore[no-any-return]

    @property
    def action(self) -> Callable[..., None]:
        return self[2]  # type: ignore[no-any-return]

    @property
    def arg(self) -> Any:
        return self[3]

    @property
    def cancelled(self) -> bool:
        return self[_CANCELLED]  # type: ignore[no-any-return]

    @cancelled.setter
    def cancelled(self, value: bool) -> None:
        self[_CANCELLED] = value

    @property
    def timeline(self) -> Timeline | None:
        return self[_TIMELINE]  # type: ignore[no-any-return]

    @timeline.setter
    def timeline(self, value: Timeline | None) -> None:
        self[_TIMELINE] = value

    def __repr__(self) -> str:
        return (
            f"Job(due={self.due!r}, seq={self.seq!r}, action={self.action!r}, cancelled={self.cancelled!r})"
        )

    def cancel(self) -> None:
        if not self[_CANCELLED]:
            self[_CANCELLED] = True
            timeline = self[_TIMELINE]
            if timeline is not None:
                timeline.cancelled_one()

    def run(self) -> None:
        arg = self[3]
        if arg is NO_ARG:
            self[2]()
        else:
            self[2](arg)

    @property
    def label(self) -> str:
        """What the job will do, for debugging: `reconcile backup 5f1c...`, `_land ...`."""
        action, args = self.action, [] if self.arg is NO_ARG else [self.arg]
        if isinstance(action, partial):
            action, args = action.func, [*action.args, *args]  # type: ignore[attr-defined]
        name = getattr(action, "__name__", type(action).__name__)
        return " ".join([name, *(_label_of(arg) for arg in args)])


def _label_of(arg: Any) -> str:
    if isinstance(arg, str | int | float):
        return str(arg)
    describe = getattr(arg, "describe", None)  # records say what they are; the clock does not know
    return str(describe()) if callable(describe) else type(arg).__name__


class Timeline:
    """The clock and every job due on it, processed strictly in time order.

    While a job runs, `now()` is the job's due time, so whatever it records (an event's
    `occurred_at`) carries the simulated instant, not the instant it was processed.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._jobs: list[Job] = []
        self._seq = 0
        self._running_at: float | None = None
        # The latest time the world was brought to; a clock read below it was moved back.
        self._reached = float("-inf")
        self._rewind_listeners: list[Callable[[float], None]] = []
        self._cancelled = 0  # cancelled jobs still in the queue
        # The limit of the last `run_until`: which jobs have run is all a replay needs to know
        # of the time that passed between two requests.
        self.horizon: float | None = None

    def timestamp(self) -> float:
        if self._running_at is not None:
            return self._running_at
        return self.clock.timestamp()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp(), UTC)

    def at(self, due: float | datetime, action: Callable[..., None], *, arg: Any = NO_ARG) -> Job:
        """Book `action()`, or `action(arg)`, at `due`. (`arg` is keyword-only so that a stray
        positional value, such as a label, is refused here rather than passed to the action.)"""
        when = due.timestamp() if isinstance(due, datetime) else due
        self._seq += 1
        job = Job(when, self._seq, action, arg, timeline=self)
        heapq.heappush(self._jobs, job)
        return job

    def cancelled_one(self) -> None:
        """A job was cancelled. It leaves the queue when it falls due, or sooner: once the
        cancelled outnumber the rest, the queue is rebuilt without them (a job booked far
        ahead, like a code's end, would otherwise hold its code until then)."""
        self._cancelled += 1
        if self._cancelled >= 64 and self._cancelled * 2 >= len(self._jobs):
            self._jobs[:] = [job for job in self._jobs if not job.cancelled]
            heapq.heapify(self._jobs)
            self._cancelled = 0

    def after(self, seconds: float, action: Callable[..., None], *, arg: Any = NO_ARG) -> Job:
        return self.at(self.timestamp() + seconds, action, arg=arg)

    def clear(self) -> None:
        """Drop every job and listener (the world they belonged to was replaced)."""
        for job in self._jobs:
            job.timeline = None
        self._jobs.clear()
        self._cancelled = 0
        self._rewind_listeners.clear()

    def next_due(self) -> float | None:
        while self._jobs and self._jobs[0].cancelled:
            heapq.heappop(self._jobs)
            self._cancelled -= 1
        return self._jobs[0].due if self._jobs else None

    @property
    def queued(self) -> int:
        """Jobs in the queue, cancelled ones not yet dropped included (what it holds)."""
        return len(self._jobs)

    def pending(self) -> list[Job]:
        return sorted(job for job in self._jobs if not job.cancelled)

    def on_rewind(self, listener: Callable[[float], None]) -> None:
        """Call `listener(now)` when the clock is found moved back (a `set` to an earlier
        time, freezegun or time-machine going back), before anything else runs at that time."""
        self._rewind_listeners.append(listener)

    def run_until(self, until: float | None = None) -> int:
        """Run every job due at or before `until` (default: the clock's now), in order."""
        limit = self.clock.timestamp() if until is None else until
        return self._run(limit, None)[0]

    def run_toward(self, until: float, most: int) -> float:
        """Run about `most` of the jobs due at or before `until`, in order, and say how far that
        brought the world: `until` once no job due by then is left, else the instant of the
        last job run (every other job due at that instant has run too). A long advance runs
        in such steps, so that a server can answer other requests in between."""
        return self._run(until, most)[1]

    def _run(self, limit: float, most: int | None) -> tuple[int, float]:
        if limit < self._reached:
            self._reached = limit
            for listener in self._rewind_listeners:
                listener(limit)
        self._reached = limit
        self.horizon = limit
        ran, last = 0, limit
        jobs = self._jobs
        while jobs and jobs[0][_DUE] <= limit:
            if most is not None and ran >= most and jobs[0][_DUE] > last:
                # Stopped short, between two instants: the world has reached the last one.
                self._reached = self.horizon = last
                return ran, last
            job = heapq.heappop(jobs)
            if job[_CANCELLED]:
                self._cancelled -= 1
                continue
            job[_TIMELINE] = None  # out of the queue: a later cancel() has nothing to count
            self._running_at = last = job[_DUE]
            try:
                job.run()
            finally:
                self._running_at = None
            ran += 1
        return ran, limit

    def catch_up(self) -> int:
        return self.run_until(self.clock.timestamp())
