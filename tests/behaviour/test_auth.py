"""Credentials and tenancy: API keys, personal access tokens, client session tokens, and
workspaces that never see each other; plus the workspaces routes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from seam import SeamWithoutWorkspace
from seam.exceptions import SeamHttpApiError, SeamHttpUnauthorizedError

from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam

PAT = "seam_at1_longtoken"


def call(fake: FakeSeam, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> httpx.Response:
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as client:
        return client.request(method, path, headers=headers, **kwargs)


# -- credentials --------------------------------------------------------------------------


def test_api_key(sdk: Any) -> None:
    assert sdk.workspaces.get().workspace_id == "seed_workspace_1"
    assert len(sdk.devices.list()) == 8


@pytest.mark.parametrize("key", ["seam_wrong_key", "seam_apikey3_token"])
def test_an_unknown_key_is_unauthorized(fake: FakeSeam, key: str) -> None:
    with pytest.raises(SeamHttpUnauthorizedError) as raised:
        fake.client(key).devices.list()
    assert raised.value.status_code == 401
    assert raised.value.request_id.startswith("request")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "seam_apikey1_token"},
        {"authorization": "Basic c2VhbTp4"},
        {"authorization": "Bearer "},
    ],
    ids=["missing", "no-scheme", "basic", "empty-bearer"],
)
def test_a_missing_or_malformed_credential_is_401_seam_style(fake: FakeSeam, headers: dict[str, str]) -> None:
    response = call(fake, "GET", "/devices/list", headers)
    assert response.status_code == 401
    assert response.json()["ok"] is False
    assert response.json()["error"]["type"] == "unauthorized"


def test_a_publishable_key_alone_cannot_call_the_api(fake: FakeSeam) -> None:
    assert call(fake, "GET", "/devices/list", {"seam-publishable-key": "seam_pk1_token"}).status_code == 401


def test_personal_access_token_with_a_workspace(fake: FakeSeam) -> None:
    one = fake.client(personal_access_token=PAT, workspace_id="seed_workspace_1")
    assert len(one.devices.list()) == 8
    assert one.locks.unlock_door(device_id="august_device_1").status == "success"
    two = fake.client(personal_access_token=PAT, workspace_id="seed_workspace_2")
    assert two.devices.list() == []
    assert two.workspaces.get().workspace_id == "seed_workspace_2"


def test_personal_access_token_without_the_workspace_header(fake: FakeSeam) -> None:
    response = call(fake, "GET", "/devices/list", {"authorization": f"Bearer {PAT}"})
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "missing_workspace_id"


def test_personal_access_token_for_a_workspace_it_has_no_access_to(fake: FakeSeam) -> None:
    workspace, _ = fake.create_workspace("Someone else's")
    with pytest.raises(SeamHttpUnauthorizedError):
        fake.client(personal_access_token=PAT, workspace_id=workspace.workspace_id).devices.list()
    with pytest.raises(SeamHttpUnauthorizedError):
        fake.client(personal_access_token=PAT, workspace_id="no_such_workspace").devices.list()


def test_client_session_token_sees_only_its_connected_accounts(fake: FakeSeam) -> None:
    cst = {"authorization": "Bearer seam_cst1_token"}
    devices = call(fake, "GET", "/devices/list", cst).json()["devices"]
    assert {d["device_id"] for d in devices} == {
        "august_device_1",
        "august_device_2",
        "ecobee_device_1",
        "minut_device_1",
    }
    assert {d["connected_account_id"] for d in devices} == {"john_connected_account_id"}
    accounts = call(fake, "GET", "/connected_accounts/list", cst).json()["connected_accounts"]
    assert [a["connected_account_id"] for a in accounts] == ["john_connected_account_id"]
    hidden = call(fake, "GET", "/devices/get", cst, params={"device_id": "schlage_device_id"})
    assert hidden.status_code == 404 and hidden.json()["error"]["type"] == "device_not_found"
    jane = call(
        fake,
        "GET",
        "/connected_accounts/get",
        cst,
        params={"connected_account_id": "jane_connected_account_id"},
    )
    assert jane.status_code == 404
    unlock = call(fake, "POST", "/locks/unlock_door", cst, json={"device_id": "schlage_device_id"})
    assert unlock.status_code == 404
    ok = call(fake, "POST", "/locks/unlock_door", cst, json={"device_id": "august_device_1"})
    assert ok.status_code == 200 and ok.json()["action_attempt"]["action_type"] == "UNLOCK_DOOR"
    # The header Seam's client-session clients send works too.
    other_header = call(fake, "GET", "/devices/list", {"client-session-token": "seam_cst1_token"})
    assert len(other_header.json()["devices"]) == 4


# -- tenancy ------------------------------------------------------------------------------


@pytest.fixture
def intruder(fake: FakeSeam) -> Any:
    """Workspace 2's API key."""
    return fake.client("seam_apikey2_token")


