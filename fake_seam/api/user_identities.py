"""/user_identities/*: the users of a workspace's own app."""

from __future__ import annotations

from typing import Any

from fake_seam.api.routing import Context, paginate, route
from fake_seam.wire import params, shapes


@route("/user_identities/create")
def create_user_identity(ctx: Context, p: params.UserIdentitiesCreateParams) -> dict[str, Any]:
    identity = ctx.cloud.user_identities.create(
        ctx.require_caller(),
        user_identity_key=p.user_identity_key,
        email_address=p.email_address,
        phone_number=p.phone_number,
        full_name=p.full_name,
    )
    return {"user_identity": shapes.user_identity(identity)}


@route("/user_identities/get")
def get_user_identity(ctx: Context, p: params.UserIdentitiesGetParams) -> dict[str, Any]:
    identity = ctx.cloud.user_identities.identity(
        ctx.require_caller(), p.user_identity_id, p.user_identity_key
    )
    return {"user_identity": shapes.user_identity(identity)}


@route("/user_identities/list")
def list_user_identities(ctx: Context, p: params.UserIdentitiesListParams) -> dict[str, Any]:
    found = ctx.cloud.user_identities.list_identities(
        ctx.require_caller(), user_identity_ids=p.user_identity_ids, search=p.search
    )
    page, pagination = paginate(ctx, found, p)
    return {"user_identities": [shapes.user_identity(u) for u in page], "pagination": pagination}


@route("/user_identities/update")
def update_user_identity(ctx: Context, p: params.UserIdentitiesUpdateParams) -> dict[str, Any]:
    ctx.cloud.user_identities.update(
        ctx.require_caller(),
        p.user_identity_id,
        user_identity_key=p.user_identity_key,
        email_address=p.email_address,
        phone_number=p.phone_number,
        full_name=p.full_name,
    )
    return {}


@route("/user_identities/delete")
def delete_user_identity(ctx: Context, p: params.UserIdentitiesDeleteParams) -> dict[str, Any]:
    ctx.cloud.user_identities.delete(ctx.require_caller(), p.user_identity_id)
    return {}


@route("/user_identities/grant_access_to_device")
def grant_access_to_device(ctx: Context, p: params.UserIdentitiesGrantAccessToDeviceParams) -> dict[str, Any]:
    ctx.cloud.user_identities.grant(ctx.require_caller(), p.user_identity_id, p.device_id)
    return {}


@route("/user_identities/revoke_access_to_device")
def revoke_access_to_device(
    ctx: Context, p: params.UserIdentitiesRevokeAccessToDeviceParams
) -> dict[str, Any]:
    ctx.cloud.user_identities.revoke(ctx.require_caller(), p.user_identity_id, p.device_id)
    return {}


@route("/user_identities/list_accessible_devices")
def list_accessible_devices(
    ctx: Context, p: params.UserIdentitiesListAccessibleDevicesParams
) -> dict[str, Any]:
    devices = ctx.cloud.user_identities.accessible_devices(ctx.require_caller(), p.user_identity_id)
    shaped = [shapes.device(ctx.cloud, d) for d in devices]
    return {"devices": shaped, "accessible_devices": shaped}
