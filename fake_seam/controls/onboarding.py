"""Onboarding: a user signs in through a connect webview (or fails to), as Seam's fake's
`/_fake/complete_connect_webview` does."""

from __future__ import annotations

from typing import Annotated, Any

from fake_seam import messages as msgs
from fake_seam.controls.control import Bench, ControlParams, control
from fake_seam.seam.errors import not_found
from fake_seam.seam.store import Caller
from fake_seam.wire import shapes
from fake_seam.wire import validation as z


class CompleteConnectWebview(ControlParams):
    connect_webview_id: Annotated[str, z.string()]
    provider: Annotated[str | None, z.string()] = None  # default: the first brand it offers
    email: Annotated[str | None, z.string(max_length=200)] = None
    lock_count: Annotated[int, z.number(integer=True, minimum=0, maximum=50)] = 2
    succeed: Annotated[bool, z.boolean()] = True
    # Sign in again to this (disconnected) account instead of making a new one.
    connected_account_id: Annotated[str | None, z.string()] = None


def _describe(p: CompleteConnectWebview, answer: dict[str, Any]) -> str:
    account = answer.get("connected_account")
    if account is None:
        return f"connect webview {p.connect_webview_id}: sign-in failed"
    return f"connect webview {p.connect_webview_id}: signed in, {p.lock_count} locks"


@control("/_fake/complete_connect_webview", CompleteConnectWebview, describe=_describe)
def complete_connect_webview(fake: Bench, p: CompleteConnectWebview) -> dict[str, Any]:
    """A user signs in through the connect webview (or, with `succeed=False`, fails to): the
    connected account with `lock_count` simulated locks of the brand, and Seam's events."""
    cloud = fake.cloud
    webview = cloud.store.connect_webviews.get(p.connect_webview_id)
    if webview is None:
        raise not_found(
            "connect_webview", msgs.CONNECT_WEBVIEW_NOT_FOUND, connect_webview_id=p.connect_webview_id
        )
    reconnect = None
    if p.connected_account_id is not None:
        owner = Caller(webview.workspace_id, "api_key")
        reconnect = cloud.store.connected_account(owner, p.connected_account_id)
    account = cloud.connect_webviews.complete(
        webview,
        provider=p.provider,
        email=p.email,
        lock_count=p.lock_count,
        succeed=p.succeed,
        reconnect=reconnect,
    )
    return {
        "connect_webview": shapes.connect_webview(webview),
        "connected_account": None if account is None else shapes.connected_account(cloud, account),
    }
