"""/webhooks/*: where a workspace's events are POSTed (sending: `fake_seam.webhook_sender`)."""

from __future__ import annotations

from typing import Any

from fake_seam.api.routing import Context, route
from fake_seam.wire import params, shapes


@route("/webhooks/create")
def create_webhook(ctx: Context, p: params.WebhooksCreateParams) -> dict[str, Any]:
    webhook = ctx.cloud.webhooks.create(ctx.require_caller(), p.url, p.event_types)
    return {"webhook": shapes.webhook(webhook)}


@route("/webhooks/get")
def get_webhook(ctx: Context, p: params.WebhooksGetParams) -> dict[str, Any]:
    return {"webhook": shapes.webhook(ctx.cloud.webhooks.webhook(ctx.require_caller(), p.webhook_id))}


@route("/webhooks/list")
def list_webhooks(ctx: Context, p: params.WebhooksListParams) -> dict[str, Any]:
    return {"webhooks": [shapes.webhook(w) for w in ctx.cloud.webhooks.list_webhooks(ctx.require_caller())]}


@route("/webhooks/update")
def update_webhook(ctx: Context, p: params.WebhooksUpdateParams) -> dict[str, Any]:
    ctx.cloud.webhooks.update(ctx.require_caller(), p.webhook_id, p.event_types)
    return {}


@route("/webhooks/delete")
def delete_webhook(ctx: Context, p: params.WebhooksDeleteParams) -> dict[str, Any]:
    ctx.cloud.webhooks.delete(ctx.require_caller(), p.webhook_id)
    return {}
