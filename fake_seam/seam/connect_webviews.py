"""Connect webviews: how a user connects their lock brand's account, and what signing in makes.

Completing one (the `view` page, or the `complete_connect_webview` control) creates a connected
account whose locks are simulated hardware like every other lock, with the brand's hardware as
the default seed has it. See https://docs.seam.co/latest/core-concepts/connect-webviews.
"""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.seam.errors import SeamError, invalid_input
from fake_seam.seam.events import EventLog
from fake_seam.seam.records import ConnectedAccount, ConnectWebview
from fake_seam.seam.seed import brand_presets
from fake_seam.seam.store import Caller, Store
from fake_seam.seam.workspaces import Workspaces

# What a sign-in offers when the webview accepts every brand: the brands the fake simulates.
SIMULATED_BRANDS = ("august", "schlage", "yale", "kwikset", "salto")
DEFAULT_LOCK_COUNT = 2


class ConnectWebviews:
    def __init__(self, store: Store, events: EventLog, workspaces: Workspaces) -> None:
        self.store = store
        self.events = events
        self.workspaces = workspaces
        self.presets = brand_presets()

    def create(self, caller: Caller, base_url: str, **options: Any) -> ConnectWebview:
        store = self.store
        webview_id = store.ids.uuid()
        accepted = list(options.pop("accepted_providers", None) or [])
        webview = ConnectWebview(
            connect_webview_id=webview_id,
            workspace_id=caller.workspace_id,
            created_at=store.now(),
            url=f"{base_url}/connect_webviews/view?connect_webview_id={webview_id}",
            accepted_providers=accepted,
            **{k: v for k, v in options.items() if v is not None},
        )
        store.connect_webviews[webview_id] = webview
        session = store.granted(caller)
        if session is not None:  # a client session sees the webviews it starts
            session.connect_webview_ids.append(webview_id)
        return webview

    def list_webviews(
        self,
        caller: Caller,
        *,
        custom_metadata_has: dict[str, Any] | None = None,
        customer_key: str | None = None,
    ) -> list[ConnectWebview]:
        session = self.store.granted(caller)
        out = []
        for webview in self.store.connect_webviews.values():
            if webview.workspace_id != caller.workspace_id:
                continue
            if caller.kind == "client_session_token" and (
                session is None or webview.connect_webview_id not in session.connect_webview_ids
            ):
                continue
            if custom_metadata_has and any(
                webview.custom_metadata.get(k) != v for k, v in custom_metadata_has.items()
            ):
                continue
            if customer_key is not None and webview.customer_key != customer_key:
                continue
            out.append(webview)
        return out

    def delete(self, caller: Caller, connect_webview_id: str) -> None:
        webview = self.store.connect_webview(caller, connect_webview_id)
        del self.store.connect_webviews[webview.connect_webview_id]

    def offered_brands(self, webview: ConnectWebview) -> list[str]:
        return list(webview.accepted_providers) or list(SIMULATED_BRANDS)

    # -- signing in ---------------------------------------------------------------------

    def complete(
        self,
        webview: ConnectWebview,
        *,
        provider: str | None = None,
        email: str | None = None,
        lock_count: int = DEFAULT_LOCK_COUNT,
        succeed: bool = True,
        reconnect: ConnectedAccount | None = None,
    ) -> ConnectedAccount | None:
        """The user signs in (or fails to). On success: a connected account with `lock_count`
        locks of the brand, and Seam's events in this order: `connected_account.created`,
        `connected_account.connected`, `connect_webview.login_succeeded`, one `device.added` per
        lock, `connected_account.completed_first_sync`. On failure: `connect_webview.login_failed`."""
        if webview.status != "pending":
            raise SeamError("connect_webview_not_pending", msgs.CONNECT_WEBVIEW_NOT_PENDING, 400)
        offered = self.offered_brands(webview)
        provider = provider or (reconnect.provider if reconnect is not None else offered[0])
        if reconnect is None and provider not in offered:
            raise invalid_input("provider", msgs.provider_not_accepted(provider, offered))
        workspace_id = webview.workspace_id
        if not succeed:
            webview.status = "failed"
            self.events.emit(
                workspace_id, "connect_webview.login_failed", connect_webview_id=webview.connect_webview_id
            )
            return None
        store = self.store
        now = store.now()
        if reconnect is not None:
            return self._reconnect(webview, reconnect)
        account = ConnectedAccount(
            connected_account_id=store.ids.uuid(),
            workspace_id=workspace_id,
            provider=provider,
            created_at=now,
            user_identifier={"email": email or f"user{len(store.connected_accounts) + 1}@example.com"},
            custom_metadata=dict(webview.custom_metadata),
            automatically_manage_new_devices=webview.automatically_manage_new_devices,
        )
        account_id = account.connected_account_id
        store.connected_accounts[account_id] = account
        webview.status = "authorized"
        webview.connected_account_id = account_id
        webview.authorized_at = now
        webview.selected_provider = provider
        for session in store.client_sessions_by_workspace.get(workspace_id, {}).values():
            if webview.connect_webview_id in session.connect_webview_ids:
                session.connected_account_ids.append(account_id)
        ids = {"connected_account_id": account_id}
        webview_id = webview.connect_webview_id
        self.events.emit(workspace_id, "connected_account.created", connect_webview_id=webview_id, **ids)
        self.events.emit(workspace_id, "connected_account.connected", **ids)
        self.events.emit(
            workspace_id, "connect_webview.login_succeeded", connect_webview_id=webview_id, **ids
        )
        preset = self.presets.get(provider, {"manufacturer": provider})
        brand = provider.replace("_", " ").title()
        for number in range(1, lock_count + 1):
            spec = {
                **preset,
                "manufacturer": provider,
                "connected_account_id": account_id,
                "display_name": f"{brand} Lock {number}",
            }
            device = self.workspaces.seed_device(workspace_id, spec)
            self.events.device_event(device, "device.added")
        self.events.emit(workspace_id, "connected_account.completed_first_sync", **ids)
        return account

    def _reconnect(self, webview: ConnectWebview, account: ConnectedAccount) -> ConnectedAccount:
        """`connected_account.connected`, `connect_webview.login_succeeded`, the devices back
        online (their held writes go out), `connected_account.completed_first_sync_after_reconnection`."""
        account_id = account.connected_account_id
        webview.status = "authorized"
        webview.connected_account_id = account_id
        webview.authorized_at = self.store.now()
        webview.selected_provider = account.provider
        workspace_id = webview.workspace_id
        self.events.emit(workspace_id, "connected_account.connected", connected_account_id=account_id)
        self.events.emit(
            workspace_id,
            "connect_webview.login_succeeded",
            connect_webview_id=webview.connect_webview_id,
            connected_account_id=account_id,
        )
        self.workspaces.devices.reconnect_account(account)
        self.events.emit(
            workspace_id,
            "connected_account.completed_first_sync_after_reconnection",
            connected_account_id=account_id,
        )
        return account
