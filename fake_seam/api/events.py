"""/events/* and /action_attempts/*."""

from __future__ import annotations

import bisect
from typing import Any

from pydantic import BaseModel

from fake_seam.api.routing import Context, given, paginate, route, timestamp
from fake_seam.seam.errors import invalid_input, not_found
from fake_seam.wire import shapes


@route("/events/get")
def get_event(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if given(p, "event_id"):
        event = cloud.store.events.get(p.event_id)  # type: ignore[attr-defined]
        if event is None or event.workspace_id != caller.workspace_id:
            raise not_found("event", "Event not found", event_id=p.event_id)  # type: ignore[attr-defined]
        return {"event": shapes.event(event)}
    if given(p, "device_id") or given(p, "event_type"):
        for event in reversed(cloud.store.events_by_workspace.get(caller.workspace_id, [])):
            if given(p, "device_id") and event.fields.get("device_id") != p.device_id:  # type: ignore[attr-defined]
                continue
            if given(p, "event_type") and event.event_type != p.event_type:  # type: ignore[attr-defined]
                continue
            return {"event": shapes.event(event)}
        raise not_found("event", "Event not found")
    raise invalid_input("event_id", "Required")


def as_set(p: BaseModel, one: str, many: str) -> set[str] | None:
    values = getattr(p, many, None)
    single = getattr(p, one, None)
    if values is None and single is None:
        return None
    return set(values or []) | ({single} if single is not None else set())


def millis(seconds: float) -> int:
    """The millisecond a timestamp shows as: rounded to microseconds (as `datetime` does),
    then truncated (as Seam's `...T10:00:00.123Z` format does)."""
    return round(seconds * 1_000_000) // 1000


@route("/events/list")
def list_events(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    between = getattr(p, "between", None)
    if given(p, "since"):
        start, end = timestamp(p, "since"), None
    elif between is not None:
        if len(between) != 2:
            raise invalid_input("between", "Array must contain exactly 2 element(s)")
        from fake_seam.clock import to_datetime

        try:
            start, end = (to_datetime(str(v)).timestamp() for v in between)
        except ValueError:
            raise invalid_input("between", "Invalid datetime") from None
    else:
        raise invalid_input("since", "Either since or between is required")
    log = cloud.store.events_by_workspace.get(caller.workspace_id, [])
    # Compared at the millisecond an event shows (`occurred_at` has ms), so `since` set to a
    # shown time, or to a clock reading with more digits, includes events at that instant.
    first = bisect.bisect_left(log, millis(start), key=lambda e: millis(e.occurred_at))
    end = millis(end) if end is not None else None
    devices = as_set(p, "device_id", "device_ids")
    codes = as_set(p, "access_code_id", "access_code_ids")
    types = as_set(p, "event_type", "event_types")
    ids = set(getattr(p, "event_ids", None) or []) or None
    account = getattr(p, "connected_account_id", None)
    allowed_accounts = caller.connected_account_ids
    limit = getattr(p, "limit", None) or 500
    out = []
    for event in log[first:]:
        if end is not None and millis(event.occurred_at) > end:
            break
        fields = event.fields
        if devices is not None and fields.get("device_id") not in devices:
            continue
        if codes is not None and fields.get("access_code_id") not in codes:
            continue
        if types is not None and event.event_type not in types:
            continue
        if ids is not None and event.event_id not in ids:
            continue
        if account is not None and fields.get("connected_account_id") != account:
            continue
        if allowed_accounts is not None and fields.get("connected_account_id") not in allowed_accounts:
            continue
        out.append(shapes.event(event))
        if len(out) >= limit:
            break
    return {"events": out}


@route("/action_attempts/get")
def get_action_attempt(ctx: Context, p: BaseModel) -> dict[str, Any]:
    attempt = ctx.cloud.attempts.attempt(ctx.require_caller(), p.action_attempt_id)  # type: ignore[attr-defined]
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/action_attempts/list")
def list_action_attempts(ctx: Context, p: BaseModel) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    ids = getattr(p, "action_attempt_ids", None)
    if ids is not None:
        attempts = [
            cloud.store.action_attempts[i]
            for i in dict.fromkeys(ids)
            if i in cloud.store.action_attempts
            and cloud.store.action_attempts[i].workspace_id == caller.workspace_id
        ]
    else:
        attempts = list(cloud.store.attempts_by_workspace.get(caller.workspace_id, {}).values())
    device_id = getattr(p, "device_id", None)
    if device_id is not None:
        attempts = [a for a in attempts if a.device_id == device_id]
    for attempt in attempts:
        attempt.settle()
    page, pagination = paginate(ctx, attempts, p)
    return {"action_attempts": [shapes.action_attempt(a) for a in page], "pagination": pagination}
