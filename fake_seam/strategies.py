"""Hypothesis strategies for testing code that talks to Seam: fleets of locks, fault
schedules and guest stays, each of which applies to a `FakeSeam` in one call.

    from hypothesis import given
    from fake_seam import FakeSeam
    from fake_seam.strategies import fault_schedules, fleets, guest_stays

    @given(fleet=fleets(), faults=fault_schedules(), stays=guest_stays())
    def test_my_integration(fleet, faults, stays):
        fake = FakeSeam(seed="empty", frozen=True)
        device_ids = fleet.apply(fake)          # the locks, in workspace seed_workspace_1
        faults.apply(fake, device_ids)          # failures, outages and keypad edits, booked on the clock
        for stay in stays.stays:                # the bookings your code must serve
            ...

Values are plain frozen dataclasses with short reprs, so a failing example shrinks to
something you can read. Faults and stays name a lock by its index in the fleet (taken modulo
the fleet's size), so they stay valid while Hypothesis shrinks the fleet. Times are whole
seconds after an origin (the fake's clock when `apply` is called, unless given).

The module also registers the Hypothesis settings profiles the project's tests use (`ci`,
`long`, `dev`); `profile_settings()` returns the one named by `HYPOTHESIS_PROFILE`.
"""

from __future__ import annotations

import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from fake_seam.clock import iso, to_datetime
from fake_seam.controls import CONTROLS
from fake_seam.controls.keypad import free_pin
from fake_seam.seam.errors import SeamError

if TYPE_CHECKING:
    from fake_seam.fake import FakeSeam

HOUR = 3600
MINUTE = 60

# -- settings profiles ------------------------------------------------------------------

PROFILE_ENV = "HYPOTHESIS_PROFILE"
DEFAULT_PROFILE = "ci"
OUR_PROFILES = ("ci", "long", "dev")


