"""A smart lock as hardware: a fixed slot table, a keypad, a radio that drops, and writes
that take time to land and sometimes fail."""

from __future__ import annotations

import heapq
import random
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, Protocol, get_args

from fake_seam import messages as msgs
from fake_seam.clock import Job, Timeline
from fake_seam.simulator.code_rules import CodeRules, PinRejected

# What a failed write reports; a fault plan picks one of these.
WriteErrorCode = Literal[
    "failed_to_set_on_device",
    "no_space_for_access_code_on_device",
    "duplicate_code_on_device",
]
WRITE_ERROR_CODES: tuple[str, ...] = get_args(WriteErrorCode)


class SlotOrigin(StrEnum):
    MANAGED = "managed"  # written by Seam for an access code
    BACKUP = "backup"  # written by Seam for its backup pool
    KEYPAD = "keypad"  # made on the lock itself or by another app


@dataclass
class Slot:
    slot: int
    code: str
    name: str | None
    origin: SlotOrigin
    key: str  # whoever owns the slot: a Seam code id, or the keypad code's own id
    # Locks with native scheduling keep the code's window and enforce it themselves.
    starts_at: float | None = None
    ends_at: float | None = None

    def active_at(self, moment: float) -> bool:
        if self.starts_at is not None and moment < self.starts_at:
            return False
        return not (self.ends_at is not None and moment >= self.ends_at)

    def as_json(self) -> dict[str, Any]:
        return {"slot": self.slot, "code": self.code, "name": self.name, "origin": str(self.origin)}


@dataclass(frozen=True)
class WriteAim:
    """The writes a fault plan hits: every write by default; each field given narrows it to
    writes of that slot origin, for that key, or under that slot name. Erases are never hit."""

    origin: SlotOrigin | None = None
    key: str | None = None
    name: str | None = None

    def hits(self, write: Write) -> bool:
        return (
            (self.origin is None or write.origin == self.origin)
            and (self.key is None or write.key == self.key)
            and (self.name is None or write.name == self.name)
        )


EVERY_WRITE = WriteAim()


@dataclass
class FaultPlan:
    fail_next: int = 0
    error_code: str = "failed_to_set_on_device"
    failure_rate: float = 0.0
    offline_until: float | None = None
    aim: WriteAim = EVERY_WRITE

    def as_json(self) -> dict[str, Any]:
        return {
            "fail_next": self.fail_next,
            "error_code": self.error_code,
            "failure_rate": self.failure_rate,
            "offline_until": self.offline_until,
        }


class LockListener(Protocol):
    """What the lock reports upward (the Seam layer implements this)."""

    def write_landed(self, lock: SimulatedLock, key: str, slot: Slot) -> None: ...
    def write_failed(self, lock: SimulatedLock, key: str, error_code: str) -> None: ...
    def write_held(self, lock: SimulatedLock, key: str) -> None: ...
    def erase_landed(self, lock: SimulatedLock, key: str, had_slot: bool) -> None: ...
    def connectivity_changed(self, lock: SimulatedLock, online: bool) -> None: ...


Window = tuple[float | None, float | None]


def _slot_number(slot: Slot) -> int:
    return slot.slot


@dataclass
class Write:
    key: str
    erase: bool
    code: str = ""
    name: str | None = None
    origin: SlotOrigin = SlotOrigin.MANAGED
    window: tuple[float | None, float | None] = (None, None)
    job: Job | None = None
    held: bool = False  # waiting for the lock to come back online

    def describe(self) -> str:
        return f"backup {self.key}" if self.origin == SlotOrigin.BACKUP else self.key


@dataclass
class LockSpec:
    capacity: int = 10
    supported_code_lengths: list[int] = field(default_factory=lambda: [4, 5, 6, 7, 8])
    code_constraints: list[dict[str, Any]] = field(default_factory=list)
    programming_delay: float = 5.0
    native_scheduling: bool = False


