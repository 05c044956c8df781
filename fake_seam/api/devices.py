"""/devices/* and /devices/unmanaged/* and /devices/simulate/*."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from fake_seam import messages as msgs
from fake_seam.api.routing import Context, paginate, route, timestamp
from fake_seam.seam.errors import invalid_input, not_found
from fake_seam.wire import params, shapes

if TYPE_CHECKING:
    from fake_seam.seam.records import Device

DEVICE_PROVIDERS = [
    ("august", "August", ["stable", "consumer_smartlocks"]),
    ("schlage", "Schlage", ["stable", "consumer_smartlocks"]),
    ("yale", "Yale", ["stable", "consumer_smartlocks"]),
    ("kwikset", "Kwikset", ["stable", "consumer_smartlocks"]),
    ("salto", "Salto", ["stable", "access_control_systems"]),
    ("ecobee", "ecobee", ["stable", "thermostats"]),
    ("minut", "Minut", ["stable", "noise_sensors"]),
]


class DeviceFilters(Protocol):
    """The filters `/devices/list`, `/devices/unmanaged/list` and `/locks/list` share
    (read-only, so each route's narrower enums fit)."""

    @property
    def device_ids(self) -> Sequence[str] | None: ...
    @property
    def device_type(self) -> str | None: ...
    @property
    def device_types(self) -> Sequence[str] | None: ...
    @property
    def manufacturer(self) -> str | None: ...
    @property
    def connected_account_id(self) -> str | None: ...
    @property
    def connected_account_ids(self) -> Sequence[str] | None: ...
    @property
    def search(self) -> str | None: ...
    @property
    def created_before(self) -> str | None: ...
    @property
    def custom_metadata_has(self) -> Mapping[str, str | bool] | None: ...
    @property
    def include_if(self) -> Sequence[str] | None: ...
    @property
    def exclude_if(self) -> Sequence[str] | None: ...


class DeviceLookup(Protocol):
    """A device named by id or by name (`/devices/get`, `/devices/unmanaged/get`, `/locks/get`)."""

    @property
    def device_id(self) -> str | None: ...
    @property
    def name(self) -> str | None: ...


def list_filters(p: DeviceFilters) -> dict[str, Any]:
    device_types = p.device_types
    if p.device_type is not None:
        device_types = [p.device_type]
    accounts = p.connected_account_ids
    if p.connected_account_id is not None:
        accounts = [p.connected_account_id]
    return {
        "device_ids": p.device_ids,
        "device_types": device_types,
        "manufacturer": p.manufacturer,
        "connected_account_ids": accounts,
        "search": p.search,
        "created_before": timestamp(p.created_before, "created_before"),
    }


def find_device(ctx: Context, p: DeviceLookup, *, managed: bool | None = True) -> Device:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if p.device_id is not None:
        return cloud.store.device(caller, p.device_id, managed=managed)
    if p.name is not None:
        for device in cloud.store.visible_devices(caller):
            if device.display_name == p.name and (managed is None or device.is_managed == managed):
                return device
        raise not_found("device", msgs.DEVICE_NOT_FOUND, name=p.name)
    raise invalid_input("device_id", msgs.REQUIRED)


def matches_metadata(stored: Mapping[str, Any], wanted: Mapping[str, Any] | None) -> bool:
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


def json_filters(ctx: Context, devices: list[Device], p: DeviceFilters) -> list[Device]:
    """The filters on custom metadata and on the device's `can_*` flags (`include_if`: all
    true; `exclude_if`: none true). Devices are shaped only when a flag filter needs it."""
    has = p.custom_metadata_has
    if has:
        devices = [d for d in devices if matches_metadata(d.custom_metadata, has)]
    include = p.include_if or []
    exclude = p.exclude_if or []
    if include or exclude:
        kept = []
        for device in devices:
            shape = shapes.device(ctx.cloud, device)
            if all(shape.get(f) is True for f in include) and not any(shape.get(f) is True for f in exclude):
                kept.append(device)
        devices = kept
    return devices


@route("/devices/get")
def get_device(ctx: Context, p: params.DevicesGetParams) -> dict[str, Any]:
    return {"device": shapes.device(ctx.cloud, find_device(ctx, p))}


@route("/devices/list")
def list_devices(ctx: Context, p: params.DevicesListParams) -> dict[str, Any]:
    devices = json_filters(ctx, ctx.cloud.devices.list_devices(ctx.require_caller(), **list_filters(p)), p)
    page, pagination = paginate(ctx, devices, p)
    return {"devices": [shapes.device(ctx.cloud, d) for d in page], "pagination": pagination}


@route("/devices/update")
def update_device(ctx: Context, p: params.DevicesUpdateParams) -> dict[str, Any]:
    ctx.cloud.devices.update_device(
        ctx.require_caller(),
        p.device_id,
        name=p.name,
        custom_metadata=p.custom_metadata,
        is_managed=p.is_managed,
        backup_access_code_pool_enabled=p.backup_access_code_pool_enabled,
    )
    return {}


@route("/devices/delete")
def delete_device(ctx: Context, p: params.DevicesDeleteParams) -> dict[str, Any]:
    ctx.cloud.devices.delete_device(ctx.require_caller(), p.device_id)
    return {}


@route("/devices/list_device_providers")
def list_device_providers(ctx: Context, p: params.DevicesListDeviceProvidersParams) -> dict[str, Any]:
    category = p.provider_category
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
def get_unmanaged_device(ctx: Context, p: params.DevicesUnmanagedGetParams) -> dict[str, Any]:
    return {"device": shapes.device(ctx.cloud, find_device(ctx, p, managed=False))}


@route("/devices/unmanaged/list")
def list_unmanaged_devices(ctx: Context, p: params.DevicesUnmanagedListParams) -> dict[str, Any]:
    caller = ctx.require_caller()
    devices = json_filters(ctx, ctx.cloud.devices.list_devices(caller, managed=False, **list_filters(p)), p)
    page, pagination = paginate(ctx, devices, p)
    return {"devices": [shapes.device(ctx.cloud, d) for d in page], "pagination": pagination}


@route("/devices/unmanaged/update")
def update_unmanaged_device(ctx: Context, p: params.DevicesUnmanagedUpdateParams) -> dict[str, Any]:
    ctx.cloud.devices.update_device(
        ctx.require_caller(),
        p.device_id,
        managed=False,
        custom_metadata=p.custom_metadata,
        is_managed=p.is_managed,
    )
    return {}


@route("/devices/simulate/connect")
def simulate_connect(ctx: Context, p: params.DevicesSimulateConnectParams) -> dict[str, Any]:
    ctx.cloud.devices.set_device_online(ctx.require_caller(), p.device_id, True)
    return {}


@route("/devices/simulate/disconnect")
def simulate_disconnect(ctx: Context, p: params.DevicesSimulateDisconnectParams) -> dict[str, Any]:
    ctx.cloud.devices.set_device_online(ctx.require_caller(), p.device_id, False)
    return {}


@route("/devices/simulate/remove")
def simulate_remove(ctx: Context, p: params.DevicesSimulateRemoveParams) -> dict[str, Any]:
    ctx.cloud.devices.remove_device(ctx.require_caller(), p.device_id)
    return {}