def register_profiles() -> None:
    """`ci`: bounded and deterministic (no database, derandomized) for the default suite;
    `long`: many more examples and longer programs, randomized, for a soak run;
    `dev`: quick local iteration."""
    common: dict[str, Any] = {
        "deadline": None,
        "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    }
    settings.register_profile(
        "ci",
        max_examples=100,
        stateful_step_count=30,
        derandomize=True,
        database=None,
        print_blob=False,
        # No `explain` phase (it traces coverage, slowly); stop at the first bug found.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        report_multiple_bugs=False,
        **common,
    )
    settings.register_profile(
        "long",
        max_examples=2000,
        stateful_step_count=100,
        derandomize=False,
        database=None,
        print_blob=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        report_multiple_bugs=False,
        **common,
    )
    settings.register_profile(
        "dev", max_examples=10, stateful_step_count=20, derandomize=True, database=None, **common
    )


register_profiles()


def profile_name() -> str:
    """`HYPOTHESIS_PROFILE` if set; else one of ours loaded with `pytest --hypothesis-profile`;
    else `ci`."""
    chosen = os.environ.get(PROFILE_ENV)
    if chosen:
        return chosen
    loaded = getattr(settings, "_current_profile", None)
    return loaded if loaded in OUR_PROFILES else DEFAULT_PROFILE


def profile_settings(**overrides: Any) -> settings:
    """The profile named by `HYPOTHESIS_PROFILE` (default `ci`), with `overrides` on top.

    Used as a decorator (`@profile_settings()`), so it sets these tests' settings without
    loading a profile for the whole process."""
    return settings(settings.get_profile(profile_name()), **overrides)


# -- fleets -----------------------------------------------------------------------------

# What a brand's locks are like (Seam's guide: every brand but Salto supports the backup pool).
BRANDS: dict[str, dict[str, Any]] = {
    "august": {"code_lengths": [(4, 5, 6, 7, 8), (4, 5, 6)], "pool": True, "native": False},
    "schlage": {"code_lengths": [(4, 5, 6, 7, 8)], "pool": True, "native": False},
    "kwikset": {"code_lengths": [(4, 5, 6, 7, 8)], "pool": True, "native": False},
    "yale": {"code_lengths": [(6,), (4, 5, 6, 7, 8)], "pool": True, "native": True},
    "salto": {"code_lengths": [(6,)], "pool": False, "native": False},
}
PIN_CONSTRAINTS = (
    "no_zeros",
    "cannot_start_with_12",
    "no_triple_consecutive_ints",
    "no_ascending_or_descending_sequence",
    "at_least_three_unique_digits",
    "no_all_same_digits",
)


@dataclass(frozen=True)
class LockPlan:
    """One simulated lock: its brand, slot count, PIN rules, pool size and write delay."""

    brand: str = "august"
    capacity: int = 10
    code_lengths: tuple[int, ...] = (4, 5, 6, 7, 8)
    constraints: tuple[str, ...] = ()
    pool_size: int = 2
    programming_delay: int = 5
    native_scheduling: bool = False

    @property
    def supports_backup_access_code_pool(self) -> bool:
        return bool(BRANDS.get(self.brand, {}).get("pool", True))

    def spec(self) -> dict[str, Any]:
        """Keyword arguments for `FakeSeam.create_lock` (the seed file's lock fields)."""
        return {
            "manufacturer": self.brand,
            "max_active_codes_supported": self.capacity,
            "supported_code_lengths": list(self.code_lengths),
            "code_constraints": [{"constraint_type": c} for c in self.constraints],
            "supports_backup_access_code_pool": self.supports_backup_access_code_pool,
            "pool_size": self.pool_size,
            "programming_delay_seconds": self.programming_delay,
            "native_scheduling": self.native_scheduling,
        }

    def __repr__(self) -> str:
        extras = []
        if self.constraints:
            extras.append(f"constraints={self.constraints!r}")
        if self.native_scheduling:
            extras.append("native_scheduling=True")
        tail = "".join(", " + e for e in extras)
        return (
            f"LockPlan({self.brand!r}, capacity={self.capacity}, pool_size={self.pool_size}, "
            f"code_lengths={self.code_lengths!r}, programming_delay={self.programming_delay}{tail})"
        )


@dataclass(frozen=True)
class Fleet:
    """Locks to add to a fake; `apply` returns their device ids, in order."""

    locks: tuple[LockPlan, ...]

    def apply(self, fake: FakeSeam, workspace_id: str = "seed_workspace_1") -> list[str]:
        device_ids = []
        for index, plan in enumerate(self.locks):
            device = fake.create_lock(workspace_id, display_name=f"Lock {index}", **plan.spec())
            device_ids.append(device.device_id)
        return device_ids

    def __len__(self) -> int:
        return len(self.locks)


@st.composite
def lock_plans(
    draw: st.DrawFn,
    *,
    brands: Sequence[str] = tuple(BRANDS),
    min_capacity: int = 1,
    max_capacity: int = 12,
    max_pool_size: int = 3,
    max_programming_delay: int = 60,
) -> LockPlan:
    """A lock of one of `brands`, its traits drawn within what that brand's locks do."""
    brand = draw(st.sampled_from(list(brands)))
    traits = BRANDS.get(brand, BRANDS["august"])
    capacity = draw(st.integers(min_capacity, max_capacity))
    lengths = draw(st.sampled_from(traits["code_lengths"]))
    constraints = tuple(sorted(draw(st.sets(st.sampled_from(PIN_CONSTRAINTS), max_size=2))))
    if brand == "salto":
        constraints = tuple(sorted({*constraints, "no_zeros"}))
    pool_size = draw(st.integers(0, max_pool_size)) if traits["pool"] else 0
    delay = draw(st.sampled_from([d for d in (5, 1, 10, 30, 60) if d <= max_programming_delay] or [1]))
    native = traits["native"] and draw(st.booleans())
    return LockPlan(brand, capacity, tuple(lengths), constraints, pool_size, delay, native)


def fleets(
    *,
    min_locks: int = 1,
    max_locks: int = 3,
    locks: st.SearchStrategy[LockPlan] | None = None,
) -> st.SearchStrategy[Fleet]:
    """A few locks of mixed brands, capacities, PIN constraints and pool sizes."""
    plans = locks if locks is not None else lock_plans()
    return st.lists(plans, min_size=min_locks, max_size=max_locks).map(lambda ls: Fleet(tuple(ls)))


# -- fault schedules ----------------------------------------------------------------------


@dataclass(frozen=True)
class WritesFail:
    """From `at`, the lock's next `count` writes fail with `error_code`."""

    lock: int
    at: int
    count: int = 1
    error_code: str = "failed_to_set_on_device"

    def describe(self) -> str:
        return f"lock {self.lock}: next {self.count} write(s) fail ({self.error_code}) from t+{self.at}s"


@dataclass(frozen=True)
class Offline:
    """The lock drops off the network at `at` for `seconds` (writes wait for it)."""

    lock: int
    at: int
    seconds: int

    def describe(self) -> str:
        return f"lock {self.lock}: offline from t+{self.at}s for {self.seconds}s"


@dataclass(frozen=True)
class KeypadEdit:
    """Someone at the lock, behind Seam's back: `add` a code of their own (it takes a slot),
    or `change`/`delete` whatever code sits in slot `slot` (if any)."""

    lock: int
    at: int
    action: str = "add"  # "add" | "change" | "delete"
    slot: int = 0
    pin_seed: int = 0  # the PIN typed in is drawn from the lock's own rules with this seed

    def describe(self) -> str:
        target = "a new code" if self.action == "add" else f"slot {self.slot}"
        return f"lock {self.lock}: keypad {self.action} {target} at t+{self.at}s"


Fault = WritesFail | Offline | KeypadEdit


@dataclass(frozen=True)
class FaultSchedule:
    """Faults booked on the fake's clock. `apply` queues each one at `origin + at`."""

    faults: tuple[Fault, ...] = ()

    def apply(
        self,
        fake: FakeSeam,
        device_ids: Sequence[str],
        *,
        origin: datetime | str | float | None = None,
    ) -> None:
        if not device_ids:
            return
        start = fake.clock.timestamp() if origin is None else to_datetime(origin).timestamp()
        with fake.lock:  # a served fake may be handling a request on another thread
            for fault in self.faults:
                device_id = device_ids[fault.lock % len(device_ids)]
                fake.timeline.at(start + fault.at, partial(_apply_fault, fake, device_id), arg=fault)

    def __len__(self) -> int:
        return len(self.faults)

    def describe(self) -> list[str]:
        return [f.describe() for f in self.faults]


def _apply_fault(fake: FakeSeam, device_id: str, fault: Fault) -> None:
    """The job for one fault (its `Job.label` reads "_apply_fault FakeSeam <device> <fault>"). It runs inside
    the fake's timeline, so it applies the controls directly (running a control would run the
    timeline again)."""
    try:
        if isinstance(fault, WritesFail):
            plan = CONTROLS["set_fault_plan"]
            failing = fake.lock_of(device_id).fault_plan.fail_next  # booked faults add up
            plan.apply(
                fake,
                plan.params_of(
                    device_id=device_id, fail_next=failing + fault.count, error_code=fault.error_code
                ),
            )
        elif isinstance(fault, Offline):
            offline = CONTROLS["go_offline"]
            offline.apply(fake, offline.params_of(device_id=device_id, for_seconds=fault.seconds))
        else:
            _keypad_edit(fake, device_id, fault)
    except SeamError:
        pass  # the lock is gone (nothing left to break), or refused a keypad edit (full, duplicate PIN)


def _keypad_edit(fake: FakeSeam, device_id: str, fault: KeypadEdit) -> None:
    pin = free_pin(fake, device_id, random.Random(fault.pin_seed))
    if fault.action == "add":
        if pin is not None:
            add = CONTROLS["add_keypad_code"]
            add.apply(fake, add.params_of(device_id=device_id, code=pin, name=f"Keypad {fault.pin_seed}"))
        return
    slots = CONTROLS["slots"]
    occupied = slots.apply(fake, slots.params_of(device_id=device_id))
    if not occupied or (fault.action != "delete" and pin is None):
        return
    slot = occupied[fault.slot % len(occupied)]
    edit = CONTROLS["edit_keypad_code"]
    new_code = None if fault.action == "delete" else pin
    edit.apply(fake, edit.params_of(device_id=device_id, code=slot["code"], new_code=new_code))


def faults(
    *,
    max_lock: int = 3,
    horizon: int = 72 * HOUR,
    max_offline: int = 24 * HOUR,
    max_failures: int = 3,
    keypad_actions: Sequence[str] = ("add", "change", "delete"),
) -> st.SearchStrategy[Fault]:
    """One fault: failing writes, an outage, or a keypad edit, at a minute within `horizon`."""
    lock = st.integers(0, max(0, max_lock - 1))
    at = st.integers(0, horizon // MINUTE).map(lambda m: m * MINUTE)
    options: list[st.SearchStrategy[Any]] = [
        st.builds(
            WritesFail,
            lock=lock,
            at=at,
            count=st.integers(1, max_failures),
            error_code=st.sampled_from(["failed_to_set_on_device"]),
        ),
        st.builds(
            Offline,
            lock=lock,
            at=at,
            seconds=st.integers(1, max(1, max_offline // MINUTE)).map(lambda m: m * MINUTE),
        ),
    ]
    if keypad_actions:
        options.append(
            st.builds(
                KeypadEdit,
                lock=lock,
                at=at,
                action=st.sampled_from(list(keypad_actions)),
                slot=st.integers(0, 7),
                pin_seed=st.integers(0, 1000),
            )
        )
    return st.one_of(options)


def fault_schedules(
    *,
    max_faults: int = 4,
    max_lock: int = 3,
    horizon: int = 72 * HOUR,
    max_offline: int = 24 * HOUR,
    keypad_actions: Sequence[str] = ("add", "change", "delete"),
) -> st.SearchStrategy[FaultSchedule]:
    """Up to `max_faults` faults (none at all shrinks first), in time order."""
    one = faults(max_lock=max_lock, horizon=horizon, max_offline=max_offline, keypad_actions=keypad_actions)
    return st.lists(one, max_size=max_faults).map(
        lambda fs: FaultSchedule(tuple(sorted(fs, key=lambda f: f.at)))
    )


# -- guest stays ------------------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """A guest's booking on one lock: check-in `check_in` seconds after the origin, booked for
    `duration` seconds; the guest may leave `leaves_early` seconds before the booked end."""

    lock: int
    check_in: int
    duration: int
    leaves_early: int = 0
    guest: str = "Guest 1"

    def starts_at(self, origin: datetime) -> datetime:
        return origin + timedelta(seconds=self.check_in)

    def ends_at(self, origin: datetime) -> datetime:
        return origin + timedelta(seconds=self.check_in + self.duration)

    def leaves_at(self, origin: datetime) -> datetime:
        return self.ends_at(origin) - timedelta(seconds=self.leaves_early)


@dataclass(frozen=True)
class Stays:
    """Guest stays; on one lock they may overlap (back-to-back or double-booked codes)."""

    stays: tuple[Stay, ...]

    def __len__(self) -> int:
        return len(self.stays)

    def __iter__(self) -> Any:
        return iter(self.stays)

    def apply(
        self,
        fake: FakeSeam,
        device_ids: Sequence[str],
        *,
        seam: Any = None,
        origin: datetime | str | None = None,
        use_backup_access_code_pool: bool = True,
    ) -> list[Any]:
        """Create each stay's time-bound access code through the official SDK (`seam`, by
        default `fake.client()`); the pool is asked for only on locks that support it and
        whose pool is not switched off (where asking is refused). Returns the SDK's
        `AccessCode` objects, one per stay, in order."""
        client = seam if seam is not None else fake.client()
        start = fake.now() if origin is None else to_datetime(origin)
        codes = []
        for stay in self.stays:
            device_id = device_ids[stay.lock % len(device_ids)]
            device = fake.device(device_id)
            pool = (
                use_backup_access_code_pool
                and device.supports_backup_access_code_pool
                and not device.pool.switched_off
            )
            codes.append(
                client.access_codes.create(
                    device_id=device_id,
                    name=stay.guest,
                    starts_at=iso(stay.starts_at(start)),
                    ends_at=iso(stay.ends_at(start)),
                    use_backup_access_code_pool=True if pool else None,
                )
            )
        return codes


@st.composite
def guest_stay(
    draw: st.DrawFn,
    *,
    max_lock: int = 3,
    earliest: int = 1 * HOUR,
    latest: int = 36 * HOUR,
    min_duration: int = 1 * HOUR,
    max_duration: int = 48 * HOUR,
    index: int = 1,
) -> Stay:
    """One stay: check-in on the hour between `earliest` and `latest`, a whole number of hours."""
    hours = st.integers(earliest // HOUR, max(earliest, latest) // HOUR)
    check_in = draw(hours) * HOUR
    duration = draw(st.integers(max(1, min_duration // HOUR), max(1, max_duration // HOUR))) * HOUR
    early = draw(st.integers(0, duration // HOUR - 1)) * HOUR if duration > HOUR else 0
    return Stay(draw(st.integers(0, max(0, max_lock - 1))), check_in, duration, early, f"Guest {index}")


@st.composite
def guest_stays(
    draw: st.DrawFn,
    *,
    min_stays: int = 1,
    max_stays: int = 4,
    max_lock: int = 3,
    earliest: int = 1 * HOUR,
    latest: int = 36 * HOUR,
    max_duration: int = 48 * HOUR,
) -> Stays:
    """Several stays across the fleet; each guest has a distinct name (`Guest 1`, ...)."""
    count = draw(st.integers(min_stays, max_stays))
    drawn = [
        draw(
            guest_stay(
                max_lock=max_lock, earliest=earliest, latest=latest, max_duration=max_duration, index=i + 1
            )
        )
        for i in range(count)
    ]
    return Stays(tuple(drawn))


# -- the three together -----------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A fleet, the faults that will hit it, and the stays your code must serve."""

    fleet: Fleet
    faults: FaultSchedule = field(default_factory=FaultSchedule)
    stays: Stays = field(default_factory=lambda: Stays(()))

    def apply(self, fake: FakeSeam, workspace_id: str = "seed_workspace_1") -> list[str]:
        """Add the fleet and book the faults (from the fake's clock now). The stays are left
        to the code under test; `self.stays.apply(fake, device_ids)` creates them directly."""
        device_ids = self.fleet.apply(fake, workspace_id)
        self.faults.apply(fake, device_ids)
        return device_ids

    def size(self) -> int:
        """How big a counterexample is: locks + faults + stays."""
        return len(self.fleet) + len(self.faults) + len(self.stays)


@st.composite
def scenarios(
    draw: st.DrawFn,
    *,
    max_locks: int = 3,
    max_faults: int = 4,
    max_stays: int = 4,
    locks: st.SearchStrategy[LockPlan] | None = None,
    keypad_actions: Sequence[str] = ("add", "change", "delete"),
) -> Scenario:
    fleet = draw(fleets(max_locks=max_locks, locks=locks))
    schedule = draw(
        fault_schedules(max_faults=max_faults, max_lock=len(fleet), keypad_actions=keypad_actions)
    )
    booked = draw(guest_stays(max_stays=max_stays, max_lock=len(fleet)))
    return Scenario(fleet, schedule, booked)
