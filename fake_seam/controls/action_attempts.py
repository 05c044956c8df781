"""Steering an action attempt, as Seam's fake does (`/_fake/update_action_attempt`)."""

from __future__ import annotations

from typing import Annotated, Any

from fake_seam.controls.control import Bench, ControlParams, control
from fake_seam.seam.records import ActionAttempt
from fake_seam.wire import shapes
from fake_seam.wire import validation as z


class SteerAttempt(ControlParams):
    action_attempt_id: Annotated[str, z.string()]
    status: Annotated[str, z.enum(("pending", "success", "error"))]
    result: Annotated[dict[str, Any] | None, z.record(z.unknown()).nullable()] = None
    error: Annotated[dict[str, Any] | None, z.record(z.unknown()).nullable()] = None


def read_attempt(answer: dict[str, Any]) -> dict[str, Any]:
    """The attempt as Seam's JSON (a remote client has no `ActionAttempt` record)."""
    return dict(answer["action_attempt"])


@control(
    "/_fake/update_action_attempt",
    SteerAttempt,
    answer=lambda fake, p, attempt: {"action_attempt": shapes.action_attempt(attempt)},
    read=read_attempt,
    describe=lambda p, a: f"action attempt {p.action_attempt_id} is now {p.status}",
)
def update_action_attempt(fake: Bench, p: SteerAttempt) -> ActionAttempt:
    """Set an action attempt's status (and its `result` or `error`), as Seam's fake does."""
    return fake.cloud.attempts.steer_attempt(p.action_attempt_id, p.status, p.result, p.error)
