"""The device and access code shapes are built for speed (key by key, the usual cases taking
no call); the plain versions they replaced are kept here as the reference, and every shape
must serialize to the same bytes, in the same key order, whatever state the records are in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fake_seam.fake import FakeSeam
from fake_seam.seam.cloud import SeamCloud
from fake_seam.seam.records import NO_ISSUES, AccessCode, Device, battery_status
from fake_seam.wire import shapes
from fake_seam.wire.shapes import (
    FLAGS,
    LOCK_CAPABILITIES,
    LOCK_FLAGS,
    OWN_PROPERTIES,
    UNMANAGED_FIELDS,
    maker,
    ts,
)


def reference_device(cloud: SeamCloud, d: Device) -> dict[str, Any]:
    lock = d.lock
    stored = d.properties
    online = lock.online if lock is not None else bool(stored.get("online", True))
    name = d.display_name
    level = d.battery_level
    manufacturer = d.manufacturer
    provider, image_url, image_alt_text = maker(manufacturer)
    model: dict[str, Any] = {"display_name": provider, "manufacturer_display_name": provider}
    properties: dict[str, Any] = {
        "name": name,
        "online": online,
        "manufacturer": manufacturer,
        "appearance": {"name": name},
        "model": model,
        "image_url": image_url,
        "image_alt_text": image_alt_text,
        "battery_level": level,
        "battery": {"level": level, "status": battery_status(level)},
        "has_direct_power": False,
    }
    if stored:
        extra = dict(stored)
        stored_model = extra.pop("model", None)
        if isinstance(stored_model, dict):
            model = properties["model"] = {**model, **stored_model}
        properties.update({k: v for k, v in extra.items() if k not in OWN_PROPERTIES})
    capabilities: list[str] = []
    flags = FLAGS
    if lock is not None:
        capabilities = list(LOCK_CAPABILITIES)
        rules = lock.rules
        properties.update(
            {
                "locked": lock.locked,
                "door_open": False,
                "max_active_codes_supported": lock.capacity,
                "supported_code_lengths": list(rules.supported_code_lengths),
                "code_constraints": [dict(c) for c in rules.code_constraints],
                "supports_backup_access_code_pool": d.supports_backup_access_code_pool,
                "backup_access_code_pool_enabled": d.pool.is_on,
                "has_native_entry_events": True,
                "supports_accessory_keypad": False,
                "supports_offline_access_codes": False,
                "online_access_codes_enabled": True,
                "offline_access_codes_enabled": False,
                "keypad_battery": {"level": 0.9},
            }
        )
        properties["model"].update(
            {
                "has_built_in_keypad": True,
                "can_connect_accessory_keypad": False,
                "online_access_codes_supported": True,
                "offline_access_codes_supported": False,
            }
        )
        flags = LOCK_FLAGS
    elif d.device_type.endswith("thermostat"):
        capabilities = ["thermostat"]
    elif "sensor" in d.device_type:
        capabilities = ["noise_detection"]
    out: dict[str, Any] = {
        "device_id": d.device_id,
        "device_type": d.device_type,
        "display_name": name,
        "space_ids": [],
        "capabilities_supported": capabilities,
        "properties": properties,
        "connected_account_id": d.connected_account_id,
        "workspace_id": d.workspace_id,
        "errors": d.error_list(),
        "warnings": d.warning_list(),
        "created_at": ts(d.created_at),
        "is_managed": d.is_managed,
        "custom_metadata": dict(d.custom_metadata),
        **flags,
    }
    if d.nickname is not None:
        out["nickname"] = d.nickname
    if not d.is_managed:
        out = {k: v for k, v in out.items() if k in UNMANAGED_FIELDS}
    return out


def reference_access_code(cloud: SeamCloud, c: AccessCode) -> dict[str, Any]:
    dev = cloud.store.devices.get(c.device_id)
    errors = c.error_list()
    if dev is not None and "device_offline" in dev.errors and c.status in ("setting", "removing"):
        at, message = dev.errors["device_offline"]
        errors.append(
            {
                "error_code": "device_offline",
                "message": message,
                "is_device_error": True,
                "created_at": ts(at),
            }
        )
    out: dict[str, Any] = {
        "access_code_id": c.access_code_id,
        "device_id": c.device_id,
        "workspace_id": c.workspace_id,
        "name": c.name,
        "code": c.code,
        "common_code_key": c.common_code_key,
        "type": c.type,
        "status": c.status,
        "created_at": ts(c.created_at),
        "errors": errors,
        "warnings": c.warning_list(),
        "is_managed": True,
        "is_backup": c.is_backup,
        "is_backup_access_code_available": cloud.pools.is_backup_access_code_available(c),
        "pulled_backup_access_code_id": c.pulled_backup_access_code_id,
        "is_external_modification_allowed": c.is_external_modification_allowed,
        "is_one_time_use": c.is_one_time_use,
        "is_offline_access_code": c.is_offline_access_code,
        "is_scheduled_on_device": c.is_scheduled_on_device,
        "is_waiting_for_code_assignment": False,
        "pending_mutations": [],
        "dormakaba_oracode_metadata": None,
    }
    if c.is_backup:
        out["pulled"] = c.pulled
    if c.type == "time_bound":
        out["starts_at"] = ts(c.starts_at)
        out["ends_at"] = ts(c.ends_at)
    return out


def same(new: dict[str, Any], old: dict[str, Any]) -> None:
    assert orjson.dumps(new) == orjson.dumps(old)  # values and key order alike


json_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=4))
stored_properties = st.dictionaries(
    st.sampled_from(["online", "battery", "battery_level", "model", "name", "locked", "color", "door_open"]),
    st.one_of(json_values, st.dictionaries(st.sampled_from(["display_name", "x"]), json_values, max_size=2)),
    max_size=5,
)
issues = st.dictionaries(
    st.sampled_from(
        ["device_offline", "account_disconnected", "low_battery", "no_space_for_access_code_on_device"]
    ),
    st.tuples(st.floats(0, 2e9), st.text(max_size=3)),
    max_size=2,
)
device_changes = st.fixed_dictionaries(
    {
        "properties": stored_properties,
        "custom_metadata": st.dictionaries(st.text(max_size=3), json_values, max_size=2),
        "errors": issues,
        "warnings": issues,
        "nickname": st.one_of(st.none(), st.text(max_size=3)),
        "is_managed": st.booleans(),
        "battery_level": st.floats(0, 1),
        "supports_backup_access_code_pool": st.booleans(),
        "online": st.booleans(),
        "locked": st.booleans(),
        "pool": st.tuples(st.booleans(), st.booleans()),
        "constraints": st.lists(st.sampled_from(["no_zeros", "cannot_start_with_12"]), max_size=2),
    }
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 7), device_changes), max_size=4))
def test_device_shapes_agree_with_the_reference(changes: list[tuple[int, dict[str, Any]]]) -> None:
    fake = FakeSeam(frozen=True)
    cloud = fake.cloud
    devices = list(cloud.store.devices.values())
    for index, change in changes:
        d = devices[index % len(devices)]
        d.properties = change["properties"]
        d.custom_metadata = change["custom_metadata"]
        d.errors = dict(change["errors"])
        d.warnings = dict(change["warnings"])
        d.nickname = change["nickname"]
        d.is_managed = change["is_managed"]
        d.battery_level = change["battery_level"]
        d.supports_backup_access_code_pool = change["supports_backup_access_code_pool"]
        d.pool.active, d.pool.switched_off = change["pool"]
        if d.lock is not None:
            d.lock.online = change["online"]
            d.lock.locked = change["locked"]
            d.lock.rules.code_constraints = [{"constraint_type": k} for k in change["constraints"]]
    for d in devices:
        same(shapes.device(cloud, d), reference_device(cloud, d))


code_changes = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["unset", "setting", "set", "removing"]),
        "errors": issues,
        "warnings": issues,
        "is_backup": st.booleans(),
        "pulled": st.booleans(),
        "device_offline": st.booleans(),
    }
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.booleans(), st.booleans(), st.sampled_from([0, 1, 30, 3600, 86400])), max_size=5),
    st.lists(st.tuples(st.integers(0, 9), code_changes), max_size=4),
)
def test_access_code_shapes_agree_with_the_reference(
    made: list[tuple[bool, bool, int]], changes: list[tuple[int, dict[str, Any]]]
) -> None:
    """Codes made through the SDK (ongoing, time-bound, with the backup pool, some ended or
    pulled as the clock moves), then their records bent into every status and issue."""
    fake = FakeSeam(frozen=True)
    seam = fake.client()
    device_id = "august_device_1"  # supports the backup pool
    for time_bound, pool, later in made:
        now = fake.now()
        extra: dict[str, Any] = (
            {
                "starts_at": (now + timedelta(minutes=1)).isoformat(),
                "ends_at": (now + timedelta(hours=2)).isoformat(),
                "use_backup_access_code_pool": pool,
            }
            if time_bound
            else {}
        )
        seam.access_codes.create(device_id=device_id, **extra)
        fake.advance(later)
    cloud = fake.cloud
    codes = list(cloud.store.codes_by_device[device_id].values())
    device = cloud.store.devices[device_id]
    for index, change in changes:
        if not codes:
            break
        c = codes[index % len(codes)]
        c.status = change["status"]
        c.errors = dict(change["errors"]) or NO_ISSUES
        c.warnings = dict(change["warnings"]) or NO_ISSUES
        c.is_backup = change["is_backup"]
        c.pulled = change["pulled"]
        if change["device_offline"]:
            device.errors["device_offline"] = (0.0, "Device is offline")
        else:
            device.errors.pop("device_offline", None)
    for c in codes:
        same(shapes.access_code(cloud, c), reference_access_code(cloud, c))
