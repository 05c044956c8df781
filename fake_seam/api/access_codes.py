"""/access_codes/*, /access_codes/unmanaged/* and /access_codes/simulate/*."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from fake_seam.api.routing import Context, given, paginate, route, timestamp
from fake_seam.seam.errors import SeamError, access_code_not_found, invalid_input, not_found
from fake_seam.simulator import PinRejected
from fake_seam.wire import shapes


def create_options(p: BaseModel) -> dict[str, Any]:
    external = getattr(p, "is_external_modification_allowed", None)
    if external is None:
        external = getattr(p, "allow_external_modification", None)
    return {
        "name": getattr(p, "name", None),
        "code": getattr(p, "code", None),
        "starts_at": timestamp(p, "starts_at"),
        "ends_at": timestamp(p, "ends_at"),
        "use_backup_access_code_pool": getattr(p, "use_backup_access_code_pool", None),
        "is_external_modification_allowed": bool(external),
        "is_one_time_use": bool(getattr(p, "is_one_time_use", None)),
        "is_offline_access_code": bool(getattr(p, "is_offline_access_code", None)),
        "preferred_code_length": getattr(p, "preferred_code_length", None),
    }


@route("/access_codes/create")
def create(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    code = cloud.codes.create(
        ctx.require_caller(),
        device_id=p.device_id,  # type: ignore[attr-defined]
        common_code_key=getattr(p, "common_code_key", None),
        **create_options(p),
    )
    shape = shapes.access_code(cloud, code)
    attempt = cloud.attempts.code_attempt(code, "CREATE_ACCESS_CODE", shape)
    return {"access_code": shape, "action_attempt": shapes.action_attempt(attempt, {"access_code": shape})}


@route("/access_codes/create_multiple")
def create_multiple(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    device_ids = list(dict.fromkeys(p.device_ids))  # type: ignore[attr-defined]
    if not device_ids:
        raise invalid_input("device_ids", "Array must contain at least 1 element(s)")
    devices = [cloud.codes.access_code_device(caller, i) for i in device_ids]
    options = create_options(p)
    cloud.codes.check_window(options["starts_at"], options["ends_at"])
    behavior = getattr(p, "behavior_when_code_cannot_be_shared", None) or "throw"
    if options["code"] is None:
        # One PIN that every lock accepts and none already uses, if there is one.
        taken: set[str] = set()
        for device in devices:
            taken |= cloud.codes.taken_codes(device)
        pin = None
        for device in devices:
            try:
                candidate = device.lock.rules.generate(cloud.store.pin_rng, taken)
            except PinRejected:
                continue  # this lock has no free PIN left; another lock's candidate may still fit
            if all(_accepts(d, candidate, cloud) for d in devices):
                pin = candidate
                break
        if pin is None and behavior == "throw":
            raise SeamError(
                "cannot_share_code",
                "No code is accepted by every device; pass behavior_when_code_cannot_be_shared",
                400,
            )
        options["code"] = pin
    common_code_key = f"auto_set_by_create_multiple_{cloud.store.ids.uuid()}"
    for device in devices:  # every lock must accept the code before any code is stored
        cloud.codes.create(
            caller, device_id=device.device_id, common_code_key=common_code_key, dry_run=True, **options
        )
    created = [
        cloud.codes.create(caller, device_id=d.device_id, common_code_key=common_code_key, **options)
        for d in devices
    ]
    return {"access_codes": [shapes.access_code(cloud, c) for c in created]}


def _accepts(device: Any, pin: str, cloud: Any) -> bool:
    try:
        device.lock.rules.check_pin(pin, cloud.codes.taken_codes(device))
    except PinRejected:
        return False
    return pin not in cloud.codes.taken_codes(device)


def find_code(ctx: Context, p: BaseModel):  # noqa: ANN201
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if given(p, "access_code_id"):
        code = cloud.store.code(caller, p.access_code_id)  # type: ignore[attr-defined]
        if given(p, "device_id") and code.device_id != p.device_id:  # type: ignore[attr-defined]
            raise access_code_not_found(p.access_code_id)  # type: ignore[attr-defined]
        return code
    if given(p, "device_id") and given(p, "code"):
        device = cloud.store.device(caller, p.device_id)  # type: ignore[attr-defined]
        for code in cloud.store.codes_by_device.get(device.device_id, {}).values():
            if code.code == p.code and not code.deleted:  # type: ignore[attr-defined]
                return code
        raise access_code_not_found(None)
    raise invalid_input("access_code_id", "Required")


@route("/access_codes/get")
def get(ctx: Context, p: BaseModel) -> dict[str, Any]:
    return {"access_code": shapes.access_code(ctx.cloud, find_code(ctx, p))}


@route("/access_codes/list")
def list_codes(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if given(p, "device_id"):
        codes = cloud.codes.visible_codes(cloud.store.device(caller, p.device_id))  # type: ignore[attr-defined]
    elif getattr(p, "access_code_ids", None) is not None:
        codes = []
        for code_id in dict.fromkeys(p.access_code_ids):  # type: ignore[attr-defined]
            try:
                codes.append(cloud.store.code(caller, code_id))
            except SeamError:
                continue  # ids of other workspaces simply match nothing
    else:
        codes = [
            c
            for d in cloud.store.visible_devices(caller)
            if d.is_managed
            for c in cloud.codes.visible_codes(d)
        ]
    search = getattr(p, "search", None)
    if search:
        needle = search.lower()
        codes = [
            c
            for c in codes
            if needle in (c.name or "").lower() or needle in c.code or needle in c.access_code_id
        ]
    page, pagination = paginate(ctx, codes, p)
    return {"access_codes": [shapes.access_code(cloud, c) for c in page], "pagination": pagination}


@route("/access_codes/update")
def update(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    changes: dict[str, Any] = {}
    for name in (
        "name",
        "code",
        "type",
        "use_backup_access_code_pool",
        "is_one_time_use",
        "is_offline_access_code",
        "device_id",
    ):
        if given(p, name):
            changes[name] = getattr(p, name)
    external = getattr(p, "is_external_modification_allowed", None)
    if external is None:
        external = getattr(p, "allow_external_modification", None)
    if external is not None:
        changes["is_external_modification_allowed"] = external
    for name in ("starts_at", "ends_at"):
        if name in p.model_fields_set:
            changes[name] = timestamp(p, name)
    if getattr(p, "is_managed", None) is False:
        raise invalid_input("is_managed", "A managed access code cannot be made unmanaged here")
    code = cloud.codes.update(ctx.require_caller(), p.access_code_id, **changes)  # type: ignore[attr-defined]
    shape = shapes.access_code(cloud, code)
    attempt = cloud.attempts.code_attempt(code, "UPDATE_ACCESS_CODE", shape)
    return {"action_attempt": shapes.action_attempt(attempt, {"access_code": shape})}


@route("/access_codes/update_multiple")
def update_multiple(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    key = p.common_code_key  # type: ignore[attr-defined]
    codes = [
        c
        for c in cloud.store.access_codes.values()
        if c.common_code_key == key and c.workspace_id == caller.workspace_id and not c.deleted
    ]
    changes: dict[str, Any] = {}
    if given(p, "name"):
        changes["name"] = p.name  # type: ignore[attr-defined]
    for name in ("starts_at", "ends_at"):
        if name in p.model_fields_set:
            changes[name] = timestamp(p, name)
    for code in codes:  # all checked before any is changed
        cloud.codes.update(caller, code.access_code_id, dry_run=True, **changes)
    for code in codes:
        cloud.codes.update(caller, code.access_code_id, **changes)
    return {}


@route("/access_codes/delete")
def delete(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    code = cloud.store.code(caller, p.access_code_id)  # type: ignore[attr-defined]
    if given(p, "device_id") and code.device_id != p.device_id:  # type: ignore[attr-defined]
        raise access_code_not_found(p.access_code_id)  # type: ignore[attr-defined]
    cloud.codes.delete(caller, code.access_code_id)
    attempt = cloud.attempts.finished_attempt(code.workspace_id, "DELETE_ACCESS_CODE", {})
    attempt.device_id = code.device_id
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/access_codes/generate_code")
def generate_code(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.codes.access_code_device(ctx.require_caller(), p.device_id)  # type: ignore[attr-defined]
    return {"generated_code": {"device_id": device.device_id, "code": cloud.codes.generate_pin(device)}}


@route("/access_codes/report_device_constraints")
def report_device_constraints(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.codes.access_code_device(ctx.require_caller(), p.device_id)  # type: ignore[attr-defined]
    lengths = getattr(p, "supported_code_lengths", None)
    low = getattr(p, "min_code_length", None)
    high = getattr(p, "max_code_length", None)
    if lengths is not None and (low is not None or high is not None):
        raise invalid_input(
            "supported_code_lengths",
            "Pass supported_code_lengths or min_code_length/max_code_length, not both",
        )
    if lengths is None and low is None and high is None:
        raise invalid_input("supported_code_lengths", "Required")
    if lengths is None:
        low = low if low is not None else min(device.lock.rules.supported_code_lengths)
        high = high if high is not None else max(device.lock.rules.supported_code_lengths)
        if high < low:
            raise invalid_input("max_code_length", "max_code_length must be at least min_code_length")
        lengths = list(range(int(low), int(high) + 1))
    if not lengths or any(n < 1 or n > 12 for n in lengths):
        raise invalid_input("supported_code_lengths", "Code lengths must be between 1 and 12")
    device.lock.rules.supported_code_lengths = sorted(set(int(n) for n in lengths))
    return {}


@route("/access_codes/pull_backup_access_code")
def pull_backup_access_code(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    backup = cloud.pools.pull(ctx.require_caller(), p.access_code_id)  # type: ignore[attr-defined]
    shape = shapes.access_code(cloud, backup)
    return {"access_code": shape, "backup_access_code": shape}


@route("/access_codes/simulate/create_unmanaged_access_code")
def create_unmanaged(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.codes.access_code_device(ctx.require_caller(), p.device_id)  # type: ignore[attr-defined]
    record = cloud.locks.add_unmanaged_code(device, p.code, p.name)  # type: ignore[attr-defined]
    return {"access_code": shapes.unmanaged_access_code(record)}


def find_unmanaged(ctx: Context, p: BaseModel):  # noqa: ANN201
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if given(p, "access_code_id"):
        return cloud.locks.unmanaged_code(caller, p.access_code_id)  # type: ignore[attr-defined]
    if given(p, "device_id") and given(p, "code"):
        device = cloud.store.device(caller, p.device_id)  # type: ignore[attr-defined]
        for record in cloud.locks.list_unmanaged(device):
            if record.code == p.code:  # type: ignore[attr-defined]
                return record
        raise not_found("access_code", "Could not find an unmanaged access_code with that code")
    raise invalid_input("access_code_id", "Required")


@route("/access_codes/unmanaged/get")
def get_unmanaged(ctx: Context, p: BaseModel) -> dict[str, Any]:
    return {"access_code": shapes.unmanaged_access_code(find_unmanaged(ctx, p))}


@route("/access_codes/unmanaged/list")
def list_unmanaged(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.store.device(ctx.require_caller(), p.device_id)  # type: ignore[attr-defined]
    records = cloud.locks.list_unmanaged(device)
    search = getattr(p, "search", None)
    if search:
        records = [r for r in records if search.lower() in (r.name or "").lower() or search in r.code]
    page, pagination = paginate(ctx, records, p)
    return {
        "access_codes": [shapes.unmanaged_access_code(r) for r in page],
        "pagination": pagination,
    }


@route("/access_codes/unmanaged/update")
def update_unmanaged(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    record = cloud.locks.unmanaged_code(caller, p.access_code_id)  # type: ignore[attr-defined]
    if p.is_managed:  # type: ignore[attr-defined]
        cloud.locks.convert_to_managed(
            caller, record.access_code_id, is_external_modification_allowed=_external(p)
        )
    return {}


@route("/access_codes/unmanaged/delete")
def delete_unmanaged(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    cloud.locks.delete_unmanaged(ctx.require_caller(), p.access_code_id)  # type: ignore[attr-defined]
    attempt = cloud.attempts.finished_attempt(ctx.require_caller().workspace_id, "DELETE_ACCESS_CODE", {})
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/access_codes/unmanaged/convert_to_managed")
def convert_to_managed(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.cloud.locks.convert_to_managed(
        ctx.require_caller(),
        p.access_code_id,
        is_external_modification_allowed=_external(p),  # type: ignore[attr-defined]
    )
    return {}


def _external(p: BaseModel) -> bool:
    """`is_external_modification_allowed`, or its older name `allow_external_modification`."""
    value = getattr(p, "is_external_modification_allowed", None)
    if value is None:
        value = getattr(p, "allow_external_modification", None)
    return bool(value)
