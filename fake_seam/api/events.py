"""/events/* and /action_attempts/*."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fake_seam import messages as msgs
from fake_seam.api.routing import Context, paginate, route, timestamp
from fake_seam.clock import to_datetime
from fake_seam.seam.errors import invalid_input, not_found
from fake_seam.wire import params, shapes


@route("/events/get")
def get_event(ctx: Context, p: params.EventsGetParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    log = cloud.store.workspace_events(caller.workspace_id)  # retention applied first
    if p.event_id is not None:
        event = cloud.store.events.get(p.event_id)
        if (
            event is None
            or event.workspace_id != caller.workspace_id
            or not cloud.store.sees_account(caller, event.fields.get("connected_account_id"))
        ):
            raise not_found("event", msgs.EVENT_NOT_FOUND, event_id=p.event_id)
        return {"event": shapes.event(event)}
    if p.device_id is not None or p.event_type is not None:
        for event in reversed(log):
            if p.device_id is not None and event.fields.get("device_id") != p.device_id:
                continue
            if p.event_type is not None and event.event_type != p.event_type:
                continue
            if not cloud.store.sees_account(caller, event.fields.get("connected_account_id")):
                continue
            return {"event": shapes.event(event)}
        raise not_found("event", msgs.EVENT_NOT_FOUND)
    raise invalid_input("event_id", msgs.REQUIRED)


def as_set(single: str | None, values: Sequence[str] | None) -> set[str] | None:
    """A filter given as one value, a list, or both (`None`: not filtered)."""
    if values is None and single is None:
        return None
    return set(values or []) | ({single} if single is not None else set())


def millis(seconds: float) -> int:
    """The millisecond a timestamp shows as: rounded to microseconds (as `datetime` does),
    then truncated (as Seam's `...T10:00:00.123Z` format does)."""
    return round(seconds * 1_000_000) // 1000


@route("/events/list")
def list_events(ctx: Context, p: params.EventsListParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    between = p.between
    start: float
    end: float | None
    if p.since is not None:
        start, end = timestamp(p.since, "since") or 0.0, None
    elif between is not None:
        if len(between) != 2:
            raise invalid_input("between", msgs.array_exactly(2))
        try:
            start, end = (to_datetime(str(v)).timestamp() for v in between)
        except ValueError:
            raise invalid_input("between", msgs.INVALID_DATETIME) from None
    else:
        raise invalid_input("since", msgs.SINCE_OR_BETWEEN_REQUIRED)
    log = cloud.store.workspace_events(caller.workspace_id)
    # Compared at the millisecond an event shows (`occurred_at` has ms), so `since` set to a
    # shown time, or to a clock reading with more digits, includes events at that instant.
    # The log is in `occurred_at` order even if the clock was moved back (see `event_time`).
    first = log.first_index(millis(start), key=lambda e: millis(e.occurred_at))
    last = millis(end) if end is not None else None
    devices = as_set(p.device_id, p.device_ids)
    codes = as_set(p.access_code_id, p.access_code_ids)
    types = as_set(p.event_type, p.event_types)
    ids = set(p.event_ids or []) or None
    account = p.connected_account_id
    allowed_accounts = caller.connected_account_ids
    limit = p.limit or 500
    out = []
    for event in log.since_index(first):
        if last is not None and millis(event.occurred_at) > last:
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
def get_action_attempt(ctx: Context, p: params.ActionAttemptsGetParams) -> dict[str, Any]:
    attempt = ctx.cloud.attempts.attempt(ctx.require_caller(), p.action_attempt_id)
    return {"action_attempt": shapes.action_attempt(attempt)}


@route("/action_attempts/list")
def list_action_attempts(ctx: Context, p: params.ActionAttemptsListParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    ids = p.action_attempt_ids
    if ids is not None:
        cloud.store.prune_attempts(caller.workspace_id)
        attempts = [
            cloud.store.action_attempts[i]
            for i in dict.fromkeys(ids)
            if i in cloud.store.action_attempts
            and cloud.store.action_attempts[i].workspace_id == caller.workspace_id
        ]
    else:
        attempts = cloud.attempts.listed(caller)
    device_id = p.device_id
    if device_id is not None:
        attempts = [a for a in attempts if a.device_id == device_id]
    page, pagination = paginate(ctx, attempts, p)  # first: a refused cursor or limit settles nothing
    for attempt in attempts:
        cloud.attempts.settle(attempt)
    return {"action_attempts": [shapes.action_attempt(a) for a in page], "pagination": pagination}
