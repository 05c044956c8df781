"""Locks on Seam's side: lock and unlock through action attempts, the keypad, and the
codes Seam finds on a lock that it did not make (unmanaged access codes)."""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.attempts import ActionAttempts
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.errors import SeamError, invalid_input, not_found
from fake_seam.seam.events import EventLog
from fake_seam.seam.records import AccessCode, ActionAttempt, Device, UnmanagedAccessCode
from fake_seam.seam.store import Caller, Store
from fake_seam.simulator import PinRejected, SlotOrigin


class Locks:
    def __init__(
        self,
        store: Store,
        events: EventLog,
        codes: AccessCodes,
        pools: BackupPools,
        attempts: ActionAttempts,
    ) -> None:
        self.store = store
        self.events = events
        self.codes = codes
        self.pools = pools
        self.attempts = attempts

    def now(self) -> float:
        return self.store.now()

    # -- lock and unlock --------------------------------------------------------------

    def lock_or_unlock(
        self, caller: Caller, device_id: str, *, lock: bool, sync: bool = False
    ) -> ActionAttempt:
        device = self.store.device(caller, device_id)
        action_type = "LOCK_DOOR" if lock else "UNLOCK_DOOR"
        online = device.lock.online if device.lock is not None else device.properties.get("online", True)
        if device.lock is None:
            raise invalid_input("device_id", msgs.not_a_lock(device_id))
        if not online:
            error = {"type": "device_offline", "message": msgs.DEVICE_OFFLINE}
            return self.attempts.new_attempt(
                device.workspace_id, action_type, sync=sync, error=error, device_id=device.device_id
            )
        attempt = self.attempts.new_attempt(
            device.workspace_id, action_type, sync=sync, device_id=device.device_id
        )
        device.lock.locked = lock
        self.events.device_event(
            device,
            "lock.locked" if lock else "lock.unlocked",
            method="remote",  # Seam's enum: a remote action, here the Seam API (see action_attempt_id)
            action_attempt_id=attempt.action_attempt_id,
        )
        return attempt

    # -- the keypad -------------------------------------------------------------------

    def keypad_entry(self, device: Device, code: str) -> bool:
        """A PIN typed at the lock: whether it opened the door (event `lock.unlocked`, else
        `lock.access_denied`)."""
        assert device.lock is not None
        slot = device.lock.enter_pin(code)
        if slot is None:
            self.events.device_event(
                device,
                "lock.access_denied",
                reason={"reason_code": "unknown_code", "message": msgs.CODE_NOT_ON_LOCK},
            )
            return False
        owner = self.store.access_codes.get(slot.key) or self.store.unmanaged.get(slot.key)
        fields: dict[str, Any] = {"method": "keycode", "code": code}  # Seam's enum: a PIN was used
        if isinstance(owner, AccessCode) and owner.is_hidden_backup:
            # The PIN is programmed, so the door opens; but the pool's backups are not the
            # client's until pulled, so the event reads as a code Seam does not know.
            owner = None
        elif owner is not None:
            fields["access_code_id"] = owner.access_code_id
            fields["access_code_is_managed"] = isinstance(owner, AccessCode)
            fields["is_backup_code"] = slot.origin == SlotOrigin.BACKUP
        self.events.device_event(device, "lock.unlocked", **fields)
        return True

    def manual_lock(self, device: Device) -> None:
        assert device.lock is not None
        device.lock.locked = True
        self.events.device_event(device, "lock.locked", method="manual")  # a button on the lock

    # -- unmanaged access codes -------------------------------------------------------

    def add_unmanaged_code(self, device: Device, code: str, name: str | None) -> UnmanagedAccessCode:
        assert device.lock is not None
        if code in self.codes.taken_codes(device):
            raise SeamError(
                "duplicate_access_code",
                msgs.DUPLICATE_ACCESS_CODE,
                409,
                data={"device_id": device.device_id},
            )
        record = UnmanagedAccessCode(
            access_code_id=self.store.ids.uuid(),
            workspace_id=device.workspace_id,
            device_id=device.device_id,
            name=name,
            code=code,
            created_at=self.now(),
        )
        try:
            device.lock.add_keypad_code(record.access_code_id, code, name)
        except PinRejected as rejected:
            raise invalid_input("code", str(rejected).capitalize()) from None
        self.store.unmanaged[record.access_code_id] = record
        self.store.unmanaged_by_device[device.device_id][record.access_code_id] = record
        self.events.emit(
            device.workspace_id,
            "access_code.unmanaged.created",
            access_code_id=record.access_code_id,
            device_id=device.device_id,
            connected_account_id=device.connected_account_id,
        )
        return record

    def unmanaged_code(self, caller: Caller, access_code_id: str | None) -> UnmanagedAccessCode:
        record = self.store.unmanaged.get(access_code_id or "")
        if record is None or record.workspace_id != caller.workspace_id:
            raise not_found(
                "access_code",
                msgs.UNMANAGED_CODE_ID_NOT_FOUND,
                access_code_id=access_code_id,
            )
        self.store.device(caller, record.device_id, managed=None)
        return record

    def list_unmanaged(self, device: Device) -> list[UnmanagedAccessCode]:
        return list(self.store.unmanaged_by_device.get(device.device_id, {}).values())

    def delete_unmanaged(self, caller: Caller, access_code_id: str) -> None:
        record = self.unmanaged_code(caller, access_code_id)
        device = self.store.devices[record.device_id]
        assert device.lock is not None
        device.lock.forget(record.access_code_id)
        self.drop_unmanaged(record)
        self.events.emit(
            device.workspace_id,
            "access_code.unmanaged.removed",
            access_code_id=record.access_code_id,
            device_id=device.device_id,
            connected_account_id=device.connected_account_id,
        )
        self.codes.slot_freed(device)

    def drop_unmanaged(self, record: UnmanagedAccessCode) -> None:
        self.store.unmanaged.pop(record.access_code_id, None)
        self.store.unmanaged_by_device.get(record.device_id, {}).pop(record.access_code_id, None)

    def convert_to_managed(
        self, caller: Caller, access_code_id: str, *, is_external_modification_allowed: bool = False
    ) -> AccessCode:
        record = self.unmanaged_code(caller, access_code_id)
        device = self.store.device(caller, record.device_id)
        assert device.lock is not None
        self.drop_unmanaged(record)
        managed = AccessCode(
            access_code_id=record.access_code_id,
            workspace_id=record.workspace_id,
            device_id=record.device_id,
            name=record.name,
            code=record.code,
            type="ongoing",
            created_at=record.created_at,
            status="set",
            is_external_modification_allowed=is_external_modification_allowed,
        )
        device.lock.rekey(record.access_code_id, record.access_code_id, SlotOrigin.MANAGED)
        self.store.add_code(managed)
        self.codes.emit_code_event(managed, "access_code.unmanaged.converted_to_managed")
        return managed

    # -- codes changed at the lock, behind Seam's back --------------------------------

    def edit_on_keypad(self, device: Device, code: str, new_code: str | None) -> None:
        lock = device.lock
        if lock is None:
            raise invalid_input("device_id", msgs.no_keypad(device.device_id))
        slot = next((s for s in lock.occupied() if s.code == code), None)
        if slot is None:
            raise not_found("slot", msgs.no_such_code_on(code, device.device_id), device_id=device.device_id)
        if new_code is not None:
            if new_code in lock.codes_on_lock():
                raise SeamError("duplicate_access_code", msgs.code_already_on_device(new_code), 409)
            try:
                lock.rules.check_pin(new_code)
            except PinRejected as rejected:
                raise invalid_input("new_code", str(rejected).capitalize()) from None
        key = slot.key
        lock.edit_on_keypad(key, new_code)
        unmanaged = self.store.unmanaged.get(key)
        if unmanaged is not None:
            if new_code is None:
                self.drop_unmanaged(unmanaged)
                self.events.emit(
                    device.workspace_id,
                    "access_code.unmanaged.removed",
                    access_code_id=key,
                    device_id=device.device_id,
                    connected_account_id=device.connected_account_id,
                )
                self.codes.slot_freed(device)
            else:
                unmanaged.code = new_code
            return
        record = self.store.access_codes.get(key)
        if record is None or record.deleted or record.status == "removing":
            return  # Seam is erasing it anyway: its queued erase clears whatever is left
        if record.is_external_modification_allowed:
            if new_code is None:
                self.codes.emit_code_event(record, "access_code.deleted_external_to_seam")
                record.deleted = True
                self.codes.gone(record, had_slot=False)
                self.codes.slot_freed(device)
            else:
                record.code = new_code
                self.store.index_pin(record)
                self.codes.emit_code_event(record, "access_code.modified_external_to_seam")
            return
        # Seam puts its code back: the lock gets the managed PIN written again.
        self.codes.emit_code_event(
            record,
            "access_code.deleted_external_to_seam"
            if new_code is None
            else "access_code.modified_external_to_seam",
        )
        # Through reconcile, not a bare write: a code whose start moved later is being erased,
        # and must not be put back before its start.
        self.codes.reconcile(record)
        if record.is_backup:
            self.pools.pool_changed(
                device
            )  # a backup being rewritten is not ready: the pool may be empty now
