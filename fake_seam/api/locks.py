"""/locks/* and /locks/simulate/*."""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.api.devices import find_device, json_filters, list_filters
from fake_seam.api.routing import Context, paginate, route
from fake_seam.seam.errors import device_not_found, invalid_input
from fake_seam.wire import params, shapes


@route("/locks/get")
def get_lock(ctx: Context, p: params.LocksGetParams) -> dict[str, Any]:
    device = find_device(ctx, p)
    if device.lock is None:
        raise device_not_found(device.device_id)
    shape = shapes.device(ctx.cloud, device)
    return {"lock": shape, "device": shape}


@route("/locks/list")
def list_locks(ctx: Context, p: params.LocksListParams) -> dict[str, Any]:
    devices = ctx.cloud.devices.list_devices(ctx.require_caller(), locks_only=True, **list_filters(p))
    page, pagination = paginate(ctx, json_filters(ctx, devices, p), p)
    shaped = [shapes.device(ctx.cloud, d) for d in page]
    return {"locks": shaped, "devices": shaped, "pagination": pagination}


def door(ctx: Context, device_id: str, sync: bool | None, *, lock: bool) -> dict[str, Any]:
    attempt = ctx.cloud.locks.lock_or_unlock(ctx.require_caller(), device_id, lock=lock, sync=bool(sync))
    attempt.device_id = device_id
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/locks/lock_door")
def lock_door(ctx: Context, p: params.LocksLockDoorParams) -> dict[str, Any]:
    return door(ctx, p.device_id, p.sync, lock=True)


@route("/locks/unlock_door")
def unlock_door(ctx: Context, p: params.LocksUnlockDoorParams) -> dict[str, Any]:
    return door(ctx, p.device_id, p.sync, lock=False)


@route("/locks/simulate/keypad_code_entry")
def keypad_code_entry(ctx: Context, p: params.LocksSimulateKeypadCodeEntryParams) -> dict[str, Any]:
    device = ctx.cloud.store.device(ctx.require_caller(), p.device_id)
    if device.lock is None:
        raise invalid_input("device_id", msgs.no_keypad(device.device_id))
    ctx.cloud.locks.keypad_entry(device, p.code)
    attempt = ctx.cloud.attempts.finished_attempt(
        device.workspace_id, "SIMULATE_KEYPAD_CODE_ENTRY", device_id=device.device_id
    )
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/locks/simulate/manual_lock_via_keypad")
def manual_lock_via_keypad(ctx: Context, p: params.LocksSimulateManualLockViaKeypadParams) -> dict[str, Any]:
    device = ctx.cloud.store.device(ctx.require_caller(), p.device_id)
    if device.lock is None:
        raise invalid_input("device_id", msgs.no_keypad(device.device_id))
    ctx.cloud.locks.manual_lock(device)
    attempt = ctx.cloud.attempts.finished_attempt(
        device.workspace_id, "SIMULATE_MANUAL_LOCK_VIA_KEYPAD", device_id=device.device_id
    )
    return {"action_attempt": shapes.action_attempt(attempt)}
