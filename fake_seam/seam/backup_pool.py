"""Backup access code pools, as Seam's guide (seam-api/backup-access-codes.txt) describes them.

A pool is a set of real codes written onto the lock ahead of need. Pulling one hands it to the
guest of a failed code for the rest of that code's stay; Seam then refills the pool.
"""

from __future__ import annotations

from fake_seam.seam.access_codes import AccessCodeRules
from fake_seam.seam.errors import (
    BACKUP_ONLY_TIME_BOUND,
    BACKUP_POOL_UNSUPPORTED,
    SeamError,
    invalid_input,
)
from fake_seam.seam.records import AccessCode, Device
from fake_seam.seam.state import Caller
from fake_seam.simulator import PinRejected

DEVICE_CONDITION_MESSAGES = {
    "empty_backup_access_code_pool": "There are no more backup codes available in the pool.",
    "partial_backup_access_code_pool": "Seam is having trouble refilling the backup access code pool.",
    "many_active_backup_codes": "Multiple backup codes have been pulled from the device.",
}


class BackupPoolRules(AccessCodeRules):
    # -- activation -------------------------------------------------------------------

    def check_pool_allowed(self, device: Device, time_bound: bool) -> None:
        if not time_bound:
            raise invalid_input("use_backup_access_code_pool", BACKUP_ONLY_TIME_BOUND)
        if not device.supports_backup_access_code_pool:
            raise invalid_input("use_backup_access_code_pool", BACKUP_POOL_UNSUPPORTED)

    def activate_pool(self, device: Device) -> None:
        """The first create with `use_backup_access_code_pool: true`; never undone by a create.

        A pool switched off with `devices/update {backup_access_code_pool_enabled: false}` stays
        off until switched on the same way: a booking system that always asks for the pool does
        not override the operator who turned it off.
        """
        pool = device.pool
        if pool.active:
            return
        pool.active = pool.enabled = True
        self.refill(device)
        self.pool_changed(device)

    def set_pool_enabled(self, device: Device, enabled: bool) -> None:
        """`devices/update {backup_access_code_pool_enabled}`: Seam's explicit off switch."""
        pool = device.pool
        if enabled:
            if not device.supports_backup_access_code_pool:
                raise invalid_input("backup_access_code_pool_enabled", BACKUP_POOL_UNSUPPORTED)
            pool.active = True
            pool.enabled = True
            self.refill(device)
        else:
            pool.enabled = False
            # Unpulled backups leave the lock; pulled ones stay until their ends_at.
            for code_id in list(pool.members):
                self.remove(self.access_codes[code_id])
        self.pool_changed(device)

    def drop_pool_codes(self, device: Device) -> None:
        """Unmanaging a device removes every backup code Seam put on it."""
        pool = device.pool
        for code_id in list(pool.members) + list(pool.pulled):
            code = self.access_codes.get(code_id)
            if code is not None:
                self.remove(code)
        self.pool_changed(device)

    # -- the pool's contents ----------------------------------------------------------

    def pool_codes(self, device: Device) -> list[AccessCode]:
        return [self.access_codes[i] for i in device.pool.members if i in self.access_codes]

    def ready_backups(self, device: Device) -> list[AccessCode]:
        return [c for c in self.pool_codes(device) if c.status == "set"]

    def in_flight_backups(self, device: Device) -> list[AccessCode]:
        return [c for c in self.pool_codes(device) if c.status != "set"]

    def pulled_backups(self, device: Device) -> list[AccessCode]:
        return [self.access_codes[i] for i in device.pool.pulled if i in self.access_codes]

    def pulled_backup_of(self, record: AccessCode) -> AccessCode | None:
        backup_id = record.pulled_backup_access_code_id
        backup = self.access_codes.get(backup_id) if backup_id else None
        if backup is None or backup.deleted:
            return None
        return backup

    def is_backup_access_code_available(self, record: AccessCode) -> bool:
        """True for a time-bound code whose pool is active and has a backup for it."""
        if record.type != "time_bound" or record.is_backup:
            return False
        if self.pulled_backup_of(record) is not None:
            return True  # a repeat pull returns that same backup
        device = self.devices.get(record.device_id)
        if device is None or not (device.pool.active and device.pool.enabled):
            return False
        return bool(self.ready_backups(device))

    # -- refill -----------------------------------------------------------------------

    def refill(self, device: Device) -> None:
        pool = device.pool
        if not (pool.enabled and device.is_managed and device.lock is not None):
            return
        # A smaller target sheds unpulled backups: those still being written first, then the
        # newest, so the oldest (pulled first) stay.
        while len(pool.members) > pool.target_size:
            spare = sorted(reversed(self.pool_codes(device)), key=lambda c: c.status == "set")[0]
            self.remove(spare)
        while len(pool.members) < pool.target_size:
            try:
                pin = device.lock.rules.generate(self.pin_rng, self.taken_codes(device))
            except PinRejected:
                break
            backup = AccessCode(
                access_code_id=self.ids.uuid(),
                workspace_id=device.workspace_id,
                device_id=device.device_id,
                name=None,
                code=pin,
                type="ongoing",
                created_at=self.now(),
                is_backup=True,
            )
            backup.name = self.name_on_lock(backup)
            self.add_code(backup)
            pool.members.append(backup.access_code_id)
            self.write(backup)

    def slot_freed(self, device: Device) -> None:
        """A slot came free: codes that found none try again now rather than at their retry.

        Guests' codes go first, so a refilling pool never takes the slot a guest is waiting for.
        """
        waiting = [
            c
            for c in self.codes_by_device.get(device.device_id, {}).values()
            if not c.deleted and c.has_job("retry") and "no_space_for_access_code_on_device" in c.errors
        ]
        lock = device.lock
        if lock is None:
            return
        # Only as many as there are slots nobody is already being written into.
        claimed = sum(1 for key, w in lock.pending.items() if not w.erase and lock.slot_of(key) is None)
        room = lock.free_slot_count() - claimed
        for code in sorted(waiting, key=lambda c: c.is_backup)[: max(room, 0)]:
            code.cancel_jobs("retry")
            self.reconcile(code)

    def backup_leaving(self, record: AccessCode) -> None:
        """A backup starts being erased: it is no longer part of the pool (nor active)."""
        device = self.devices.get(record.device_id)
        if device is None:
            return
        if record.access_code_id in device.pool.members:
            device.pool.members.remove(record.access_code_id)
        self.pool_changed(device)

    def backup_gone(self, record: AccessCode) -> None:
        device = self.devices.get(record.device_id)
        if device is None:
            return
        pool = device.pool
        if record.access_code_id in pool.members:
            pool.members.remove(record.access_code_id)
        if record.access_code_id in pool.pulled:
            pool.pulled.remove(record.access_code_id)
        self.slot_freed(device)
        self.refill(device)
        self.pool_changed(device)

    # -- pull -------------------------------------------------------------------------

    def pull_backup(self, caller: Caller, access_code_id: str) -> AccessCode:
        original = self.code(caller, access_code_id)
        device = self.devices[original.device_id]
        if original.is_backup:
            raise SeamError(
                "access_code_is_backup",
                "This access code is itself a backup access code; pull for the original code",
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
        existing = self.pulled_backup_of(original)
        if existing is not None:
            return existing  # a repeat pull returns the same backup
        if not (device.pool.active and device.pool.enabled):
            raise SeamError(
                "backup_access_code_pool_not_enabled",
                f"The backup access code pool is not enabled for device {device.device_id}; "
                "create a time_bound access code with use_backup_access_code_pool: true first",
                400,
                data={"access_code_id": access_code_id, "device_id": device.device_id},
            )
        ready = self.ready_backups(device)
        if not ready:
            raise SeamError(
                "no_backup_access_code_available",
                f"No backup access code is ready in the pool of device {device.device_id}",
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
        self.reconcile(backup)
        self.emit_code_event(
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
        live = pool.active and pool.enabled and device.is_managed
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
        table: dict = getattr(device, kind)
        if present and code not in table:
            table[code] = (self.now(), DEVICE_CONDITION_MESSAGES.get(code, code))
        elif not present and code in table:
            del table[code]
