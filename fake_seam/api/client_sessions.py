"""/client_sessions/*."""

from __future__ import annotations

from typing import Any

from fake_seam.api.routing import Context, route
from fake_seam.wire import params, shapes


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
