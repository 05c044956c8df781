"""Seam's fake's own `/_fake` routes: the seed, the database, steering action attempts,
and workspace outages (docs/control-routes.md)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from httpx_retries import Retry, RetryTransport
from seam import Seam
from seam.exceptions import SeamActionAttemptFailedError, SeamActionAttemptTimeoutError

from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam


@pytest.fixture
def control(fake: FakeSeam) -> httpx.Client:
    """No credentials: `/_fake` routes need none."""
    return httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT)


# -- the seed -----------------------------------------------------------------------------


def test_default_seed_is_a_flat_map_with_seams_fake_ids(control: httpx.Client) -> None:
    seed = control.get("/_fake/default_seed").json()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in seed.items()), seed
    expected = {
        "seed_workspace_1": "seed_workspace_1",
        "seed_workspace_2": "seed_workspace_2",
        "seam_apikey1_token": "seam_apikey1_token",
        "seam_apikey2_token": "seam_apikey2_token",
        "seam_at1_token": "seam_at1_longtoken",
        "seam_cst1_token": "seam_cst1_token",
        "seam_pk1_token": "seam_pk1_token",
        "john_connected_account_id": "john_connected_account_id",
        "jane_connected_account_id": "jane_connected_account_id",
        "john_assa_cs_connected_account_id": "john_assa_cs_connected_account_id",
        "august_device_1": "august_device_1",
        "august_device_2": "august_device_2",
        "ecobee_device_1": "ecobee_device_1",
        "minut_device_1": "minut_device_1",
        "schlage_device_1": "schlage_device_id",
    }
    assert expected.items() <= seed.items()
    assert control.post("/_fake/default_seed", json={}).json() == seed


def test_database_holds_the_seed_as_flat_lists(control: httpx.Client) -> None:
    db = control.get("/_fake/database").json()
    accounts = {a["connected_account_id"]: a["account_type"] for a in db["connected_accounts"]}
    assert accounts == {
        "john_connected_account_id": "august",
        "jane_connected_account_id": "schlage",
        "john_assa_cs_connected_account_id": "assa_abloy_credential_service",
    }
    devices = {d["device_id"]: d for d in db["devices"]}
    assert {d["workspace_id"] for d in db["devices"]} == {"seed_workspace_1"}
    for device_id in ("august_device_1", "august_device_2", "ecobee_device_1", "minut_device_1"):
        assert devices[device_id]["connected_account_id"] == "john_connected_account_id"
    assert devices["schlage_device_id"]["connected_account_id"] == "jane_connected_account_id"
    assert devices["august_device_1"]["display_name"] == "Front Door"
    assert devices["august_device_1"]["properties"]["locked"] is True
    assert devices["august_device_2"]["display_name"] == "Back Door"
    assert "thermostat" in devices["ecobee_device_1"]["device_type"]
    assert devices["minut_device_1"]["capabilities_supported"] == ["noise_detection"]
    workspaces = {w["workspace_id"]: w for w in db["workspaces"]}
    assert workspaces["seed_workspace_1"]["name"] == "My Workspace"
    assert workspaces["seed_workspace_1"]["is_sandbox"] is True
    assert workspaces["seed_workspace_2"]["name"] == "Empty Workspace"
    assert db["access_codes"] == [] and db["events"] == []


def test_workspace_2_has_no_devices_or_accounts(fake: FakeSeam) -> None:
    other = fake.client("seam_apikey2_token")
    assert other.devices.list() == []
    assert other.connected_accounts.list() == []
    assert other.locks.list() == []
    assert other.workspaces.get().name == "Empty Workspace"


def test_database_follows_what_the_api_did(fake: FakeSeam, sdk: Any, control: httpx.Client) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="2468")
    sdk.locks.unlock_door(device_id="august_device_1")
    db = control.get("/_fake/database").json()
    assert [c["access_code_id"] for c in db["access_codes"]] == [code.access_code_id]
    assert {"access_code.created", "lock.unlocked"} <= {e["event_type"] for e in db["events"]}


# -- steering action attempts -------------------------------------------------------------


def test_update_action_attempt_steers_what_the_sdk_sees(
    fake: FakeSeam, sdk: Any, control: httpx.Client
) -> None:
    attempt = sdk.locks.unlock_door(device_id="august_device_1", wait_for_action_attempt=False)
    assert attempt.status == "pending"
    steered = control.post(
        "/_fake/update_action_attempt",
        json={
            "action_attempt_id": attempt.action_attempt_id,
            "status": "error",
            "error": {"type": "uncategorized_error", "message": "Jammed"},
        },
    )
    assert steered.status_code == 200
    assert steered.json()["action_attempt"]["status"] == "error"
    read = sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id, wait_for_action_attempt=False)
    assert (read.status, read.error.type, read.error.message) == ("error", "uncategorized_error", "Jammed")
    with pytest.raises(SeamActionAttemptFailedError) as failed:
        sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id)
    assert failed.value.code == "uncategorized_error"

    control.post(
        "/_fake/update_action_attempt",
        json={"action_attempt_id": attempt.action_attempt_id, "status": "success", "result": {"x": 1}},
    )
    done = sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id)
    assert done.status == "success"


def test_an_attempt_steered_to_pending_stays_pending(fake: FakeSeam, control: httpx.Client) -> None:
    impatient = fake.client(wait_for_action_attempt={"polling_interval": 0.001, "timeout": 0.02})
    attempt = impatient.locks.lock_door(device_id="august_device_1", wait_for_action_attempt=False)
    control.post(
        "/_fake/update_action_attempt",
        json={"action_attempt_id": attempt.action_attempt_id, "status": "pending"},
    )
    with pytest.raises(SeamActionAttemptTimeoutError):
        impatient.action_attempts.get(action_attempt_id=attempt.action_attempt_id)


def test_update_action_attempt_checks_its_input(control: httpx.Client) -> None:
    unknown = control.post(
        "/_fake/update_action_attempt", json={"action_attempt_id": "nope", "status": "success"}
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["type"] == "action_attempt_not_found"
    bad = control.post("/_fake/update_action_attempt", json={"action_attempt_id": "nope", "status": "done"})
    assert bad.status_code == 400
    assert "status" in bad.json()["error"]["validation_errors"]


# -- outages ------------------------------------------------------------------------------


def outage(control: httpx.Client, workspace_id: str, routes: list[str]) -> httpx.Response:
    return control.post(
        "/_fake/simulate_workspace_outage", json={"workspace_id": workspace_id, "routes": routes}
    )


def test_an_outage_is_a_plain_503_until_cleared(fake: FakeSeam, sdk: Any, control: httpx.Client) -> None:
    assert outage(control, "seed_workspace_1", ["/devices/list", "locks/unlock_door"]).status_code == 200
    with pytest.raises(httpx.HTTPStatusError) as raised:
        sdk.devices.list()
    response = raised.value.response
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["seam-request-id"].startswith("request")
    with pytest.raises(httpx.HTTPStatusError):
        sdk.locks.unlock_door(device_id="august_device_1")
    # Other routes, and other workspaces, are up.
    assert sdk.devices.get(device_id="august_device_1").device_id == "august_device_1"
    assert fake.client("seam_apikey2_token").devices.list() == []
    # The failed unlock did nothing.
    assert sdk.devices.get(device_id="august_device_1").properties.locked is True

    assert outage(control, "seed_workspace_1", []).status_code == 200
    assert len(sdk.devices.list()) == 8
    assert sdk.locks.unlock_door(device_id="august_device_1").status == "success"


def test_the_sdk_retries_get_but_not_post_during_an_outage(fake: FakeSeam, control: httpx.Client) -> None:
    """The SDK's retry policy (DEFAULT_RETRIES: GET/PUT/DELETE, twice, on 5xx), without its
    backoff, around the in-process transport (the SDK skips retries on a custom transport)."""
    retry = Retry(
        total=2,
        allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "DELETE"],
        status_forcelist=[429, *range(500, 600)],
        backoff_factor=0,
    )
    client = Seam(
        api_key="seam_apikey1_token",
        endpoint=DEFAULT_ENDPOINT,
        httpx_options={"transport": RetryTransport(transport=fake.transport(), retry=retry)},
    )
    outage(control, "seed_workspace_1", ["/devices/list", "/locks/lock_door"])
    before = fake.api.requests
    with pytest.raises(httpx.HTTPStatusError):
        client.devices.list()
    assert fake.api.requests - before == 3
    before = fake.api.requests
    with pytest.raises(httpx.HTTPStatusError):
        client.locks.lock_door(device_id="august_device_1")
    assert fake.api.requests - before == 1


def test_outage_checks_the_workspace(control: httpx.Client) -> None:
    response = outage(control, "no_such_workspace", ["/devices/list"])
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "workspace_not_found"
