"""/_fake/*: what Seam's sandbox cannot do — the clock, hardware faults, slots, the backup
pool, resets — plus Seam's own fake's `/_fake` routes. No credentials needed, like Seam's fake."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fake_seam.api.routing import Context, route
from fake_seam.clock import iso
from fake_seam.seam.errors import SeamError, device_not_found, not_found
from fake_seam.simulator.lock import WriteErrorCode
from fake_seam.wire import shapes

BOTH = ("GET", "POST")


class ControlParams(BaseModel):
    model_config = ConfigDict(extra="ignore")


def validate(model: type[BaseModel], pairs: list[tuple[str, str]], body: Any) -> BaseModel:
    """Query-string or JSON parameters; query values are coerced (pydantic's lax mode)."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key == "_strict":
            continue
        key = key.removesuffix("[]")
        if key in data:
            data[key] = [*data[key], value] if isinstance(data[key], list) else [data[key], value]
        else:
            data[key] = value
    for name, field in model.model_fields.items():
        annotation = str(field.annotation)
        if name in data and "list" in annotation and isinstance(data[name], str):
            data[name] = [v for v in data[name].split(",") if v] if data[name] else []
    if body is not None and not isinstance(body, dict):
        raise SeamError(
            "invalid_input",
            "Invalid input: the body must be a JSON object",
            400,
            validation_errors={"_errors": ["Expected object"]},
        )
    data.update(body or {})
    try:
        return model.model_validate(data)
    except ValidationError as problem:
        errors: dict[str, Any] = {"_errors": []}
        messages = []
        for issue in problem.errors():
            name = str(issue["loc"][0]) if issue["loc"] else "_root"
            text = "Required" if issue["type"] == "missing" else issue["msg"]
            errors.setdefault(name, {"_errors": []})["_errors"].append(text)
            messages.append(f"{name} is required" if text == "Required" else f'{text} for "{name}"')
        message = (
            messages[0] if len(messages) == 1 else f"{len(messages)} Input Errors: " + ", ".join(messages)
        )
        raise SeamError("invalid_input", message, 400, validation_errors=errors) from None


def control(path: str, params: type[BaseModel] = ControlParams):  # noqa: ANN201
    return route(path, auth=False, methods=BOTH, params=params)


def lock_device(ctx: Context, device_id: str):  # noqa: ANN201
    device = ctx.cloud.store.devices.get(device_id)
    if device is None or device.removed:
        raise device_not_found(device_id)
    if device.lock is None:
        raise SeamError(
            "device_not_lock", f"Device {device_id} is not a lock", 400, data={"device_id": device_id}
        )
    return device


# -- Seam's fake's own routes ---------------------------------------------------------


# A flat map from seed name to value, as Seam's fake sends it: no `ok` among the names.
@route("/_fake/default_seed", auth=False, methods=BOTH, params=ControlParams, ok=False)
def default_seed(ctx: Context, p: BaseModel) -> dict[str, Any]:
    return dict(ctx.cloud.store.seed_aliases)


@control("/_fake/database")
def database(ctx: Context, p: BaseModel) -> dict[str, Any]:
    return ctx.fake.database()


class UpdateAttempt(ControlParams):
    action_attempt_id: str
    status: Literal["pending", "success", "error"]
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


@control("/_fake/update_action_attempt", UpdateAttempt)
def update_action_attempt(ctx: Context, p: UpdateAttempt) -> dict[str, Any]:  # type: ignore[override]
    attempt = ctx.cloud.attempts.steer_attempt(p.action_attempt_id, p.status, p.result, p.error)
    return {"action_attempt": shapes.action_attempt(attempt)}


class Outage(ControlParams):
    workspace_id: str
    routes: list[str] = Field(default_factory=list)


@control("/_fake/simulate_workspace_outage", Outage)
def simulate_workspace_outage(ctx: Context, p: Outage) -> dict[str, Any]:  # type: ignore[override]
    ctx.cloud.workspaces.workspace(p.workspace_id)
    ctx.fake.simulate_workspace_outage(p.workspace_id, p.routes)
    return {}


# -- the clock -------------------------------------------------------------------------


def clock_state(ctx: Context) -> dict[str, Any]:
    return {"now": iso(ctx.fake.clock.now()), "frozen": ctx.fake.clock.frozen}


@control("/_fake/clock")
def clock(ctx: Context, p: BaseModel) -> dict[str, Any]:
    return clock_state(ctx)


class Advance(ControlParams):
    seconds: float = Field(ge=0)


@control("/_fake/clock/advance", Advance)
def clock_advance(ctx: Context, p: Advance) -> dict[str, Any]:  # type: ignore[override]
    ctx.fake.advance(p.seconds)
    return clock_state(ctx)


class SetClock(ControlParams):
    now: str


@control("/_fake/clock/set", SetClock)
def clock_set(ctx: Context, p: SetClock) -> dict[str, Any]:  # type: ignore[override]
    from fake_seam.clock import to_datetime

    try:
        moment = to_datetime(p.now)
    except ValueError:
        from fake_seam.seam.errors import invalid_input

        raise invalid_input("now", "Invalid datetime") from None
    ctx.fake.set_time(moment)
    return clock_state(ctx)


class Freeze(ControlParams):
    frozen: bool = True


@control("/_fake/clock/freeze", Freeze)
def clock_freeze(ctx: Context, p: Freeze) -> dict[str, Any]:  # type: ignore[override]
    ctx.fake.clock.freeze(p.frozen)
    return clock_state(ctx)


@control("/_fake/settle")
def settle(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.fake.settle()
    return clock_state(ctx)


@control("/_fake/reset")
def reset(ctx: Context, p: BaseModel) -> dict[str, Any]:
    ctx.fake.reset()
    return {}


# -- hardware --------------------------------------------------------------------------


class CreateDevice(ControlParams):
    workspace_id: str = "seed_workspace_1"
    connected_account_id: str | None = None
    device_id: str | None = None
    manufacturer: str = "august"
    display_name: str = "Lock"
    device_type: str | None = None
    max_active_codes_supported: int = Field(10, ge=0, le=10_000)
    supported_code_lengths: list[int] = Field(default_factory=lambda: [4, 5, 6, 7, 8])
    code_constraints: list[dict[str, Any]] = Field(default_factory=list)
    supports_backup_access_code_pool: bool | None = None
    programming_delay_seconds: float = Field(5.0, ge=0)
    native_scheduling: bool = False
    online: bool = True
    locked: bool = True
    pool_size: int | None = Field(None, ge=0)
    many_active_backup_codes_threshold: int | None = Field(None, ge=1)


@control("/_fake/devices/create", CreateDevice)
def create_device(ctx: Context, p: CreateDevice) -> dict[str, Any]:  # type: ignore[override]
    device = ctx.fake.create_lock(**p.model_dump(exclude_none=True))
    return {"device": shapes.device(ctx.cloud, device)}


class FaultPlanParams(ControlParams):
    device_id: str
    fail_next: int | None = Field(None, ge=0)
    error_code: WriteErrorCode | None = None
    failure_rate: float | None = Field(None, ge=0, le=1)
    offline_for_seconds: float | None = Field(None, gt=0)


@control("/_fake/devices/set_fault_plan", FaultPlanParams)
def set_fault_plan(ctx: Context, p: FaultPlanParams) -> dict[str, Any]:  # type: ignore[override]
    lock_device(ctx, p.device_id)
    plan = ctx.fake.set_fault_plan(**p.model_dump(exclude_none=True))
    return {"fault_plan": plan}


class DeviceParam(ControlParams):
    device_id: str


@control("/_fake/devices/slots", DeviceParam)
def slots(ctx: Context, p: DeviceParam) -> dict[str, Any]:  # type: ignore[override]
    lock_device(ctx, p.device_id)
    return {"slots": ctx.fake.slots(p.device_id)}


class Offline(ControlParams):
    device_id: str
    for_seconds: float | None = Field(None, gt=0)


@control("/_fake/devices/go_offline", Offline)
def go_offline(ctx: Context, p: Offline) -> dict[str, Any]:  # type: ignore[override]
    lock_device(ctx, p.device_id)
    ctx.fake.go_offline(p.device_id, for_seconds=p.for_seconds)
    return {}


@control("/_fake/devices/go_online", DeviceParam)
def go_online(ctx: Context, p: DeviceParam) -> dict[str, Any]:  # type: ignore[override]
    lock_device(ctx, p.device_id)
    ctx.fake.go_online(p.device_id)
    return {}


class KeypadEdit(ControlParams):
    device_id: str
    code: str  # the PIN now in the slot
    new_code: str | None = None  # None: the code is deleted at the keypad


@control("/_fake/devices/edit_keypad_code", KeypadEdit)
def edit_keypad_code(ctx: Context, p: KeypadEdit) -> dict[str, Any]:  # type: ignore[override]
    lock_device(ctx, p.device_id)
    ctx.fake.edit_keypad_code(p.device_id, p.code, p.new_code)
    return {"slots": ctx.fake.slots(p.device_id)}


class BackupPoolSettings(ControlParams):
    device_id: str
    pool_size: int | None = Field(None, ge=0, le=1000)
    many_active_backup_codes_threshold: int | None = Field(None, ge=1)


@control("/_fake/devices/set_backup_pool", BackupPoolSettings)
def set_backup_pool(ctx: Context, p: BackupPoolSettings) -> dict[str, Any]:  # type: ignore[override]
    lock_device(ctx, p.device_id)
    ctx.fake.set_backup_pool(
        p.device_id,
        pool_size=p.pool_size,
        many_active_backup_codes_threshold=p.many_active_backup_codes_threshold,
    )
    return ctx.fake.backup_pool(p.device_id)


@control("/_fake/devices/backup_pool", DeviceParam)
def backup_pool(ctx: Context, p: DeviceParam) -> dict[str, Any]:  # type: ignore[override]
    lock_device(ctx, p.device_id)
    return ctx.fake.backup_pool(p.device_id)


class NewWorkspace(ControlParams):
    name: str = "Test Workspace"
    seed: Literal["empty", "default_fleet"] = "empty"


@control("/_fake/workspaces/create", NewWorkspace)
def create_workspace(ctx: Context, p: NewWorkspace) -> dict[str, Any]:  # type: ignore[override]
    workspace, api_key = ctx.fake.create_workspace(p.name, fleet=p.seed == "default_fleet")
    return {"workspace": shapes.workspace(workspace), "api_key": api_key}


def unknown_workspace(workspace_id: str) -> SeamError:
    return not_found("workspace", "Workspace not found", workspace_id=workspace_id)
