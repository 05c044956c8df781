"""The clock and the timeline: one source of time, jobs strictly in time order."""

from __future__ import annotations

import pickle
import time
from datetime import UTC, datetime, timedelta

import pytest

from fake_seam.clock import NO_ARG, Clock, Timeline, iso, to_datetime
from fake_seam.fake import FakeSeam

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_frozen_clock_stays_put_until_moved() -> None:
    clock = Clock(T0, frozen=True)
    assert clock.now() == T0
    assert clock.now() == T0
    clock.advance(90)
    assert clock.now() == T0 + timedelta(seconds=90)
    clock.advance(timedelta(hours=1))
    assert clock.now() == T0 + timedelta(seconds=3690)


def test_clock_never_goes_backwards_by_advance() -> None:
    clock = Clock(T0, frozen=True)
    with pytest.raises(ValueError):
        clock.advance(-1)
    assert clock.now() == T0


def test_set_moves_a_frozen_clock_anywhere() -> None:
    clock = Clock(T0, frozen=True)
    clock.set("2030-01-01T00:00:00Z")
    assert clock.now() == datetime(2030, 1, 1, tzinfo=UTC)
    clock.set(T0 - timedelta(days=1))
    assert clock.now() == T0 - timedelta(days=1)


def test_unfrozen_clock_follows_wall_time_with_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = [1_000_000.0]
    monkeypatch.setattr(Clock, "_wall", staticmethod(lambda: wall[0]))
    clock = Clock(T0)
    assert clock.now() == T0
    wall[0] += 5
    assert clock.now() == T0 + timedelta(seconds=5)
    clock.freeze()
    wall[0] += 100
    assert clock.now() == T0 + timedelta(seconds=5)
    clock.freeze(False)
    wall[0] += 1
    assert clock.now() == T0 + timedelta(seconds=6)
    assert not clock.frozen


def test_clock_respects_freezegun() -> None:
    freezegun = pytest.importorskip("freezegun")
    with freezegun.freeze_time("2031-05-05T12:00:00Z") as frozen:
        clock = Clock()
        assert clock.now() == datetime(2031, 5, 5, 12, tzinfo=UTC)
        frozen.tick(30)
        assert clock.now() == datetime(2031, 5, 5, 12, 0, 30, tzinfo=UTC)


def test_clock_respects_time_machine() -> None:
    time_machine = pytest.importorskip("time_machine")
    with time_machine.travel(datetime(2032, 2, 2, tzinfo=UTC), tick=False) as traveller:
        clock = Clock()
        assert clock.now() == datetime(2032, 2, 2, tzinfo=UTC)
        traveller.shift(60)
        assert clock.now() == datetime(2032, 2, 2, 0, 1, tzinfo=UTC)


def test_iso_and_to_datetime_round_trip() -> None:
    assert iso(T0) == "2026-11-26T10:00:00.000Z"
    assert to_datetime("2026-11-26T10:00:00.000Z") == T0
    assert to_datetime("2026-11-26T11:00:00+01:00") == T0
    assert to_datetime(T0.timestamp()) == T0
    assert to_datetime(datetime(2026, 11, 26, 10)) == T0  # naive means UTC
    assert iso(None) is None


def test_jobs_run_in_time_order_not_booking_order() -> None:
    clock = Clock(T0, frozen=True)
    timeline = Timeline(clock)
    ran: list[tuple[str, float]] = []
    start = clock.timestamp()
    timeline.after(30, lambda: ran.append(("c", timeline.timestamp())))
    timeline.after(10, lambda: ran.append(("a", timeline.timestamp())))
    timeline.after(20, lambda: ran.append(("b", timeline.timestamp())))
    timeline.after(10, lambda: ran.append(("a2", timeline.timestamp())))  # same time: booking order
    assert timeline.run_until() == 0  # nothing is due yet
    clock.advance(25)
    assert timeline.run_until() == 3
    assert ran == [("a", start + 10), ("a2", start + 10), ("b", start + 20)]
    assert timeline.next_due() == start + 30


def test_a_running_job_sees_its_own_due_time_and_books_relative_to_it() -> None:
    clock = Clock(T0, frozen=True)
    timeline = Timeline(clock)
    seen: list[float] = []

    def first() -> None:
        seen.append(timeline.timestamp())
        timeline.after(5, lambda: seen.append(timeline.timestamp()))

    timeline.after(10, first)
    clock.advance(100)
    timeline.run_until()
    start = T0.timestamp()
    # The follow-up was booked at due+5, not at the processing time (+100), and ran in the same pass.
    assert seen == [start + 10, start + 15]
    assert timeline.timestamp() == start + 100


