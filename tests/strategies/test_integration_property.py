"""The worked example: a property test of client code over arbitrary fleets, fault schedules
and guest stays (fake_seam.strategies), driving examples/reference_integration.py.

What the integration's users need, checked at every checkpoint of a few simulated days:
- a guest in their stay holds a PIN that opens the door, or the integration reports a clear
  failure, and only when nothing better was possible (no ready backup, or the stay's one
  backup is itself in trouble);
- none of a stay's codes opens the door before the stay or after check-out (once the lock has
  been reachable long enough to take the code off);
- one stay never takes more than one code out of the backup pool;
- no request ever gets a 5xx, and the integration never crashes.

Deliberately broken variants of the integration show the property has teeth: each is caught,
and Hypothesis shrinks the scenario that breaks it to one lock, one stay and a fault or two.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from repo import EXAMPLES

from fake_seam.fake import FakeSeam
from fake_seam.strategies import (
    HOUR,
    FaultSchedule,
    Fleet,
    LockPlan,
    Scenario,
    Stay,
    Stays,
    WritesFail,
    profile_settings,
    scenarios,
)

sys.path.insert(0, str(EXAMPLES))
from reference_integration import Booking, GuestAccess  # noqa: E402

ORIGIN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Time allowed for a write to reach the lock and for the integration's next sync to see it
# (lock_plans() draws programming delays of at most a minute).
GRACE = timedelta(minutes=10)
TICK = timedelta(hours=4)  # the integration also syncs on this schedule


class Violation(AssertionError):
    """The integration let one of its users down; the message says who, when and how."""


@dataclass
class Watch:
    """What the property sees of the integration's requests: codes it made (by the guest's
    name), backups it pulled, and any 5xx."""

    fake: FakeSeam
    codes_by_guest: dict[str, list[str]] = field(default_factory=dict)
    backups_by_guest: dict[str, set[str]] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fake.api.observers.append(self.saw)

    def saw(self, method: str, path: str, params: dict[str, Any], status: int, body: bytes) -> None:
        if status >= 500:
            self.server_errors.append(f"{method} {path} -> {status}")
        if status != 200:
            return
        if path == "/access_codes/create":
            code = json.loads(body)["access_code"]
            self.codes_by_guest.setdefault(code["name"], []).append(code["access_code_id"])
        elif path == "/access_codes/pull_backup_access_code":
            backup = json.loads(body)["backup_access_code"]
            for guest, code_ids in self.codes_by_guest.items():
                if params.get("access_code_id") in code_ids:
                    self.backups_by_guest.setdefault(guest, set()).add(backup["access_code_id"])
                    code_ids.append(backup["access_code_id"])

    def codes_of(self, guest: str) -> list[str]:
        return self.codes_by_guest.get(guest, [])


def outages(fake: FakeSeam, device_id: str, until: float) -> list[tuple[float, float]]:
    """The lock's offline spells up to `until`, from its connectivity events."""
    spells = []
    down: float | None = None
    for event in fake.cloud.store.events_by_workspace.get("seed_workspace_1", []):
        if event.fields.get("device_id") != device_id:
            continue
        if event.event_type == "device.disconnected" and down is None:
            down = event.occurred_at
        elif event.event_type == "device.connected" and down is not None:
            spells.append((down, event.occurred_at))
            down = None
    if down is not None:
        spells.append((down, until))
    return spells


def could_not_revoke_yet(fake: FakeSeam, device_id: str, left: float, now: float) -> bool:
    """After check-out the erase needs the lock online: was it cut off too recently?"""
    grace = GRACE.total_seconds()
    if not fake.lock_of(device_id).online:
        return True
    # An outage after check-out holds the erase until the lock is back; it lands within the
    # grace after that.
    return any(end >= left and end > now - grace for _, end in outages(fake, device_id, now))


