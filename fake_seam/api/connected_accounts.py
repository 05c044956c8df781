"""/connected_accounts/*."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_seam import messages as msgs
from fake_seam.api.devices import matches_metadata
from fake_seam.api.routing import Context, paginate, route
from fake_seam.seam.errors import invalid_input, not_found
from fake_seam.wire import params, shapes

if TYPE_CHECKING:
    from fake_seam.seam.records import ConnectedAccount


@route("/connected_accounts/get")
def get_account(ctx: Context, p: params.ConnectedAccountsGetParams) -> dict[str, Any]:
    cloud = ctx.cloud
    caller = ctx.require_caller()
    if p.connected_account_id is not None:
        account = cloud.store.connected_account(caller, p.connected_account_id)
        return {"connected_account": shapes.connected_account(cloud, account)}
    email = p.email
    if email:
        for account in cloud.store.connected_accounts.values():
            if account.workspace_id == caller.workspace_id and account.user_identifier.get("email") == email:
                cloud.store.connected_account(caller, account.connected_account_id)
                return {"connected_account": shapes.connected_account(cloud, account)}
        raise not_found("connected_account", msgs.CONNECTED_ACCOUNT_NOT_FOUND, email=email)
    raise invalid_input("connected_account_id", msgs.REQUIRED)


def visible_accounts(ctx: Context) -> list[ConnectedAccount]:
    caller = ctx.require_caller()
    return [
        a
        for a in ctx.cloud.store.connected_accounts.values()
        if a.workspace_id == caller.workspace_id
        and (caller.connected_account_ids is None or a.connected_account_id in caller.connected_account_ids)
    ]


@route("/connected_accounts/list")
def list_accounts(ctx: Context, p: params.ConnectedAccountsListParams) -> dict[str, Any]:
    accounts = visible_accounts(ctx)
    has = p.custom_metadata_has
    if has:
        accounts = [a for a in accounts if matches_metadata(a.custom_metadata, has)]
    search = p.search
    if search:
        needle = search.lower()
        accounts = [
            a
            for a in accounts
            if needle in a.connected_account_id.lower()
            or needle in str(a.user_identifier.get("email", "")).lower()
        ]
    page, pagination = paginate(ctx, accounts, p)
    return {
        "connected_accounts": [shapes.connected_account(ctx.cloud, a) for a in page],
        "pagination": pagination,
    }


@route("/connected_accounts/update")
def update_account(ctx: Context, p: params.ConnectedAccountsUpdateParams) -> dict[str, Any]:
    account = ctx.cloud.store.connected_account(ctx.require_caller(), p.connected_account_id)
    metadata = p.custom_metadata
    if metadata is not None:
        for key, value in metadata.items():
            if value is None:
                account.custom_metadata.pop(key, None)
            else:
                account.custom_metadata[key] = value
    manage = p.automatically_manage_new_devices
    if manage is not None:
        account.automatically_manage_new_devices = manage
    return {"connected_account": shapes.connected_account(ctx.cloud, account)}


@route("/connected_accounts/delete")
def delete_account(ctx: Context, p: params.ConnectedAccountsDeleteParams) -> dict[str, Any]:
    cloud = ctx.cloud
    account = cloud.store.connected_account(ctx.require_caller(), p.connected_account_id)
    for device in list(cloud.store.devices_by_workspace[account.workspace_id].values()):
        if device.connected_account_id == account.connected_account_id:
            cloud.store.drop_device(device)
    del cloud.store.connected_accounts[account.connected_account_id]
    cloud.events.emit(
        account.workspace_id, "connected_account.deleted", connected_account_id=account.connected_account_id
    )
    return {}


@route("/connected_accounts/simulate/disconnect")
def simulate_disconnect(ctx: Context, p: params.ConnectedAccountsSimulateDisconnectParams) -> dict[str, Any]:
    ctx.cloud.devices.disconnect_account(ctx.require_caller(), p.connected_account_id)
    return {}
