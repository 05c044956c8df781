"""Workspaces and seeding: what each workspace starts with, and going back to it."""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.seam.client_sessions import ClientSessions
from fake_seam.seam.devices import Devices
from fake_seam.seam.errors import not_found
from fake_seam.seam.fault_aims import write_aim
from fake_seam.seam.locks import Locks
from fake_seam.seam.records import ConnectedAccount, Device, Workspace
from fake_seam.seam.seed import SeedError
from fake_seam.seam.seed_codes import enable_pool, seed_access_codes, seed_webhooks
from fake_seam.seam.store import Store

LOCK_FIELDS = (
    "manufacturer",
    "display_name",
    "device_type",
    "max_active_codes_supported",
    "supported_code_lengths",
    "code_constraints",
    "supports_backup_access_code_pool",
    "programming_delay_seconds",
    "native_scheduling",
    "online",
    "locked",
    "pool_size",
    "many_active_backup_codes_threshold",
)


class Workspaces:
    def __init__(self, store: Store, devices: Devices, locks: Locks, client_sessions: ClientSessions) -> None:
        self.store = store
        self.devices = devices
        self.locks = locks
        self.client_sessions = client_sessions

    def now(self) -> float:
        return self.store.now()

    # -- seeding ----------------------------------------------------------------------

    def apply_seed(self, seed: dict[str, Any]) -> None:
        for index, entry in enumerate(seed.get("workspaces", [])):
            self.seed_workspace(entry, f"workspaces.{index}")
        for pat in seed.get("personal_access_tokens", []):
            self.store.credentials.personal_access_tokens.setdefault(pat["token"], set()).update(
                pat.get("workspace_ids", [])
            )
        self.store.seed_aliases.update(seed.get("aliases", {}))

    def seed_workspace(self, entry: dict[str, Any], where: str = "workspace") -> Workspace:
        try:
            workspace_id = entry["workspace_id"]
            workspace = Workspace(
                workspace_id=workspace_id,
                name=entry.get("name", workspace_id),
                company_name=entry.get("company_name", entry.get("name", workspace_id)),
                is_sandbox=entry.get("is_sandbox", True),
                connect_partner_name=entry.get("connect_partner_name"),
                created_at=self.now(),
                seed=entry,
            )
            self.store.add_workspace(workspace)
            for key in entry.get("api_keys", []):
                self.store.credentials.api_keys[key] = workspace_id
            for key in entry.get("publishable_keys", []):
                self.store.credentials.publishable_keys[key] = workspace_id
            for cst in entry.get("client_session_tokens", []):
                self.client_sessions.create(
                    workspace_id,
                    cst["token"],
                    connected_account_ids=cst.get("connected_account_ids", []),
                    user_identifier_key=cst.get("user_identifier_key"),
                )
            for account in entry.get("connected_accounts", []):
                self.store.ids.reserve(account["connected_account_id"])
                self.store.connected_accounts[account["connected_account_id"]] = ConnectedAccount(
                    connected_account_id=account["connected_account_id"],
                    workspace_id=workspace_id,
                    provider=account.get("provider", "august"),
                    created_at=self.now(),
                    user_identifier=dict(account.get("user_identifier", {})),
                    custom_metadata=dict(account.get("custom_metadata", {})),
                )
            for index, device in enumerate(entry.get("devices", [])):
                self.seed_device(workspace_id, device, f"{where}.devices.{index}")
            seed_webhooks(self.store, workspace_id, entry.get("webhooks", []))
        except KeyError as missing:
            raise SeedError(msgs.seed_entry_missing(missing)) from None
        return workspace

    def seed_device(self, workspace_id: str, spec: dict[str, Any], where: str = "device") -> Device:
        kind = spec.get("kind", "lock")
        if spec.get("device_id"):
            self.store.ids.reserve(spec["device_id"])  # an exported seed's ids: not drawn again
        account_id = spec.get("connected_account_id")
        if account_id is None:
            account_id = next(
                (
                    a.connected_account_id
                    for a in self.store.connected_accounts.values()
                    if a.workspace_id == workspace_id
                ),
                None,
            )
        if account_id is None:
            account_id = self.store.ids.uuid()
            self.store.connected_accounts[account_id] = ConnectedAccount(
                account_id, workspace_id, spec.get("manufacturer", "august"), self.now()
            )
        properties = dict(spec.get("properties", {}))
        if spec.get("model"):
            properties.setdefault("model", {"display_name": spec["model"]})
        if kind == "lock":
            options = {k: spec[k] for k in LOCK_FIELDS if k in spec}
            device = self.devices.add_lock(
                workspace_id=workspace_id,
                connected_account_id=account_id,
                device_id=spec.get("device_id"),
                properties=properties,
                **options,
            )
            faults = spec.get("fault_plan")
            if faults and device.lock is not None:
                device.lock.set_fault_plan(
                    fail_next=faults.get("fail_next"),
                    error_code=faults.get("error_code"),
                    failure_rate=faults.get("failure_rate"),
                    offline_for=faults.get("offline_for_seconds"),
                    aim=write_aim(faults.get("aim"), None, faults.get("access_code_name")),
                )
            for keypad_code in spec.get("keypad_codes", []):
                self.locks.add_unmanaged_code(device, keypad_code["code"], keypad_code.get("name"))
            pool_enabled = spec.get("backup_access_code_pool_enabled")
            if pool_enabled is False:
                device.pool.switched_off = True
            if spec.get("access_codes"):
                codes, pools = self.locks.codes, self.locks.pools
                seed_access_codes(codes, pools, device, spec["access_codes"], f"{where}.access_codes")
            if pool_enabled:
                enable_pool(self.locks.pools, device)
            return device
        return self.devices.add_other_device(
            workspace_id=workspace_id,
            connected_account_id=account_id,
            device_id=spec["device_id"],
            device_type=spec.get("device_type", kind),
            manufacturer=spec.get("manufacturer", "unknown"),
            display_name=spec.get("display_name", spec["device_id"]),
            properties=properties,
        )

    def reset_workspace(self, workspace_id: str) -> None:
        """`workspaces/reset_sandbox`: the workspace as its seed made it, nothing else."""
        workspace = self.store.workspaces[workspace_id]
        for device in list(self.store.devices_by_workspace.get(workspace_id, {}).values()):
            self.store.drop_device(device)
        for account_id in [
            a for a, acc in self.store.connected_accounts.items() if acc.workspace_id == workspace_id
        ]:
            del self.store.connected_accounts[account_id]
        self.store.drop_history(workspace_id)
        self.store.drop_client_sessions(workspace_id)
        for table in (self.store.connect_webviews, self.store.user_identities):
            for key in [k for k, v in table.items() if v.workspace_id == workspace_id]:
                del table[key]
        del self.store.workspaces[workspace_id]
        self.seed_workspace(workspace.seed)

    def create_workspace(
        self,
        name: str,
        *,
        company_name: str | None = None,
        is_sandbox: bool = True,
        connect_partner_name: str | None = None,
        personal_access_token: str | None = None,
        devices: list[dict[str, Any]] | None = None,
    ) -> tuple[Workspace, str]:
        """A new workspace with its own API key (returned with it)."""
        workspace_id = self.store.ids.uuid()
        api_key = f"seam_{self.store.ids.uuid().replace('-', '')[:24]}"
        entry = {
            "workspace_id": workspace_id,
            "name": name,
            "company_name": company_name or name,
            "is_sandbox": is_sandbox,
            "connect_partner_name": connect_partner_name,
            "api_keys": [api_key],
            "connected_accounts": [],
            "devices": devices or [],
        }
        workspace = self.seed_workspace(entry)
        if personal_access_token:
            self.store.credentials.personal_access_tokens.setdefault(personal_access_token, set()).add(
                workspace_id
            )
        return workspace, api_key

    def workspace(self, workspace_id: str) -> Workspace:
        workspace = self.store.workspaces.get(workspace_id)
        if workspace is None:
            raise not_found("workspace", msgs.WORKSPACE_NOT_FOUND, workspace_id=workspace_id)
        return workspace
