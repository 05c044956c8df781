"""What the console at `/_fake/console` reads: a workspace's locks a page at a time, and one
lock in full (its slots, writes, fault plan, backup pool and access codes, a page at a time).

Reads only, and sized by the page asked for, not by the fleet: a console open on a fake with
hundreds of locks and thousands of codes costs what it shows. No credentials in either answer
(API keys, client session tokens, webhook secrets); PINs are shown, as the slot table has them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fake_seam.clock import iso, ts
from fake_seam.controls.control import READS, Bench, ControlParams, control
from fake_seam.controls.devices import lock_device
from fake_seam.seam.fault_aims import aim_json
from fake_seam.seam.records import AccessCode, Device
from fake_seam.simulator.lock import SimulatedLock
from fake_seam.wire import shapes
from fake_seam.wire import validation as z

SLOTS_ON_A_CARD = 12  # a card shows this many slots; the lock's own page shows them all
EVENTS_SHOWN = 50  # the timeline starts from the workspace's latest events
DELIVERIES_SHOWN = 20
# Far past any fleet; a number past 2**53 would arrive as a float (JSON's doubles).
MAX_OFFSET = 1_000_000_000
MAX_PAGE = 500


class Overview(ControlParams):
    workspace_id: Annotated[str | None, z.string()] = None  # None: the first workspace
    offset: Annotated[int, z.number(integer=True, minimum=0, maximum=MAX_OFFSET)] = 0
    limit: Annotated[int, z.number(integer=True, minimum=1, maximum=MAX_PAGE)] = 24
    search: Annotated[str | None, z.string()] = None  # in a lock's name, id or brand


class LockPage(ControlParams):
    device_id: Annotated[str, z.string()]
    offset: Annotated[int, z.number(integer=True, minimum=0, maximum=MAX_OFFSET)] = 0
    limit: Annotated[int, z.number(integer=True, minimum=1, maximum=MAX_PAGE)] = 50
    search: Annotated[str | None, z.string()] = None  # in a code's name, PIN or id


def _issues(device: Device) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    errors = [{"error_code": e["error_code"], "message": e["message"]} for e in device.error_list()]
    warnings = [{"warning_code": w["warning_code"], "message": w["message"]} for w in device.warning_list()]
    return errors, warnings


def _live_codes(fake: Bench, device: Device) -> list[AccessCode]:
    """The device's access codes as `/access_codes/list` has them (backups only once pulled)."""
    codes = fake.cloud.store.codes_by_device.get(device.device_id, {})
    return [c for c in codes.values() if not c.deleted and not c.is_hidden_backup]


def _fault_plan(lock: SimulatedLock) -> dict[str, Any]:
    plan = lock.fault_plan.as_json()
    plan["offline_until"] = ts(plan["offline_until"])
    plan.update(aim_json(lock.fault_plan.aim))
    return plan


def _writes(lock: SimulatedLock) -> tuple[int, int]:
    held = sum(1 for w in lock.pending.values() if w.held)
    return len(lock.pending) - held, held


def lock_card(fake: Bench, device: Device) -> dict[str, Any]:
    """A lock as a card shows it."""
    lock = device.lock
    assert lock is not None
    pools = fake.cloud.pools
    in_flight, held = _writes(lock)
    errors, warnings = _issues(device)
    occupied = lock.occupied()
    return {
        "device_id": device.device_id,
        "display_name": device.nickname or device.display_name,
        "manufacturer": device.manufacturer,
        "online": lock.online,
        "locked": lock.locked,
        "capacity": lock.capacity,
        "slots_used": len(occupied),
        "slots": [s.as_json() for s in occupied[:SLOTS_ON_A_CARD]],
        "access_codes": len(_live_codes(fake, device)),
        "writes_in_flight": in_flight,
        "writes_held": held,
        "fault_plan": _fault_plan(lock),
        "errors": errors,
        "warnings": warnings,
        "backup_pool": {
            "supported": device.supports_backup_access_code_pool,
            "is_active": device.pool.is_on,
            "pool_size": device.pool.target_size,
            "ready": len(pools.ready_backups(device)),
            "pulled": len(pools.pulled_backups(device)),
            "in_flight": len(pools.in_flight_backups(device)),
        },
    }


def _event(fields: dict[str, Any], event_type: str, seq: int, occurred_at: float) -> dict[str, Any]:
    return {
        "seq": seq,
        "event_type": event_type,
        "occurred_at": ts(occurred_at),
        "device_id": fields.get("device_id"),
        "access_code_id": fields.get("access_code_id"),
    }


