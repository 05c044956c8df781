"""A device's battery on Seam's side, the devices service built alone from a store: the status
its level maps to, and the events a new reading emits."""

from __future__ import annotations

import pytest
from moments import T0

from fake_seam.clock import Clock, Timeline
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.devices import Devices
from fake_seam.seam.events import EventLog
from fake_seam.seam.lock_reports import LockReports
from fake_seam.seam.records import Device, Workspace, battery_status
from fake_seam.seam.store import Settings, Store


def devices_alone() -> tuple[Devices, Device]:
    """The devices service and a thermostat (a device with no lock hardware)."""
    timeline = Timeline(Clock(T0, frozen=True))
    store = Store(timeline, 0, Settings())
    events = EventLog(store)
    codes = AccessCodes(store, events, timeline, store.settings)
    pools = BackupPools(store, codes)
    service = Devices(
        store, events, pools, LockReports(store, events, codes, pools), timeline, store.settings
    )
    store.add_workspace(Workspace("ws", "Workspace", "Company"))
    device = service.add_other_device(
        workspace_id="ws",
        connected_account_id="account_1",
        device_id="thermostat_1",
        device_type="ecobee_thermostat",
        manufacturer="ecobee",
        display_name="Hall",
    )
    return service, device


def emitted(service: Devices) -> list[tuple[str, dict[str, object]]]:
    return [(e.event_type, dict(e.fields)) for e in service.store.events_by_workspace.get("ws", [])]


@pytest.mark.parametrize(
    ("level", "status"),
    [(0.0, "critical"), (0.099, "critical"), (0.1, "low"), (0.249, "low"), (0.25, "good")]
    + [(0.86, "good"), (0.949, "good"), (0.95, "full"), (1.0, "full")],
)
def test_the_status_follows_the_level(level: float, status: str) -> None:
    assert battery_status(level) == status


def test_a_new_device_reports_the_level_it_always_did() -> None:
    _, device = devices_alone()
    assert (device.battery_level, device.battery_status) == (0.86, "good")


def test_a_reading_within_the_same_status_emits_nothing() -> None:
    service, device = devices_alone()
    service.set_battery_level(device, 0.5)
    assert device.battery_level == 0.5
    assert emitted(service) == []


def test_dropping_below_low_emits_the_status_change_and_low_battery_once() -> None:
    service, device = devices_alone()
    ids = {"device_id": "thermostat_1", "connected_account_id": "account_1"}
    service.set_battery_level(device, 0.2)
    assert emitted(service) == [
        ("device.battery_status_changed", {**ids, "battery_status": "low", "battery_level": 0.2}),
        ("device.low_battery", {**ids, "battery_level": 0.2}),
    ]
    service.set_battery_level(device, 0.15)  # still low: no new event
    service.set_battery_level(device, 0.05)  # critical: a status change, but no second crossing
    assert [t for t, _ in emitted(service)][2:] == ["device.battery_status_changed"]
    service.set_battery_level(device, 1.0)  # replaced: full, and the next drop counts again
    service.set_battery_level(device, 0.2)
    assert [t for t, _ in emitted(service)][3:] == [
        "device.battery_status_changed",
        "device.battery_status_changed",
        "device.low_battery",
    ]


@pytest.mark.parametrize(
    ("properties", "level"),
    [({"battery_level": 0.2}, 0.2), ({"battery": {"level": 1}}, 1.0), ({"battery": "?"}, 0.86), (None, 0.86)],
)
def test_a_level_given_when_the_device_is_made_is_the_records(
    properties: dict[str, object] | None, level: float
) -> None:
    service, _ = devices_alone()
    lock = service.add_lock(workspace_id="ws", connected_account_id="account_1", properties=properties)
    assert lock.battery_level == level
