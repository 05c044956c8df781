"""Onboarding as a real integration does it: a connect webview, a sign-in, the new account's
locks; client sessions that see only what they were granted; user identities."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from moments import HOUR, T0, at, events
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam
from fake_seam.seam.errors import SeamError

FAKE_START = T0
SIGN_IN_EVENTS = [
    "connected_account.created",
    "connected_account.connected",
    "connect_webview.login_succeeded",
    "device.added",
    "device.added",
    "connected_account.completed_first_sync",
]


def as_client_session(fake: FakeSeam, token: str) -> httpx.Client:
    return httpx.Client(
        transport=fake.transport(), base_url=DEFAULT_ENDPOINT, headers={"authorization": f"Bearer {token}"}
    )


def test_a_whole_onboarding_through_the_sdk(fake: FakeSeam, sdk: Seam) -> None:
    webview = sdk.connect_webviews.create(accepted_providers=["august"], custom_metadata={"host": "h-1"})
    assert (webview.status, webview.login_successful, webview.connected_account_id) == (
        "pending",
        False,
        None,
    )
    assert webview.url.endswith(f"/connect_webviews/view?connect_webview_id={webview.connect_webview_id}")

    fake.complete_connect_webview(webview.connect_webview_id)

    done = sdk.connect_webviews.get(connect_webview_id=webview.connect_webview_id)
    assert (done.status, done.login_successful, done.selected_provider) == ("authorized", True, "august")
    account_id = done.connected_account_id
    assert [e.event_type for e in events(sdk)] == SIGN_IN_EVENTS
    account = sdk.connected_accounts.get(connected_account_id=account_id)
    assert account.custom_metadata == {"host": "h-1"}  # carried over from the webview
    locks = sdk.locks.list(connected_account_id=account_id)
    assert len(locks) == 2 and {lock.device_type for lock in locks} == {"august_lock"}
    assert {e.device_id for e in events(sdk, "device.added")} == {lock.device_id for lock in locks}

    # The new locks are simulated hardware like any other: a stay with the backup pool, a
    # failed write, a pulled backup.
    lock = locks[0].device_id
    sdk.access_codes.create(
        device_id=lock, starts_at=at(0), ends_at=at(48 * HOUR), use_backup_access_code_pool=True
    )
    fake.settle()
    fake.set_fault_plan(lock, failure_rate=1.0)
    guest = sdk.access_codes.create(device_id=lock, code="4821", starts_at=at(HOUR), ends_at=at(5 * HOUR))
    fake.advance(HOUR)
    fake.settle()
    failing = sdk.access_codes.get(access_code_id=guest.access_code_id)
    assert [e.error_code for e in failing.errors] == ["failed_to_set_on_device"]
    backup = sdk.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert backup.code != "4821" and fake.keypad_entry(lock, backup.code)


def test_a_sign_in_that_fails_emits_login_failed_and_makes_nothing(fake: FakeSeam, sdk: Seam) -> None:
    webview = sdk.connect_webviews.create()
    accounts = len(sdk.connected_accounts.list())
    fake.complete_connect_webview(webview.connect_webview_id, succeed=False)
    assert sdk.connect_webviews.get(connect_webview_id=webview.connect_webview_id).status == "failed"
    assert [e.event_type for e in events(sdk)] == ["connect_webview.login_failed"]
    assert len(sdk.connected_accounts.list()) == accounts
    with pytest.raises(SeamError, match="no longer pending"):
        fake.complete_connect_webview(webview.connect_webview_id)


def test_a_brand_the_webview_does_not_offer_is_refused(fake: FakeSeam, sdk: Seam) -> None:
    webview = sdk.connect_webviews.create(accepted_providers=["schlage"])
    with pytest.raises(SeamError, match="not accepted"):
        fake.complete_connect_webview(webview.connect_webview_id, provider="august")
    assert sdk.connect_webviews.get(connect_webview_id=webview.connect_webview_id).status == "pending"


def test_the_view_page_signs_in_with_a_form(fake: FakeSeam, sdk: Seam, raw: httpx.Client) -> None:
    webview = sdk.connect_webviews.create(custom_redirect_url="https://app.example/connected")
    page = httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT).get(webview.url)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'value="yale"' in page.text and "Sign in" in page.text
    signed_in = raw.post(
        "/connect_webviews/view",
        data={
            "connect_webview_id": webview.connect_webview_id,
            "provider": "yale",
            "action": "sign_in",
            "lock_count": "1",
        },
    )
    assert "Signed in to yale" in signed_in.text and "https://app.example/connected" in signed_in.text
    done = sdk.connect_webviews.get(connect_webview_id=webview.connect_webview_id)
    assert len(sdk.locks.list(connected_account_id=done.connected_account_id)) == 1
    # A second post changes nothing: the webview is done.
    raw.post(
        "/connect_webviews/view", data={"connect_webview_id": webview.connect_webview_id, "action": "cancel"}
    )
    assert sdk.connect_webviews.get(connect_webview_id=webview.connect_webview_id).status == "authorized"


def test_connect_webviews_list_and_delete(sdk: Seam) -> None:
    one = sdk.connect_webviews.create(custom_metadata={"unit": "4B"})
    two = sdk.connect_webviews.create()
    assert [w.connect_webview_id for w in sdk.connect_webviews.list()] == [
        one.connect_webview_id,
        two.connect_webview_id,
    ]
    assert [w.connect_webview_id for w in sdk.connect_webviews.list(custom_metadata_has={"unit": "4B"})] == [
        one.connect_webview_id
    ]
    sdk.connect_webviews.delete(connect_webview_id=one.connect_webview_id)
    with pytest.raises(SeamHttpApiError) as gone:
        sdk.connect_webviews.get(connect_webview_id=one.connect_webview_id)
    assert gone.value.code == "connect_webview_not_found"


# -- client sessions --------------------------------------------------------------------------


def test_client_sessions_create_get_grant_and_revoke(fake: FakeSeam, sdk: Seam) -> None:
    session = sdk.client_sessions.create(user_identifier_key="guest-42")
    assert session.token.startswith("seam_cst") and session.connected_account_ids == []
    assert sdk.client_sessions.get(client_session_id=session.client_session_id) == session
    assert sdk.client_sessions.get(user_identifier_key="guest-42") == session
    again = sdk.client_sessions.get_or_create(user_identifier_key="guest-42")
    assert again.client_session_id == session.client_session_id
    sdk.client_sessions.grant_access(
        client_session_id=session.client_session_id, connected_account_ids=["jane_connected_account_id"]
    )
    granted = sdk.client_sessions.get(client_session_id=session.client_session_id)
    assert granted.connected_account_ids == ["jane_connected_account_id"]
    as_user = as_client_session(fake, session.token)
    devices = as_user.get("/devices/list").json()["devices"]
    assert devices and {d["connected_account_id"] for d in devices} == {"jane_connected_account_id"}
    sdk.client_sessions.revoke(client_session_id=session.client_session_id)
    assert as_user.get("/devices/list").status_code == 401
    assert "client_session.deleted" in [e.event_type for e in events(sdk)]


def test_granting_an_unknown_or_foreign_id_is_a_404_and_changes_nothing(fake: FakeSeam, sdk: Seam) -> None:
    session = sdk.client_sessions.create(user_identifier_key="u")
    other = fake.client("seam_apikey2_token").connect_webviews.create()
    for grant in (
        {"connected_account_ids": ["nope"]},
        {"connect_webview_ids": [other.connect_webview_id]},
        {"user_identity_ids": ["nope"]},
    ):
        with pytest.raises(SeamHttpApiError) as refused:
            sdk.client_sessions.grant_access(client_session_id=session.client_session_id, **grant)
        assert refused.value.status_code == 404
    assert sdk.client_sessions.get(client_session_id=session.client_session_id) == session


def test_a_client_session_sees_only_itself(fake: FakeSeam, sdk: Seam) -> None:
    as_john = as_client_session(fake, "seam_cst1_token")
    own = as_john.get("/client_sessions/get", params={"user_identifier_key": "x"})
    assert own.status_code == 404
    mine = sdk.client_sessions.list()[0]
    assert (
        as_john.get("/client_sessions/get", params={"client_session_id": mine.client_session_id}).json()[
            "client_session"
        ]["token"]
        == "seam_cst1_token"
    )


def test_a_client_session_starts_its_own_webview_and_sees_what_it_makes(fake: FakeSeam, sdk: Seam) -> None:
    session = sdk.client_sessions.create(user_identifier_key="host-7")
    as_user = as_client_session(fake, session.token)
    started = as_user.post("/connect_webviews/create", json={"accepted_providers": ["kwikset"]}).json()
    webview_id = started["connect_webview"]["connect_webview_id"]
    assert [
        w["connect_webview_id"] for w in as_user.get("/connect_webviews/list").json()["connect_webviews"]
    ] == [webview_id]
    assert as_user.get("/devices/list").json()["devices"] == []
    fake.complete_connect_webview(webview_id, lock_count=3)
    devices = as_user.get("/devices/list").json()["devices"]
    assert len(devices) == 3 and {d["device_type"] for d in devices} == {"kwikset_lock"}
    account = sdk.connect_webviews.get(connect_webview_id=webview_id).connected_account_id
    assert sdk.client_sessions.get(client_session_id=session.client_session_id).connected_account_ids == [
        account
    ]


def test_a_publishable_key_starts_a_session_for_a_named_user(fake: FakeSeam) -> None:
    front_end = httpx.Client(
        transport=fake.transport(),
        base_url=DEFAULT_ENDPOINT,
        headers={"seam-publishable-key": "seam_pk1_token"},
    )
    made = front_end.post("/client_sessions/get_or_create", json={"user_identifier_key": "web-user"})
    assert made.status_code == 200, made.text
    again = front_end.post("/client_sessions/get_or_create", json={"user_identifier_key": "web-user"})
    assert again.json()["client_session"]["token"] == made.json()["client_session"]["token"]
    assert front_end.post("/client_sessions/create", json={}).status_code == 400  # who is the user?
    assert front_end.get("/devices/list").status_code == 401  # a publishable key alone reads nothing


# Every new route a client session may call, with ids of objects it was not granted.
NEW_ROUTES = [
    ("/connect_webviews/get", "connect_webview_id"),
    ("/connect_webviews/delete", "connect_webview_id"),
    ("/user_identities/get", "user_identity_id"),
    ("/user_identities/list", None),
    ("/connect_webviews/list", None),
    ("/client_sessions/get", "client_session_id"),
    ("/client_sessions/grant_access", "client_session_id"),
    ("/client_sessions/delete", "client_session_id"),
    ("/client_sessions/revoke", "client_session_id"),
    ("/client_sessions/create", None),
    ("/client_sessions/get_or_create", None),
    ("/user_identities/create", None),
    ("/user_identities/update", "user_identity_id"),
    ("/user_identities/delete", "user_identity_id"),
    ("/user_identities/grant_access_to_device", "user_identity_id"),
    ("/user_identities/revoke_access_to_device", "user_identity_id"),
    ("/user_identities/list_accessible_devices", "user_identity_id"),
]


def test_a_client_session_reaches_nothing_it_was_not_granted(fake: FakeSeam, sdk: Seam) -> None:
    """cst1 sees john's account only; everything below belongs to the workspace, not to it."""
    webview = sdk.connect_webviews.create()
    fake.complete_connect_webview(webview.connect_webview_id)
    identity = sdk.user_identities.create(user_identity_key="owner", full_name="Owner")
    sdk.user_identities.grant_access_to_device(
        user_identity_id=identity.user_identity_id, device_id="august_device_1"
    )
    other_session = sdk.client_sessions.create(user_identifier_key="someone-else")
    ids: dict[str, Any] = {
        "connect_webview_id": webview.connect_webview_id,
        "user_identity_id": identity.user_identity_id,
        "client_session_id": other_session.client_session_id,
    }
    as_john = as_client_session(fake, "seam_cst1_token")
    before = fake.database()
    tried = 0
    for path, id_name in NEW_ROUTES:
        body: dict[str, Any] = {id_name: ids[id_name]} if id_name else {}
        if path.endswith("_to_device"):
            body["device_id"] = "august_device_1"
        answer = as_john.post(path, json=body)
        tried += 1
        if answer.status_code == 200:
            listed = [v for v in answer.json().values() if isinstance(v, list)]
            assert listed == [[]], (path, answer.text)  # a list route: nothing of others
        else:
            assert answer.status_code in (401, 404), (path, answer.status_code, answer.text)
    assert tried == len(NEW_ROUTES)
    assert fake.database() == before  # nothing was changed


