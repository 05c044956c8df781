"""The hardware alone, without Seam or HTTP: slots, writes, faults, the radio, the keypad."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from fake_seam.clock import Clock, Timeline
from fake_seam.simulator import CodeRules, PinRejected, SimulatedLock, Slot, SlotOrigin, WriteAim
from fake_seam.simulator.lock import LockSpec

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


class Recorder:
    """A LockListener that writes down what the lock reports."""

    def __init__(self) -> None:
        self.reports: list[tuple] = []

    def write_landed(self, lock: SimulatedLock, key: str, slot: Slot) -> None:
        self.reports.append(("landed", key, slot.slot, lock.timeline.timestamp()))

    def write_failed(self, lock: SimulatedLock, key: str, error_code: str) -> None:
        self.reports.append(("failed", key, error_code))

    def write_held(self, lock: SimulatedLock, key: str) -> None:
        self.reports.append(("held", key))

    def erase_landed(self, lock: SimulatedLock, key: str, had_slot: bool) -> None:
        self.reports.append(("erased", key, had_slot))

    def connectivity_changed(self, lock: SimulatedLock, online: bool) -> None:
        self.reports.append(("online" if online else "offline",))


def make_lock(
    capacity: int = 3, delay: float = 10.0, seed: int = 0, **spec: object
) -> tuple[SimulatedLock, Clock, Timeline, Recorder]:
    clock = Clock(T0, frozen=True)
    timeline = Timeline(clock)
    recorder = Recorder()
    lock = SimulatedLock(
        "lock_1",
        timeline,
        random.Random(seed),
        LockSpec(capacity=capacity, programming_delay=delay, **spec),  # type: ignore[arg-type]
        listener=recorder,
    )
    return lock, clock, timeline, recorder


def run(clock: Clock, timeline: Timeline, seconds: float) -> None:
    clock.advance(seconds)
    timeline.run_until()


# -- writes ------------------------------------------------------------------------------


def test_a_write_lands_after_the_programming_delay() -> None:
    lock, clock, timeline, rec = make_lock(delay=10)
    lock.program("a", "1111", "Guest", SlotOrigin.MANAGED)
    assert lock.in_flight("a") and lock.slot_of("a") is None
    run(clock, timeline, 9)
    assert lock.slot_of("a") is None and rec.reports == []
    run(clock, timeline, 1)
    slot = lock.slot_of("a")
    assert slot is not None and (slot.code, slot.name, slot.origin) == ("1111", "Guest", SlotOrigin.MANAGED)
    assert rec.reports == [("landed", "a", 0, T0.timestamp() + 10)]
    assert not lock.in_flight("a")
    assert [s.as_json() for s in lock.occupied()] == [
        {"slot": 0, "code": "1111", "name": "Guest", "origin": "managed"}
    ]


def test_a_full_lock_refuses_the_next_write() -> None:
    lock, clock, timeline, rec = make_lock(capacity=2)
    for key, pin in (("a", "1111"), ("b", "2222"), ("c", "3333")):
        lock.program(key, pin, None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    assert ("failed", "c", "no_space_for_access_code_on_device") in rec.reports
    assert lock.slot_of("c") is None
    assert lock.free_slot_count() == 0
    # Erasing one frees its slot; the same write then fits.
    lock.erase("a")
    run(clock, timeline, 10)
    assert ("erased", "a", True) in rec.reports
    lock.program("c", "3333", None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    assert lock.slot_of("c") is not None and lock.slot_of("c").slot == 0  # type: ignore[union-attr]


def test_rewriting_a_key_replaces_its_slot_without_needing_space() -> None:
    lock, clock, timeline, rec = make_lock(capacity=1)
    lock.program("a", "1111", "x", SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    lock.program("a", "2222", "y", SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    assert [(s.code, s.name) for s in lock.occupied()] == [("2222", "y")]
    assert rec.reports[-1][0] == "landed"


def test_a_pin_already_in_another_slot_is_refused() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.program("a", "1111", None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    lock.program("b", "1111", None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    assert rec.reports[-1] == ("failed", "b", "duplicate_code_on_device")


def test_a_newer_write_for_the_same_key_replaces_the_queued_one() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.program("a", "1111", None, SlotOrigin.MANAGED)
    run(clock, timeline, 5)
    lock.program("a", "2222", None, SlotOrigin.MANAGED)
    run(clock, timeline, 5)
    assert lock.slot_of("a") is None  # the first write was cancelled
    run(clock, timeline, 5)
    assert lock.slot_of("a").code == "2222"  # type: ignore[union-attr]
    assert [r[0] for r in rec.reports] == ["landed"]


def test_erase_of_an_empty_key_reports_no_slot() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.erase("ghost")
    run(clock, timeline, 10)
    assert rec.reports == [("erased", "ghost", False)]


def test_cancel_drops_a_queued_write() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.program("a", "1111", None, SlotOrigin.MANAGED)
    lock.cancel("a")
    run(clock, timeline, 60)
    assert rec.reports == [] and lock.occupied() == []


# -- faults ------------------------------------------------------------------------------


def test_fail_next_fails_exactly_that_many_writes_with_the_chosen_error() -> None:
    lock, clock, timeline, rec = make_lock(capacity=5)
    lock.set_fault_plan(fail_next=2, error_code="failed_to_set_on_device")
    for key in "abc":
        lock.program(key, f"{ord(key)}00", None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    assert [r[:3] for r in rec.reports] == [
        ("failed", "a", "failed_to_set_on_device"),
        ("failed", "b", "failed_to_set_on_device"),
        ("landed", "c", 0),
    ]
    assert lock.fault_plan.fail_next == 0


def test_an_aimed_plan_skips_writes_outside_its_aim_and_keeps_its_count() -> None:
    lock, clock, timeline, rec = make_lock(capacity=5)
    lock.set_fault_plan(fail_next=1, aim=WriteAim(origin=SlotOrigin.MANAGED, name="Guest"))
    lock.program("backup", "1000", "Guest", SlotOrigin.BACKUP)  # right name, wrong origin
    lock.program("host", "2000", "Host", SlotOrigin.MANAGED)  # right origin, wrong name
    lock.program("guest", "3000", "Guest", SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    assert [r[:2] for r in rec.reports] == [("landed", "backup"), ("landed", "host"), ("failed", "guest")]
    assert lock.fault_plan.fail_next == 0


def test_writes_outside_the_aim_draw_nothing_from_the_rng() -> None:
    lock, clock, timeline, rec = make_lock(capacity=5)
    lock.set_fault_plan(failure_rate=0.5, aim=WriteAim(key="elsewhere"))
    before = lock.rng.getstate()
    for n in range(3):
        lock.program(f"k{n}", f"{1000 + n}", None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    assert lock.rng.getstate() == before and [r[0] for r in rec.reports] == ["landed"] * 3


def failures(seed: int, rate: float, writes: int = 40) -> list[str]:
    lock, clock, timeline, rec = make_lock(capacity=writes, seed=seed)
    lock.set_fault_plan(failure_rate=rate)
    for n in range(writes):
        lock.program(f"k{n}", f"{1000 + n}", None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    return [r[1] for r in rec.reports if r[0] == "failed"]


def test_failure_rate_is_drawn_from_the_seeded_rng() -> None:
    first = failures(seed=7, rate=0.5)
    assert first == failures(seed=7, rate=0.5)  # same seed, same history
    assert 5 < len(first) < 35
    assert first != failures(seed=8, rate=0.5)
    assert failures(seed=7, rate=0.0) == []
    assert len(failures(seed=7, rate=1.0)) == 40


def test_offline_lock_holds_writes_until_it_is_back() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.go_offline()
    assert rec.reports == [("offline",)]
    lock.program("a", "1111", None, SlotOrigin.MANAGED)
    assert lock.is_held("a")
    run(clock, timeline, 3600)
    assert lock.slot_of("a") is None
    lock.go_online()
    assert not lock.is_held("a")
    run(clock, timeline, 9)
    assert lock.slot_of("a") is None  # still the full programming delay after reconnecting
    run(clock, timeline, 1)
    assert lock.slot_of("a") is not None
    assert [r[0] for r in rec.reports] == ["offline", "online", "landed"]


def test_a_write_in_flight_when_the_lock_drops_is_held_not_lost() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.program("a", "1111", None, SlotOrigin.MANAGED)
    run(clock, timeline, 5)
    lock.go_offline()
    run(clock, timeline, 5)
    assert rec.reports[-1] == ("held", "a") and lock.is_held("a")
    lock.go_online()
    run(clock, timeline, 10)
    assert lock.slot_of("a") is not None


def test_offline_for_a_duration_comes_back_by_itself() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.set_fault_plan(offline_for=600)
    assert not lock.online
    assert lock.fault_plan.offline_until == T0.timestamp() + 600
    run(clock, timeline, 599)
    assert not lock.online
    run(clock, timeline, 1)
    assert lock.online and lock.fault_plan.offline_until is None
    assert rec.reports == [("offline",), ("online",)]


def test_going_online_early_cancels_the_scheduled_return() -> None:
    lock, clock, timeline, rec = make_lock()
    lock.go_offline(for_seconds=600)
    lock.go_online()
    lock.go_offline()  # indefinitely this time
    run(clock, timeline, 1200)
    assert not lock.online


# -- keypad ------------------------------------------------------------------------------


def test_keypad_opens_only_for_a_pin_in_a_slot() -> None:
    lock, clock, timeline, _ = make_lock()
    lock.program("a", "1234", None, SlotOrigin.MANAGED)
    assert lock.enter_pin("1234") is None  # not landed yet
    run(clock, timeline, 10)
    assert lock.enter_pin("1234") is not None
    assert not lock.locked
    assert lock.enter_pin("9999") is None
    lock.erase("a")
    run(clock, timeline, 10)
    assert lock.enter_pin("1234") is None


def test_keypad_works_while_offline_and_a_held_erase_keeps_the_pin_working() -> None:
    lock, clock, timeline, _ = make_lock()
    lock.program("a", "1234", None, SlotOrigin.MANAGED)
    run(clock, timeline, 10)
    lock.go_offline()
    lock.erase("a")
    run(clock, timeline, 3600)
    assert lock.enter_pin("1234") is not None  # the lock never heard about the erase
    lock.go_online()
    run(clock, timeline, 10)
    assert lock.enter_pin("1234") is None


def test_native_scheduling_window_is_enforced_by_the_lock() -> None:
    lock, clock, timeline, _ = make_lock(native_scheduling=True)
    start = T0.timestamp() + 3600
    lock.program("a", "4321", None, SlotOrigin.MANAGED, window=(start, start + 3600))
    run(clock, timeline, 10)
    assert lock.enter_pin("4321") is None  # on the lock, but not yet valid
    run(clock, timeline, 3600)
    assert lock.enter_pin("4321") is not None
    run(clock, timeline, 3600)
    assert lock.enter_pin("4321") is None


def test_keypad_codes_take_a_slot_at_once() -> None:
    lock, _, _, _ = make_lock(capacity=2)
    lock.add_keypad_code("u1", "5555", "Cleaner")
    assert lock.slot_of("u1").origin == SlotOrigin.KEYPAD  # type: ignore[union-attr]
    with pytest.raises(PinRejected, match="already on this device"):
        lock.add_keypad_code("u2", "5555", None)
    with pytest.raises(PinRejected, match="digits"):
        lock.add_keypad_code("u2", "12", None)
    lock.add_keypad_code("u2", "6666", None)
    with pytest.raises(PinRejected, match="no free slot"):
        lock.add_keypad_code("u3", "7777", None)


def test_edit_forget_and_rekey() -> None:
    lock, _, _, _ = make_lock()
    lock.add_keypad_code("u1", "5555", None)
    lock.edit_on_keypad("u1", "5556")
    assert lock.enter_pin("5556") is not None and lock.enter_pin("5555") is None
    lock.rekey("u1", "m1", SlotOrigin.MANAGED)
    assert lock.slot_of("u1") is None and lock.slot_of("m1").origin == SlotOrigin.MANAGED  # type: ignore[union-attr]
    lock.edit_on_keypad("m1", None)
    assert lock.occupied() == []
    lock.add_keypad_code("u2", "7777", None)
    lock.forget("u2")
    assert lock.free_slot_count() == lock.capacity


# -- code rules --------------------------------------------------------------------------


def test_code_rules_name_the_broken_rule() -> None:
    rules = CodeRules(
        [6],
        [
            {"constraint_type": "no_ascending_or_descending_sequence"},
            {"constraint_type": "at_least_three_unique_digits"},
            {"constraint_type": "cannot_start_with_12"},
        ],
    )
    rules.check_pin("583920")
    for pin, words in (
        ("12a456", "digits only"),
        ("5839", "6 digits"),
        ("123456", "cannot start with 12"),
        ("345678", "ascending or descending"),
        ("987654", "ascending or descending"),
        ("112211", "three different digits"),
    ):
        with pytest.raises(PinRejected, match=words):
            rules.check_pin(pin)


@pytest.mark.parametrize(
    "constraint,bad",
    [
        ("no_zeros", "1023"),
        ("no_triple_consecutive_ints", "1112"),
        ("cannot_contain_089", "1238"),
        ("cannot_contain_0789", "1237"),
        ("no_all_same_digits", "4444"),
    ],
)
def test_each_pin_constraint_is_enforced(constraint: str, bad: str) -> None:
    rules = CodeRules([4], [{"constraint_type": constraint}])
    with pytest.raises(PinRejected, match=constraint):
        rules.check_pin(bad)
    pin = rules.generate(random.Random(1), set())
    rules.check_pin(pin)


def test_unique_first_four_digits_compares_with_codes_taken() -> None:
    rules = CodeRules([6], [{"constraint_type": "unique_first_four_digits"}])
    with pytest.raises(PinRejected, match="first four"):
        rules.check_pin("482955", {"482911"})
    rules.check_pin("482955", {"582911"})


def test_generated_pins_respect_lengths_constraints_and_taken_codes() -> None:
    rules = CodeRules(
        [6], [{"constraint_type": "no_zeros"}, {"constraint_type": "at_least_three_unique_digits"}]
    )
    rng = random.Random(3)
    taken: set[str] = set()
    for _ in range(200):
        pin = rules.generate(rng, taken)
        assert len(pin) == 6 and "0" not in pin and len(set(pin)) >= 3
        assert pin not in taken
        taken.add(pin)


def test_generation_prefers_four_digits_and_widens_when_crowded() -> None:
    rules = CodeRules([4, 5])
    rng = random.Random(0)
    assert len(rules.generate(rng, set())) == 4
    every_four = {f"{n:04d}" for n in range(10_000)}
    assert len(rules.generate(rng, every_four)) == 5
    assert len(rules.generate(rng, set(), length=5)) == 5


def test_generation_gives_up_when_no_pin_is_left() -> None:
    rules = CodeRules([4], [{"constraint_type": "cannot_contain_0789"}])  # 6**4 = 1296 PINs
    everything = {f"{a}{b}{c}{d}" for a in "123456" for b in "123456" for c in "123456" for d in "123456"}
    with pytest.raises(PinRejected, match="no free code"):
        rules.generate(random.Random(0), everything)


def test_name_constraints() -> None:
    rules = CodeRules(
        [4],
        [
            {"constraint_type": "name_length", "min_length": 2, "max_length": 5},
            {"constraint_type": "name_must_be_unique"},
        ],
    )
    rules.check_name("Ann", set())
    with pytest.raises(PinRejected, match="at least 2"):
        rules.check_name("A", set())
    with pytest.raises(PinRejected, match="at most 5"):
        rules.check_name("Annabelle", set())
    with pytest.raises(PinRejected, match="unique"):
        rules.check_name("Ann", {"Ann"})
    assert not CodeRules([4], [{"constraint_type": "cannot_specify_pin_code"}]).allows_custom_pin
