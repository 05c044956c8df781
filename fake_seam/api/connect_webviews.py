"""/connect_webviews/*, and `view`: the simulated sign-in page a user is sent to."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from fake_seam import messages as msgs
from fake_seam.api.routing import Context, Page, paginate, route
from fake_seam.seam.errors import not_found
from fake_seam.seam.records import ConnectWebview
from fake_seam.wire import params, shapes
from fake_seam.wire import validation as z


@route("/connect_webviews/create")
def create_connect_webview(ctx: Context, p: params.ConnectWebviewsCreateParams) -> dict[str, Any]:
    webview = ctx.cloud.connect_webviews.create(
        ctx.require_caller(),
        ctx.base_url,
        accepted_providers=p.accepted_providers,
        device_selection_mode=p.device_selection_mode,
        custom_redirect_url=p.custom_redirect_url,
        custom_redirect_failure_url=p.custom_redirect_failure_url,
        # A null value names a key to leave out (as on update); it is not stored as a value.
        custom_metadata={k: v for k, v in (p.custom_metadata or {}).items() if v is not None},
        automatically_manage_new_devices=p.automatically_manage_new_devices,
        wait_for_device_creation=p.wait_for_device_creation,
        customer_key=p.customer_key,
    )
    return {"connect_webview": shapes.connect_webview(webview)}


@route("/connect_webviews/get")
def get_connect_webview(ctx: Context, p: params.ConnectWebviewsGetParams) -> dict[str, Any]:
    webview = ctx.cloud.store.connect_webview(ctx.require_caller(), p.connect_webview_id)
    return {"connect_webview": shapes.connect_webview(webview)}


@route("/connect_webviews/list")
def list_connect_webviews(ctx: Context, p: params.ConnectWebviewsListParams) -> dict[str, Any]:
    found = ctx.cloud.connect_webviews.list_webviews(
        ctx.require_caller(), custom_metadata_has=p.custom_metadata_has, customer_key=p.customer_key
    )
    page, pagination = paginate(ctx, found, p)
    return {"connect_webviews": [shapes.connect_webview(w) for w in page], "pagination": pagination}


@route("/connect_webviews/delete")
def delete_connect_webview(ctx: Context, p: params.ConnectWebviewsDeleteParams) -> dict[str, Any]:
    ctx.cloud.connect_webviews.delete(ctx.require_caller(), p.connect_webview_id)
    return {}


class ViewParams(z.Params):
    """The sign-in page: shown on GET; the form it holds posts the user's choice back."""

    connect_webview_id: Annotated[str, z.string()]
    provider: Annotated[str | None, z.string()] = None
    email: Annotated[str | None, z.string(max_length=200)] = None
    lock_count: Annotated[int | None, z.number(integer=True, minimum=0, maximum=50)] = None
    action: Annotated[str | None, z.enum(("sign_in", "cancel"))] = None


@route("/connect_webviews/view", auth=False, methods=("GET", "POST"), form=True)
def view_connect_webview(ctx: Context, p: ViewParams) -> dict[str, Any]:
    """The page the webview's `url` opens. Like Seam's, it needs no credentials: its id is in
    the link the app hands its user."""
    webview = ctx.cloud.store.connect_webviews.get(p.connect_webview_id)
    if webview is None:
        raise not_found(
            "connect_webview", msgs.CONNECT_WEBVIEW_NOT_FOUND, connect_webview_id=p.connect_webview_id
        )
    service = ctx.cloud.connect_webviews
    if p.action is not None and webview.status == "pending":
        service.complete(
            webview,
            provider=p.provider,
            email=p.email,
            lock_count=2 if p.lock_count is None else p.lock_count,
            succeed=p.action == "sign_in",
        )
    return Page(page(webview, service.offered_brands(webview)))


# Inline and small: the page loads nothing from anywhere else.
STYLE = (
    "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}"
    "main{max-width:28rem;margin:3rem auto;background:#fff;padding:1.5rem 2rem;border-radius:12px;"
    "box-shadow:0 2px 12px #0002}h1{font-size:1.3rem}fieldset{border:1px solid #ddd;border-radius:8px}"
    "label{line-height:1.9}input[type=email],input[type=number]{padding:.3rem;width:100%;box-sizing:border-box}"
    "button{padding:.5rem 1.2rem;border-radius:6px;border:1px solid #888;font-size:1rem;cursor:pointer}"
    "#sign-in{background:#1f6feb;color:#fff;border-color:#1f6feb}"
)


def page(webview: ConnectWebview, brands: list[str]) -> str:
    title = escape(msgs.CONNECT_WEBVIEW_PAGE_TITLE)
    if webview.status == "pending":
        options = "".join(
            f'<label><input type="radio" name="provider" value="{escape(b)}"{" checked" if i == 0 else ""}>'
            f" {escape(b.replace('_', ' ').title())}</label><br>"
            for i, b in enumerate(brands)
        )
        body = (
            f'<form method="post" action="/connect_webviews/view">'
            f'<input type="hidden" name="connect_webview_id" value="{escape(webview.connect_webview_id)}">'
            f"<fieldset><legend>Your lock brand</legend>{options}</fieldset>"
            f'<p><label>E-mail <input name="email" type="email" value="guest.host@example.com"></label></p>'
            f'<p><label>Locks on the account <input name="lock_count" type="number" min="0" max="50"'
            f' value="2"></label></p>'
            f'<button type="submit" name="action" value="sign_in" id="sign-in">Sign in</button> '
            f'<button type="submit" name="action" value="cancel" id="cancel">Cancel</button></form>'
        )
    elif webview.status == "authorized":
        redirect = webview.custom_redirect_url
        body = (
            f'<p id="result">Signed in to {escape(webview.selected_provider or "")}:'
            f" connected account {escape(webview.connected_account_id or '')}.</p>"
            + (f'<p><a href="{escape(redirect)}">Continue</a></p>' if redirect else "")
        )
    else:
        redirect = webview.custom_redirect_failure_url or webview.custom_redirect_url
        body = '<p id="result">Sign-in failed.</p>' + (
            f'<p><a href="{escape(redirect)}">Continue</a></p>' if redirect else ""
        )
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )
