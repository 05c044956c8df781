"""Webhook deliveries: send what is due now, and see every try (the sending: `fake.webhooks`)."""

from __future__ import annotations

from typing import Any

from fake_seam.controls.control import READS, Bench, NoParams, control


def _count(key: str, what: str) -> Any:
    return lambda p, answer: f"{len(answer[key])} {what}"


def read_attempts(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return list(answer["attempts"])


def read_deliveries(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return list(answer["deliveries"])


@control(
    "/_fake/webhooks/flush",
    NoParams,
    answer=lambda bench, p, tried: {"attempts": tried},
    read=read_attempts,
    describe=_count("attempts", "webhook deliveries tried"),
    locked=False,  # the receivers may call the fake back while they answer
)
def flush_webhooks(fake: Bench, p: NoParams) -> list[dict[str, Any]]:
    """Send every webhook delivery due by the fake's clock (retries included) and whatever those
    cause, until nothing is due; the tries made, as `webhook_deliveries` shows them."""
    return fake.webhooks.flush()


@control(
    "/_fake/webhooks/deliveries",
    NoParams,
    answer=lambda bench, p, listed: {"deliveries": listed},
    read=read_deliveries,
    describe=_count("deliveries", "webhook delivery tries"),
    methods=READS,
)
def webhook_deliveries(fake: Bench, p: NoParams) -> list[dict[str, Any]]:
    """Every webhook delivery try, oldest first: message (`webhook-id`), webhook, URL, event id
    and type, attempt number, HTTP status or error, outcome and next try; then those waiting."""
    return fake.webhooks.deliveries()
