"""Workspaces, credentials, and seeding: who may call, and what each workspace starts with."""

from __future__ import annotations

from typing import Any

from fake_seam.seam.errors import SeamError, invalid_input, not_found, unauthorized
from fake_seam.seam.locks import LockRules
from fake_seam.seam.records import ConnectedAccount, Workspace
from fake_seam.seam.seed import SeedError
from fake_seam.seam.state import Caller

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


class WorkspaceRules(LockRules):
    # -- seeding ----------------------------------------------------------------------

    def apply_seed(self, seed: dict[str, Any]) -> None:
        for entry in seed.get("workspaces", []):
            self.seed_workspace(entry)
        for pat in seed.get("personal_access_tokens", []):
            self.credentials.personal_access_tokens.setdefault(pat["token"], set()).update(
                pat.get("workspace_ids", [])
            )
        self.seed_aliases.update(seed.get("aliases", {}))

    def seed_workspace(self, entry: dict[str, Any]) -> Workspace:
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
            self.add_workspace(workspace)
            for key in entry.get("api_keys", []):
                self.credentials.api_keys[key] = workspace_id
            for key in entry.get("publishable_keys", []):
                self.credentials.publishable_keys[key] = workspace_id
            for cst in entry.get("client_session_tokens", []):
                self.credentials.client_sessions[cst["token"]] = (
                    workspace_id,
                    frozenset(cst.get("connected_account_ids", [])),
                )
            for account in entry.get("connected_accounts", []):
                self.connected_accounts[account["connected_account_id"]] = ConnectedAccount(
                    connected_account_id=account["connected_account_id"],
                    workspace_id=workspace_id,
                    provider=account.get("provider", "august"),
                    created_at=self.now(),
                    user_identifier=dict(account.get("user_identifier", {})),
                    custom_metadata=dict(account.get("custom_metadata", {})),
                )
            for device in entry.get("devices", []):
                self.seed_device(workspace_id, device)
        except KeyError as missing:
            raise SeedError(f"seed: workspace entry is missing {missing}") from None
        return workspace

    def seed_device(self, workspace_id: str, spec: dict[str, Any]) -> None:
        kind = spec.get("kind", "lock")
        account_id = spec.get("connected_account_id")
        if account_id is None:
            account_id = next(
                (
                    a.connected_account_id
                    for a in self.connected_accounts.values()
                    if a.workspace_id == workspace_id
                ),
                None,
            )
        if account_id is None:
            account_id = self.ids.uuid()
            self.connected_accounts[account_id] = ConnectedAccount(
                account_id, workspace_id, spec.get("manufacturer", "august"), self.now()
            )
        properties = dict(spec.get("properties", {}))
        if spec.get("model"):
            properties.setdefault("model", {"display_name": spec["model"]})
        if kind == "lock":
            options = {k: spec[k] for k in LOCK_FIELDS if k in spec}
            device = self.add_lock(
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
                )
            for keypad_code in spec.get("keypad_codes", []):
                self.add_unmanaged_code(device, keypad_code["code"], keypad_code.get("name"))
        else:
            self.add_other_device(
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
        workspace = self.workspaces[workspace_id]
        for device in list(self.devices_by_workspace.get(workspace_id, {}).values()):
            self.drop_device(device)
        for account_id in [
            a for a, acc in self.connected_accounts.items() if acc.workspace_id == workspace_id
        ]:
            del self.connected_accounts[account_id]
        for event in self.events_by_workspace.get(workspace_id, []):
            self.events.pop(event.event_id, None)
        self.events_by_workspace[workspace_id] = []
        for attempt_id in self.attempts_by_workspace.get(workspace_id, {}):
            self.action_attempts.pop(attempt_id, None)
        self.attempts_by_workspace[workspace_id] = {}
        self.credentials.client_sessions = {
            k: v for k, v in self.credentials.client_sessions.items() if v[0] != workspace_id
        }
        del self.workspaces[workspace_id]
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
        workspace_id = self.ids.uuid()
        api_key = f"seam_{self.ids.uuid().replace('-', '')[:24]}"
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
            self.credentials.personal_access_tokens.setdefault(personal_access_token, set()).add(workspace_id)
        return workspace, api_key

    def workspace(self, workspace_id: str) -> Workspace:
        workspace = self.workspaces.get(workspace_id)
        if workspace is None:
            raise not_found("workspace", "Workspace not found", workspace_id=workspace_id)
        return workspace

    # -- credentials ------------------------------------------------------------------

    def authenticate(self, headers: dict[str, str], *, workspace_required: bool = True) -> Caller:
        """The caller behind a request's headers, or 401 (as Seam answers). Routes that work
        without a workspace (`workspace_required=False`: workspaces/list, workspaces/create,
        what the SDK's `SeamWithoutWorkspace` calls) take a personal access token alone; the
        caller's `workspace_id` is then empty."""
        authorization = headers.get("authorization", "")
        token = ""
        if authorization[:7].lower() == "bearer ":
            token = authorization[7:].strip()
        token = (
            token or headers.get("client-session-token", "") or headers.get("seam-client-session-token", "")
        )
        if not token:
            publishable = headers.get("seam-publishable-key")
            if publishable and publishable in self.credentials.publishable_keys:
                raise unauthorized("A publishable key alone cannot call this route")
            raise unauthorized("Missing or malformed Authorization header")
        creds = self.credentials
        if token in creds.api_keys:
            return Caller(creds.api_keys[token], "api_key")
        if token in creds.personal_access_tokens:
            workspace_id = headers.get("seam-workspace") or headers.get("seam-workspace-id")
            if not workspace_id and not workspace_required:
                return Caller(
                    "",
                    "personal_access_token",
                    user_workspace_ids=frozenset(creds.personal_access_tokens[token]),
                    token=token,
                )
            if not workspace_id:
                raise SeamError(
                    "missing_workspace_id",
                    "A personal access token needs the seam-workspace header",
                    401,
                )
            allowed = creds.personal_access_tokens[token]
            if workspace_id not in allowed or workspace_id not in self.workspaces:
                raise unauthorized("This personal access token has no access to that workspace")
            return Caller(
                workspace_id, "personal_access_token", user_workspace_ids=frozenset(allowed), token=token
            )
        if token in creds.client_sessions:
            workspace_id, accounts = creds.client_sessions[token]
            return Caller(workspace_id, "client_session_token", connected_account_ids=accounts)
        raise unauthorized("Invalid API key or token")

    def require_user(self, caller: Caller, route: str) -> None:
        if caller.kind != "personal_access_token":
            raise SeamError(
                "unauthorized",
                f"{route} needs a personal access token",
                401,
            )

    def check_name_given(self, name: str | None) -> None:
        if not name:
            raise invalid_input("name", "Required")