# -- user identities -----------------------------------------------------------------------


def test_user_identities_crud_and_device_access(sdk: Seam) -> None:
    ann = sdk.user_identities.create(
        user_identity_key="ann", email_address="ann@example.com", full_name="Ann"
    )
    assert sdk.user_identities.get(user_identity_id=ann.user_identity_id) == ann
    assert sdk.user_identities.get(user_identity_key="ann") == ann
    with pytest.raises(SeamHttpApiError) as taken:
        sdk.user_identities.create(user_identity_key="ann")
    assert taken.value.code == "user_identity_key_already_in_use"
    with pytest.raises(SeamHttpInvalidInputError):
        sdk.user_identities.create(email_address="not an e-mail")
    sdk.user_identities.update(user_identity_id=ann.user_identity_id, full_name="Ann Lee")
    assert sdk.user_identities.get(user_identity_id=ann.user_identity_id).full_name == "Ann Lee"
    sdk.user_identities.grant_access_to_device(
        user_identity_id=ann.user_identity_id, device_id="august_device_1"
    )
    assert [
        d.device_id
        for d in sdk.user_identities.list_accessible_devices(user_identity_id=ann.user_identity_id)
    ] == ["august_device_1"]
    sdk.user_identities.revoke_access_to_device(
        user_identity_id=ann.user_identity_id, device_id="august_device_1"
    )
    assert sdk.user_identities.list_accessible_devices(user_identity_id=ann.user_identity_id) == []
    assert [u.user_identity_id for u in sdk.user_identities.list(search="lee")] == [ann.user_identity_id]
    sdk.user_identities.delete(user_identity_id=ann.user_identity_id)
    assert sdk.user_identities.list() == []