@pytest.fixture
def owned(fake: FakeSeam, sdk: Any) -> dict[str, str]:
    """Objects of workspace 1: a code, an event, an action attempt."""
    code = sdk.access_codes.create(device_id="august_device_1", code="1357", name="Owner's")
    attempt = sdk.locks.unlock_door(device_id="august_device_1")
    events = sdk.events.list(since="2000-01-01T00:00:00Z")
    return {
        "access_code_id": code.access_code_id,
        "action_attempt_id": attempt.action_attempt_id,
        "event_id": events[0].event_id,
    }


def not_found(call_it: Any, code: str) -> None:
    with pytest.raises(SeamHttpApiError) as raised:
        call_it()
    assert raised.value.code == code, raised.value
    assert raised.value.status_code == 404


def test_another_workspaces_objects_do_not_exist(intruder: Any, owned: dict[str, str]) -> None:
    not_found(lambda: intruder.devices.get(device_id="august_device_1"), "device_not_found")
    not_found(lambda: intruder.locks.get(device_id="august_device_1"), "device_not_found")
    not_found(lambda: intruder.devices.update(device_id="august_device_1", name="Mine"), "device_not_found")
    not_found(
        lambda: intruder.client.post("/devices/delete", json={"device_id": "august_device_1"}),
        "device_not_found",
    )
    not_found(lambda: intruder.locks.unlock_door(device_id="august_device_1"), "device_not_found")
    not_found(lambda: intruder.locks.lock_door(device_id="schlage_device_id"), "device_not_found")
    not_found(
        lambda: intruder.access_codes.get(access_code_id=owned["access_code_id"]), "access_code_not_found"
    )
    not_found(
        lambda: intruder.access_codes.update(access_code_id=owned["access_code_id"], name="x"),
        "access_code_not_found",
    )
    not_found(
        lambda: intruder.access_codes.delete(access_code_id=owned["access_code_id"]), "access_code_not_found"
    )
    not_found(lambda: intruder.access_codes.list(device_id="august_device_1"), "device_not_found")
    not_found(lambda: intruder.events.get(event_id=owned["event_id"]), "event_not_found")
    not_found(
        lambda: intruder.action_attempts.get(action_attempt_id=owned["action_attempt_id"]),
        "action_attempt_not_found",
    )
    not_found(
        lambda: intruder.connected_accounts.get(connected_account_id="john_connected_account_id"),
        "connected_account_not_found",
    )
    not_found(
        lambda: intruder.connected_accounts.update(
            connected_account_id="john_connected_account_id", custom_metadata={"a": "b"}
        ),
        "connected_account_not_found",
    )
    not_found(
        lambda: intruder.connected_accounts.delete(connected_account_id="john_connected_account_id"),
        "connected_account_not_found",
    )
    not_found(lambda: intruder.devices.unmanaged.get(device_id="august_device_1"), "device_not_found")


def test_lists_do_not_leak_across_workspaces(fake: FakeSeam, intruder: Any, owned: dict[str, str]) -> None:
    """Seam's own fake leaks on events/list, access_codes/list and locks/unlock_door."""
    assert intruder.events.list(since="2000-01-01T00:00:00Z") == []
    assert intruder.events.list(since="2000-01-01T00:00:00Z", device_id="august_device_1") == []
    assert intruder.access_codes.list(access_code_ids=[owned["access_code_id"]]) == []
    assert intruder.action_attempts.list(action_attempt_ids=[owned["action_attempt_id"]]) == []
    assert intruder.devices.list(device_ids=["august_device_1", "schlage_device_id"]) == []
    assert intruder.locks.list() == []
    assert intruder.devices.unmanaged.list() == []
    assert intruder.connected_accounts.list() == []
    assert [w.workspace_id for w in intruder.workspaces.list()] == ["seed_workspace_2"]