@dataclass
class Run:
    """One scenario played against one integration class."""

    make: Callable[[Any], Any]
    scenario: Scenario
    fake: FakeSeam = field(init=False)
    device_ids: list[str] = field(init=False)

    def play(self) -> None:
        self.fake = fake = FakeSeam(seed="empty", frozen=True, now=ORIGIN)
        self.device_ids = self.scenario.apply(fake)
        watch = Watch(fake)
        access = self.make(fake.client())
        stays = list(self.scenario.stays)
        stay_ids = [f"stay-{i + 1}" for i in range(len(stays))]
        for stay_id, stay in zip(stay_ids, stays, strict=True):
            access.book(
                stay_id, self.device_of(stay), stay.guest, stay.starts_at(ORIGIN), stay.ends_at(ORIGIN)
            )
        for moment in self.checkpoints():
            fake.set_time(moment)
            for stay_id, stay in zip(stay_ids, stays, strict=True):
                if stay.leaves_at(ORIGIN) == moment:
                    access.check_out(stay_id)
            access.sync(moment)
            for stay_id, stay in zip(stay_ids, stays, strict=True):
                self.verify(moment, stay, access.pin_for(stay_id), access.problem_for(stay_id), watch)
            if watch.server_errors:
                raise Violation(f"server errors: {watch.server_errors}")

    def device_of(self, stay: Stay) -> str:
        return self.device_ids[stay.lock % len(self.device_ids)]

    def checkpoints(self) -> list[datetime]:
        stays = list(self.scenario.stays)
        last = max((s.ends_at(ORIGIN) for s in stays), default=ORIGIN) + GRACE
        moments = {ORIGIN, last}
        tick = ORIGIN
        while tick < last:
            moments.add(tick)
            tick += TICK
        for stay in stays:
            moments.update(
                {
                    stay.starts_at(ORIGIN) - timedelta(minutes=1),
                    stay.starts_at(ORIGIN) + GRACE,
                    stay.leaves_at(ORIGIN),
                    stay.leaves_at(ORIGIN) + GRACE,
                }
            )
        for fault in self.scenario.faults.faults:
            moments.add(ORIGIN + timedelta(seconds=fault.at) + GRACE)
        return sorted(m for m in moments if m >= ORIGIN)

    def verify(self, now: datetime, stay: Stay, pin: str | None, problem: str | None, watch: Watch) -> None:
        fake = self.fake
        device_id = self.device_of(stay)
        lock = fake.lock_of(device_id)
        starts, leaves = stay.starts_at(ORIGIN), stay.leaves_at(ORIGIN)
        when = f"at t+{(now - ORIGIN).total_seconds() / 3600:g}h"
        if starts + GRACE <= now < leaves and not (pin is not None and lock.slot_that_opens(pin) is not None):
            if not problem:
                raise Violation(f"{stay.guest} is locked out {when} and the integration reports nothing")
            pool = fake.backup_pool(device_id)
            pulled = watch.backups_by_guest.get(stay.guest)
            if pool["is_active"] and pool["ready"] and not pulled:
                raise Violation(
                    f"{stay.guest} is locked out {when}: the integration reports {problem!r} "
                    f"although {len(pool['ready'])} backup code(s) were ready"
                )
        moment = now.timestamp()
        for code_id in watch.codes_of(stay.guest):
            slot = lock.slot_of(code_id)
            if slot is None or not slot.active_at(moment):
                continue  # not on the lock, or outside the window a natively scheduled lock keeps
            if now < starts:
                raise Violation(f"{stay.guest}'s code {slot.code} opens the door {when}, before the stay")
            if now >= leaves + GRACE and not could_not_revoke_yet(
                fake, device_id, leaves.timestamp(), moment
            ):
                raise Violation(
                    f"{stay.guest}'s code {slot.code} still opens the door {when}, after check-out"
                )
        if len(watch.backups_by_guest.get(stay.guest, ())) > 1:
            raise Violation(
                f"{stay.guest}'s one stay took {len(watch.backups_by_guest[stay.guest])} backup codes"
            )


def check(make: Callable[[Any], Any], scenario: Scenario) -> None:
    Run(make, scenario).play()


def violation(make: Callable[[Any], Any], scenario: Scenario) -> str | None:
    """What went wrong for this integration in this scenario (a crash counts), or None."""
    try:
        check(make, scenario)
    except Exception as problem:  # noqa: BLE001 - a crashing integration fails its users too
        code = getattr(problem, "code", None)  # a Seam API error's type, e.g. no_backup_access_code_available
        return f"{type(problem).__name__}{f' ({code})' if code else ''}: {problem}"
    return None


# -- the property -------------------------------------------------------------------------


@profile_settings()
@given(scenario=scenarios())
def test_reference_integration_keeps_every_guest_in_and_everyone_else_out(scenario: Scenario) -> None:
    check(GuestAccess, scenario)


# -- it has teeth: broken variants are caught, and shrunk ------------------------------------


class NeverRevokes(GuestAccess):
    """Forgets to delete the codes at check-out (fine when guests leave on time...)."""

    def check_out(self, stay_id: str) -> None:
        booking = self.bookings[stay_id]
        booking.checked_out, booking.pin, booking.problem = True, None, None


