"""The fake's whole state: back to the seed, the seed's names, and everything as Seam's fake dumps it."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from fake_seam.controls.control import READS, Bench, ControlParams, NoParams, control
from fake_seam.wire import shapes
from fake_seam.wire import validation as z


@control("/_fake/reset", NoParams, describe=lambda p, a: "back to the seed")
def reset(fake: Bench, p: NoParams) -> None:
    """Back to the seed: every workspace, device and code as first seeded (the clock stays)."""
    fake.restore_seed()


# A flat map from seed name to value, as Seam's fake sends it: no `ok` among the names. Its
# values are the seed's well-known ids and keys (listed in docs/fleet-and-seeds.md), which SDK test
# suites read, so it answers them as they are.
@control(
    "/_fake/default_seed",
    NoParams,
    ok=False,
    describe=lambda p, a: f"the seed names {len(a)} things",
    methods=READS,
)
def default_seed(fake: Bench, p: NoParams) -> dict[str, str]:
    """The seed's names and their values (Seam's fake's `/_fake/default_seed`)."""
    return dict(fake.cloud.store.seed_aliases)


class Dump(ControlParams):
    include_credentials: Annotated[bool, z.boolean()] = False
    needs_control_token: ClassVar[tuple[str, ...]] = ("include_credentials",)


def _describe_database(p: Dump, answer: dict[str, Any]) -> str:
    return ", ".join(f"{len(v)} {k}" for k, v in answer.items() if isinstance(v, list))


@control("/_fake/database", Dump, describe=_describe_database, methods=READS)
def database(fake: Bench, p: Dump) -> dict[str, Any]:
    """Everything the fake holds, as flat lists of Seam objects (Seam's fake's `/_fake/database`).

    API keys, client session tokens and webhook secrets only with `include_credentials=True`, which the route
    honours only from a request bearing the server's control token. PINs are always shown."""
    cloud = fake.cloud
    sessions = [shapes.client_session(cloud, s) for s in cloud.store.client_sessions.values()]
    dump: dict[str, Any] = {
        "workspaces": [shapes.workspace(w) for w in cloud.store.workspaces.values()],
        "connected_accounts": [
            shapes.connected_account(cloud, a) for a in cloud.store.connected_accounts.values()
        ],
        "devices": [shapes.device(cloud, d) for d in cloud.store.devices.values()],
        "access_codes": [
            shapes.access_code(cloud, c) for c in cloud.store.access_codes.values() if not c.deleted
        ],
        "unmanaged_access_codes": [shapes.unmanaged_access_code(u) for u in cloud.store.unmanaged.values()],
        "events": [shapes.event(e) for e in cloud.store.events.values()],
        "action_attempts": [shapes.action_attempt(a) for a in cloud.store.action_attempts.values()],
        "client_sessions": sessions,
        "webhooks": [shapes.webhook(w) for w in cloud.store.webhooks.values()],
        "connect_webviews": [shapes.connect_webview(w) for w in cloud.store.connect_webviews.values()],
        "user_identities": [shapes.user_identity(u) for u in cloud.store.user_identities.values()],
    }
    if p.include_credentials:
        dump["api_keys"] = [
            {"api_key_id": k, "token": k, "workspace_id": w}
            for k, w in cloud.store.credentials.api_keys.items()
        ]
    else:
        for session in sessions:
            session.pop("token", None)
        for webhook in dump["webhooks"]:
            webhook.pop("secret", None)  # it signs deliveries: whoever has it can forge one
    return dump
