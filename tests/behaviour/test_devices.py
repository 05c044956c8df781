"""/devices/* and /devices/unmanaged/* through the official SDK."""

from __future__ import annotations

from typing import Any

import pytest
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.fake import FakeSeam

SEEDED = [
    "august_device_1",
    "august_device_2",
    "ecobee_device_1",
    "minut_device_1",
    "schlage_device_id",
    "salto_device_1",
    "kwikset_device_1",
    "yale_device_1",
]
LOCKS = [d for d in SEEDED if d not in ("ecobee_device_1", "minut_device_1")]


def ids(devices: list[Any]) -> list[str]:
    return [d.device_id for d in devices]


# -- get ----------------------------------------------------------------------------------


def test_get_by_id_and_by_name(sdk: Any) -> None:
    device = sdk.devices.get(device_id="august_device_1")
    assert (device.device_id, device.display_name, device.device_type) == (
        "august_device_1",
        "Front Door",
        "august_lock",
    )
    assert sdk.devices.get(name="Back Door").device_id == "august_device_2"


def test_get_an_unknown_device(sdk: Any) -> None:
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.devices.get(device_id="no_such_device")
    assert raised.value.code == "device_not_found"
    assert raised.value.status_code == 404
    assert raised.value.data == {"device_id": "no_such_device"}
    with pytest.raises(SeamHttpApiError) as by_name:
        sdk.devices.get(name="No Such Door")
    assert by_name.value.code == "device_not_found"


@pytest.mark.guide("supported-brands")
def test_a_lock_carries_the_hardware_the_simulator_models(sdk: Any) -> None:
    front = sdk.devices.get(device_id="august_device_1")
    p = front.properties
    assert (p.online, p.locked, p.max_active_codes_supported) == (True, True, 20)
    assert p.supported_code_lengths == [4, 5, 6, 7, 8]
    assert p.supports_backup_access_code_pool is True
    assert p.code_constraints == []
    assert set(front.capabilities_supported) >= {"access_code", "lock"}
    assert front.can_remotely_lock and front.can_remotely_unlock and front.can_program_online_access_codes
    assert front.connected_account_id == "john_connected_account_id"
    assert front.workspace_id == "seed_workspace_1"
    assert front.is_managed is True and front.errors == [] and front.warnings == []
    salto = sdk.devices.get(device_id="salto_device_1").properties
    assert salto.supports_backup_access_code_pool is False
    assert salto.supported_code_lengths == [6]
    assert sdk.devices.get(device_id="kwikset_device_1").properties.max_active_codes_supported == 3
    yale = sdk.devices.get(device_id="yale_device_1").properties
    assert yale.code_constraints and all(c.constraint_type for c in yale.code_constraints)


def test_a_thermostat_and_a_sensor_are_not_locks(sdk: Any) -> None:
    thermostat = sdk.devices.get(device_id="ecobee_device_1")
    assert thermostat.capabilities_supported == ["thermostat"]
    assert not thermostat.can_remotely_unlock
    assert sdk.devices.get(device_id="minut_device_1").capabilities_supported == ["noise_detection"]


# -- list and its filters -----------------------------------------------------------------


def test_list_everything(sdk: Any) -> None:
    assert ids(sdk.devices.list()) == SEEDED


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"device_ids": ["schlage_device_id", "august_device_1"]}, ["august_device_1", "schlage_device_id"]),
        ({"device_ids": ["schlage_device_id", "not_a_device"]}, ["schlage_device_id"]),
        ({"device_type": "august_lock"}, ["august_device_1", "august_device_2"]),
        ({"device_types": ["schlage_lock", "ecobee_thermostat"]}, ["ecobee_device_1", "schlage_device_id"]),
        ({"manufacturer": "august"}, ["august_device_1", "august_device_2"]),
        ({"manufacturer": "salto"}, ["salto_device_1"]),
        (
            {"connected_account_id": "jane_connected_account_id"},
            ["schlage_device_id", "salto_device_1", "kwikset_device_1", "yale_device_1"],
        ),
        (
            {"connected_account_ids": ["john_connected_account_id"]},
            ["august_device_1", "august_device_2", "ecobee_device_1", "minut_device_1"],
        ),
        ({"connected_account_ids": ["john_assa_cs_connected_account_id"]}, []),
        ({"search": "front"}, ["august_device_1"]),
        ({"search": "LIVING ROOM"}, ["ecobee_device_1", "minut_device_1"]),
        ({"limit": 3}, SEEDED[:3]),
        ({"manufacturer": "august", "search": "back"}, ["august_device_2"]),
    ],
    ids=lambda v: ",".join(v) if isinstance(v, dict) else None,
)
def test_list_filters(sdk: Any, filters: dict[str, Any], expected: list[str]) -> None:
    assert sorted(ids(sdk.devices.list(**filters))) == sorted(expected)
    if "limit" in filters:
        assert ids(sdk.devices.list(**filters)) == expected


