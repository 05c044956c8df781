"""/client_sessions/*: tokens an app hands its users' front ends, each seeing what it was granted."""

from __future__ import annotations

from typing import Any

from fake_seam.api.routing import Context, route, timestamp
from fake_seam.seam.client_sessions import Grants
from fake_seam.wire import params, shapes


def _grants(p: Any) -> Grants:
    identities = list(p.user_identity_ids or [])
    if getattr(p, "user_identity_id", None):
        identities.append(p.user_identity_id)
    return Grants(p.connected_account_ids, p.connect_webview_ids, identities)


@route("/client_sessions/create")
def create_client_session(ctx: Context, p: params.ClientSessionsCreateParams) -> dict[str, Any]:
    session = ctx.cloud.client_sessions.start(
        ctx.require_caller(),
        _grants(p),
        user_identifier_key=p.user_identifier_key,
        expires_at=timestamp(p.expires_at, "expires_at"),
    )
    return {"client_session": shapes.client_session(ctx.cloud, session)}


@route("/client_sessions/get_or_create")
def get_or_create_client_session(ctx: Context, p: params.ClientSessionsGetOrCreateParams) -> dict[str, Any]:
    session = ctx.cloud.client_sessions.get_or_start(
        ctx.require_caller(),
        _grants(p),
        user_identifier_key=p.user_identifier_key,
        expires_at=timestamp(p.expires_at, "expires_at"),
    )
    return {"client_session": shapes.client_session(ctx.cloud, session)}


@route("/client_sessions/get")
def get_client_session(ctx: Context, p: params.ClientSessionsGetParams) -> dict[str, Any]:
    session = ctx.cloud.client_sessions.session(
        ctx.require_caller(), p.client_session_id, p.user_identifier_key
    )
    return {"client_session": shapes.client_session(ctx.cloud, session)}


@route("/client_sessions/grant_access")
def grant_access(ctx: Context, p: params.ClientSessionsGrantAccessParams) -> dict[str, Any]:
    session = ctx.cloud.client_sessions.grant_access(
        ctx.require_caller(), _grants(p), p.client_session_id, p.user_identifier_key
    )
    return {"client_session": shapes.client_session(ctx.cloud, session)}


@route("/client_sessions/delete")
def delete_client_session(ctx: Context, p: params.ClientSessionsDeleteParams) -> dict[str, Any]:
    ctx.cloud.client_sessions.revoke(ctx.require_caller(), p.client_session_id)
    return {}


@route("/client_sessions/revoke")
def revoke_client_session(ctx: Context, p: params.ClientSessionsRevokeParams) -> dict[str, Any]:
    ctx.cloud.client_sessions.revoke(ctx.require_caller(), p.client_session_id)
    return {}


@route("/client_sessions/list")
def list_client_sessions(ctx: Context, p: params.ClientSessionsListParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    sessions = cloud.client_sessions.list_sessions(
        caller,
        client_session_id=p.client_session_id,
        user_identifier_key=p.user_identifier_key,
        connect_webview_id=p.connect_webview_id,
        user_identity_id=p.user_identity_id,
        without_user_identifier_key=p.without_user_identifier_key,
    )
    return {"client_sessions": [shapes.client_session(cloud, s) for s in sessions]}
