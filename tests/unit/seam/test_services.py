"""Each Seam service built alone from a store, without the rest of the cloud: no HTTP, no SDK.

These hold the composition to its promise: access codes work with no backup pool wired in,
the pool works on access codes alone, and every event reaches a subscriber."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from moments import T0

from fake_seam.clock import Clock, Timeline
from fake_seam.seam import access_codes, attempts, auth, backup_pool, devices, locks, workspaces
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.events import EventLog
from fake_seam.seam.records import AccessCode, Device, Event, Workspace
from fake_seam.seam.store import Caller, Settings, Store
from fake_seam.simulator import SimulatedLock, Slot
from fake_seam.simulator.lock import LockSpec

WS = Caller("ws", "api_key")


class Forward:
    """The smallest lock listener: hands what the lock reports straight to access codes."""

    def __init__(self, codes: AccessCodes) -> None:
        self.codes = codes

    def write_landed(self, lock: SimulatedLock, key: str, slot: Slot) -> None:
        self.codes.code_landed(self.codes.store.access_codes[key])

    def write_failed(self, lock: SimulatedLock, key: str, error_code: str) -> None:
        self.codes.code_failed(self.codes.store.access_codes[key], error_code)

    def write_held(self, lock: SimulatedLock, key: str) -> None:
        pass

    def erase_landed(self, lock: SimulatedLock, key: str, had_slot: bool) -> None:
        record = self.codes.store.access_codes.get(key)
        if record is not None and record.status == "removing":
            self.codes.gone(record, had_slot=had_slot)

    def connectivity_changed(self, lock: SimulatedLock, online: bool) -> None:
        pass


class Journal:
    """A CodeLifecycle subscriber that writes down what it is told."""

    def __init__(self) -> None:
        self.told: list[tuple[str, str]] = []

    def pool_requested(self, device: Device) -> None:
        self.told.append(("pool_requested", device.device_id))

    def time_frame_changed(self, record: AccessCode) -> None:
        self.told.append(("time_frame_changed", record.access_code_id))

    def landed(self, record: AccessCode) -> None:
        self.told.append(("landed", record.access_code_id))

    def failed(self, record: AccessCode) -> None:
        self.told.append(("failed", record.access_code_id))

    def leaving(self, record: AccessCode) -> None:
        self.told.append(("leaving", record.access_code_id))

    def gone(self, record: AccessCode) -> None:
        self.told.append(("gone", record.access_code_id))


class Bench:
    """A store, an event log and access codes on one simulated lock, and nothing else."""

    def __init__(self, capacity: int = 5) -> None:
        self.clock = Clock(T0, frozen=True)
        self.timeline = Timeline(self.clock)
        self.store = Store(self.timeline, 0, Settings())
        self.events = EventLog(self.store)
        self.codes = AccessCodes(self.store, self.events, self.timeline, self.store.settings)
        self.store.add_workspace(Workspace("ws", "Workspace", "Company"))
        lock = SimulatedLock(
            "lock_1",
            self.timeline,
            self.store.fault_rng,
            LockSpec(capacity=capacity),
            listener=Forward(self.codes),
        )
        self.device = Device(
            "lock_1",
            "ws",
            "account_1",
            "august_lock",
            "august",
            "Front door",
            0.0,
            lock=lock,
            supports_backup_access_code_pool=True,
        )
        self.store.add_device(self.device)

    def wait(self, seconds: float) -> None:
        target = self.clock.timestamp() + seconds
        self.timeline.run_until(target)
        self.clock.set(self.clock.now().fromtimestamp(target, T0.tzinfo))
        self.timeline.run_until()


def test_access_codes_work_alone_and_announce_their_life() -> None:
    bench = Bench()
    journal = Journal()
    bench.codes.hooks.append(journal)
    code = bench.codes.create(WS, device_id="lock_1", code="1234", name="Ada")
    assert code is not None and code.status == "setting"
    bench.wait(60)
    assert code.status == "set"
    bench.codes.delete(WS, code.access_code_id)
    bench.wait(60)
    assert journal.told == [
        ("landed", code.access_code_id),
        ("leaving", code.access_code_id),
        ("gone", code.access_code_id),
    ]
    assert code.access_code_id not in bench.store.access_codes
    assert bench.device.lock is not None and bench.device.lock.occupied() == []


def test_a_pool_needs_only_the_store_and_access_codes() -> None:
    bench = Bench(capacity=6)
    pools = BackupPools(bench.store, bench.codes)
    bench.codes.hooks.append(pools)  # as the cloud wires it: the pool follows each code's life
    now = bench.clock.timestamp()
    guest = bench.codes.create(
        WS, device_id="lock_1", starts_at=now, ends_at=now + 86_400, use_backup_access_code_pool=True
    )
    assert guest is not None
    assert "empty_backup_access_code_pool" in bench.device.errors  # written, not yet landed
    bench.wait(60)
    assert len(pools.ready_backups(bench.device)) == bench.store.settings.default_pool_size
    assert "empty_backup_access_code_pool" not in bench.device.errors
    backup = pools.pull(WS, guest.access_code_id)
    assert backup.pulled and backup.ends_at == guest.ends_at
    bench.codes.update(WS, guest.access_code_id, ends_at=now + 2 * 86_400)
    assert backup.ends_at == guest.ends_at  # the pool followed the time_frame_changed hook


def test_every_event_reaches_subscribers_in_order_until_they_leave() -> None:
    bench = Bench()
    seen: list[Event] = []
    leave = bench.events.subscribe(seen.append)
    code = bench.codes.create(WS, device_id="lock_1", code="1234")
    assert code is not None
    bench.wait(60)
    assert [e.event_type for e in seen] == ["access_code.created", "access_code.set_on_device"]
    assert seen == list(bench.store.events_by_workspace["ws"])
    leave()
    bench.codes.delete(WS, code.access_code_id)
    assert len(seen) == 2 and len(bench.store.events_by_workspace["ws"]) > 2


SERVICE_MODULES = [access_codes, attempts, auth, backup_pool, devices, locks, workspaces]


@pytest.mark.parametrize("module", SERVICE_MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_no_service_inherits_from_another(module: Any) -> None:
    classes = [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
    assert classes
    for cls in classes:
        assert cls.__bases__ == (object,), f"{cls.__name__} inherits from {cls.__bases__}"
