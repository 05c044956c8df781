"""The lock's indexes (free slots, slots by PIN, slots by key) answer what a scan of the
slot table would, whatever was written, erased, typed on the keypad or dropped; and a write
takes the lowest free slot, as it always did."""

from __future__ import annotations

import pickle
import random
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fake_seam.clock import Clock, Timeline
from fake_seam.simulator import PinRejected, SimulatedLock, SlotOrigin
from fake_seam.simulator.lock import LockSpec

KEYS = ["a", "b", "c", "d", "e", "f"]
PINS = ["1111", "2222", "3333", "4444"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("program"), st.sampled_from(KEYS), st.sampled_from(PINS)),
        st.tuples(st.just("erase"), st.sampled_from(KEYS)),
        st.tuples(st.just("keypad"), st.sampled_from(KEYS), st.sampled_from(PINS)),
        st.tuples(st.just("edit"), st.sampled_from(KEYS), st.sampled_from([*PINS, None])),
        st.tuples(st.just("forget"), st.sampled_from(KEYS)),
        st.tuples(st.just("rekey"), st.sampled_from(KEYS), st.sampled_from(KEYS)),
        st.tuples(st.just("run"), st.sampled_from([1.0, 5.0, 60.0])),
        st.tuples(st.just("pickle")),
    ),
    max_size=40,
)


def agree(lock: SimulatedLock) -> None:
    table = [s for s in lock.slots if s is not None]
    assert lock.occupied() == table
    assert lock.free_slot_count() == sum(1 for s in lock.slots if s is None)
    assert lock.codes_on_lock() == {s.code for s in table}
    for pin in PINS:
        assert lock.slots_with_code(pin) == [s for s in table if s.code == pin]
    for slot in table:
        assert lock.slot_of(slot.key) is slot


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 4), operations)
def test_slot_indexes_agree_with_the_slot_table(capacity: int, ops: list[tuple[Any, ...]]) -> None:
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC), frozen=True)
    timeline = Timeline(clock)
    lock = SimulatedLock(
        "lock", timeline, random.Random(0), LockSpec(capacity=capacity, programming_delay=5.0)
    )
    for op in ops:
        if op[0] == "program":
            lock.program(op[1], op[2], None, SlotOrigin.MANAGED)
        elif op[0] == "erase":
            lock.erase(op[1])
        elif op[0] == "keypad":
            if lock.slot_of(op[1]) is None:
                try:
                    slot = lock.add_keypad_code(op[1], op[2], None)
                except PinRejected:
                    pass
                else:  # the lowest free slot
                    assert all(lock.slots[i] is not None for i in range(slot.slot))
        elif op[0] == "edit":
            lock.edit_on_keypad(op[1], op[2])
        elif op[0] == "forget":
            lock.forget(op[1])
        elif op[0] == "rekey":
            if lock.slot_of(op[2]) is None:
                lock.rekey(op[1], op[2], SlotOrigin.MANAGED)
        elif op[0] == "run":
            clock.advance(op[1])
            timeline.run_until()
        else:  # a state file's snapshot: the indexes come back with the slots
            timeline, lock = pickle.loads(pickle.dumps((timeline, lock)))
            clock = timeline.clock
        agree(lock)


def test_a_write_takes_the_lowest_free_slot_on_a_big_lock() -> None:
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC), frozen=True)
    timeline = Timeline(clock)
    lock = SimulatedLock("lock", timeline, random.Random(0), LockSpec(capacity=10_000, programming_delay=0.0))
    for i in range(5):
        lock.program(f"k{i}", f"{1000 + i}", None, SlotOrigin.MANAGED)
    timeline.run_until()
    lock.erase("k3")
    lock.erase("k1")
    timeline.run_until()
    lock.program("new", "2000", None, SlotOrigin.MANAGED)
    lock.program("newer", "2001", None, SlotOrigin.MANAGED)
    lock.program("newest", "2002", None, SlotOrigin.MANAGED)
    timeline.run_until()
    assert [lock.slot_of(k).slot for k in ("new", "newer", "newest")] == [1, 3, 5]  # type: ignore[union-attr]
    assert lock.free_slot_count() == 10_000 - 6
