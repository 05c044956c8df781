"""Client sessions through the official SDK: `/client_sessions/list` shows the caller's
workspace's sessions with Seam's fields, filters them, hides other workspaces' sessions, and
refuses bad input and client session tokens."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from moments import T0, at
from seam.exceptions import SeamHttpInvalidInputError

from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam

FAKE_START = T0
DAY = 24 * 3600
PAT = "seam_at1_longtoken"

# Two workspaces with sessions of their own: one keyed to a user, one not, and a neighbour's.
SEED: dict[str, Any] = {
    "workspaces": [
        {
            "workspace_id": "ws_hotel",
            "api_keys": ["seam_hotel_key"],
            "client_session_tokens": [
                {
                    "token": "seam_cst_guest",
                    "connected_account_ids": ["acct_1"],
                    "user_identifier_key": "guest_42",
                },
                {"token": "seam_cst_staff", "connected_account_ids": ["acct_1", "acct_2"]},
            ],
            "connected_accounts": [{"connected_account_id": "acct_1"}, {"connected_account_id": "acct_2"}],
            "devices": [
                {"device_id": "room_101", "connected_account_id": "acct_1"},
                {"device_id": "room_102", "connected_account_id": "acct_1"},
                {"device_id": "office", "connected_account_id": "acct_2"},
            ],
        },
        {
            "workspace_id": "ws_neighbour",
            "api_keys": ["seam_neighbour_key"],
            "client_session_tokens": [
                {
                    "token": "seam_cst_neighbour",
                    "connected_account_ids": [],
                    "user_identifier_key": "guest_42",
                }
            ],
        },
    ]
}


@pytest.fixture
def hotel() -> FakeSeam:
    return FakeSeam(seed=SEED, frozen=True, now=T0)


def call(fake: FakeSeam, method: str, token: str, **kwargs: Any) -> httpx.Response:
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as client:
        return client.request(
            method, "/client_sessions/list", headers={"authorization": f"Bearer {token}"}, **kwargs
        )


def test_the_seeded_session_is_listed_with_seams_fields(sdk: Any) -> None:
    [session] = sdk.client_sessions.list()
    assert uuid.UUID(session.client_session_id).version == 4
    assert session.workspace_id == "seed_workspace_1"
    assert session.token == "seam_cst1_token"
    assert session.created_at == at(0)
    assert session.expires_at == at(DAY)  # Seam's default lifetime
    assert session.user_identifier_key is None
    assert session.connected_account_ids == ["john_connected_account_id"]
    assert session.device_count == 4  # john's devices: what the token's /devices/list shows
    assert session.connect_webview_ids == []
    assert session.user_identity_ids == []


def test_a_personal_access_token_lists_its_workspaces_sessions(fake: FakeSeam) -> None:
    one = fake.client(personal_access_token=PAT, workspace_id="seed_workspace_1")
    assert [s.token for s in one.client_sessions.list()] == ["seam_cst1_token"]
    two = fake.client(personal_access_token=PAT, workspace_id="seed_workspace_2")
    assert two.client_sessions.list() == []


def test_device_count_follows_the_devices_the_session_can_see(fake: FakeSeam, sdk: Any) -> None:
    sdk.devices.update(device_id="august_device_2", is_managed=False)
    fake.create_lock(connected_account_id="jane_connected_account_id")  # not john's: not counted
    fake.create_lock(connected_account_id="john_connected_account_id")
    assert sdk.client_sessions.list()[0].device_count == 4


def test_filters(hotel: FakeSeam) -> None:
    sdk = hotel.client("seam_hotel_key")
    everyone = sdk.client_sessions.list()
    assert [s.token for s in everyone] == ["seam_cst_guest", "seam_cst_staff"]
    assert [s.device_count for s in everyone] == [2, 3]
    guest, staff = everyone
    assert guest.user_identifier_key == "guest_42"

    def tokens(**filters: Any) -> list[str]:
        return [s.token for s in sdk.client_sessions.list(**filters)]

    assert tokens(client_session_id=staff.client_session_id) == ["seam_cst_staff"]
    assert tokens(user_identifier_key="guest_42") == ["seam_cst_guest"]
    assert tokens(user_identifier_key="nobody") == []
    assert tokens(without_user_identifier_key=True) == ["seam_cst_staff"]
    assert tokens(without_user_identifier_key=False) == ["seam_cst_guest", "seam_cst_staff"]
    # Nothing in the fake links sessions to webviews or user identities yet.
    assert tokens(connect_webview_id=str(uuid.uuid4())) == []
    assert tokens(user_identity_id=str(uuid.uuid4())) == []
    assert tokens(user_identifier_key="guest_42", without_user_identifier_key=True) == []


def test_another_workspaces_sessions_are_not_listed(hotel: FakeSeam) -> None:
    neighbour = hotel.client("seam_neighbour_key")
    [theirs] = neighbour.client_sessions.list()
    assert theirs.token == "seam_cst_neighbour" and theirs.device_count == 0
    sdk = hotel.client("seam_hotel_key")
    assert sdk.client_sessions.list(client_session_id=theirs.client_session_id) == []
    assert [s.token for s in sdk.client_sessions.list(user_identifier_key="guest_42")] == ["seam_cst_guest"]


def test_reset_sandbox_seeds_the_sessions_again(fake: FakeSeam, sdk: Any) -> None:
    fake.advance(3600)
    [before] = sdk.client_sessions.list()
    sdk.workspaces.reset_sandbox()
    [after] = sdk.client_sessions.list()
    assert after.token == "seam_cst1_token"
    assert after.client_session_id != before.client_session_id  # a new record, not the old one kept
    assert (after.created_at, after.expires_at) == (at(3600), at(3600 + DAY))
    assert fake.client("seam_apikey2_token").client_sessions.list() == []
    # The token still authenticates, through the new record.
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as client:
        devices = client.get("/devices/list", headers={"authorization": "Bearer seam_cst1_token"})
    assert len(devices.json()["devices"]) == 4


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_client_session_token_may_not_list_sessions(fake: FakeSeam, method: str) -> None:
    # Seam's spec names only API keys, personal access tokens and console sessions for the route.
    response = call(fake, method, "seam_cst1_token")
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "unauthorized"


@pytest.mark.parametrize(
    ("method", "where"),
    [("GET", "params"), ("POST", "json")],
)
def test_a_bad_parameter_is_a_zod_worded_400(fake: FakeSeam, method: str, where: str) -> None:
    response = call(fake, method, "seam_apikey1_token", **{where: {"without_user_identifier_key": "maybe"}})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_input"
    assert error["message"] == 'Expected boolean, received string for "without_user_identifier_key"'
    assert error["validation_errors"]["without_user_identifier_key"] == {
        "_errors": ["Expected boolean, received string"]
    }


def test_the_sdk_sees_a_bad_parameter_as_invalid_input(sdk: Any) -> None:
    with pytest.raises(SeamHttpInvalidInputError) as raised:
        sdk.client_sessions.list(without_user_identifier_key="maybe")  # the SDK sends it as a query
    assert raised.value.status_code == 400
    assert "without_user_identifier_key" in str(raised.value)
