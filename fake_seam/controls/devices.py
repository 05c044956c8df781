"""Locks: make one, break its writes, take it off the network and back, read its slots."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, ClassVar

from pydantic import Field

from fake_seam.clock import format_duration, iso, to_datetime
from fake_seam.controls.clock import in_range
from fake_seam.controls.control import READS, Bench, ControlParams, control
from fake_seam.seam.errors import SeamError, access_code_not_found
from fake_seam.seam.fault_aims import FAULT_AIMS, aim_json, write_aim
from fake_seam.seam.records import ConnectedAccount, Device
from fake_seam.simulator.code_rules import NAME_CONSTRAINTS, PIN_CONSTRAINTS
from fake_seam.simulator.lock import WRITE_ERROR_CODES
from fake_seam.wire import shapes
from fake_seam.wire import validation as z


def lock_device(fake: Bench, device_id: str) -> Device:
    """A device that is a simulated lock (404 if unknown, 400 if it is, say, a thermostat)."""
    device = fake.cloud.store.known_device(device_id)
    if device.lock is None:
        raise SeamError(
            "device_not_lock", f"Device {device_id} is not a lock", 400, data={"device_id": device_id}
        )
    return device


def read_slots(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The slot table a route answers (`slots`)."""
    return list(answer["slots"])


def read_fault_plan(answer: dict[str, Any]) -> dict[str, Any]:
    return dict(answer["fault_plan"])


def read_device(answer: dict[str, Any]) -> dict[str, Any]:
    """The device a route answers, as Seam's JSON (a remote client has no `Device` record)."""
    return dict(answer["device"])


class FaultPlan(ControlParams):
    fail_next: Annotated[int | None, z.number(integer=True, minimum=0)] = None
    error_code: Annotated[str | None, z.enum(WRITE_ERROR_CODES)] = None
    failure_rate: Annotated[
        float | None, z.number(minimum=0, maximum=1), Field(description="a probability from 0 to 1")
    ] = None
    offline_for_seconds: Annotated[float | None, z.duration(exclusive_minimum=True)] = None
    aim: Annotated[
        str | None,
        z.enum(FAULT_AIMS),
        Field(description="the writes `fail_next` and `failure_rate` hit: all, guests' codes or backups"),
    ] = None
    access_code_id: Annotated[str | None, z.string()] = None
    access_code_name: Annotated[str | None, z.string()] = None


class DeviceFaultPlan(FaultPlan):
    device_id: Annotated[str, z.string()]


def _aim_phrase(plan: dict[str, Any]) -> str:
    aimed = {"guest_codes": " of guests' codes", "backup_codes": " of backup codes"}.get(plan["aim"], "")
    if plan["access_code_id"]:
        aimed += f" for {plan['access_code_id']}"
    if plan["access_code_name"]:
        aimed += f" named {plan['access_code_name']!r}"
    return aimed


def _describe_faults(p: DeviceFaultPlan, answer: dict[str, Any]) -> str:
    parts = []
    aimed = _aim_phrase(
        answer.get("fault_plan") or {"aim": None, "access_code_id": None, "access_code_name": None}
    )
    if p.fail_next is not None:
        parts.append(f"fails its next {p.fail_next} write(s){aimed}")
    if p.failure_rate is not None:
        parts.append(f"fails {p.failure_rate:.0%} of writes{aimed} (seeded)")
    if p.offline_for_seconds is not None:
        parts.append(f"is offline until {answer.get('fault_plan', {}).get('offline_until')}")
    with_error = f" with {p.error_code}" if p.error_code else ""
    return f"{p.device_id} {', '.join(parts) or 'keeps its fault plan'}{with_error}"