class PullsWithoutChecking(GuestAccess):
    """Reaches for a backup without reading `is_backup_access_code_available` first."""

    def _keep_the_guest_in(self, booking: Booking) -> None:
        if booking.backup_access_code_id is not None:
            return
        code = self._get(booking.access_code_id)  # type: ignore[arg-type]
        if code is not None and code.status != "set":
            backup = self.seam.access_codes.pull_backup_access_code(access_code_id=code.access_code_id)
            booking.backup_access_code_id, booking.pin = backup.access_code_id, backup.code


class PullsBeforeCheckIn(GuestAccess):
    """Treats a code that is not programmed yet (`unset` before the stay) as a failure."""

    def sync(self, now: datetime) -> None:
        for booking in self.bookings.values():
            if not booking.checked_out and booking.access_code_id is not None and now < booking.ends_at:
                self._keep_the_guest_in(booking)


class GivesUp(GuestAccess):
    """Reports a failure instead of using the backup pool."""

    def _keep_the_guest_in(self, booking: Booking) -> None:
        code = self._get(booking.access_code_id)  # type: ignore[arg-type]
        ok = code is not None and code.status == "set"
        booking.problem = None if ok else f"{booking.guest}'s code did not make it to the lock"


SHRINK = settings(
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize(
    ("variant", "symptom"),
    [
        (NeverRevokes, "after check-out"),
        (PullsWithoutChecking, "no_backup_access_code_available|backup_access_code_pool_not_enabled"),
        (PullsBeforeCheckIn, "before the stay"),
        (GivesUp, "backup code(s) were ready"),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_a_broken_integration_is_caught_and_shrunk(variant: type, symptom: str) -> None:
    found = find(scenarios(), lambda s: violation(variant, s) is not None, settings=SHRINK)
    message = violation(variant, found) or ""
    assert any(part in message for part in symptom.split("|")), message
    # Shrunk to a scenario a person can read: one lock, one stay, and at most the couple of
    # faults that matter (from up to 3 locks, 4 faults and 4 stays drawn).
    assert len(found.fleet) == 1 and len(found.stays) == 1 and len(found.faults) <= 2, repr(found)
    if variant is NeverRevokes:
        assert found.stays.stays[0].leaves_early > 0  # only an early check-out needs a revoke
    # The correct integration survives the very same scenario.
    assert violation(GuestAccess, found) is None


# -- the worked example, one scenario at a time ------------------------------------------


def one_lock(**plan: Any) -> Fleet:
    return Fleet((LockPlan(**plan),))


def test_a_stay_on_a_healthy_lock_needs_no_backup() -> None:
    scenario = Scenario(one_lock(), stays=Stays((Stay(0, 2 * HOUR, 24 * HOUR),)))
    run = Run(GuestAccess, scenario)
    run.play()
    assert violation(GuestAccess, scenario) is None


def test_a_failed_code_falls_back_to_a_backup() -> None:
    fleet = one_lock(pool_size=1)
    faults = FaultSchedule((WritesFail(0, at=2 * HOUR, count=3),))
    stays = Stays((Stay(0, 2 * HOUR, 24 * HOUR, guest="Ada"),))
    fake = FakeSeam(seed="empty", frozen=True, now=ORIGIN)
    device_ids = Scenario(fleet, faults, stays).apply(fake)
    access = GuestAccess(fake.client())
    access.book("s", device_ids[0], "Ada", ORIGIN + timedelta(hours=2), ORIGIN + timedelta(hours=26))
    fake.set_time(ORIGIN + timedelta(hours=2) + GRACE)
    access.sync(fake.now())
    booking = access.bookings["s"]
    assert booking.backup_access_code_id is not None and access.problem_for("s") is None
    assert fake.keypad_entry(device_ids[0], access.pin_for("s"))  # type: ignore[arg-type]
    access.check_out("s")
    fake.advance(GRACE)
    assert not fake.keypad_entry(device_ids[0], booking.pin or "0000")
    assert all(s["origin"] != "managed" for s in fake.slots(device_ids[0]))


def test_no_backup_and_a_dead_code_is_reported_not_crashed() -> None:
    fleet = one_lock(brand="salto", code_lengths=(6,), constraints=("no_zeros",), pool_size=0)
    faults = FaultSchedule((WritesFail(0, at=0, count=50),))
    scenario = Scenario(fleet, faults, Stays((Stay(0, 1 * HOUR, 3 * HOUR),)))
    assert violation(GuestAccess, scenario) is None
    assert "pool_not_enabled" in (violation(PullsWithoutChecking, scenario) or "")