def test_cancelled_jobs_never_run() -> None:
    clock = Clock(T0, frozen=True)
    timeline = Timeline(clock)
    ran: list[str] = []
    job = timeline.after(1, lambda: ran.append("x"))
    timeline.after(2, lambda: ran.append("y"))
    job.cancel()
    assert [j.due for j in timeline.pending()] == [T0.timestamp() + 2]
    clock.advance(5)
    timeline.run_until()
    assert ran == ["y"]
    assert timeline.next_due() is None


def test_fake_advance_runs_due_jobs_at_their_own_times() -> None:
    fake = FakeSeam(frozen=True, now=T0)
    stamps: list[float] = []
    fake.timeline.after(60, lambda: stamps.append(fake.timeline.timestamp()))
    fake.timeline.after(3600, lambda: stamps.append(fake.timeline.timestamp()))
    assert fake.advance(61) == T0 + timedelta(seconds=61)
    assert stamps == [T0.timestamp() + 60]
    fake.advance(timedelta(hours=1))
    assert stamps == [T0.timestamp() + 60, T0.timestamp() + 3600]
    with pytest.raises(ValueError):
        fake.advance(-1)


def test_fake_set_time_forward_runs_jobs_and_backward_does_not() -> None:
    fake = FakeSeam(frozen=True, now=T0)
    ran: list[int] = []
    fake.timeline.after(100, lambda: ran.append(1))
    fake.set_time(T0 + timedelta(seconds=200))
    assert ran == [1]
    assert fake.now() == T0 + timedelta(seconds=200)
    fake.set_time(T0)
    assert fake.now() == T0
    assert ran == [1]


def test_two_fakes_keep_their_own_time() -> None:
    a = FakeSeam(frozen=True, now=T0)
    b = FakeSeam(frozen=True, now=T0)
    a.advance(3600)
    assert a.now() == T0 + timedelta(hours=1)
    assert b.now() == T0


def test_a_job_takes_one_argument_by_keyword_and_refuses_a_stray_positional_one() -> None:
    clock = Clock(T0, frozen=True)
    timeline = Timeline(clock)
    seen: list[object] = []
    job = timeline.after(10, seen.append, arg="late guest")
    with pytest.raises(TypeError):
        timeline.after(10, seen.append, "a label")  # refused when booked, not when it runs
    clock.advance(10)
    assert timeline.run_until() == 1 and seen == ["late guest"]
    assert job.label == "append late guest"


