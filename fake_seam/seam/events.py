"""The one place every event the fake emits passes through.

Events are stored per workspace in time order (see `Store.event_time`) and kept as the
retention settings say (`Settings.retention_seconds`, `retention_count`); subscribers (webhooks, the console,
persistence) are called with each new event, after it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fake_seam.seam.records import AccessCode, Device, Event
from fake_seam.seam.store import Store

Subscriber = Callable[[Event], None]


class EventLog:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Call `subscriber` with every event from now on; returns the unsubscribe call."""
        self.subscribers.append(subscriber)

        def unsubscribe() -> None:
            # A log replaced by a reset has let go of every subscriber already.
            if subscriber in self.subscribers:
                self.subscribers.remove(subscriber)

        return unsubscribe

    def emit(self, workspace_id: str, event_type: str, **fields: Any) -> Event:
        return self.emit_fields(workspace_id, event_type, fields)

    def emit_fields(self, workspace_id: str, event_type: str, fields: dict[str, Any]) -> Event:
        """`emit`, for a caller that has built the fields already: the event keeps that dict."""
        store = self.store
        # Never before the latest event, even if the clock was moved back: a client polling
        # `events/list` with `since` = the last `occurred_at` it saw still gets this one.
        now = store.event_time()
        store.event_seq += 1
        event = Event(store.ids.uuid(), workspace_id, event_type, now, now, fields, store.event_seq)
        store.add_event(event)
        for subscriber in self.subscribers:
            subscriber(event)
        return event

    def device_event(self, device: Device, event_type: str, **extra: Any) -> Event:
        return self.emit(
            device.workspace_id,
            event_type,
            device_id=device.device_id,
            connected_account_id=device.connected_account_id,
            **extra,
        )


def issue_fields(device: Device, record: AccessCode | None = None) -> dict[str, Any]:
    """The errors and warnings Seam attaches to device and access code events."""
    fields: dict[str, Any] = {
        "device_errors": device.error_list(),
        "device_warnings": device.warning_list(),
        "connected_account_errors": [],
        "connected_account_warnings": [],
    }
    if record is not None:
        fields["access_code_errors"] = record.error_list()
        fields["access_code_warnings"] = record.warning_list()
    return fields