def test_list_include_if_and_exclude_if(sdk: Any) -> None:
    # In Seam's spec, not in SDK 3.18's signature: sent as the SDK sends any GET.
    def listed(**params: Any) -> list[str]:
        return [d["device_id"] for d in sdk.client.get("/devices/list", params=params)["devices"]]

    assert listed(include_if="can_remotely_unlock") == LOCKS
    assert listed(exclude_if="can_remotely_unlock") == ["ecobee_device_1", "minut_device_1"]


def test_list_created_before(fake: FakeSeam, sdk: Any) -> None:
    seeded_at = sdk.devices.get(device_id="august_device_1").created_at
    fake.advance(3600)
    cutoff = fake.now().isoformat()
    fake.advance(3600)
    new = fake.create_lock(display_name="Gate")
    assert new.device_id in ids(sdk.devices.list())
    assert ids(sdk.devices.list(created_before=cutoff)) == SEEDED
    assert ids(sdk.devices.list(created_before=seeded_at)) == []


def test_list_refuses_bad_filters_with_zods_words(sdk: Any) -> None:
    with pytest.raises(SeamHttpInvalidInputError) as raised:
        sdk.devices.list(device_type="toaster")
    # A union of enums: zod reports each option.
    messages = raised.value.get_validation_error_messages("device_type")
    assert messages[0].startswith("Invalid enum value. Expected 'akuvox_lock' | 'august_lock'")
    assert all(m.startswith("Invalid enum value.") and m.endswith("received 'toaster'") for m in messages)
    with pytest.raises(SeamHttpInvalidInputError) as bad_date:
        sdk.devices.list(created_before="last tuesday")
    assert bad_date.value.get_validation_error_messages("created_before") == ["Invalid datetime"]


def test_paginate_through_every_device(sdk: Any) -> None:
    paginator = sdk.create_paginator(sdk.devices.list, {"limit": 3})
    devices, pagination = paginator.first_page()
    assert ids(devices) == SEEDED[:3] and pagination.has_next_page
    pages = [ids(devices)]
    while pagination.has_next_page:
        devices, pagination = paginator.next_page(pagination.next_page_cursor)
        pages.append(ids(devices))
    assert pages == [SEEDED[:3], SEEDED[3:6], SEEDED[6:]]
    assert ids(sdk.create_paginator(sdk.devices.list, {"limit": 2}).flatten()) == SEEDED
    # Filters hold on every page.
    jane = sdk.create_paginator(
        sdk.devices.list, {"limit": 1, "connected_account_id": "jane_connected_account_id"}
    )
    assert ids(jane.flatten()) == ["schlage_device_id", "salto_device_1", "kwikset_device_1", "yale_device_1"]


# -- update, delete -----------------------------------------------------------------------


def test_update_name(sdk: Any) -> None:
    assert sdk.devices.update(device_id="august_device_2", name="Side Door") is None
    device = sdk.devices.get(device_id="august_device_2")
    assert device.display_name == "Side Door"
    assert device.nickname == "Side Door"
    assert ids(sdk.devices.list(search="side")) == ["august_device_2"]
    events = sdk.events.list(since="2000-01-01T00:00:00Z", event_type="device.name_changed")
    assert [e.device_id for e in events] == ["august_device_2"]