@control(
    "/_fake/console/overview",
    Overview,
    describe=lambda p, a: f"{a['workspace_id']}: {len(a['locks'])} of {a['total_locks']} lock(s)",
    methods=READS,
)
def console_overview(fake: Bench, p: Overview) -> dict[str, Any]:
    """The clock, the workspaces, and one workspace's locks a page at a time (`offset`,
    `limit`, `search`), each as the console's card shows it; its latest events and the
    latest webhook delivery tries. What `/_fake/console` reads."""
    store = fake.cloud.store
    workspaces = [
        {
            "workspace_id": w.workspace_id,
            "name": w.name,
            "locks": sum(1 for d in store.devices_by_workspace.get(w.workspace_id, {}).values() if d.is_lock),
        }
        for w in store.workspaces.values()
    ]
    workspace_id = p.workspace_id or next(iter(store.workspaces), "")
    if workspace_id:
        fake.cloud.workspaces.workspace(workspace_id)  # 404 for a workspace that is not there
    devices = store.devices_by_workspace.get(workspace_id, {}).values()
    locks = [d for d in devices if d.is_lock and not d.removed]
    if p.search:
        needle = p.search.lower()
        locks = [
            d
            for d in locks
            if needle in f"{d.nickname or ''} {d.display_name} {d.device_id} {d.manufacturer}".lower()
        ]
    events = store.events_by_workspace.get(workspace_id, [])[-EVENTS_SHOWN:]
    deliveries = fake.webhooks.deliveries(latest=DELIVERIES_SHOWN) if store.webhooks else []
    return {
        "clock": {"now": iso(fake.clock.now()), "frozen": fake.clock.frozen},
        "workspaces": workspaces,
        "workspace_id": workspace_id or None,
        "total_locks": len(locks),
        "offset": p.offset,
        "limit": p.limit,
        "locks": [lock_card(fake, d) for d in locks[p.offset : p.offset + p.limit]],
        "events": [_event(e.fields, e.event_type, e.seq, e.occurred_at) for e in events],
        "last_event_seq": store.event_seq,
        "webhook_deliveries": deliveries,
    }


def _code(fake: Bench, c: AccessCode) -> dict[str, Any]:
    shown = shapes.access_code(fake.cloud, c)  # as Seam shows it: a held write has the device's error
    return {
        "access_code_id": c.access_code_id,
        "name": c.name,
        "code": c.code,
        "type": c.type,
        "status": c.status,
        "starts_at": ts(c.starts_at),
        "ends_at": ts(c.ends_at),
        "errors": [{"error_code": e["error_code"], "message": e["message"]} for e in shown["errors"]],
        "warnings": [{"warning_code": w["warning_code"], "message": w["message"]} for w in shown["warnings"]],
        "is_backup": c.is_backup,
        "is_backup_access_code_available": shown["is_backup_access_code_available"],
        "pulled_backup_access_code_id": c.pulled_backup_access_code_id,
    }


def _backup(c: AccessCode) -> dict[str, Any]:
    return {
        "access_code_id": c.access_code_id,
        "code": c.code,
        "status": c.status,
        "pulled_for": c.pulled_for,
        "ends_at": ts(c.ends_at),
    }


@control(
    "/_fake/console/lock",
    LockPage,
    describe=lambda p, a: f"{p.device_id}: {len(a['access_codes'])} of {a['total_access_codes']} code(s)",
    methods=READS,
)
def console_lock(fake: Bench, p: LockPage) -> dict[str, Any]:
    """One lock in full, as the console's lock panel shows it: its card, every slot, the
    writes in flight or held, its backup pool, and its access codes a page at a time
    (`offset`, `limit`, `search`) with status, window, errors and warnings."""
    device = lock_device(fake, p.device_id)
    lock = device.lock
    assert lock is not None
    pools = fake.cloud.pools
    codes = _live_codes(fake, device)  # in the order they were made (the store's)
    if p.search:
        needle = p.search.lower()
        codes = [c for c in codes if needle in f"{c.name or ''} {c.code} {c.access_code_id}".lower()]
    names = fake.cloud.store.codes_by_device.get(device.device_id, {})
    writes = [
        {
            "access_code_id": w.key,
            "name": names[w.key].name if w.key in names and not names[w.key].is_backup else w.name,
            "code": w.code or None,
            "erase": w.erase,
            "origin": str(w.origin),
            "held": w.held,
            "due_at": None if w.held or w.job is None else ts(w.job.due),
        }
        for w in lock.pending.values()
    ]
    card = lock_card(fake, device)
    card["slots"] = [s.as_json() for s in lock.occupied()]
    return {
        "lock": card,
        "programming_delay_seconds": lock.programming_delay,
        "writes": writes,
        "backup_pool": {
            **card["backup_pool"],
            "many_active_backup_codes_threshold": device.pool.many_active_threshold,
            "ready": [_backup(c) for c in pools.ready_backups(device)],
            "pulled": [_backup(c) for c in pools.pulled_backups(device)],
            "in_flight": [_backup(c) for c in pools.in_flight_backups(device)],
        },
        "total_access_codes": len(codes),
        "offset": p.offset,
        "limit": p.limit,
        "access_codes": [_code(fake, c) for c in codes[p.offset : p.offset + p.limit]],
    }