class SimulatedLock:
    def __init__(
        self,
        lock_id: str,
        timeline: Timeline,
        rng: random.Random,
        spec: LockSpec,
        *,
        online: bool = True,
        listener: LockListener | None = None,
    ) -> None:
        self.lock_id = lock_id
        self.timeline = timeline
        self.rng = rng
        self.rules = CodeRules(list(spec.supported_code_lengths), list(spec.code_constraints))
        self.programming_delay = float(spec.programming_delay)
        self.native_scheduling = spec.native_scheduling
        self.slots: list[Slot | None] = [None] * spec.capacity
        self._slot_by_key: dict[str, Slot] = {}
        # Indexes kept in step with `slots` (through `_place`, `_vacate`, `_recode`), so that a
        # write costs the same on a lock of 10,000 slots as on one of 10: the free slots as a
        # heap (a write takes the lowest, as a scan would), and the slots holding each PIN.
        self._free: list[int] = list(range(spec.capacity))
        self._by_code: dict[str, dict[int, Slot]] = {}
        self.pending: dict[str, Write] = {}
        self.online = online
        self.locked = True
        self.fault_plan = FaultPlan()
        self._online_job: Job | None = None
        self.listener = listener
        # `_land`, bound once: each queued write's job holds it (one object less per write).
        self._land_write = self._land

    # A state file's snapshot keeps the occupied slots and the capacity; the slot table's
    # empty entries and its indexes are made again on load (they are what a big, mostly
    # empty lock is made of).
    _DERIVED = ("slots", "_slot_by_key", "_free", "_by_code", "_land_write")

    def __getstate__(self) -> dict[str, Any]:
        state = {name: value for name, value in vars(self).items() if name not in self._DERIVED}
        state["capacity"] = len(self.slots)
        state["occupied"] = self.occupied()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        capacity, occupied = state.pop("capacity"), state.pop("occupied")
        vars(self).update(state)
        self.slots = [None] * capacity
        self._slot_by_key, self._by_code = {}, {}
        for slot in occupied:
            self.slots[slot.slot] = slot
            self._slot_by_key[slot.key] = slot
            self._by_code.setdefault(slot.code, {})[slot.slot] = slot
        self._free = [index for index, slot in enumerate(self.slots) if slot is None]  # sorted: a heap
        self._land_write = self._land

    # -- inspection -------------------------------------------------------------------

    @property
    def capacity(self) -> int:
        return len(self.slots)

    def occupied(self) -> list[Slot]:
        """The occupied slots in slot order (from the key index: a mostly empty lock of
        10,000 slots is not scanned)."""
        return sorted(self._slot_by_key.values(), key=_slot_number)

    def free_slot_count(self) -> int:
        return len(self._free)

    def slot_of(self, key: str) -> Slot | None:
        return self._slot_by_key.get(key)

    def slots_with_code(self, code: str) -> list[Slot]:
        held = self._by_code.get(code)
        if not held:
            return []
        return [held[index] for index in sorted(held)]

    def codes_on_lock(self) -> set[str]:
        return set(self._by_code)

    # -- the slot table and its indexes -----------------------------------------------

    def _place(self, key: str, code: str, name: str | None, origin: SlotOrigin, window: Window) -> Slot:
        """Put a code in the lowest free slot (the caller checked there is one)."""
        index = heapq.heappop(self._free)
        slot = Slot(index, code, name, origin, key, *window)
        self.slots[index] = slot
        self._slot_by_key[key] = slot
        self._by_code.setdefault(code, {})[index] = slot
        return slot

    def _vacate(self, slot: Slot) -> None:
        self.slots[slot.slot] = None
        del self._slot_by_key[slot.key]
        self._unindex_code(slot)
        heapq.heappush(self._free, slot.slot)

    def _recode(self, slot: Slot, code: str) -> None:
        if code != slot.code:
            self._unindex_code(slot)
            slot.code = code
            self._by_code.setdefault(code, {})[slot.slot] = slot

    def _unindex_code(self, slot: Slot) -> None:
        held = self._by_code[slot.code]
        del held[slot.slot]
        if not held:
            del self._by_code[slot.code]

    def in_flight(self, key: str) -> bool:
        return key in self.pending

    def is_held(self, key: str) -> bool:
        write = self.pending.get(key)
        return write is not None and write.held

    # -- writes -----------------------------------------------------------------------

    def program(
        self,
        key: str,
        code: str,
        name: str | None,
        origin: SlotOrigin,
        window: tuple[float | None, float | None] = (None, None),
    ) -> None:
        """Queue a write of `code` for `key`; it lands after the programming delay."""
        self._submit(Write(key, erase=False, code=code, name=name, origin=origin, window=window))

    def erase(self, key: str) -> None:
        """Queue the removal of whatever `key` holds on the lock."""
        self._submit(Write(key, erase=True))

    def cancel(self, key: str) -> None:
        write = self.pending.pop(key, None)
        if write and write.job:
            write.job.cancel()

    def _submit(self, write: Write) -> None:
        self.cancel(write.key)
        self.pending[write.key] = write
        if self.online:
            self._schedule(write)
        else:
            write.held = True

    def _schedule(self, write: Write) -> None:
        write.held = False
        write.job = self.timeline.after(self.programming_delay, self._land_write, arg=write)

    def _land(self, write: Write) -> None:
        if self.pending.get(write.key) is not write:
            return
        if not self.online:
            write.held = True
            write.job = None
            if self.listener:
                self.listener.write_held(self, write.key)
            return
        del self.pending[write.key]
        if write.erase:
            slot = self._slot_by_key.get(write.key)
            if slot is not None:
                self._vacate(slot)
            if self.listener:
                self.listener.erase_landed(self, write.key, slot is not None)
            return
        error = self._fault(write)
        existing = self._slot_by_key.get(write.key)
        if error is None and any(s.key != write.key for s in self._by_code.get(write.code, {}).values()):
            error = "duplicate_code_on_device"
        if error is None and existing is None and not self._free:
            error = "no_space_for_access_code_on_device"
        if error is not None:
            if self.listener:
                self.listener.write_failed(self, write.key, error)
            return
        if existing is not None:
            self._recode(existing, write.code)
            existing.name = write.name
            existing.starts_at, existing.ends_at = write.window
            slot = existing
        else:
            slot = self._place(write.key, write.code, write.name, write.origin, write.window)
        if self.listener:
            self.listener.write_landed(self, write.key, slot)

    def _fault(self, write: Write) -> str | None:
        plan = self.fault_plan
        if not plan.aim.hits(write):
            return None  # a write outside the aim neither uses up `fail_next` nor draws
        if plan.fail_next > 0:
            plan.fail_next -= 1
            return plan.error_code
        # Draw only when a rate is set, so adding a flaky lock leaves other locks' runs alone.
        if plan.failure_rate > 0 and self.rng.random() < plan.failure_rate:
            return plan.error_code
        return None

    # -- faults and connectivity ------------------------------------------------------

    def set_fault_plan(
        self,
        *,
        fail_next: int | None = None,
        error_code: str | None = None,
        failure_rate: float | None = None,
        offline_for: float | None = None,
        aim: WriteAim | None = None,
    ) -> None:
        plan = self.fault_plan
        if aim is not None:
            plan.aim = aim
        if fail_next is not None:
            plan.fail_next = fail_next
        if error_code is not None:
            plan.error_code = error_code
        if failure_rate is not None:
            plan.failure_rate = failure_rate
        if offline_for is not None:
            self.go_offline(for_seconds=offline_for)

    def go_offline(self, for_seconds: float | None = None) -> None:
        if self._online_job:
            self._online_job.cancel()
            self._online_job = None
        self.fault_plan.offline_until = None
        if for_seconds is not None:
            self.fault_plan.offline_until = self.timeline.timestamp() + for_seconds
            self._online_job = self.timeline.after(for_seconds, self.go_online)
        if not self.online:
            return
        self.online = False
        if self.listener:
            self.listener.connectivity_changed(self, False)

    def go_online(self) -> None:
        if self._online_job:
            self._online_job.cancel()
            self._online_job = None
        self.fault_plan.offline_until = None
        if self.online:
            return
        self.online = True
        # Held writes are on their way again before anyone is told the lock is back, so a
        # listener looking at the queue sees them in flight, not held.
        for write in list(self.pending.values()):
            if write.held:
                self._schedule(write)
        if self.listener:
            self.listener.connectivity_changed(self, True)

    # -- the keypad -------------------------------------------------------------------

    def slot_that_opens(self, code: str) -> Slot | None:
        """The slot a PIN typed now would open with, if any; nothing on the lock changes."""
        now = self.timeline.timestamp()
        return next((s for s in self.slots_with_code(code) if s.active_at(now)), None)

    def enter_pin(self, code: str) -> Slot | None:
        """A PIN typed on the keypad: the slot that opened the door, or None if denied."""
        slot = self.slot_that_opens(code)
        if slot is not None:
            self.locked = False
        return slot

    def add_keypad_code(self, key: str, code: str, name: str | None) -> Slot:
        """A code made on the lock itself: it takes a slot at once, no radio involved."""
        self.rules.check_pin(code, self.codes_on_lock())
        if code in self.codes_on_lock():
            raise PinRejected(msgs.pin_already_on_lock(code))
        return self.hold(key, code, name, SlotOrigin.KEYPAD, (None, None))

    def hold(self, key: str, code: str, name: str | None, origin: SlotOrigin, window: Window) -> Slot:
        """A code that takes the lowest free slot at once, no radio involved (one made on the
        keypad, or already on the lock when a seed starts the fake). The caller checked the
        PIN against the rules."""
        if not self._free:
            raise PinRejected(msgs.NO_FREE_SLOT)
        return self._place(key, code, name, origin, window)

    def edit_on_keypad(self, key: str, code: str | None) -> Slot | None:
        """Someone changes (or, with None, deletes) a code at the lock, behind Seam's back."""
        slot = self._slot_by_key.get(key)
        if slot is None:
            return None
        if code is None:
            self._vacate(slot)
            return None
        self._recode(slot, code)
        return slot

    def forget(self, key: str) -> None:
        """Drop a slot at once (the device was removed or reset)."""
        self.cancel(key)
        slot = self._slot_by_key.get(key)
        if slot is not None:
            self._vacate(slot)

    def rekey(self, old: str, new: str, origin: SlotOrigin) -> None:
        """A slot changes owner (an unmanaged code converted to managed)."""
        slot = self._slot_by_key.pop(old, None)
        if slot is not None:
            slot.key, slot.origin = new, origin
            self._slot_by_key[new] = slot
