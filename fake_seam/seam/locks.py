"""Locks on Seam's side: lock and unlock through action attempts, the keypad, and the
codes Seam finds on a lock that it did not make (unmanaged access codes)."""

from __future__ import annotations

from typing import Any

from fake_seam.seam.devices import DeviceRules
from fake_seam.seam.errors import SeamError, invalid_input, not_found
from fake_seam.seam.records import AccessCode, ActionAttempt, Device, Snapshot, UnmanagedAccessCode
from fake_seam.seam.state import Caller
from fake_seam.simulator import PinRejected, SlotOrigin


class LockRules(DeviceRules):
    # -- action attempts --------------------------------------------------------------

    def new_attempt(
        self,
        workspace_id: str,
        action_type: str,
        *,
        sync: bool = False,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> ActionAttempt:
        status = "error" if error else "success"
        if sync:  # finished at once: nothing to keep for a later poll
            attempt = ActionAttempt(self.ids.uuid(), workspace_id, action_type, status, result, error)
        else:
            outcome = (status, None if error else (result or {}), error)
            attempt = ActionAttempt(self.ids.uuid(), workspace_id, action_type, outcome=outcome)
        self.action_attempts[attempt.action_attempt_id] = attempt
        self.attempts_by_workspace[workspace_id][attempt.action_attempt_id] = attempt
        return attempt

    def finished_attempt(
        self, workspace_id: str, action_type: str, result: dict | None = None
    ) -> ActionAttempt:
        return self.new_attempt(workspace_id, action_type, sync=True, result=result)

    def code_attempt(self, code: AccessCode, action_type: str, shape: dict[str, Any]) -> ActionAttempt:
        """A finished attempt on an access code, keeping the code as it was then (as JSON)."""
        attempt = self.new_attempt(code.workspace_id, action_type, sync=True)
        attempt.snapshot = Snapshot.of(shape)
        attempt.device_id = code.device_id
        return attempt

    def settle_attempt(self, attempt: ActionAttempt) -> None:
        if attempt.status == "pending" and not attempt.steered and attempt.outcome:
            attempt.status, attempt.result, attempt.error = attempt.outcome

    def attempt(self, caller: Caller, action_attempt_id: str, *, poll: bool = True) -> ActionAttempt:
        attempt = self.action_attempts.get(action_attempt_id)
        if attempt is None or attempt.workspace_id != caller.workspace_id:
            raise not_found(
                "action_attempt",
                "Action attempt not found",
                action_attempt_id=action_attempt_id,
            )
        if poll:
            # The device has answered by the time anyone asks: the SDK's first poll sees it.
            self.settle_attempt(attempt)
        return attempt

    def steer_attempt(
        self,
        action_attempt_id: str,
        status: str,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> ActionAttempt:
        attempt = self.action_attempts.get(action_attempt_id)
        if attempt is None:
            raise not_found("action_attempt", "Action attempt not found", action_attempt_id=action_attempt_id)
        attempt.steered = True
        attempt.status = status
        attempt.result = result if status == "success" else None
        attempt.error = error if status == "error" else None
        if status == "success" and attempt.result is None:
            attempt.result = {}
        if status == "error" and attempt.error is None:
            attempt.error = {"type": "unknown_error", "message": "Action attempt failed"}
        return attempt

    # -- lock and unlock --------------------------------------------------------------

    def lock_or_unlock(
        self, caller: Caller, device_id: str, *, lock: bool, sync: bool = False
    ) -> ActionAttempt:
        device = self.device(caller, device_id)
        action_type = "LOCK_DOOR" if lock else "UNLOCK_DOOR"
        online = device.lock.online if device.lock is not None else device.properties.get("online", True)
        if device.lock is None:
            raise invalid_input("device_id", f"Device {device_id} is not a lock")
        if not online:
            error = {"type": "device_offline", "message": "Device is offline"}
            return self.new_attempt(device.workspace_id, action_type, sync=sync, error=error)
        attempt = self.new_attempt(device.workspace_id, action_type, sync=sync)
        device.lock.locked = lock
        self.emit_device_event(
            device,
            "lock.locked" if lock else "lock.unlocked",
            method="seamapi",
            action_attempt_id=attempt.action_attempt_id,
        )
        return attempt

    # -- the keypad -------------------------------------------------------------------

    def keypad_entry(self, device: Device, code: str) -> AccessCode | UnmanagedAccessCode | None:
        """A PIN typed at the lock: what opened it, or None when the lock said no."""
        assert device.lock is not None
        slot = device.lock.enter_pin(code)
        if slot is None:
            self.emit_device_event(
                device,
                "lock.access_denied",
                reason={"reason_code": "unknown_code", "message": "The code entered is not on the lock"},
            )
            return None
        owner = self.access_codes.get(slot.key) or self.unmanaged.get(slot.key)
        fields: dict[str, Any] = {"method": "keycode", "code": code}  # Seam's enum: a PIN was used
        if owner is not None:
            fields["access_code_id"] = owner.access_code_id
            fields["access_code_is_managed"] = isinstance(owner, AccessCode)
        fields["is_backup_code"] = slot.origin == SlotOrigin.BACKUP
        self.emit_device_event(device, "lock.unlocked", **fields)
        return owner

    def manual_lock(self, device: Device) -> None:
        assert device.lock is not None
        device.lock.locked = True
        self.emit_device_event(device, "lock.locked", method="manual")  # a button on the lock

    # -- unmanaged access codes -------------------------------------------------------

    def add_unmanaged_code(self, device: Device, code: str, name: str | None) -> UnmanagedAccessCode:
        assert device.lock is not None
        if code in self.taken_codes(device):
            raise SeamError(
                "duplicate_access_code",
                "An access code with this code already exists on the device",
                409,
                data={"device_id": device.device_id},
            )
        record = UnmanagedAccessCode(
            access_code_id=self.ids.uuid(),
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
        self.unmanaged[record.access_code_id] = record
        self.unmanaged_by_device[device.device_id][record.access_code_id] = record
        self.emit(
            device.workspace_id,
            "access_code.unmanaged.created",
            access_code_id=record.access_code_id,
            device_id=device.device_id,
            connected_account_id=device.connected_account_id,
        )
        return record

    def unmanaged_code(self, caller: Caller, access_code_id: str | None) -> UnmanagedAccessCode:
        record = self.unmanaged.get(access_code_id or "")
        if record is None or record.workspace_id != caller.workspace_id:
            raise not_found(
                "access_code",
                "Could not find an unmanaged access_code with access_code_id",
                access_code_id=access_code_id,
            )
        self.device(caller, record.device_id, managed=None)
        return record

    def list_unmanaged(self, device: Device) -> list[UnmanagedAccessCode]:
        return list(self.unmanaged_by_device.get(device.device_id, {}).values())

    def delete_unmanaged(self, caller: Caller, access_code_id: str) -> None:
        record = self.unmanaged_code(caller, access_code_id)
        device = self.devices[record.device_id]
        assert device.lock is not None
        device.lock.forget(record.access_code_id)
        self.drop_unmanaged(record)
        self.emit(
            device.workspace_id,
            "access_code.unmanaged.removed",
            access_code_id=record.access_code_id,
            device_id=device.device_id,
            connected_account_id=device.connected_account_id,
        )
        self.slot_freed(device)

    def drop_unmanaged(self, record: UnmanagedAccessCode) -> None:
        self.unmanaged.pop(record.access_code_id, None)
        self.unmanaged_by_device.get(record.device_id, {}).pop(record.access_code_id, None)

    def convert_to_managed(
        self, caller: Caller, access_code_id: str, *, is_external_modification_allowed: bool = False
    ) -> AccessCode:
        record = self.unmanaged_code(caller, access_code_id)
        device = self.device(caller, record.device_id)
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
        self.add_code(managed)
        self.emit_code_event(managed, "access_code.unmanaged.converted_to_managed")
        return managed

    # -- codes changed at the lock, behind Seam's back --------------------------------

    def edit_on_keypad(self, device: Device, code: str, new_code: str | None) -> None:
        lock = device.lock
        if lock is None:
            raise invalid_input("device_id", f"Device {device.device_id} has no keypad")
        slot = next((s for s in lock.occupied() if s.code == code), None)
        if slot is None:
            raise not_found(
                "slot", f"No code {code} is on device {device.device_id}", device_id=device.device_id
            )
        if new_code is not None:
            if new_code in lock.codes_on_lock():
                raise SeamError("duplicate_access_code", f"Code {new_code} is already on the device", 409)
            try:
                lock.rules.check_pin(new_code)
            except PinRejected as rejected:
                raise invalid_input("new_code", str(rejected).capitalize()) from None
        key = slot.key
        lock.edit_on_keypad(key, new_code)
        unmanaged = self.unmanaged.get(key)
        if unmanaged is not None:
            if new_code is None:
                self.drop_unmanaged(unmanaged)
                self.emit(
                    device.workspace_id,
                    "access_code.unmanaged.removed",
                    access_code_id=key,
                    device_id=device.device_id,
                    connected_account_id=device.connected_account_id,
                )
                self.slot_freed(device)
            else:
                unmanaged.code = new_code
            return
        record = self.access_codes.get(key)
        if record is None or record.deleted or record.status == "removing":
            return  # Seam is erasing it anyway: its queued erase clears whatever is left
        if record.is_external_modification_allowed:
            if new_code is None:
                self.emit_code_event(record, "access_code.deleted_external_to_seam")
                record.deleted = True
                self.gone(record, had_slot=False)
                self.slot_freed(device)
            else:
                record.code = new_code
                self.index_pin(record)
                self.emit_code_event(record, "access_code.modified_external_to_seam")
            return
        # Seam puts its code back: the lock gets the managed PIN written again.
        self.emit_code_event(
            record,
            "access_code.deleted_external_to_seam"
            if new_code is None
            else "access_code.modified_external_to_seam",
        )
        # Through reconcile, not a bare write: a code whose start moved later is being erased,
        # and must not be put back before its start.
        self.reconcile(record)
        if record.is_backup:
            self.pool_changed(device)  # a backup being rewritten is not ready: the pool may be empty now
