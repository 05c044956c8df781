"""Credentials: who is calling, and what they may see."""

from __future__ import annotations

from collections.abc import Mapping

from fake_seam import messages as msgs
from fake_seam.seam.errors import SeamError, invalid_input, unauthorized
from fake_seam.seam.store import Caller, Store


class Auth:
    def __init__(self, store: Store) -> None:
        self.store = store

    def authenticate(
        self, headers: Mapping[str, str], *, workspace_required: bool = True, publishable_ok: bool = False
    ) -> Caller:
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
            if publishable and publishable in self.store.credentials.publishable_keys:
                if publishable_ok:  # an app's front end starting a client session
                    key_workspace = self.store.credentials.publishable_keys[publishable]
                    return Caller(key_workspace, "publishable_key", token=publishable)
                raise unauthorized(msgs.PUBLISHABLE_KEY_ALONE)
            raise unauthorized(msgs.MISSING_AUTHORIZATION)
        creds = self.store.credentials
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
                    msgs.MISSING_WORKSPACE_HEADER,
                    401,
                )
            allowed = creds.personal_access_tokens[token]
            if workspace_id not in allowed or workspace_id not in self.store.workspaces:
                raise unauthorized(msgs.TOKEN_NOT_IN_WORKSPACE)
            return Caller(
                workspace_id, "personal_access_token", user_workspace_ids=frozenset(allowed), token=token
            )
        session = self.store.client_sessions_by_token.get(token)
        if session is not None:
            return Caller(
                session.workspace_id,
                "client_session_token",
                connected_account_ids=frozenset(session.connected_account_ids),
                token=token,
                client_session_id=session.client_session_id,
            )
        raise unauthorized(msgs.INVALID_TOKEN)

    def require_user(self, caller: Caller, route: str) -> None:
        if caller.kind != "personal_access_token":
            raise SeamError(
                "unauthorized",
                msgs.needs_personal_access_token(route),
                401,
            )

    def refuse_client_session(self, caller: Caller, route: str) -> None:
        """For routes whose `security` in Seam's spec names no client-session scheme."""
        if caller.kind == "client_session_token":
            raise unauthorized(msgs.needs_workspace_credential(route))

    def check_name_given(self, name: str | None) -> None:
        if not name:
            raise invalid_input("name", msgs.REQUIRED)
