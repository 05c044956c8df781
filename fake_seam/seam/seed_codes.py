"""A seed's managed access codes and webhooks, made as the fake holds them once settled.

A seed describes state, not history: each code is built as a record and put straight into its
slot (or booked for when its window opens), with no create request, no write in flight and no
event, so a seed of 100,000 codes loads in about a second. See docs/fleet-and-seeds.md.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from fake_seam import messages as msgs
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.errors import SeamError
from fake_seam.seam.records import AccessCode, Device, Webhook
from fake_seam.seam.seed import SeedError
from fake_seam.seam.store import Store
from fake_seam.seam.webhooks import new_secret
from fake_seam.simulator import SimulatedLock
from fake_seam.simulator.code_rules import PinRejected
from fake_seam.simulator.lock import SlotOrigin


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a seed is loaded (or a state file's snapshot made or read):
    every object it makes lives on, and the passes its allocations trigger cost about a third
    of the time for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def seconds_of(value: str | None, where: str, index: int, name: str) -> float | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SeedError(msgs.seed_entry_rejected(f"{where}.{index}.{name}", msgs.SEED_NOT_A_TIME)) from None
    if moment.tzinfo is None:  # Seam's times are UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def refuse(where: str, index: int, name: str | None, problem: str) -> SeedError:
    return SeedError(msgs.seed_entry_rejected(f"{where}.{index}" + (f".{name}" if name else ""), problem))


def seed_access_codes(
    codes: AccessCodes, pools: BackupPools, device: Device, specs: list[dict[str, Any]], where: str
) -> None:
    """The device's seeded codes, each set on its lock (or waiting for its window), and its
    backup pool on and full when a code asks for it or holds a pulled backup.

    Built straight into the store's indexes (a seed's PINs are unique on their device, so
    no PIN holder is looked for twice): the loop is most of what a big seed costs."""
    lock = device.lock
    if lock is None:
        raise SeedError(msgs.seed_entry_rejected(where, msgs.SEED_NOT_A_LOCK))
    store = codes.store
    now = store.now()
    device_id, workspace_id = device.device_id, device.workspace_id
    taken = lock.codes_on_lock()
    rules = lock.rules
    lengths = set(rules.supported_code_lengths)
    # The rules beyond length (and digits, which the schema checked) ask for the full check.
    plain_rules = not rules.code_constraints
    names: set[str] | None = None
    if rules.kinds() & {"name_length", "name_must_be_unique"}:
        names = {c.name for c in store.codes_by_device.get(device_id, {}).values() if c.name}
    all_codes = store.access_codes
    by_device = store.codes_by_device.setdefault(device_id, {})
    pins = store.pins_by_device.setdefault(device_id, {})
    ids = store.ids
    wants_pool = False
    pulled: list[tuple[AccessCode, str, int]] = []
    for index, spec in enumerate(specs):
        get = spec.get
        starts_at = seconds_of(get("starts_at"), where, index, "starts_at")
        ends_at = seconds_of(get("ends_at"), where, index, "ends_at")
        if ends_at is None:
            if starts_at is not None:
                raise refuse(where, index, None, msgs.SEED_STARTS_AT_WITHOUT_ENDS_AT)
        else:
            if starts_at is None:
                starts_at = now
            elif ends_at <= starts_at:
                raise refuse(where, index, None, msgs.SEED_ENDS_BEFORE_STARTS)
            if ends_at <= now:
                continue  # over before the fake starts: nothing left on the lock to hold
        pin = spec["code"]
        if not plain_rules or len(pin) not in lengths:
            try:
                rules.check_pin(pin, taken)
            except PinRejected as rejected:
                raise refuse(where, index, "code", str(rejected)) from None
        if pin in taken:
            raise refuse(where, index, "code", msgs.SEED_PIN_TAKEN)
        taken.add(pin)
        original = get("pulled_backup_of")
        if names is not None and original is None:
            name = get("name")
            try:
                rules.check_name(name, names)
            except PinRejected as rejected:
                raise refuse(where, index, "name", str(rejected)) from None
            if name:
                names.add(name)
        code_id = get("access_code_id")
        if code_id is None:
            code_id = ids.uuid()
        elif code_id in all_codes:
            raise refuse(where, index, "access_code_id", msgs.SEED_ID_TAKEN)
        else:
            ids.reserve(code_id)
        record = AccessCode(
            code_id,
            workspace_id,
            device_id,
            get("name"),
            pin,
            "ongoing" if ends_at is None else "time_bound",
            now,
            starts_at,
            ends_at,
            common_code_key=get("common_code_key"),
            is_external_modification_allowed=get("is_external_modification_allowed") or False,
            is_one_time_use=get("is_one_time_use") or False,
            is_offline_access_code=get("is_offline_access_code") or False,
        )
        if original is not None:
            record.is_backup = record.pulled = True
            record.pulled_for = original
            record.name = record.name_on_lock
            pulled.append((record, original, index))
        if get("use_backup_access_code_pool"):
            try:
                device.check_pool_allowed(ends_at is not None)
            except SeamError as refused:
                raise refuse(where, index, "use_backup_access_code_pool", refused.message) from None
            wants_pool = True
        all_codes[code_id] = by_device[code_id] = record
        pins[pin] = [record]
        try:
            settle(codes, record, lock, now)
        except PinRejected as full:
            raise refuse(where, index, None, str(full)) from None
    for backup, original_id, index in pulled:
        first = all_codes.get(original_id)
        if (
            first is None
            or first.device_id != device_id
            or first.is_backup
            or first.pulled_backup_access_code_id
        ):
            raise refuse(where, index, "pulled_backup_of", msgs.seed_no_original(original_id))
        first.pulled_backup_access_code_id = backup.access_code_id
        device.pool.pulled.append(backup.access_code_id)
        wants_pool = True
    if wants_pool:
        enable_pool(pools, device)


def settle(codes: AccessCodes, record: AccessCode, lock: SimulatedLock, now: float) -> None:
    """The code as `AccessCodes.reconcile` and a landed write leave it: in its slot and `set`,
    or booked for the time its write window opens (`unset`); its end booked either way."""
    timeline = codes.timeline
    if record.ends_at is not None:
        record.end_job = timeline.at(record.ends_at, codes.reconcile, arg=record)
    opens = codes.write_window_opens(record, lock)
    if opens is not None and now < opens:
        record.start_job = timeline.at(opens, codes.reconcile, arg=record)
        return
    origin = SlotOrigin.BACKUP if record.is_backup else SlotOrigin.MANAGED
    lock.hold(record.access_code_id, record.code, record.name_on_lock, origin, codes.window_of(record, lock))
    native = lock.native_scheduling and record.type == "time_bound" and not record.is_backup
    record.is_scheduled_on_device = native
    if native and record.starts_at is not None and now < record.starts_at:
        record.activate_job = timeline.at(record.starts_at, codes.activate, arg=record)
        return  # on the lock, which honours it from its start
    record.status = "set"


def enable_pool(pools: BackupPools, device: Device) -> None:
    """The device's backup pool on and full, its backups already set on the lock (as many as
    free slots allow: a lock with none left shows the pool's warning, as it would)."""
    pool = device.pool
    lock = device.lock
    if pool.switched_off or lock is None:
        return
    pool.active = True
    now = pools.store.now()
    while len(pool.members) < pool.target_size and lock.free_slot_count():
        backup = pools.add_backup(device)
        if backup is None:
            break
        settle(pools.codes, backup, lock, now)
    pools.pool_changed(device)


def seed_webhooks(store: Store, workspace_id: str, specs: list[dict[str, Any]]) -> None:
    """The workspace's webhooks, with their ids and secrets (so signatures keep verifying).
    A sandbox reset seeds them again: one already there is kept as it is."""
    for spec in specs:
        webhook_id = spec.get("webhook_id")
        if webhook_id is None:
            webhook_id = store.webhook_ids.uuid()
        elif webhook_id in store.webhooks:
            continue
        else:
            store.webhook_ids.reserve(webhook_id)
        secret = spec.get("secret") or new_secret(store)
        event_types = spec.get("event_types")
        store.add_webhook(Webhook(webhook_id, workspace_id, spec["url"], list(event_types or ["*"]), secret))