def test_a_pinned_clock_reads_one_instant_and_still_moves_when_told(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a request kept in a state file sees: wall time held still for its whole handling,
    while the clock's own moves (advance, freeze) still take effect, as its replay will see them."""
    wall = [1000.0]
    monkeypatch.setattr(time, "time", lambda: wall[0])
    clock = Clock()
    clock.set(5000.0)
    assert clock.pin() == 1000.0
    wall[0] = 1003.0
    assert clock.timestamp() == 5000.0
    clock.advance(10)
    assert clock.timestamp() == 5010.0
    clock.freeze()
    clock.unpin()
    assert clock.timestamp() == 5010.0 and clock.reading() == (4010.0, 5010.0)
    clock.freeze(False)
    assert clock.timestamp() == 5010.0
    wall[0] = 1004.0
    assert clock.timestamp() == 5011.0


def test_a_job_without_an_argument_still_has_none_after_a_pickle_round_trip() -> None:
    """State file snapshots pickle the timeline: `NO_ARG` must come back as itself."""
    assert pickle.loads(pickle.dumps(NO_ARG)) is NO_ARG


def test_run_toward_stops_between_two_instants_and_says_where() -> None:
    clock = Clock(T0, frozen=True)
    timeline = Timeline(clock)
    ran: list[int] = []
    start = T0.timestamp()
    for i, offset in enumerate([10, 20, 20, 20, 30, 40]):
        timeline.at(start + offset, ran.append, arg=i)
    # Two jobs asked for: the second is at +20, so the other two at +20 run with it.
    assert timeline.run_toward(start + 100, 2) == start + 20
    assert ran == [0, 1, 2, 3]
    assert timeline.horizon == start + 20
    # A clock read at that instant is no move back: nothing is judged again.
    assert timeline.run_until(start + 20) == 0
    assert timeline.run_toward(start + 100, 2) == start + 100  # the rest, and the limit reached
    assert ran == [0, 1, 2, 3, 4, 5]


def test_a_long_advance_lets_go_of_the_fake_between_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    """Between two steps another thread gets the fake (a served fake answers it) and sees the
    clock where the steps reached, with everything due by then done; the end is the same."""
    import threading

    import fake_seam.controls.clock as clock_controls

    fake = FakeSeam(now=T0, frozen=True)
    lock = fake.create_lock(max_active_codes_supported=500, programming_delay_seconds=0)
    sdk = fake.client()
    for day in range(100):  # 400 jobs: a start, a write, an end and an erase per code
        starts = T0 + timedelta(days=day, hours=15)
        sdk.access_codes.create(
            device_id=lock.device_id,
            starts_at=starts.isoformat(),
            ends_at=(starts + timedelta(hours=2)).isoformat(),
        )
    seen: list[tuple[datetime, int]] = []

    def between_steps() -> None:
        def look() -> None:
            now = fake.clock.now()
            codes = sdk.access_codes.list(device_id=lock.device_id)  # a request, from another thread
            seen.append((now, len(codes)))

        other = threading.Thread(target=look)
        other.start()
        other.join(10)

    monkeypatch.setattr(clock_controls, "let_others_in", between_steps)
    fake.advance(timedelta(days=101))
    assert len(seen) >= 3
    assert [now for now, _ in seen] == sorted(now for now, _ in seen)
    assert T0 < seen[0][0] < seen[-2][0] < seen[-1][0] == T0 + timedelta(days=101)
    # Codes leave as their stays end: each look saw only those not ended yet.
    for now, listed in seen:
        ended = sum(1 for day in range(100) if T0 + timedelta(days=day, hours=17) <= now)
        assert listed == 100 - ended
    assert fake.clock.now() == T0 + timedelta(days=101)
    assert sdk.access_codes.list(device_id=lock.device_id) == []


def _a_year_of_stays(fake: FakeSeam, stays: int = 100) -> None:
    lock = fake.create_lock(max_active_codes_supported=500, programming_delay_seconds=0)
    for day in range(stays):
        starts = (T0 + timedelta(days=day, hours=15)).timestamp()
        fake.cloud.codes.create(
            _caller(), device_id=lock.device_id, name=f"Guest {day}", starts_at=starts, ends_at=starts + 7200
        )


def _caller() -> object:
    from fake_seam.seam.store import Caller

    return Caller("seed_workspace_1", "api_key")


def test_a_long_advance_leaves_the_heap_out_of_full_collections_and_hands_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While the steps run, the world the advance found is frozen out of the collector's passes
    (a full pass over a big fleet stopped every other request); after it, nothing stays frozen,
    so what the user's process drops is collected as before."""
    import gc

    import fake_seam.controls.clock as clock_controls

    fake = FakeSeam(now=T0, frozen=True)
    _a_year_of_stays(fake)
    frozen_between_steps: list[int] = []
    monkeypatch.setattr(
        clock_controls, "let_others_in", lambda: frozen_between_steps.append(gc.get_freeze_count())
    )
    assert gc.get_freeze_count() == 0
    fake.advance(timedelta(days=101))
    assert len(frozen_between_steps) >= 3 and all(frozen_between_steps)
    assert gc.get_freeze_count() == 0
    fake.advance(60)  # one step: nothing to freeze
    assert gc.get_freeze_count() == 0


def test_a_long_advance_leaves_a_heap_frozen_by_someone_else_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`fake-seam serve` freezes its start-up heap for good: an advance must not unfreeze it."""
    import gc

    fake = FakeSeam(now=T0, frozen=True)
    _a_year_of_stays(fake)
    gc.freeze()
    try:
        fake.advance(timedelta(days=101))
        assert gc.get_freeze_count() > 0  # (less what the advance freed)
    finally:
        gc.unfreeze()


def test_an_advance_alone_in_its_process_does_not_give_up_the_core_between_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no other thread to let in, a step goes straight on to the next (a zero sleep cost
    ~3 ms a step on a busy machine); with another thread it yields as before."""
    import threading

    import fake_seam.controls.clock as clock_controls

    fake = FakeSeam(now=T0, frozen=True)
    _a_year_of_stays(fake)
    sleeps: list[float] = []
    monkeypatch.setattr(clock_controls.time, "sleep", sleeps.append)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    fake.advance(timedelta(days=50))
    assert sleeps == []
    monkeypatch.setattr(threading, "active_count", lambda: 2)
    fake.advance(timedelta(days=51))
    assert sleeps and set(sleeps) == {0}
