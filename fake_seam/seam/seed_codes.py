"""A seed's managed access codes and webhooks, made as the fake holds them once settled.

A seed describes state, not history: each code is built as a record and put straight into its
slot (or booked for when its window opens), with no create request, no write in flight and no
event, so a seed of 100,000 codes loads in about a second. See docs/fleet-and-seeds.md.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from fake_seam import messages as msgs
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.records import AccessCode, Device, Webhook
from fake_seam.seam.seed import SeedError
from fake_seam.seam.store import Store
from fake_seam.seam.webhooks import SECRET_BYTES
from fake_seam.simulator import SimulatedLock
from fake_seam.simulator.code_rules import PinRejected
from fake_seam.simulator.lock import SlotOrigin


def seconds_of(value: str | None, where: str) -> float | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SeedError(msgs.seed_entry_rejected(where, msgs.SEED_NOT_A_TIME)) from None
    if moment.tzinfo is None:  # Seam's times are UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def seed_access_codes(
    codes: AccessCodes, pools: BackupPools, device: Device, specs: list[dict[str, Any]], where: str
) -> None:
    """The device's seeded codes, each set on its lock (or waiting for its window), and its
    pool as settled (`pool_enabled`: the device's `backup_access_code_pool_enabled`)."""
    lock = device.lock
    if lock is None:
        raise SeedError(msgs.seed_entry_rejected(where, msgs.SEED_NOT_A_LOCK))
    store = codes.store
    now = store.now()
    taken = lock.codes_on_lock()
    check_pin = lock.rules.check_pin
    names: set[str] | None = None
    if lock.rules.kinds() & {"name_length", "name_must_be_unique"}:
        names = {c.name for c in store.codes_by_device.get(device.device_id, {}).values() if c.name}
    wants_pool = False
    pulled: list[tuple[AccessCode, str, str]] = []
    for index, spec in enumerate(specs):
        here = f"{where}.{index}"
        starts_at = seconds_of(spec.get("starts_at"), f"{here}.starts_at")
        ends_at = seconds_of(spec.get("ends_at"), f"{here}.ends_at")
        if ends_at is None and starts_at is not None:
            raise SeedError(msgs.seed_entry_rejected(here, msgs.SEED_STARTS_AT_WITHOUT_ENDS_AT))
        if ends_at is not None and starts_at is None:
            starts_at = now
        if ends_at is not None and starts_at is not None and ends_at <= starts_at:
            raise SeedError(msgs.seed_entry_rejected(here, msgs.SEED_ENDS_BEFORE_STARTS))
        if ends_at is not None and ends_at <= now:
            continue  # over before the fake starts: nothing left on the lock to hold
        pin = spec["code"]
        try:
            check_pin(pin, taken)
        except PinRejected as rejected:
            raise SeedError(msgs.seed_entry_rejected(f"{here}.code", str(rejected))) from None
        if pin in taken:
            raise SeedError(msgs.seed_entry_rejected(f"{here}.code", msgs.SEED_PIN_TAKEN))
        if names is not None and spec.get("pulled_backup_of") is None:
            try:
                lock.rules.check_name(spec.get("name"), names)
            except PinRejected as rejected:
                raise SeedError(msgs.seed_entry_rejected(f"{here}.name", str(rejected))) from None
            if spec.get("name"):
                names.add(spec["name"])
        taken.add(pin)
        code_id = spec.get("access_code_id")
        if code_id is None:
            code_id = store.ids.uuid()
        elif code_id in store.access_codes:
            raise SeedError(msgs.seed_entry_rejected(f"{here}.access_code_id", msgs.SEED_ID_TAKEN))
        else:
            store.ids.reserve(code_id)
        record = AccessCode(
            access_code_id=code_id,
            workspace_id=device.workspace_id,
            device_id=device.device_id,
            name=spec.get("name"),
            code=pin,
            type="ongoing" if ends_at is None else "time_bound",
            created_at=now,
            starts_at=starts_at,
            ends_at=ends_at,
            common_code_key=spec.get("common_code_key"),
            is_external_modification_allowed=bool(spec.get("is_external_modification_allowed")),
            is_one_time_use=bool(spec.get("is_one_time_use")),
            is_offline_access_code=bool(spec.get("is_offline_access_code")),
        )
        original = spec.get("pulled_backup_of")
        if original is not None:
            record.is_backup = record.pulled = True
            record.pulled_for = original
            record.name = record.name_on_lock
            pulled.append((record, original, here))
        if spec.get("use_backup_access_code_pool"):
            try:
                device.check_pool_allowed(ends_at is not None)
            except Exception as refused:  # a SeamError: its message says why
                raise SeedError(msgs.seed_entry_rejected(here, str(refused))) from None
            wants_pool = True
        store.add_code(record)
        try:
            settle(codes, record, lock, now)
        except PinRejected as full:
            raise SeedError(msgs.seed_entry_rejected(here, str(full))) from None
    for backup, original_id, here in pulled:
        original = store.access_codes.get(original_id)
        if original is None or original.device_id != device.device_id:
            raise SeedError(msgs.seed_entry_rejected(here, msgs.seed_no_original(original_id)))
        original.pulled_backup_access_code_id = backup.access_code_id
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
    store = pools.store
    now = store.now()
    while len(pool.members) < pool.target_size and lock.free_slot_count():
        try:
            pin = lock.rules.generate(store.pin_rng, pools.codes.taken_codes(device))
        except PinRejected:
            break
        backup = AccessCode(
            access_code_id=store.ids.uuid(),
            workspace_id=device.workspace_id,
            device_id=device.device_id,
            name=None,
            code=pin,
            type="ongoing",
            created_at=now,
            is_backup=True,
        )
        backup.name = backup.name_on_lock
        store.add_code(backup)
        pool.members.append(backup.access_code_id)
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
        secret = spec.get("secret") or (
            "whsec_" + base64.b64encode(store.webhook_rng.randbytes(SECRET_BYTES)).decode()
        )
        event_types = spec.get("event_types")
        store.add_webhook(Webhook(webhook_id, workspace_id, spec["url"], list(event_types or ["*"]), secret))
