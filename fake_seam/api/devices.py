"""/devices/* and /devices/unmanaged/* and /devices/simulate/*."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from fake_seam.api.routing import Context, given, paginate, route, timestamp
from fake_seam.seam.errors import invalid_input
from fake_seam.wire import shapes

DEVICE_PROVIDERS = [
    ("august", "August", ["stable", "consumer_smartlocks"]),
    ("schlage", "Schlage", ["stable", "consumer_smartlocks"]),
    ("yale", "Yale", ["stable", "consumer_smartlocks"]),
    ("kwikset", "Kwikset", ["stable", "consumer_smartlocks"]),
    ("salto", "Salto", ["stable", "access_control_systems"]),
    ("ecobee", "ecobee", ["stable", "thermostats"]),
    ("minut", "Minut", ["stable", "noise_sensors"]),
]


def list_filters(p: BaseModel) -> dict[str, Any]:
    device_types = getattr(p, "device_types", None)
    if given(p, "device_type"):
        device_types = [p.device_type]  # type: ignore[attr-defined]
    accounts = getattr(p, "connected_account_ids", None)
    if given(p, "connected_account_id"):
        accounts = [p.connected_account_id]  # type: ignore[attr-defined]
    return {
        "device_ids": getattr(p, "device_ids", None),
        "device_types": device_types,
        "manufacturer": getattr(p, "manufacturer", None),
        "connected_account_ids": accounts,
        "search": getattr(p, "search", None),
        "created_before": timestamp(p, "created_before"),
    }


def find_device(ctx: Context, p: BaseModel, *, managed: bool | None = True):  # noqa: ANN201
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if given(p, "device_id"):
        return cloud.store.device(caller, p.device_id, managed=managed)  # type: ignore[attr-defined]
    if given(p, "name"):
        for device in cloud.store.visible_devices(caller):
            if device.display_name == p.name and (managed is None or device.is_managed == managed):  # type: ignore[attr-defined]
                return device
        from fake_seam.seam.errors import not_found

        raise not_found("device", "Device not found", name=p.name)  # type: ignore[attr-defined]
    raise invalid_input("device_id", "Required")


def matches_metadata(stored: dict[str, Any], wanted: dict[str, Any] | None) -> bool:
    """`custom_metadata_has`: every key present with that value (null: the key is unset; an
    empty string: the key is left out of the filter, as Seam documents). A query string
    carries `true`/`false` as text, which matches a boolean stored under the key."""
    if not wanted:
        return True
    for key, value in wanted.items():
        if value == "":
            continue
        have = stored.get(key)
        if have != value and not (isinstance(have, bool) and value == str(have).lower()):
            return False
    return True


def json_filters(ctx: Context, devices: list[Any], p: BaseModel) -> list[Any]:
    """The filters on custom metadata and on the device's `can_*` flags (`include_if`: all
    true; `exclude_if`: none true). Devices are shaped only when a flag filter needs it."""
    has = getattr(p, "custom_metadata_has", None)
    if has:
        devices = [d for d in devices if matches_metadata(d.custom_metadata, has)]
    include = getattr(p, "include_if", None) or []
    exclude = getattr(p, "exclude_if", None) or []
    if include or exclude:
        kept = []
        for device in devices:
            shape = shapes.device(ctx.cloud, device)
            if all(shape.get(f) is True for f in include) and not any(shape.get(f) is True for f in exclude):
                kept.append(device)
        devices = kept
    return devices


@route("/devices/get")
def get_device(ctx: Context, p: BaseModel) -> dict[str, Any]:
    return {"device": shapes.device(ctx.cloud, find_device(ctx, p))}


@route("/devices/list")
def list_devices(ctx: Context, p: BaseModel) -> dict[str, Any]:
    devices = json_filters(ctx, ctx.cloud.devices.list_devices(ctx.require_caller(), **list_filters(p)), p)
    page, pagination = paginate(ctx, devices, p)
    return {"devices": [shapes.device(ctx.cloud, d) for d in page], "pagination": pagination}


@route("/devices/update")
def update_device(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.cloud.devices.update_device(
        ctx.require_caller(),
        p.device_id,  # type: ignore[attr-defined]
        name=getattr(p, "name", None),
        custom_metadata=getattr(p, "custom_metadata", None),
        is_managed=getattr(p, "is_managed", None),
        backup_access_code_pool_enabled=getattr(p, "backup_access_code_pool_enabled", None),
    )
    return {}


@route("/devices/delete")
def delete_device(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.cloud.devices.delete_device(ctx.require_caller(), p.device_id)  # type: ignore[attr-defined]
    return {}


@route("/devices/list_device_providers")
def list_device_providers(ctx: Context, p: BaseModel) -> dict[str, Any]:
    category = getattr(p, "provider_category", None)
    providers = [
        {
            "device_provider_name": name,
            "display_name": display,
            "image_url": f"https://connect.getseam.com/assets/images/logos/{name}_logo_square.png",
            "provider_categories": categories,
            "can_remotely_lock": name not in ("ecobee", "minut"),
            "can_remotely_unlock": name not in ("ecobee", "minut"),
            "can_program_online_access_codes": name not in ("ecobee", "minut"),
        }
        for name, display, categories in DEVICE_PROVIDERS
        if category is None or category in categories
    ]
    return {"device_providers": providers}


@route("/devices/unmanaged/get")
def get_unmanaged_device(ctx: Context, p: BaseModel) -> dict[str, Any]:
    return {"device": shapes.device(ctx.cloud, find_device(ctx, p, managed=False))}


@route("/devices/unmanaged/list")
def list_unmanaged_devices(ctx: Context, p: BaseModel) -> dict[str, Any]:
    caller = ctx.require_caller()
    devices = json_filters(ctx, ctx.cloud.devices.list_devices(caller, managed=False, **list_filters(p)), p)
    page, pagination = paginate(ctx, devices, p)
    return {"devices": [shapes.device(ctx.cloud, d) for d in page], "pagination": pagination}


@route("/devices/unmanaged/update")
def update_unmanaged_device(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.cloud.devices.update_device(
        ctx.require_caller(),
        p.device_id,  # type: ignore[attr-defined]
        managed=False,
        custom_metadata=getattr(p, "custom_metadata", None),
        is_managed=getattr(p, "is_managed", None),
    )
    return {}


@route("/devices/simulate/connect")
def simulate_connect(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.cloud.devices.set_device_online(ctx.require_caller(), p.device_id, True)  # type: ignore[attr-defined]
    return {}


@route("/devices/simulate/disconnect")
def simulate_disconnect(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.cloud.devices.set_device_online(ctx.require_caller(), p.device_id, False)  # type: ignore[attr-defined]
    return {}


@route("/devices/simulate/remove")
def simulate_remove(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.cloud.devices.remove_device(ctx.require_caller(), p.device_id)  # type: ignore[attr-defined]
    return {}
