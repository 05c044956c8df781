"""/workspaces/*."""

from __future__ import annotations

from typing import Any

from fake_seam.api.routing import Context, route
from fake_seam.wire import params, shapes


@route("/workspaces/get")
def get_workspace(ctx: Context, p: params.WorkspacesGetParams) -> dict[str, Any]:
    return {"workspace": shapes.workspace(ctx.cloud.workspaces.workspace(ctx.require_caller().workspace_id))}


@route("/workspaces/list", workspace_required=False)
def list_workspaces(ctx: Context, p: params.WorkspacesListParams) -> dict[str, Any]:
    """An API key sees its own workspace; a personal access token every workspace it may use."""
    caller = ctx.require_caller()
    cloud = ctx.cloud
    ids = caller.user_workspace_ids or frozenset({caller.workspace_id})
    workspaces = [w for w in cloud.store.workspaces.values() if w.workspace_id in ids]
    return {"workspaces": [shapes.workspace(w) for w in workspaces]}


@route("/workspaces/create", workspace_required=False)
def create_workspace(ctx: Context, p: params.WorkspacesCreateParams) -> dict[str, Any]:
    caller = ctx.require_caller()
    cloud = ctx.cloud
    cloud.auth.require_user(caller, "/workspaces/create")
    workspace, _ = cloud.workspaces.create_workspace(
        p.name,
        company_name=p.company_name,
        is_sandbox=p.is_sandbox is not False,
        connect_partner_name=p.connect_partner_name,
        personal_access_token=caller.token,
    )
    return {"workspace": shapes.workspace(workspace)}


@route("/workspaces/reset_sandbox")
def reset_sandbox(ctx: Context, p: params.WorkspacesResetSandboxParams) -> dict[str, Any]:
    caller = ctx.require_caller()
    cloud = ctx.cloud
    cloud.workspaces.reset_workspace(caller.workspace_id)
    attempt = cloud.attempts.finished_attempt(caller.workspace_id, "RESET_SANDBOX_WORKSPACE", {})
    return {"action_attempt": shapes.action_attempt(attempt)}