def test_update_custom_metadata_merges_and_filters(sdk: Any) -> None:
    sdk.devices.update(device_id="august_device_1", custom_metadata={"unit": "4B", "vip": True})
    sdk.devices.update(device_id="august_device_1", custom_metadata={"floor": "2"})
    assert sdk.devices.get(device_id="august_device_1").custom_metadata == {
        "unit": "4B",
        "vip": True,
        "floor": "2",
    }
    assert ids(sdk.devices.list(custom_metadata_has={"unit": "4B"})) == ["august_device_1"]
    assert ids(sdk.devices.list(custom_metadata_has={"vip": True})) == ["august_device_1"]
    with pytest.raises(SeamHttpInvalidInputError) as raised:
        sdk.devices.update(device_id="august_device_1", custom_metadata="unit 4B")
    assert raised.value.get_validation_error_messages("custom_metadata")


def test_update_is_managed_moves_a_device_to_the_unmanaged_list(sdk: Any) -> None:
    sdk.devices.update(device_id="kwikset_device_1", is_managed=False)
    assert "kwikset_device_1" not in ids(sdk.devices.list())
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.devices.get(device_id="kwikset_device_1")
    assert raised.value.code == "device_not_found"
    assert ids(sdk.devices.unmanaged.list()) == ["kwikset_device_1"]
    unmanaged = sdk.devices.unmanaged.get(device_id="kwikset_device_1")
    assert unmanaged.is_managed is False
    assert unmanaged.properties.name == "Shed"
    # Unmanaged devices cannot be controlled.
    with pytest.raises(SeamHttpApiError):
        sdk.locks.unlock_door(device_id="kwikset_device_1")

    sdk.devices.unmanaged.update(device_id="kwikset_device_1", custom_metadata={"note": "spare"})
    assert sdk.devices.unmanaged.get(device_id="kwikset_device_1").custom_metadata == {"note": "spare"}
    sdk.devices.unmanaged.update(device_id="kwikset_device_1", is_managed=True)
    assert sdk.devices.unmanaged.list() == []
    assert sdk.devices.get(device_id="kwikset_device_1").custom_metadata == {"note": "spare"}


def test_unmanaged_routes_do_not_see_managed_devices(sdk: Any) -> None:
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.devices.unmanaged.get(device_id="august_device_1")
    assert raised.value.code == "device_not_found"
    with pytest.raises(SeamHttpApiError):
        sdk.devices.unmanaged.update(device_id="august_device_1", custom_metadata={"a": "b"})


def test_unmanaged_list_filters_and_paginates(sdk: Any) -> None:
    for device_id in ("kwikset_device_1", "yale_device_1", "august_device_2"):
        sdk.devices.update(device_id=device_id, is_managed=False)
    assert ids(sdk.devices.unmanaged.list(manufacturer="yale")) == ["yale_device_1"]
    assert ids(sdk.devices.unmanaged.list(connected_account_id="john_connected_account_id")) == [
        "august_device_2"
    ]
    pages = sdk.create_paginator(sdk.devices.unmanaged.list, {"limit": 2}).flatten()
    assert ids(pages) == ["august_device_2", "kwikset_device_1", "yale_device_1"]


def test_delete(fake: FakeSeam, sdk: Any) -> None:
    # SDK 3.18 has no devices.delete; the route is still Seam's, called as the SDK would.
    sdk.client.delete("/devices/delete", params={"device_id": "minut_device_1"})
    assert "minut_device_1" not in ids(sdk.devices.list())
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.devices.get(device_id="minut_device_1")
    assert raised.value.code == "device_not_found"
    with pytest.raises(SeamHttpApiError) as again:
        sdk.client.post("/devices/delete", json={"device_id": "minut_device_1"})
    assert again.value.code == "device_not_found"


def test_list_device_providers(sdk: Any) -> None:
    providers = sdk.devices.list_device_providers()
    names = {p.device_provider_name for p in providers}
    assert {"august", "schlage", "salto", "yale", "kwikset", "ecobee", "minut"} <= names
    assert all(p.display_name and p.image_url and p.provider_categories for p in providers)
    thermostats = sdk.devices.list_device_providers(provider_category="thermostats")
    assert [p.device_provider_name for p in thermostats] == ["ecobee"]
    with pytest.raises(SeamHttpInvalidInputError):
        sdk.devices.list_device_providers(provider_category="toasters")
