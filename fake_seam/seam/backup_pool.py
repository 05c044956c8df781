"""Backup access code pools, as Seam's guide (seam-api/backup-access-codes.txt) describes them.

A pool is a set of real codes written onto the lock ahead of need. Pulling one hands it to the
guest of a failed code for the rest of that code's stay; Seam then refills the pool.
"""

from __future__ import annotations

from fake_seam import messages as msgs
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.errors import (
    BACKUP_ONLY_TIME_BOUND,
    BACKUP_POOL_UNSUPPORTED,
    SeamError,
    invalid_input,
)
from fake_seam.seam.records import AccessCode, Device
from fake_seam.seam.store import Caller, Store
from fake_seam.simulator import PinRejected


class BackupPools:
    """Every device's backup pool. Follows access codes' lives through `CodeLifecycle`
    (`seam.hooks`: the composition root subscribes it); writes its backups through the access
    code service."""

    def __init__(self, store: Store, codes: AccessCodes) -> None:
        self.store = store
        self.codes = codes

    def now(self) -> float:
        return self.store.now()

    # -- activation -------------------------------------------------------------------

    def pool_requested(self, device: Device) -> None:
        self.activate_pool(device)

    def activate_pool(self, device: Device) -> None:
        """The first create with `use_backup_access_code_pool: true`; never undone by a create.

        A pool switched off with `devices/update {backup_access_code_pool_enabled: false}`, before
        or after its activation, stays off until switched on the same way: a booking system that
        always asks for the pool does not override the operator who turned it off (such a
        request is refused, `Device.check_pool_allowed`, so this is not reached).
        """
        pool = device.pool
        if pool.active or pool.switched_off:
            return
        pool.active = True
        self.refill(device)
        self.pool_changed(device)

    def set_pool_enabled(self, device: Device, enabled: bool) -> None:
        """`devices/update {backup_access_code_pool_enabled}`: Seam's explicit off switch."""
        pool = device.pool
        if enabled:
            if not device.supports_backup_access_code_pool:
                raise invalid_input("backup_access_code_pool_enabled", BACKUP_POOL_UNSUPPORTED)
            pool.active = True
            pool.switched_off = False
            self.refill(device)
        else:
            pool.switched_off = True
            # Unpulled backups leave the lock; pulled ones stay until their ends_at.
            for code_id in list(pool.members):
                self.codes.remove(self.store.access_codes[code_id])
        self.pool_changed(device)

    def drop_pool_codes(self, device: Device) -> None:
        """Unmanaging a device removes every backup code Seam put on it."""
        pool = device.pool
        for code_id in list(pool.members) + list(pool.pulled):
            code = self.store.access_codes.get(code_id)
            if code is not None:
                self.codes.remove(code)
        self.pool_changed(device)

    # -- the pool's contents ----------------------------------------------------------

    def pool_codes(self, device: Device) -> list[AccessCode]:
        return [self.store.access_codes[i] for i in device.pool.members if i in self.store.access_codes]

    def ready_backups(self, device: Device) -> list[AccessCode]:
        return [c for c in self.pool_codes(device) if c.status == "set"]

    def in_flight_backups(self, device: Device) -> list[AccessCode]:
        return [c for c in self.pool_codes(device) if c.status != "set"]

    def pulled_backups(self, device: Device) -> list[AccessCode]:
        return [self.store.access_codes[i] for i in device.pool.pulled if i in self.store.access_codes]

    def is_backup_access_code_available(self, record: AccessCode) -> bool:
        """True for a time-bound code whose pool is active and has a backup for it."""
        if record.type != "time_bound" or record.is_backup or record.has_ended(self.now()):
            return False  # an ended stay has nothing left to back up
        if self.store.pulled_backup_of(record) is not None:
            return True  # a repeat pull returns that same backup
        device = self.store.devices.get(record.device_id)
        if device is None or not device.pool.is_on:
            return False
        return bool(self.ready_backups(device))

    # -- refill -----------------------------------------------------------------------

    def refill(self, device: Device) -> None:
        pool = device.pool
        if not (pool.is_on and device.is_managed and device.lock is not None):
            return
        # A smaller target sheds unpulled backups: those still being written first, then the
        # newest, so the oldest (pulled first) stay.
        while len(pool.members) > pool.target_size:
            spare = sorted(reversed(self.pool_codes(device)), key=lambda c: c.status == "set")[0]
            self.codes.remove(spare)
        while len(pool.members) < pool.target_size:
            backup = self.add_backup(device)
            if backup is None:
                break
            self.codes.write(backup)

    def add_backup(self, device: Device) -> AccessCode | None:
        """A new backup in the device's pool, its PIN generated, not yet on the lock (None
        when the lock's rules leave no PIN to give)."""
        assert device.lock is not None
        try:
            pin = device.lock.rules.generate(self.store.pin_rng, self.codes.taken_codes(device))
        except PinRejected:
            return None
        backup = AccessCode(
            access_code_id=self.store.ids.uuid(),
            workspace_id=device.workspace_id,
            device_id=device.device_id,
            name=None,
            code=pin,
            type="ongoing",
            created_at=self.now(),
            is_backup=True,
        )
        backup.name = backup.name_on_lock
        self.store.add_code(backup)
        device.pool.members.append(backup.access_code_id)
        return backup

    # -- what access codes announce (CodeLifecycle) ------------------------------------

    def leaving(self, record: AccessCode) -> None:
        """A backup starts being erased: it is no longer part of the pool (nor active)."""
        if not record.is_backup:
            return
        device = self.store.devices.get(record.device_id)
        if device is None:
            return
        if record.access_code_id in device.pool.members:
            device.pool.members.remove(record.access_code_id)
        self.pool_changed(device)

    def gone(self, record: AccessCode) -> None:
        if not record.is_backup:
            return
        device = self.store.devices.get(record.device_id)
        if device is None:
            return
        pool = device.pool
        if record.access_code_id in pool.members:
            pool.members.remove(record.access_code_id)
        if record.access_code_id in pool.pulled:
            pool.pulled.remove(record.access_code_id)
        self.codes.slot_freed(device)
        self.refill(device)
        self.pool_changed(device)

    def landed(self, record: AccessCode) -> None:
        if record.is_backup:
            self.pool_changed(self.store.devices[record.device_id])

    failed = landed  # a backup that failed to land is not ready either: the same re-check

    def time_frame_changed(self, record: AccessCode) -> None:
        """A pulled backup lives exactly as long as its original (an original made ongoing
        makes its backup ongoing too)."""
        backup = self.store.pulled_backup_of(record)
        if backup is None:
            return
        backup.ends_at = record.ends_at
        backup.type = record.type
        if record.ends_at is None:
            backup.starts_at = None
        self.codes.reconcile(backup)
        self.pool_changed(self.store.devices[record.device_id])

    # -- pull -------------------------------------------------------------------------

    def pull(self, caller: Caller, access_code_id: str) -> AccessCode:
        original = self.store.code(caller, access_code_id)
        device = self.store.devices[original.device_id]
        if original.is_backup:
            raise SeamError(
                "access_code_is_backup",
                msgs.PULL_FOR_A_BACKUP,
                400,
                data={"access_code_id": access_code_id},
            )
        if original.type != "time_bound":
            raise SeamError(
                "access_code_not_time_bound",
                BACKUP_ONLY_TIME_BOUND,
                400,
                data={"access_code_id": access_code_id},
            )
        if original.has_ended(self.now()):
            # Its erase may still wait for an offline lock, but the stay is over: a backup now
            # would be erased with it at once and only cost the pool a code.
            raise SeamError(
                "access_code_ended",
                msgs.PULL_FOR_AN_ENDED_CODE,
                400,
                data={"access_code_id": access_code_id},
            )
        existing = self.store.pulled_backup_of(original)
        if existing is not None:
            return existing  # a repeat pull returns the same backup
        if not device.pool.is_on:
            raise SeamError(
                "backup_access_code_pool_not_enabled",
                msgs.pool_switched_off(device.device_id)
                if device.pool.switched_off
                else msgs.pool_not_enabled(device.device_id),
                400,
                data={"access_code_id": access_code_id, "device_id": device.device_id},
            )
        ready = self.ready_backups(device)
        if not ready:
            raise SeamError(
                "no_backup_access_code_available",
                msgs.no_backup_ready(device.device_id),
                400,
                data={"access_code_id": access_code_id, "device_id": device.device_id},
            )
        backup = ready[0]
        device.pool.members.remove(backup.access_code_id)
        device.pool.pulled.append(backup.access_code_id)
        backup.pulled = True
        backup.pulled_for = original.access_code_id
        backup.type = "time_bound"
        backup.starts_at = self.now()
        backup.ends_at = original.ends_at
        original.pulled_backup_access_code_id = backup.access_code_id
        self.codes.reconcile(backup)
        self.codes.emit_code_event(
            original,
            "access_code.backup_access_code_pulled",
            backup_access_code_id=backup.access_code_id,
        )
        self.refill(device)
        self.pool_changed(device)
        return backup

    # -- pool settings ----------------------------------------------------------------

    def configure_pool(
        self, device: Device, *, pool_size: int | None = None, many_active_threshold: int | None = None
    ) -> None:
        if pool_size is not None:
            device.pool.target_size = pool_size
        if many_active_threshold is not None:
            device.pool.many_active_threshold = many_active_threshold
        self.refill(device)
        self.pool_changed(device)

    # -- device errors and warnings that follow the pool ------------------------------

    def pool_changed(self, device: Device) -> None:
        pool = device.pool
        lock = device.lock
        live = pool.is_on and device.is_managed
        ready = self.ready_backups(device) if live else []
        blocked = live and any(
            c.errors or (lock is not None and lock.is_held(c.access_code_id)) for c in self.pool_codes(device)
        )
        short_of_codes = live and len(pool.members) < pool.target_size  # no PIN or slot to try
        self.set_condition(
            device, "errors", "empty_backup_access_code_pool", live and pool.target_size > 0 and not ready
        )
        self.set_condition(
            device,
            "warnings",
            "partial_backup_access_code_pool",
            live and len(ready) < pool.target_size and (blocked or short_of_codes),
        )
        active_pulled = [c for c in self.pulled_backups(device) if c.status != "removing"]
        self.set_condition(
            device,
            "warnings",
            "many_active_backup_codes",
            pool.active and len(active_pulled) >= max(pool.many_active_threshold, 1),
        )

    def set_condition(self, device: Device, kind: str, code: str, present: bool) -> None:
        table: dict[str, tuple[float, str]] = getattr(device, kind)
        if present and code not in table:
            table[code] = (self.now(), msgs.DEVICE_CONDITION_MESSAGES.get(code, code))
        elif not present and code in table:
            del table[code]
