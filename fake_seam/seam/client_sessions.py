"""Client sessions: tokens a workspace hands its users' apps, each seeing only some of the
workspace's connected accounts."""

from __future__ import annotations

from fake_seam.seam.records import ClientSession
from fake_seam.seam.store import Caller, Store

# Seam's default lifetime for a session created without `expires_at`.
SESSION_SECONDS = 24 * 3600.0


class ClientSessions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(
        self,
        workspace_id: str,
        token: str,
        *,
        connected_account_ids: list[str] | None = None,
        user_identifier_key: str | None = None,
        expires_at: float | None = None,
    ) -> ClientSession:
        now = self.store.now()
        session = ClientSession(
            client_session_id=self.store.session_ids.uuid(),
            workspace_id=workspace_id,
            token=token,
            created_at=now,
            expires_at=now + SESSION_SECONDS if expires_at is None else expires_at,
            user_identifier_key=user_identifier_key,
            connected_account_ids=list(dict.fromkeys(connected_account_ids or [])),
        )
        self.store.add_client_session(session)
        return session

    def list_sessions(
        self,
        caller: Caller,
        *,
        client_session_id: str | None = None,
        user_identifier_key: str | None = None,
        connect_webview_id: str | None = None,
        user_identity_id: str | None = None,
        without_user_identifier_key: bool | None = None,
    ) -> list[ClientSession]:
        """`/client_sessions/list`: the workspace's sessions, oldest first, filtered."""
        out = []
        for session in self.store.client_sessions_by_workspace.get(caller.workspace_id, {}).values():
            if client_session_id is not None and session.client_session_id != client_session_id:
                continue
            if user_identifier_key is not None and session.user_identifier_key != user_identifier_key:
                continue
            if connect_webview_id is not None and connect_webview_id not in session.connect_webview_ids:
                continue
            if user_identity_id is not None and user_identity_id not in session.user_identity_ids:
                continue
            if without_user_identifier_key and session.user_identifier_key is not None:
                continue
            out.append(session)
        return out

    def scope(self, session: ClientSession) -> Caller:
        """What a request made with the session's token may see."""
        return Caller(
            session.workspace_id,
            "client_session_token",
            connected_account_ids=frozenset(session.connected_account_ids),
            token=session.token,
        )

    def device_count(self, session: ClientSession) -> int:
        """The managed devices the session's token would list (`/devices/list`)."""
        return sum(1 for d in self.store.visible_devices(self.scope(session)) if d.is_managed)