def test_a_user_identity_made_with_nothing_still_has_a_display_name(sdk: Seam) -> None:
    """Seam's schema gives `display_name` at least one character, whatever the user was made with."""
    nameless = sdk.user_identities.create()
    assert nameless.display_name
    assert sdk.user_identities.get(user_identity_id=nameless.user_identity_id).display_name


def test_a_null_in_a_new_webviews_custom_metadata_is_left_out(sdk: Seam) -> None:
    """Seam's schema gives a webview's metadata string or boolean values; a null names a key
    to leave out, as on update."""
    webview = sdk.connect_webviews.create(custom_metadata={"stay": "42", "gone": None})
    assert webview.custom_metadata == {"stay": "42"}
    assert sdk.connect_webviews.get(connect_webview_id=webview.connect_webview_id).custom_metadata == {
        "stay": "42"
    }


def test_onboarding_objects_belong_to_their_workspace(fake: FakeSeam, sdk: Seam) -> None:
    webview = sdk.connect_webviews.create()
    identity = sdk.user_identities.create(full_name="Ann")
    other = fake.client("seam_apikey2_token")
    assert other.connect_webviews.list() == [] and other.user_identities.list() == []
    with pytest.raises(SeamHttpApiError):
        other.connect_webviews.get(connect_webview_id=webview.connect_webview_id)
    with pytest.raises(SeamHttpApiError):
        other.user_identities.get(user_identity_id=identity.user_identity_id)


