"""/access_codes/*, /access_codes/unmanaged/* and /access_codes/simulate/*."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from fake_seam import messages as msgs
from fake_seam.api.routing import Context, paginate, route, timestamp
from fake_seam.seam.errors import SeamError, access_code_not_found, invalid_input, not_found
from fake_seam.simulator import PinRejected
from fake_seam.wire import params, shapes

if TYPE_CHECKING:
    from fake_seam.seam.cloud import SeamCloud
    from fake_seam.seam.records import AccessCode, Device, UnmanagedAccessCode
    from fake_seam.simulator.code_rules import CodeRules


class ExternalModification(Protocol):
    """`is_external_modification_allowed` and its older name `allow_external_modification`."""

    @property
    def is_external_modification_allowed(self) -> bool | None: ...

    @property
    def allow_external_modification(self) -> bool | None: ...


def external(p: ExternalModification) -> bool | None:
    """Whether the lock's own edits are allowed, under either name (`None`: not sent)."""
    if p.is_external_modification_allowed is not None:
        return p.is_external_modification_allowed
    return p.allow_external_modification


def create_options(
    p: params.AccessCodesCreateParams | params.AccessCodesCreateMultipleParams,
) -> dict[str, Any]:
    # Only a single code can be one-time or offline; create_multiple does not take them.
    single = p if isinstance(p, params.AccessCodesCreateParams) else None
    return {
        "name": p.name,
        "code": p.code,
        "starts_at": timestamp(p.starts_at, "starts_at"),
        "ends_at": timestamp(p.ends_at, "ends_at"),
        "use_backup_access_code_pool": p.use_backup_access_code_pool,
        "is_external_modification_allowed": bool(external(p)),
        "is_one_time_use": single is not None and bool(single.is_one_time_use),
        "is_offline_access_code": single is not None and bool(single.is_offline_access_code),
        "preferred_code_length": p.preferred_code_length,
    }


@route("/access_codes/create")
def create(ctx: Context, p: params.AccessCodesCreateParams) -> dict[str, Any]:
    cloud = ctx.cloud
    code = cloud.codes.create(
        ctx.require_caller(), device_id=p.device_id, common_code_key=p.common_code_key, **create_options(p)
    )
    assert code is not None  # None only for a dry run
    shape = shapes.access_code(cloud, code)
    attempt = cloud.attempts.code_attempt(code, "CREATE_ACCESS_CODE", shape)
    return {"access_code": shape, "action_attempt": shapes.action_attempt(attempt, {"access_code": shape})}


