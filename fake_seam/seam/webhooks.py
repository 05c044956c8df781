"""Webhooks: where a workspace's events are sent, and the outbox of deliveries on their way.

This is the model only: which event goes to which receiver, in what order, and when each try
is due on the fake's clock. Sending (HTTP, signing) belongs to whoever serves the fake
(`fake_seam.webhook_sender`), which takes due deliveries from here and reports back.
See https://docs.seam.co/latest/developer-tools/webhooks.
"""

from __future__ import annotations

import base64
from collections import deque
from urllib.parse import urlsplit

from fake_seam import messages as msgs
from fake_seam.seam.errors import invalid_input
from fake_seam.seam.events import EventLog
from fake_seam.seam.records import Delivery, DeliveryAttempt, Event, Webhook
from fake_seam.seam.store import Caller, Store

# Svix's schedule, which Seam's webhooks use: a try at once, then after 5 s, 5 min, 30 min,
# 2 h, 5 h, 10 h and 10 h (https://docs.svix.com/retries). The delay before try n + 1.
RETRY_SCHEDULE: tuple[float, ...] = (5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
SECRET_BYTES = 24
# At most this many deliveries wait for one webhook (a receiver that never answers would
# otherwise hold every event for ever); past it the oldest waiting one is given up.
OUTBOX_LIMIT = 10_000


def new_secret(store: Store) -> str:
    """A signing secret in Svix's format: `whsec_` and the key's bytes in base64 (what
    `SeamWebhook` reads), drawn from the store's webhook stream."""
    return "whsec_" + base64.b64encode(store.webhook_rng.randbytes(SECRET_BYTES)).decode()


class Webhooks:
    def __init__(self, store: Store, events: EventLog) -> None:
        self.store = store
        self.standing_ids: list[str] = []
        events.subscribe(self.event_emitted)

    # -- the routes ----------------------------------------------------------------------

    def create(self, caller: Caller, url: str, event_types: list[str] | None) -> Webhook:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise invalid_input("url", msgs.WEBHOOK_URL_NOT_HTTP)
        store = self.store
        webhook = Webhook(
            store.webhook_ids.uuid(),
            caller.workspace_id,
            url,
            list(event_types) if event_types is not None else ["*"],
            new_secret(store),
        )
        store.add_webhook(webhook)
        return webhook

    def stand(self, url: str) -> Webhook:
        """A webhook for every event of the first workspace, set up by whoever runs the fake
        (`fake-seam serve --webhook URL`) rather than by a client."""
        workspace_id = next(iter(self.store.workspaces))
        webhook = self.create(Caller(workspace_id, "api_key"), url, None)
        self.standing_ids.append(webhook.webhook_id)
        return webhook

    def standing(self) -> list[Webhook]:
        return [self.store.webhooks[i] for i in self.standing_ids if i in self.store.webhooks]

    def webhook(self, caller: Caller, webhook_id: str) -> Webhook:
        return self.store.webhook(caller, webhook_id)

    def list_webhooks(self, caller: Caller) -> list[Webhook]:
        return list(self.store.webhooks_by_workspace.get(caller.workspace_id, {}).values())

    def update(self, caller: Caller, webhook_id: str, event_types: list[str]) -> Webhook:
        webhook = self.store.webhook(caller, webhook_id)
        webhook.event_types = list(event_types)
        return webhook

    def delete(self, caller: Caller, webhook_id: str) -> None:
        """Gone with what was still on its way to it."""
        self.store.drop_webhook(self.store.webhook(caller, webhook_id))

    def drop_workspace(self, workspace_id: str) -> None:
        for webhook in list(self.store.webhooks_by_workspace.get(workspace_id, {}).values()):
            self.store.drop_webhook(webhook)

    # -- the outbox ----------------------------------------------------------------------

    def event_emitted(self, event: Event) -> None:
        store = self.store
        webhooks = store.webhooks_by_workspace.get(event.workspace_id)
        if not webhooks:
            return
        for webhook in webhooks.values():
            if webhook.wants(event.event_type):
                delivery = Delivery("msg_" + store.webhook_ids.uuid(), webhook, event, store.now())
                queue = store.outbox.setdefault(webhook.webhook_id, deque())
                if len(queue) >= OUTBOX_LIMIT:
                    self._give_up_oldest_waiting(queue)
                queue.append(delivery)
                store.deliveries.append(delivery)

    def _give_up_oldest_waiting(self, queue: deque[Delivery]) -> None:
        oldest = 1 if queue[0].state == "sending" else 0
        dropped = queue[oldest]
        del queue[oldest]
        dropped.state = "failed"
        number = len(dropped.attempts) + 1
        reason = msgs.outbox_full(OUTBOX_LIMIT)
        dropped.attempts.append(DeliveryAttempt(number, self.store.now(), None, reason))

    def take_due(self, now: float) -> list[Delivery]:
        """The deliveries to try now, at most one per webhook (the oldest it has not had),
        marked as being sent until `settled` is called for each."""
        due = []
        for queue in self.store.outbox.values():
            if queue and queue[0].state == "pending" and queue[0].due_at <= now:
                queue[0].state = "sending"
                due.append(queue[0])
        due.sort(key=lambda d: (d.due_at, d.event.seq))
        return due

    def next_due(self) -> float | None:
        """When the next delivery is due (None: nothing waits)."""
        dues = [q[0].due_at for q in self.store.outbox.values() if q and q[0].state == "pending"]
        return min(dues, default=None)

    def sending(self) -> bool:
        return any(q and q[0].state == "sending" for q in self.store.outbox.values())

    def settled(self, delivery: Delivery, status_code: int | None, error: str | None) -> None:
        """A try's outcome: delivered on a 2xx; else tried again on Svix's schedule, counted from
        when this try was due (so a clock moved far ahead makes every try that fell due, in
        order), and given up after the last."""
        delivery.attempts.append(
            DeliveryAttempt(len(delivery.attempts) + 1, delivery.due_at, status_code, error)
        )
        queue = self.store.outbox.get(delivery.webhook.webhook_id)
        if status_code is not None and 200 <= status_code < 300:
            delivery.state = "delivered"
        elif len(delivery.attempts) <= len(RETRY_SCHEDULE):
            delivery.state = "pending"
            delivery.due_at += RETRY_SCHEDULE[len(delivery.attempts) - 1]
            return
        else:
            delivery.state = "failed"
        if queue and queue[0] is delivery:
            queue.popleft()
            if queue and queue[0].due_at < delivery.due_at:
                # The next one waited behind this one: it is due no earlier than this ended.
                queue[0].due_at = delivery.due_at
