"""Action attempts: what a lock, unlock or access-code action reports back, polled by the SDK."""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.seam.errors import not_found
from fake_seam.seam.records import AccessCode, ActionAttempt, Snapshot
from fake_seam.seam.store import Caller, Store


class ActionAttempts:
    def __init__(self, store: Store) -> None:
        self.store = store

    def new_attempt(
        self,
        workspace_id: str,
        action_type: str,
        *,
        sync: bool = False,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
        device_id: str | None = None,
    ) -> ActionAttempt:
        status = "error" if error else "success"
        if sync:  # finished at once: nothing to keep for a later poll
            attempt = ActionAttempt(self.store.ids.uuid(), workspace_id, action_type, status, result, error)
        else:
            outcome = (status, None if error else (result or {}), error)
            attempt = ActionAttempt(self.store.ids.uuid(), workspace_id, action_type, outcome=outcome)
        attempt.device_id = device_id
        attempt.created_at = self.store.event_time()
        self.store.add_attempt(attempt)
        return attempt

    def finished_attempt(
        self,
        workspace_id: str,
        action_type: str,
        result: dict[str, Any] | None = None,
        *,
        device_id: str | None = None,
    ) -> ActionAttempt:
        """`device_id`: the device acted on, which says who may see the attempt."""
        return self.new_attempt(workspace_id, action_type, sync=True, result=result, device_id=device_id)

    def code_attempt(self, code: AccessCode, action_type: str, shape: dict[str, Any]) -> ActionAttempt:
        """A finished attempt on an access code, keeping the code as it was then (as JSON)."""
        attempt = self.new_attempt(code.workspace_id, action_type, sync=True)
        attempt.snapshot = Snapshot.of(shape)
        attempt.device_id = code.device_id
        return attempt

    def attempt(self, caller: Caller, action_attempt_id: str, *, poll: bool = True) -> ActionAttempt:
        self.store.prune_attempts(caller.workspace_id)
        attempt = self.store.action_attempts.get(action_attempt_id)
        if (
            attempt is None
            or attempt.workspace_id != caller.workspace_id
            or not self.store.sees_attempt(caller, attempt)
        ):
            raise not_found(
                "action_attempt",
                msgs.ACTION_ATTEMPT_NOT_FOUND,
                action_attempt_id=action_attempt_id,
            )
        if poll:
            self.settle(attempt)
        return attempt

    def settle(self, attempt: ActionAttempt) -> None:
        """The device has answered by the time anyone asks: the SDK's first poll sees it. A
        finished attempt joins the history that retention trims."""
        attempt.settle()
        self.store.release_attempt(attempt)

    def listed(self, caller: Caller) -> list[ActionAttempt]:
        """The caller's workspace's attempts, as retention leaves them now."""
        self.store.prune_attempts(caller.workspace_id)
        return list(self.store.attempts_by_workspace.get(caller.workspace_id, {}).values())

    def steer_attempt(
        self,
        action_attempt_id: str,
        status: str,
        result: dict[str, Any] | None = None,
        error: dict[str, Any] | None = None,
    ) -> ActionAttempt:
        attempt = self.store.action_attempts.get(action_attempt_id)
        if attempt is None:
            raise not_found(
                "action_attempt", msgs.ACTION_ATTEMPT_NOT_FOUND, action_attempt_id=action_attempt_id
            )
        attempt.steer(status, result, error)
        self.store.release_attempt(attempt)
        return attempt
