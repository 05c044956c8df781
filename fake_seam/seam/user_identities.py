"""User identities: the users of a workspace's own app, and the devices granted to them."""

from __future__ import annotations

from fake_seam import messages as msgs
from fake_seam.seam.errors import SeamError
from fake_seam.seam.records import Device, UserIdentity
from fake_seam.seam.store import Caller, Store


class UserIdentities:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(
        self,
        caller: Caller,
        *,
        user_identity_key: str | None = None,
        email_address: str | None = None,
        phone_number: str | None = None,
        full_name: str | None = None,
    ) -> UserIdentity:
        self._key_free(caller.workspace_id, user_identity_key)
        identity = UserIdentity(
            user_identity_id=self.store.ids.uuid(),
            workspace_id=caller.workspace_id,
            created_at=self.store.now(),
            user_identity_key=user_identity_key,
            email_address=email_address,
            phone_number=phone_number,
            full_name=full_name,
        )
        self.store.user_identities[identity.user_identity_id] = identity
        return identity

    def identity(
        self, caller: Caller, user_identity_id: str | None = None, user_identity_key: str | None = None
    ) -> UserIdentity:
        if user_identity_id is None and user_identity_key is not None:
            for identity in self.list_identities(caller):
                if identity.user_identity_key == user_identity_key:
                    return identity
        return self.store.user_identity(caller, user_identity_id)

    def list_identities(
        self, caller: Caller, *, user_identity_ids: list[str] | None = None, search: str | None = None
    ) -> list[UserIdentity]:
        session = self.store.granted(caller)
        out = []
        for identity in self.store.user_identities.values():
            if identity.workspace_id != caller.workspace_id:
                continue
            if caller.kind == "client_session_token" and (
                session is None or identity.user_identity_id not in session.user_identity_ids
            ):
                continue
            if user_identity_ids is not None and identity.user_identity_id not in user_identity_ids:
                continue
            if search and not any(
                search.lower() in (value or "").lower()
                for value in (
                    identity.full_name,
                    identity.email_address,
                    identity.phone_number,
                    identity.user_identity_key,
                    identity.user_identity_id,
                )
            ):
                continue
            out.append(identity)
        return out

    def update(self, caller: Caller, user_identity_id: str, **changes: str | None) -> UserIdentity:
        identity = self.store.user_identity(caller, user_identity_id)
        key = changes.get("user_identity_key")
        if key is not None and key != identity.user_identity_key:
            self._key_free(caller.workspace_id, key)
        for name, value in changes.items():
            if value is not None:
                setattr(identity, name, value)
        return identity

    def delete(self, caller: Caller, user_identity_id: str) -> None:
        identity = self.store.user_identity(caller, user_identity_id)
        del self.store.user_identities[identity.user_identity_id]
        for session in self.store.client_sessions_by_workspace.get(caller.workspace_id, {}).values():
            if user_identity_id in session.user_identity_ids:
                session.user_identity_ids.remove(user_identity_id)

    def grant(self, caller: Caller, user_identity_id: str, device_id: str) -> None:
        identity = self.store.user_identity(caller, user_identity_id)
        device = self.store.device(caller, device_id)
        if device.device_id not in identity.device_ids:
            identity.device_ids.append(device.device_id)

    def revoke(self, caller: Caller, user_identity_id: str, device_id: str) -> None:
        identity = self.store.user_identity(caller, user_identity_id)
        device = self.store.device(caller, device_id)
        if device.device_id in identity.device_ids:
            identity.device_ids.remove(device.device_id)

    def accessible_devices(self, caller: Caller, user_identity_id: str) -> list[Device]:
        identity = self.store.user_identity(caller, user_identity_id)
        devices = (self.store.devices.get(i) for i in identity.device_ids)
        return [d for d in devices if d is not None and not d.removed]

    def _key_free(self, workspace_id: str, key: str | None) -> None:
        if key is None:
            return
        for identity in self.store.user_identities.values():
            if identity.workspace_id == workspace_id and identity.user_identity_key == key:
                raise SeamError("user_identity_key_already_in_use", msgs.USER_IDENTITY_KEY_TAKEN, 400)