def test_a_disconnected_account_holds_writes_until_its_user_signs_in_again(fake: FakeSeam, sdk: Seam) -> None:
    webview = sdk.connect_webviews.create(accepted_providers=["august"])
    account = fake.complete_connect_webview(webview.connect_webview_id, lock_count=1)["connected_account"]
    account_id = account["connected_account_id"]
    [lock] = sdk.locks.list(connected_account_id=account_id)
    sdk.connected_accounts.simulate.disconnect(connected_account_id=account_id)
    held = sdk.access_codes.create(device_id=lock.device_id, code="2468")
    fake.settle()
    assert sdk.access_codes.get(access_code_id=held.access_code_id).status == "setting"
    assert "account_disconnected" in [e.error_code for e in sdk.devices.get(device_id=lock.device_id).errors]

    again = sdk.connect_webviews.create(accepted_providers=["august"])
    fake.complete_connect_webview(again.connect_webview_id, connected_account_id=account_id)
    fake.settle()
    assert sdk.access_codes.get(access_code_id=held.access_code_id).status == "set"
    assert sdk.devices.get(device_id=lock.device_id).errors == []
    seen = [e.event_type for e in events(sdk)]
    after = seen[len(seen) - 1 - seen[::-1].index("connected_account.disconnected") :]
    sign_in = [t for t in after if t.startswith(("connected_account.", "connect_webview."))]
    assert sign_in == [
        "connected_account.disconnected",
        "connected_account.connected",
        "connect_webview.login_succeeded",
        "connected_account.completed_first_sync_after_reconnection",
    ]


def test_deleting_an_account_takes_its_devices_and_codes(fake: FakeSeam, sdk: Seam) -> None:
    webview = sdk.connect_webviews.create()
    account_id = fake.complete_connect_webview(webview.connect_webview_id, lock_count=2)["connected_account"][
        "connected_account_id"
    ]
    lock = sdk.locks.list(connected_account_id=account_id)[0].device_id
    code = sdk.access_codes.create(device_id=lock, code="1357")
    sdk.connected_accounts.delete(connected_account_id=account_id)
    assert sdk.locks.list(connected_account_id=account_id) == []
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.get(access_code_id=code.access_code_id)
    assert "connected_account.deleted" in [e.event_type for e in events(sdk)]
