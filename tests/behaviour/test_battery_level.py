"""A device's battery as a client sees it through the official SDK, moved by `set_battery_level`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam
from fake_seam.seam.errors import SeamError

SINCE = "2000-01-01T00:00:00Z"
BATTERY_EVENTS = ["device.battery_status_changed", "device.low_battery"]


def battery(sdk: Any, device_id: str) -> tuple[float, str]:
    properties = sdk.devices.get(device_id=device_id).properties
    assert properties.battery.level == properties.battery_level  # one reading, shown twice
    return properties.battery_level, properties.battery.status


def battery_events(sdk: Any, device_id: str) -> list[tuple[str, dict[str, Any]]]:
    events = sdk.events.list(since=SINCE, device_id=device_id, event_types=BATTERY_EVENTS)
    keep = ("device_id", "connected_account_id", "battery_status", "battery_level")
    return [(e.event_type, {k: getattr(e, k) for k in keep if hasattr(e, k)}) for e in events]


def test_every_device_starts_as_it_always_read(sdk: Any) -> None:
    for device in sdk.devices.list():
        assert (device.properties.battery_level, device.properties.battery.status) == (0.86, "good")


@pytest.mark.parametrize("device_id", ["august_device_1", "ecobee_device_1", "minut_device_1"])
def test_a_low_battery_shows_on_the_device_and_in_its_events(
    fake: FakeSeam, sdk: Any, device_id: str
) -> None:
    account = sdk.devices.get(device_id=device_id).connected_account_id
    answer = fake.set_battery_level(device_id, 0.2)
    assert answer["device"]["properties"]["battery"] == {"level": 0.2, "status": "low"}
    assert battery(sdk, device_id) == (0.2, "low")
    ids = {"device_id": device_id, "connected_account_id": account}
    assert battery_events(sdk, device_id) == [
        ("device.battery_status_changed", {**ids, "battery_status": "low", "battery_level": 0.2}),
        ("device.low_battery", {**ids, "battery_level": 0.2}),
    ]


def test_the_status_follows_the_level_and_only_a_change_is_an_event(fake: FakeSeam, sdk: Any) -> None:
    for level, status in [(0.5, "good"), (0.05, "critical"), (0.24, "low"), (1.0, "full"), (0.95, "full")]:
        fake.set_battery_level("august_device_2", level)
        assert battery(sdk, "august_device_2") == (level, status)
    changes = [
        e["battery_status"] for t, e in battery_events(sdk, "august_device_2") if t.endswith("changed")
    ]
    assert changes == ["critical", "low", "full"]  # 0.5 and the second full were no change
    assert [t for t, _ in battery_events(sdk, "august_device_2")].count("device.low_battery") == 1


def test_the_route_sets_it_without_credentials_and_an_unknown_device_is_404(fake: FakeSeam, sdk: Any) -> None:
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as client:
        ok = client.post(
            "/_fake/devices/set_battery_level", json={"device_id": "yale_device_1", "level": 0.97}
        )
        assert ok.status_code == 200 and ok.json()["device"]["properties"]["battery"]["status"] == "full"
        missing = client.post("/_fake/devices/set_battery_level", json={"device_id": "nope", "level": 0.5})
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "device_not_found"
    assert battery(sdk, "yale_device_1") == (0.97, "full")
    with pytest.raises(SeamError) as raised:
        fake.set_battery_level("nope", 0.5)
    assert (raised.value.type, raised.value.status) == ("device_not_found", 404)


def test_reset_restores_the_seeded_level(fake: FakeSeam, sdk: Any) -> None:
    fake.set_battery_level("august_device_1", 0.1)
    fake.reset()
    assert battery(sdk, "august_device_1") == (0.86, "good")


def test_a_level_given_when_a_lock_is_made_is_the_one_the_control_moves(fake: FakeSeam, sdk: Any) -> None:
    lock = fake.create_lock(display_name="Shed", properties={"battery_level": 0.2})
    assert battery(sdk, lock.device_id) == (0.2, "low")
    fake.set_battery_level(lock.device_id, 0.6)
    assert battery(sdk, lock.device_id) == (0.6, "good")