@control(
    "/_fake/devices/set_fault_plan",
    DeviceFaultPlan,
    answer=lambda fake, p, plan: {"fault_plan": plan},
    read=read_fault_plan,
    describe=_describe_faults,
)
def set_fault_plan(fake: Bench, p: DeviceFaultPlan) -> dict[str, Any]:
    """Make the lock's writes fail: the next `fail_next` of them, or each with probability
    `failure_rate` (from the fake's seeded RNG), with `error_code`; or take it offline for
    `offline_for_seconds`. `aim` picks the writes that count: `all_writes` (the default),
    `guest_codes` (managed codes that are not backups) or `backup_codes` (the backup pool's);
    `access_code_id` or `access_code_name` narrow it to one code (404 for a code the device
    does not have). Writes outside the aim land and use up nothing. Giving any of the three
    sets the whole aim; giving none keeps it. Answers the plan now in force."""
    lock = lock_device(fake, p.device_id).lock
    assert lock is not None
    if p.offline_for_seconds is not None:
        in_range("offline_for_seconds", fake.clock.timestamp() + p.offline_for_seconds)
    if p.access_code_id is not None:
        code = fake.cloud.store.codes_by_device.get(p.device_id, {}).get(p.access_code_id)
        if code is None or code.deleted:
            raise access_code_not_found(p.access_code_id)
    lock.set_fault_plan(
        fail_next=p.fail_next,
        error_code=p.error_code,
        failure_rate=p.failure_rate,
        offline_for=p.offline_for_seconds,
        aim=write_aim(p.aim, p.access_code_id, p.access_code_name),
    )
    plan = lock.fault_plan.as_json()
    plan["offline_until"] = iso(to_datetime(plan["offline_until"])) if plan["offline_until"] else None
    plan.update(aim_json(lock.fault_plan.aim))
    return plan


class CodeConstraint(ControlParams):
    """One of Seam's `code_constraints` (`properties.code_constraints` on a lock)."""

    constraint_type: Annotated[str, z.enum(sorted(PIN_CONSTRAINTS | NAME_CONSTRAINTS))]
    min_length: Annotated[float | None, z.number(minimum=0)] = None
    max_length: Annotated[float | None, z.number(minimum=0)] = None


class CreateLock(ControlParams):
    workspace_id: Annotated[str, z.string()] = "seed_workspace_1"
    connected_account_id: Annotated[str | None, z.string()] = None
    device_id: Annotated[str | None, z.string()] = None
    manufacturer: Annotated[str, z.string()] = "august"
    display_name: Annotated[str, z.string()] = "Lock"
    device_type: Annotated[str | None, z.string()] = None
    max_active_codes_supported: Annotated[int, z.number(integer=True, minimum=0, maximum=10_000)] = 10
    # PINs of 1 to 12 digits: a lock that takes none, or 100, could never be given a code.
    supported_code_lengths: Annotated[
        list[int] | None, z.array(z.number(integer=True, minimum=1, maximum=12), min_items=1)
    ] = None
    code_constraints: Annotated[list[CodeConstraint] | None, z.array(z.obj(CodeConstraint))] = None
    supports_backup_access_code_pool: Annotated[bool | None, z.boolean()] = None
    programming_delay_seconds: Annotated[float, z.duration()] = 5.0
    native_scheduling: Annotated[bool, z.boolean()] = False
    online: Annotated[bool, z.boolean()] = True
    locked: Annotated[bool, z.boolean()] = True
    pool_size: Annotated[int | None, z.number(integer=True, minimum=0)] = None
    many_active_backup_codes_threshold: Annotated[int | None, z.number(integer=True, minimum=1)] = None
    properties: Annotated[dict[str, Any] | None, z.record(z.unknown())] = None
    fault_plan: Annotated[FaultPlan | None, z.obj(FaultPlan)] = None
    # From Python, the fault plan is a dict of `set_fault_plan`'s fields (or the model).
    python_types: ClassVar[dict[str, Any]] = {
        "fault_plan": dict[str, Any] | FaultPlan | None,
        "code_constraints": list[dict[str, Any]] | list[CodeConstraint] | None,
    }


