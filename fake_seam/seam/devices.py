"""Devices on Seam's side: listing, updating, managing, and what their hardware reports."""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.clock import Timeline, iso, to_datetime
from fake_seam.seam.backup_pool import BackupPools
from fake_seam.seam.errors import BACKUP_POOL_UNSUPPORTED, invalid_input
from fake_seam.seam.events import EventLog
from fake_seam.seam.lock_reports import LockReports
from fake_seam.seam.records import (
    ACCOUNT_DISCONNECTED,
    BATTERY_LOW_BELOW,
    DEFAULT_BATTERY_LEVEL,
    ConnectedAccount,
    Device,
)
from fake_seam.seam.store import Caller, Settings, Store
from fake_seam.simulator import SimulatedLock
from fake_seam.simulator.lock import LockSpec


def battery_level_of(properties: dict[str, Any] | None) -> float:
    """The level a seed or `create_lock` gives in `properties` (`battery_level`, or
    `battery.level`), else the default: the record holds it so `set_battery_level` can move it."""
    given = properties or {}
    battery = given.get("battery")
    level = given.get("battery_level", battery.get("level") if isinstance(battery, dict) else None)
    return float(level) if isinstance(level, int | float) else DEFAULT_BATTERY_LEVEL


class Devices:
    """Devices on Seam's side: made (seeded or by a control), listed, updated, managed or
    not, online or not, deleted."""

    def __init__(
        self,
        store: Store,
        events: EventLog,
        pools: BackupPools,
        reports: LockReports,
        timeline: Timeline,
        settings: Settings,
    ) -> None:
        self.store = store
        self.events = events
        self.pools = pools
        self.reports = reports
        self.timeline = timeline
        self.settings = settings

    def now(self) -> float:
        return self.store.now()

    # -- making devices ---------------------------------------------------------------

    def add_lock(
        self,
        *,
        workspace_id: str,
        connected_account_id: str,
        device_id: str | None = None,
        manufacturer: str = "august",
        display_name: str = "Lock",
        device_type: str | None = None,
        max_active_codes_supported: int = 10,
        supported_code_lengths: list[int] | None = None,
        code_constraints: list[dict[str, Any]] | None = None,
        supports_backup_access_code_pool: bool | None = None,
        programming_delay_seconds: float = 5.0,
        native_scheduling: bool = False,
        online: bool = True,
        locked: bool = True,
        pool_size: int | None = None,
        many_active_backup_codes_threshold: int | None = None,
        properties: dict[str, Any] | None = None,
    ) -> Device:
        device_id = device_id or self.store.ids.uuid()
        if device_id in self.store.devices:
            raise invalid_input("device_id", msgs.device_exists(device_id))
        if supports_backup_access_code_pool is None:
            # Every access-code lock supports the pool except Salto's (Seam's guide).
            supports_backup_access_code_pool = not manufacturer.startswith("salto")
        spec = LockSpec(
            capacity=max_active_codes_supported,
            supported_code_lengths=list(supported_code_lengths or [4, 5, 6, 7, 8]),
            code_constraints=list(code_constraints or []),
            programming_delay=programming_delay_seconds,
            native_scheduling=native_scheduling,
        )
        lock = SimulatedLock(
            device_id, self.timeline, self.store.fault_rng, spec, online=online, listener=self.reports
        )
        lock.locked = locked
        device = Device(
            device_id=device_id,
            workspace_id=workspace_id,
            connected_account_id=connected_account_id,
            device_type=device_type or f"{manufacturer}_lock",
            manufacturer=manufacturer,
            display_name=display_name,
            created_at=self.now(),
            properties=dict(properties or {}),
            battery_level=battery_level_of(properties),
            lock=lock,
            supports_backup_access_code_pool=supports_backup_access_code_pool,
        )
        device.pool.target_size = self.settings.default_pool_size if pool_size is None else pool_size
        device.pool.many_active_threshold = (
            self.settings.default_many_active_threshold
            if many_active_backup_codes_threshold is None
            else many_active_backup_codes_threshold
        )
        self.store.add_device(device)
        if not online:
            device.set_error("device_offline", True, msgs.DEVICE_OFFLINE, self.now())
        return device

    def add_other_device(
        self,
        *,
        workspace_id: str,
        connected_account_id: str,
        device_id: str,
        device_type: str,
        manufacturer: str,
        display_name: str,
        properties: dict[str, Any] | None = None,
    ) -> Device:
        device = Device(
            device_id=device_id,
            workspace_id=workspace_id,
            connected_account_id=connected_account_id,
            device_type=device_type,
            manufacturer=manufacturer,
            display_name=display_name,
            created_at=self.now(),
            properties={"online": True, **(properties or {})},
            battery_level=battery_level_of(properties),
        )
        self.store.add_device(device)
        return device

    # -- reading ----------------------------------------------------------------------

    def list_devices(
        self,
        caller: Caller,
        *,
        managed: bool = True,
        device_ids: list[str] | None = None,
        device_types: list[str] | None = None,
        manufacturer: str | None = None,
        connected_account_ids: list[str] | None = None,
        search: str | None = None,
        created_before: float | None = None,
        locks_only: bool = False,
    ) -> list[Device]:
        if device_ids is not None:
            wanted = [self.store.devices.get(i) for i in dict.fromkeys(device_ids)]
            candidates = [d for d in wanted if d is not None and d.workspace_id == caller.workspace_id]
            allowed = caller.connected_account_ids
            candidates = [
                d
                for d in candidates
                if not d.removed and (allowed is None or d.connected_account_id in allowed)
            ]
        else:
            candidates = self.store.visible_devices(caller)
        needle = search.lower() if search else None
        out = []
        for device in candidates:
            if device.is_managed != managed:
                continue
            if locks_only and device.lock is None:
                continue
            if device_types is not None and device.device_type not in device_types:
                continue
            if manufacturer is not None and device.manufacturer != manufacturer:
                continue
            if connected_account_ids is not None and device.connected_account_id not in connected_account_ids:
                continue
            if created_before is not None and device.created_at >= created_before:
                continue
            if needle and not any(
                needle in (v or "").lower()
                for v in (device.display_name, device.nickname, device.device_id, device.manufacturer)
            ):
                continue
            out.append(device)
        return out

    # -- changing ---------------------------------------------------------------------

    def update_device(
        self,
        caller: Caller,
        device_id: str,
        *,
        managed: bool = True,
        name: str | None = None,
        custom_metadata: dict[str, Any] | None = None,
        is_managed: bool | None = None,
        backup_access_code_pool_enabled: bool | None = None,
    ) -> Device:
        device = self.store.device(caller, device_id, managed=managed)
        if custom_metadata is not None:
            for key, value in custom_metadata.items():
                if value is not None and not isinstance(value, str | bool | int | float):
                    raise invalid_input("custom_metadata", msgs.metadata_value(key))
        if backup_access_code_pool_enabled and not device.supports_backup_access_code_pool:
            raise invalid_input("backup_access_code_pool_enabled", BACKUP_POOL_UNSUPPORTED)
        if name is not None:
            if name != device.display_name:
                device.display_name = name
                device.nickname = name
                self.events.device_event(device, "device.name_changed", device_name=name)
        if custom_metadata is not None:
            for key, value in custom_metadata.items():
                if value is None:
                    device.custom_metadata.pop(key, None)
                else:
                    device.custom_metadata[key] = value
        if backup_access_code_pool_enabled is not None and device.lock is not None:
            self.pools.set_pool_enabled(device, backup_access_code_pool_enabled)
        if is_managed is not None and is_managed != device.is_managed:
            if not is_managed:
                # Unmanaged first, so the backups leaving do not trigger a refill.
                device.is_managed = False
                self.pools.drop_pool_codes(device)
                self.events.device_event(device, "device.converted_to_unmanaged")
            else:
                device.is_managed = True
                self.events.device_event(device, "device.unmanaged.converted_to_managed")
                self.pools.refill(device)
                self.pools.pool_changed(device)
        return device

    def delete_device(self, caller: Caller, device_id: str) -> None:
        device = self.store.device(caller, device_id, managed=None)
        self.events.device_event(device, "device.deleted", device_name=device.display_name)
        self.store.drop_device(device)

    def remove_device(self, caller: Caller, device_id: str) -> None:
        """`devices/simulate/remove`: the device vanishes from the provider's account."""
        device = self.store.device(caller, device_id, managed=None)
        self.events.device_event(device, "device.removed")
        self.store.drop_device(device)

    def set_device_online(self, caller: Caller, device_id: str, online: bool) -> Device:
        device = self.store.device(caller, device_id, managed=None)
        self.set_online(device, online)
        return device

    def set_online(self, device: Device, online: bool, for_seconds: float | None = None) -> None:
        if device.lock is not None:
            if online:
                device.lock.go_online()
            else:
                device.lock.go_offline(for_seconds)
            return
        if device.properties.get("online", True) != online:
            device.properties["online"] = online
            self.reports.connectivity(device, online)

    def set_battery_level(self, device: Device, level: float) -> None:
        """The device reports a new battery level (0 to 1). Emits `device.battery_status_changed`
        when the status it maps to changes, and `device.low_battery` when the level crosses
        below the low threshold (once per crossing, not on every lower reading)."""
        before = device.battery_status
        was_low = device.battery_level < BATTERY_LOW_BELOW
        device.battery_level = level
        if device.battery_status != before:
            self.events.device_event(
                device,
                "device.battery_status_changed",
                battery_status=device.battery_status,
                battery_level=level,
            )
        if level < BATTERY_LOW_BELOW and not was_low:
            self.events.device_event(device, "device.low_battery", battery_level=level)

    def disconnect_account(self, caller: Caller, connected_account_id: str) -> ConnectedAccount:
        account = self.store.connected_account(caller, connected_account_id)
        if account.disconnected_at is None:
            account.disconnected_at = self.now()
            self.events.emit(
                account.workspace_id,
                "connected_account.disconnected",
                connected_account_id=account.connected_account_id,
                connected_account_errors=[self.account_error(account)],
                connected_account_warnings=[],
            )
            self.reports.disconnect_reason = "account_disconnected"
            try:
                for device in list(self.store.devices_by_workspace[account.workspace_id].values()):
                    if device.connected_account_id == account.connected_account_id:
                        device.set_error(ACCOUNT_DISCONNECTED, True, msgs.ACCOUNT_DISCONNECTED, self.now())
                        self.set_online(device, False)
            finally:
                self.reports.disconnect_reason = "device_disconnected"
        return account

    def reconnect_account(self, account: ConnectedAccount) -> None:
        """The user signed in again: the account and its devices are back, held writes go out."""
        if account.disconnected_at is None:
            return
        account.disconnected_at = None
        for device in list(self.store.devices_by_workspace[account.workspace_id].values()):
            if device.connected_account_id == account.connected_account_id:
                device.set_error(ACCOUNT_DISCONNECTED, False, msgs.ACCOUNT_DISCONNECTED, self.now())
                self.set_online(device, True)

    def account_error(self, account: ConnectedAccount) -> dict[str, Any]:
        return {
            "error_code": "account_disconnected",
            "message": msgs.ACCOUNT_DISCONNECTED,
            "is_connected_account_error": True,
            "is_device_error": False,
            "created_at": iso(to_datetime(account.disconnected_at or 0.0)),
        }
