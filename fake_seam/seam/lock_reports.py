"""What the simulated locks report, turned into Seam's state: a write landed or failed, an
erase landed, the radio went up or down (`fake_seam.simulator.LockListener`)."""

from __future__ import annotations

from fake_seam import messages as msgs
from fake_seam.seam.access_codes import AccessCodes
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.events import EventLog, issue_fields
from fake_seam.seam.records import Device
from fake_seam.seam.store import Store
from fake_seam.simulator import SimulatedLock, Slot


class LockReports:
    def __init__(self, store: Store, events: EventLog, codes: AccessCodes, pools: BackupPools) -> None:
        self.store = store
        self.events = events
        self.codes = codes
        self.pools = pools
        # Why devices are going offline, for `device.disconnected`: an account going away
        # takes its devices with it as `account_disconnected`.
        self.disconnect_reason = "device_disconnected"

    def write_landed(self, lock: SimulatedLock, key: str, slot: Slot) -> None:
        record = self.store.access_codes.get(key)
        if record is not None and not record.deleted:
            self.codes.code_landed(record)

    def write_failed(self, lock: SimulatedLock, key: str, error_code: str) -> None:
        record = self.store.access_codes.get(key)
        if record is not None and not record.deleted:
            self.codes.code_failed(record, error_code)

    def write_held(self, lock: SimulatedLock, key: str) -> None:
        record = self.store.access_codes.get(key)
        if record is not None and record.is_backup:
            self.pools.pool_changed(self.store.devices[record.device_id])

    def erase_landed(self, lock: SimulatedLock, key: str, had_slot: bool) -> None:
        record = self.store.access_codes.get(key)
        device = self.store.locks_by_id.get(lock.lock_id)
        if record is not None and record.status == "removing":
            self.codes.gone(record, had_slot=had_slot)
        elif record is not None and record.status == "unset":
            # Taken off early (its start moved later): it will be written again at its start.
            record.is_scheduled_on_device = False
        if device is not None:
            self.codes.slot_freed(device)

    def connectivity_changed(self, lock: SimulatedLock, online: bool) -> None:
        device = self.store.locks_by_id.get(lock.lock_id)
        if device is not None:
            self.connectivity(device, online)

    def connectivity(self, device: Device, online: bool) -> None:
        """A device went online or offline (a lock's radio, or any other device)."""
        device.set_error("device_offline", not online, msgs.DEVICE_OFFLINE, self.store.now())
        if online:
            self.events.device_event(device, "device.connected")
        else:
            self.events.device_event(
                device,
                "device.disconnected",
                # The event's enum (device_disconnected | account_disconnected | hub_disconnected);
                # the device error stays device_offline.
                error_code=self.disconnect_reason,
                **issue_fields(device),
            )
        self.pools.pool_changed(device)