@control(
    "/_fake/devices/create",
    CreateLock,
    answer=lambda fake, p, device: {"device": shapes.device(fake.cloud, device)},
    read=read_device,
    describe=lambda p, a: f"lock {a['device']['device_id']} ({p.manufacturer}) added to {p.workspace_id}",
)
def create_lock(fake: Bench, p: CreateLock) -> Device:
    """A new simulated lock in a workspace (with the workspace's first connected account,
    or a new one), with the seed file's lock fields; answers the device."""
    cloud = fake.cloud
    cloud.workspaces.workspace(p.workspace_id)  # 404 for a workspace that is not there
    account_id = p.connected_account_id or next(
        (
            a.connected_account_id
            for a in cloud.store.connected_accounts.values()
            if a.workspace_id == p.workspace_id
        ),
        None,
    )
    if account_id is None:
        account_id = cloud.store.ids.uuid()
        cloud.store.connected_accounts[account_id] = ConnectedAccount(
            account_id, p.workspace_id, p.manufacturer, fake.clock.timestamp()
        )
    spec = p.model_dump(exclude_none=True, exclude={"workspace_id", "connected_account_id", "fault_plan"})
    device = cloud.devices.add_lock(workspace_id=p.workspace_id, connected_account_id=account_id, **spec)
    if p.fault_plan is not None:
        set_fault_plan.apply(
            fake, DeviceFaultPlan(device_id=device.device_id, **p.fault_plan.model_dump(exclude_none=True))
        )
    cloud.events.device_event(device, "device.added")
    return device


class Offline(ControlParams):
    device_id: Annotated[str, z.string()]
    for_seconds: Annotated[float | None, z.duration(exclusive_minimum=True)] = None
    python_types: ClassVar[dict[str, Any]] = {"for_seconds": float | timedelta | str | None}


def _describe_offline(p: Offline, answer: dict[str, Any]) -> str:

    span = f" for {format_duration(p.for_seconds)}" if p.for_seconds else ""
    return f"{p.device_id} went offline{span}"


@control(
    "/_fake/devices/go_offline",
    Offline,
    answer=lambda fake, p, r: {"device_id": p.device_id, "online": False},
    describe=_describe_offline,
)
def go_offline(fake: Bench, p: Offline) -> None:
    """The lock loses its connection (for `for_seconds`, or until `go_online`); writes wait for it."""
    if p.for_seconds is not None:
        in_range("for_seconds", fake.clock.timestamp() + p.for_seconds)
    fake.cloud.devices.set_online(lock_device(fake, p.device_id), False, p.for_seconds)


class DeviceParams(ControlParams):
    device_id: Annotated[str, z.string()]


@control(
    "/_fake/devices/go_online",
    DeviceParams,
    answer=lambda fake, p, r: {"device_id": p.device_id, "online": True},
    describe=lambda p, a: f"{p.device_id} came back online",
)
def go_online(fake: Bench, p: DeviceParams) -> None:
    """The lock reconnects; the writes it held are sent."""
    fake.cloud.devices.set_online(lock_device(fake, p.device_id), True)


class BatteryLevel(ControlParams):
    device_id: Annotated[str, z.string()]
    level: Annotated[float, z.number(minimum=0, maximum=1), Field(description="from 0 (empty) to 1 (full)")]


@control(
    "/_fake/devices/set_battery_level",
    BatteryLevel,
    describe=lambda p, answer: f"{p.device_id}'s battery at {p.level:.0%}",
)
def set_battery_level(fake: Bench, p: BatteryLevel) -> dict[str, Any]:
    """Set a device's battery level (0 to 1; any device: lock, thermostat or sensor). Its
    `battery.status` follows: `critical` below 0.1, `low` below 0.25, `full` from 0.95,
    `good` between. A change of status emits `device.battery_status_changed`; falling below
    0.25 emits `device.low_battery`. Answers the device."""
    device = fake.cloud.store.known_device(p.device_id)
    fake.cloud.devices.set_battery_level(device, p.level)
    return {"device": shapes.device(fake.cloud, device)}


@control(
    "/_fake/devices/slots",
    DeviceParams,
    answer=lambda fake, p, slots: {"slots": slots},
    read=read_slots,
    describe=lambda p, a: f"{p.device_id} holds {len(a['slots'])} code(s)",
    methods=READS,
)
def slots(fake: Bench, p: DeviceParams) -> list[dict[str, Any]]:
    """The lock's slot table: `{slot, code, name, origin}`, origin `managed`, `backup` or `keypad`."""
    lock = lock_device(fake, p.device_id).lock
    assert lock is not None
    return [slot.as_json() for slot in lock.occupied()]