@route("/access_codes/create_multiple")
def create_multiple(ctx: Context, p: params.AccessCodesCreateMultipleParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    device_ids = list(dict.fromkeys(p.device_ids))
    if not device_ids:
        raise invalid_input("device_ids", msgs.array_at_least(1))
    devices = [cloud.codes.access_code_device(caller, i) for i in device_ids]
    options = create_options(p)
    cloud.codes.check_window(options["starts_at"], options["ends_at"])
    behavior = p.behavior_when_code_cannot_be_shared or "throw"
    if options["code"] is None:
        # One PIN that every lock accepts and none already uses, if there is one.
        taken: set[str] = set()
        for device in devices:
            taken |= cloud.codes.taken_codes(device)
        pin = None
        for device in devices:
            try:
                candidate = rules(device).generate(cloud.store.pin_rng, taken)
            except PinRejected:
                continue  # this lock has no free PIN left; another lock's candidate may still fit
            if all(_accepts(d, candidate, cloud) for d in devices):
                pin = candidate
                break
        if pin is None and behavior == "throw":
            raise SeamError("cannot_share_code", msgs.CANNOT_SHARE_CODE, 400)
        options["code"] = pin
    common_code_key = f"auto_set_by_create_multiple_{cloud.store.ids.uuid()}"
    for device in devices:  # every lock must accept the code before any code is stored
        cloud.codes.create(
            caller, device_id=device.device_id, common_code_key=common_code_key, dry_run=True, **options
        )
    shaped = []
    for device in devices:
        code = cloud.codes.create(
            caller, device_id=device.device_id, common_code_key=common_code_key, **options
        )
        assert code is not None  # None only for a dry run
        shaped.append(shapes.access_code(cloud, code))
    return {"access_codes": shaped}


def rules(device: Device) -> CodeRules:
    """The PIN rules of a device that takes access codes (`access_code_device` checked it has a lock)."""
    assert device.lock is not None
    return device.lock.rules


def _accepts(device: Device, pin: str, cloud: SeamCloud) -> bool:
    try:
        rules(device).check_pin(pin, cloud.codes.taken_codes(device))
    except PinRejected:
        return False
    return pin not in cloud.codes.taken_codes(device)


def find_code(ctx: Context, p: params.AccessCodesGetParams) -> AccessCode:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if p.access_code_id is not None:
        code = cloud.store.code(caller, p.access_code_id)
        if p.device_id is not None and code.device_id != p.device_id:
            raise access_code_not_found(p.access_code_id)
        return code
    if p.device_id is not None and p.code is not None:
        device = cloud.store.device(caller, p.device_id)
        for code in cloud.store.codes_by_device.get(device.device_id, {}).values():
            if code.code == p.code and not code.deleted and not code.is_hidden_backup:
                return code
        raise access_code_not_found(None)
    raise invalid_input("access_code_id", msgs.REQUIRED)


@route("/access_codes/get")
def get(ctx: Context, p: params.AccessCodesGetParams) -> dict[str, Any]:
    return {"access_code": shapes.access_code(ctx.cloud, find_code(ctx, p))}


@route("/access_codes/list")
def list_codes(ctx: Context, p: params.AccessCodesListParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    codes: list[AccessCode]
    if p.device_id is not None:
        codes = cloud.codes.visible_codes(cloud.store.device(caller, p.device_id))
    elif p.access_code_ids is not None:
        codes = []
        for code_id in dict.fromkeys(p.access_code_ids):
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
    if p.search:
        needle = p.search.lower()
        codes = [
            c
            for c in codes
            if needle in (c.name or "").lower() or needle in c.code or needle in c.access_code_id
        ]
    page, pagination = paginate(ctx, codes, p)
    return {"access_codes": [shapes.access_code(cloud, c) for c in page], "pagination": pagination}


@route("/access_codes/update")
def update(ctx: Context, p: params.AccessCodesUpdateParams) -> dict[str, Any]:
    cloud = ctx.cloud
    changes: dict[str, Any] = {}
    if p.name is not None:
        changes["name"] = p.name
    if p.code is not None:
        changes["code"] = p.code
    if p.type is not None:
        changes["type"] = p.type
    if p.use_backup_access_code_pool is not None:
        changes["use_backup_access_code_pool"] = p.use_backup_access_code_pool
    if p.is_one_time_use is not None:
        changes["is_one_time_use"] = p.is_one_time_use
    if p.is_offline_access_code is not None:
        changes["is_offline_access_code"] = p.is_offline_access_code
    if p.device_id is not None:
        changes["device_id"] = p.device_id
    allowed = external(p)
    if allowed is not None:
        changes["is_external_modification_allowed"] = allowed
    # A window bound sent as null clears it: sent at all, not only sent with a value.
    sent = p.model_fields_set
    if "starts_at" in sent:
        changes["starts_at"] = timestamp(p.starts_at, "starts_at")
    if "ends_at" in sent:
        changes["ends_at"] = timestamp(p.ends_at, "ends_at")
    if p.is_managed is False:
        raise invalid_input("is_managed", msgs.CANNOT_UNMANAGE_CODE)
    code = cloud.codes.update(ctx.require_caller(), p.access_code_id, **changes)
    shape = shapes.access_code(cloud, code)
    attempt = cloud.attempts.code_attempt(code, "UPDATE_ACCESS_CODE", shape)
    return {"action_attempt": shapes.action_attempt(attempt, {"access_code": shape})}


@route("/access_codes/update_multiple")
def update_multiple(ctx: Context, p: params.AccessCodesUpdateMultipleParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    key = p.common_code_key
    codes = [
        c
        for c in cloud.store.access_codes.values()
        if c.common_code_key == key and c.workspace_id == caller.workspace_id and not c.deleted
    ]
    changes: dict[str, Any] = {}
    if p.name is not None:
        changes["name"] = p.name
    sent = p.model_fields_set
    if "starts_at" in sent:
        changes["starts_at"] = timestamp(p.starts_at, "starts_at")
    if "ends_at" in sent:
        changes["ends_at"] = timestamp(p.ends_at, "ends_at")
    for code in codes:  # all checked before any is changed
        cloud.codes.update(caller, code.access_code_id, dry_run=True, **changes)
    for code in codes:
        cloud.codes.update(caller, code.access_code_id, **changes)
    return {}


@route("/access_codes/delete")
def delete(ctx: Context, p: params.AccessCodesDeleteParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    code = cloud.store.code(caller, p.access_code_id)
    if p.device_id is not None and code.device_id != p.device_id:
        raise access_code_not_found(p.access_code_id)
    cloud.codes.delete(caller, code.access_code_id)
    attempt = cloud.attempts.finished_attempt(
        code.workspace_id, "DELETE_ACCESS_CODE", {}, device_id=code.device_id
    )
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/access_codes/generate_code")
def generate_code(ctx: Context, p: params.AccessCodesGenerateCodeParams) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.codes.access_code_device(ctx.require_caller(), p.device_id)
    return {"generated_code": {"device_id": device.device_id, "code": cloud.codes.generate_pin(device)}}


@route("/access_codes/report_device_constraints")
def report_device_constraints(
    ctx: Context, p: params.AccessCodesReportDeviceConstraintsParams
) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.codes.access_code_device(ctx.require_caller(), p.device_id)
    lengths = p.supported_code_lengths
    low, high = p.min_code_length, p.max_code_length
    if lengths is not None and (low is not None or high is not None):
        raise invalid_input("supported_code_lengths", msgs.CODE_LENGTHS_BOTH_WAYS)
    if lengths is None:
        if low is None and high is None:
            raise invalid_input("supported_code_lengths", msgs.REQUIRED)
        supported = rules(device).supported_code_lengths
        low = low if low is not None else min(supported)
        high = high if high is not None else max(supported)
        if high < low:
            raise invalid_input("max_code_length", msgs.MAX_BELOW_MIN_CODE_LENGTH)
        lengths = list(range(int(low), int(high) + 1))
    if not lengths or any(n < 1 or n > 12 for n in lengths):
        raise invalid_input("supported_code_lengths", msgs.CODE_LENGTHS_OUT_OF_RANGE)
    rules(device).supported_code_lengths = sorted(set(int(n) for n in lengths))
    return {}


@route("/access_codes/pull_backup_access_code")
def pull_backup_access_code(ctx: Context, p: params.AccessCodesPullBackupAccessCodeParams) -> dict[str, Any]:
    cloud = ctx.cloud
    backup = cloud.pools.pull(ctx.require_caller(), p.access_code_id)
    shape = shapes.access_code(cloud, backup)
    return {"access_code": shape, "backup_access_code": shape}


@route("/access_codes/simulate/create_unmanaged_access_code")
def create_unmanaged(
    ctx: Context, p: params.AccessCodesSimulateCreateUnmanagedAccessCodeParams
) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.codes.access_code_device(ctx.require_caller(), p.device_id)
    record = cloud.locks.add_unmanaged_code(device, p.code, p.name)
    return {"access_code": shapes.unmanaged_access_code(record)}


def find_unmanaged(ctx: Context, p: params.AccessCodesUnmanagedGetParams) -> UnmanagedAccessCode:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if p.access_code_id is not None:
        return cloud.locks.unmanaged_code(caller, p.access_code_id)
    if p.device_id is not None and p.code is not None:
        device = cloud.store.device(caller, p.device_id)
        for record in cloud.locks.list_unmanaged(device):
            if record.code == p.code:
                return record
        raise not_found("access_code", msgs.UNMANAGED_ACCESS_CODE_NOT_FOUND)
    raise invalid_input("access_code_id", msgs.REQUIRED)


@route("/access_codes/unmanaged/get")
def get_unmanaged(ctx: Context, p: params.AccessCodesUnmanagedGetParams) -> dict[str, Any]:
    return {"access_code": shapes.unmanaged_access_code(find_unmanaged(ctx, p))}


@route("/access_codes/unmanaged/list")
def list_unmanaged(ctx: Context, p: params.AccessCodesUnmanagedListParams) -> dict[str, Any]:
    cloud = ctx.cloud
    device = cloud.store.device(ctx.require_caller(), p.device_id)
    records = cloud.locks.list_unmanaged(device)
    search = p.search
    if search:
        records = [r for r in records if search.lower() in (r.name or "").lower() or search in r.code]
    page, pagination = paginate(ctx, records, p)
    return {
        "access_codes": [shapes.unmanaged_access_code(r) for r in page],
        "pagination": pagination,
    }


@route("/access_codes/unmanaged/update")
def update_unmanaged(ctx: Context, p: params.AccessCodesUnmanagedUpdateParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    record = cloud.locks.unmanaged_code(caller, p.access_code_id)
    if p.is_managed:
        cloud.locks.convert_to_managed(
            caller, record.access_code_id, is_external_modification_allowed=bool(external(p))
        )
    return {}


@route("/access_codes/unmanaged/delete")
def delete_unmanaged(ctx: Context, p: params.AccessCodesUnmanagedDeleteParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    device_id = cloud.locks.unmanaged_code(caller, p.access_code_id).device_id
    cloud.locks.delete_unmanaged(caller, p.access_code_id)
    attempt = cloud.attempts.finished_attempt(
        caller.workspace_id, "DELETE_ACCESS_CODE", {}, device_id=device_id
    )
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/access_codes/unmanaged/convert_to_managed")
def convert_to_managed(ctx: Context, p: params.AccessCodesUnmanagedConvertToManagedParams) -> dict[str, Any]:
    ctx.cloud.locks.convert_to_managed(
        ctx.require_caller(), p.access_code_id, is_external_modification_allowed=bool(external(p))
    )
    return {}