def test_an_unlock_from_another_workspace_changes_nothing(fake: FakeSeam, sdk: Any, intruder: Any) -> None:
    before = fake.database()["events"]
    with pytest.raises(SeamHttpApiError):
        intruder.locks.unlock_door(device_id="schlage_device_id")
    assert sdk.devices.get(device_id="schlage_device_id").properties.locked is True
    assert fake.database()["events"] == before


# -- workspaces ---------------------------------------------------------------------------


def test_workspaces_get_and_list(fake: FakeSeam, sdk: Any) -> None:
    workspace = sdk.workspaces.get()
    assert (workspace.workspace_id, workspace.name, workspace.is_sandbox) == (
        "seed_workspace_1",
        "My Workspace",
        True,
    )
    assert [w.workspace_id for w in sdk.workspaces.list()] == ["seed_workspace_1"]
    pat = fake.client(personal_access_token=PAT, workspace_id="seed_workspace_1")
    assert {w.workspace_id for w in pat.workspaces.list()} == {"seed_workspace_1", "seed_workspace_2"}


def test_workspaces_create_with_a_personal_access_token(fake: FakeSeam) -> None:
    pat = fake.client(personal_access_token=PAT, workspace_id="seed_workspace_1")
    created = pat.workspaces.create(name="Staging", company_name="Acme")
    assert (created.name, created.company_name) == ("Staging", "Acme")
    assert created.workspace_id in {w.workspace_id for w in pat.workspaces.list()}
    inside = fake.client(personal_access_token=PAT, workspace_id=created.workspace_id)
    assert inside.workspaces.get().name == "Staging"
    assert inside.devices.list() == []


def test_without_workspace_client_lists_and_creates(fake: FakeSeam) -> None:
    """The SDK's `SeamWithoutWorkspace` sends no seam-workspace header."""
    client = SeamWithoutWorkspace(
        personal_access_token=PAT, endpoint=DEFAULT_ENDPOINT, httpx_options={"transport": fake.transport()}
    )
    assert {w.workspace_id for w in client.workspaces.list()} == {"seed_workspace_1", "seed_workspace_2"}
    created = client.workspaces.create(name="From nowhere")
    assert created.workspace_id in {w.workspace_id for w in client.workspaces.list()}


def test_workspaces_create_needs_a_personal_access_token(sdk: Any) -> None:
    with pytest.raises(SeamHttpUnauthorizedError):
        sdk.workspaces.create(name="Nope")
    assert [w.workspace_id for w in sdk.workspaces.list()] == ["seed_workspace_1"]


def test_reset_sandbox_restores_the_seed(fake: FakeSeam, sdk: Any) -> None:
    sdk.access_codes.create(device_id="august_device_1", code="1111")
    sdk.locks.unlock_door(device_id="august_device_1")
    sdk.devices.update(device_id="august_device_2", name="Renamed")
    sdk.client.post("/devices/delete", json={"device_id": "schlage_device_id"})
    sdk.connected_accounts.update(
        connected_account_id="john_connected_account_id", custom_metadata={"k": "v"}
    )
    other = fake.client("seam_apikey2_token")
    before_other = other.workspaces.get()

    attempt = sdk.workspaces.reset_sandbox()
    assert (attempt.action_type, attempt.status) == ("RESET_SANDBOX_WORKSPACE", "success")

    assert sdk.access_codes.list(device_id="august_device_1") == []
    devices = {d.device_id: d for d in sdk.devices.list()}
    assert len(devices) == 8 and "schlage_device_id" in devices
    assert devices["august_device_1"].properties.locked is True
    assert devices["august_device_2"].display_name == "Back Door"
    assert sdk.events.list(since="2000-01-01T00:00:00Z") == []
    assert sdk.connected_accounts.get(connected_account_id="john_connected_account_id").custom_metadata == {}
    assert len(sdk.connected_accounts.list()) == 3
    assert other.workspaces.get() == before_other
    # Credentials still work, for the key and the client session.
    assert sdk.workspaces.get().workspace_id == "seed_workspace_1"
    cst = call(fake, "GET", "/devices/list", {"authorization": "Bearer seam_cst1_token"})
    assert len(cst.json()["devices"]) == 4
