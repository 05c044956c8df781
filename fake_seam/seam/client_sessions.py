"""Client sessions: tokens a workspace hands its users' apps, each seeing only some of the
workspace's connected accounts."""

from __future__ import annotations

from fake_seam import messages as msgs
from fake_seam.seam.errors import invalid_input, not_found
from fake_seam.seam.events import EventLog
from fake_seam.seam.records import ClientSession
from fake_seam.seam.store import Caller, Store

# Seam's default lifetime for a session created without `expires_at`.
SESSION_SECONDS = 24 * 3600.0


class Grants:
    """What a session may see, as a create or grant_access names it (ids checked to exist)."""

    def __init__(
        self,
        connected_account_ids: list[str] | None = None,
        connect_webview_ids: list[str] | None = None,
        user_identity_ids: list[str] | None = None,
    ) -> None:
        self.connected_account_ids = list(connected_account_ids or [])
        self.connect_webview_ids = list(connect_webview_ids or [])
        self.user_identity_ids = list(user_identity_ids or [])


class ClientSessions:
    def __init__(self, store: Store, events: EventLog | None = None) -> None:
        self.store = store
        self.events = events

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

    def start(
        self,
        caller: Caller,
        grants: Grants,
        *,
        user_identifier_key: str | None = None,
        expires_at: float | None = None,
    ) -> ClientSession:
        """`/client_sessions/create`: a new session and its token. A publishable key (an app's
        front end) must name its user (`user_identifier_key`) and may grant nothing else."""
        if caller.kind == "publishable_key" and not user_identifier_key:
            raise invalid_input("user_identifier_key", msgs.REQUIRED)
        self._check(caller, grants)
        token = "seam_cst1" + self.store.session_ids.uuid().replace("-", "")
        session = self.create(
            caller.workspace_id, token, user_identifier_key=user_identifier_key, expires_at=expires_at
        )
        self._grant(session, grants)
        return session

    def get_or_start(
        self, caller: Caller, grants: Grants, *, user_identifier_key: str | None, expires_at: float | None
    ) -> ClientSession:
        """`/client_sessions/get_or_create`: the user's session if there is one (granted what is
        asked for besides), else a new one."""
        if user_identifier_key:
            for session in self.store.client_sessions_by_workspace.get(caller.workspace_id, {}).values():
                if session.user_identifier_key == user_identifier_key:
                    self._check(caller, grants)
                    self._grant(session, grants)
                    return session
        return self.start(caller, grants, user_identifier_key=user_identifier_key, expires_at=expires_at)

    def session(
        self, caller: Caller, client_session_id: str | None = None, user_identifier_key: str | None = None
    ) -> ClientSession:
        if client_session_id is None and user_identifier_key is None:
            raise invalid_input("client_session_id", msgs.CLIENT_SESSION_KEY_OR_ID)
        for session in self.store.client_sessions_by_workspace.get(caller.workspace_id, {}).values():
            if client_session_id is not None and session.client_session_id != client_session_id:
                continue
            if user_identifier_key is not None and session.user_identifier_key != user_identifier_key:
                continue
            if (
                caller.kind == "client_session_token"
                and session.client_session_id != caller.client_session_id
            ):
                continue  # a client session sees only itself
            return session
        raise not_found("client_session", msgs.CLIENT_SESSION_NOT_FOUND, client_session_id=client_session_id)

    def grant_access(
        self,
        caller: Caller,
        grants: Grants,
        client_session_id: str | None = None,
        user_identifier_key: str | None = None,
    ) -> ClientSession:
        session = self.session(caller, client_session_id, user_identifier_key)
        self._check(caller, grants)
        self._grant(session, grants)
        return session

    def revoke(self, caller: Caller, client_session_id: str) -> None:
        """`/client_sessions/delete` and `revoke`: its token stops working at once."""
        session = self.session(caller, client_session_id)
        self.store.drop_client_session(session)
        if self.events is not None:
            self.events.emit(
                session.workspace_id, "client_session.deleted", client_session_id=client_session_id
            )

    def _grant(self, session: ClientSession, grants: Grants) -> None:
        # A webview's session also sees the account its sign-in made (Seam's client sessions).
        for webview_id in grants.connect_webview_ids:
            made = self.store.connect_webviews[webview_id].connected_account_id
            if made is not None:
                grants.connected_account_ids.append(made)
        session.connected_account_ids = list(
            dict.fromkeys(session.connected_account_ids + grants.connected_account_ids)
        )
        session.connect_webview_ids = list(
            dict.fromkeys(session.connect_webview_ids + grants.connect_webview_ids)
        )
        session.user_identity_ids = list(dict.fromkeys(session.user_identity_ids + grants.user_identity_ids))

    def _check(self, caller: Caller, grants: Grants) -> None:
        """Every id granted is the workspace's (else 404, as a lookup of it would answer)."""
        workspace = Caller(caller.workspace_id, "api_key")
        for account_id in grants.connected_account_ids:
            self.store.connected_account(workspace, account_id)
        for webview_id in grants.connect_webview_ids:
            self.store.connect_webview(workspace, webview_id)
        for identity_id in grants.user_identity_ids:
            self.store.user_identity(workspace, identity_id)

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
            client_session_id=session.client_session_id,
        )

    def device_count(self, session: ClientSession) -> int:
        """The managed devices the session's token would list (`/devices/list`)."""
        return sum(1 for d in self.store.visible_devices(self.scope(session)) if d.is_managed)
