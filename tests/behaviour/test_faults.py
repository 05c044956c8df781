"""Failure injection and the `/_fake` control routes, each over raw HTTP (through
`fake.transport()`) and as its Python method on `FakeSeam`; the effects are read through the SDK."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from moments import HOUR, T0, at
from seam import Seam
from seam.exceptions import SeamHttpApiError

from fake_seam.fake import FakeSeam

FAKE_START = T0  # conftest's `fake` starts frozen at this instant


@pytest.fixture
def http(fake: FakeSeam) -> httpx.Client:
    """Raw HTTP to the fake, no credentials (the /_fake routes need none)."""
    return httpx.Client(transport=fake.transport(), base_url="http://fake-seam.local")


def control(http: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    answer = http.post(f"/_fake/{path}", json=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body.pop("ok") is True
    return body


def events(sdk: Seam, *types: str, **filters: Any) -> list[Any]:
    return sdk.events.list(since="2000-01-01T00:00:00.000Z", event_types=list(types), **filters)


# -- failure injection ------------------------------------------------------------------


@pytest.mark.guide("detect-failure")
def test_fail_next_then_a_successful_retry(fake: FakeSeam, sdk: Seam) -> None:
    plan = fake.set_fault_plan("august_device_1", fail_next=1)
    assert plan == {
        "fail_next": 1,
        "error_code": "failed_to_set_on_device",
        "failure_rate": 0.0,
        "offline_until": None,
        "aim": "all_writes",
        "access_code_id": None,
        "access_code_name": None,
    }
    code = sdk.access_codes.create(device_id="august_device_1", code="4821")
    fake.advance(10)
    failed = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert failed.status == "setting"
    assert [(e.error_code, e.message) for e in failed.errors] == [
        ("failed_to_set_on_device", "Failed to set code on device.")
    ]
    event = events(sdk, "access_code.failed_to_set_on_device")
    assert [(e.access_code_id, e.occurred_at) for e in event] == [(code.access_code_id, at(10))]
    assert [e.error_code for e in event[0].access_code_errors] == ["failed_to_set_on_device"]

    fake.advance(300)  # Settings.retry_seconds: the write is sent again
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "setting"
    fake.advance(10)
    retried = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (retried.status, retried.errors) == ("set", [])
    assert [e.occurred_at for e in events(sdk, "access_code.set_on_device")] == [at(320)]
    assert len(events(sdk, "access_code.failed_to_set_on_device")) == 1


def test_fail_next_with_no_space_reports_that_error(fake: FakeSeam, sdk: Seam) -> None:
    fake.set_fault_plan("august_device_1", fail_next=2, error_code="no_space_for_access_code_on_device")
    code = sdk.access_codes.create(device_id="august_device_1")
    fake.advance(10)
    assert [e.error_code for e in sdk.access_codes.get(access_code_id=code.access_code_id).errors] == [
        "no_space_for_access_code_on_device"
    ]
    fake.advance(310)  # the retry fails too
    assert len(events(sdk, "access_code.failed_to_set_on_device")) == 2
    fake.advance(310)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"


def history(rng_seed: int) -> list[tuple[str, str, str]]:
    fake = FakeSeam(frozen=True, now=T0, rng_seed=rng_seed)
    sdk = fake.client()
    fake.set_fault_plan("schlage_device_id", failure_rate=0.5)
    for _ in range(12):
        sdk.access_codes.create(device_id="schlage_device_id")
    fake.advance(2 * HOUR)
    return [
        (e.event_type, e.access_code_id, e.occurred_at)
        for e in events(sdk, "access_code.failed_to_set_on_device", "access_code.set_on_device")
    ]


def test_failure_rate_is_seeded_same_seed_same_history() -> None:
    first = history(rng_seed=11)
    assert first == history(rng_seed=11)
    failures = [h for h in first if h[0] == "access_code.failed_to_set_on_device"]
    assert failures, "a 50% failure rate over 12 codes should fail some writes"
    assert len([h for h in first if h[0] == "access_code.set_on_device"]) == 12  # retries get there
    assert first != history(rng_seed=12)


def test_fault_plan_offline_for_seconds(fake: FakeSeam, sdk: Seam) -> None:
    plan = fake.set_fault_plan("august_device_1", offline_for_seconds=600)
    assert plan["offline_until"] == at(600)
    assert sdk.devices.get(device_id="august_device_1").properties.online is False
    code = sdk.access_codes.create(device_id="august_device_1")
    fake.advance(600)
    assert sdk.devices.get(device_id="august_device_1").properties.online is True
    assert [e.occurred_at for e in events(sdk, "device.connected")] == [at(600)]
    fake.advance(10)
    code = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert (code.status, [w.warning_code for w in code.warnings]) == ("set", [])


def test_go_offline_and_online_python_and_http(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    fake.go_offline("august_device_1")
    assert sdk.devices.get(device_id="august_device_1").properties.online is False
    fake.go_online("august_device_1")
    assert sdk.devices.get(device_id="august_device_1").properties.online is True
    control(http, "devices/go_offline", device_id="august_device_2", for_seconds=60)
    assert sdk.devices.get(device_id="august_device_2").properties.online is False
    fake.advance(60)
    assert sdk.devices.get(device_id="august_device_2").properties.online is True
    control(http, "devices/go_offline", device_id="august_device_2")
    control(http, "devices/go_online", device_id="august_device_2")
    assert [e.device_id for e in events(sdk, "device.disconnected")] == [
        "august_device_1",
        "august_device_2",
        "august_device_2",
    ]


# -- /_fake/clock ------------------------------------------------------------------------


def test_clock_routes(fake: FakeSeam, http: httpx.Client) -> None:
    assert control(http, "clock") == {"now": at(0), "frozen": True}
    assert http.get("/_fake/clock").json()["now"] == at(0)
    assert control(http, "clock/advance", seconds=90) == {"now": at(90), "frozen": True}
    # Moving the clock is POST only: a GET is something any web page can make a browser send.
    assert http.get("/_fake/clock/advance", params={"seconds": "10"}).status_code == 405
    assert control(http, "clock/advance", seconds=10) == {"now": at(100), "frozen": True}
    assert control(http, "clock/set", now="2027-01-01T00:00:00.000Z")["now"] == "2027-01-01T00:00:00.000Z"
    assert control(http, "clock/set", now=at(0))["now"] == at(0)  # back in time too
    assert control(http, "clock/freeze", frozen=False)["frozen"] is False
    assert fake.clock.frozen is False
    assert control(http, "clock/freeze", frozen=True)["frozen"] is True
    assert fake.clock.frozen is True


def test_clock_advance_runs_what_falls_due(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", starts_at=at(HOUR), ends_at=at(2 * HOUR))
    control(http, "clock/advance", seconds=HOUR + 10)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    control(http, "clock/set", now=at(3 * HOUR))
    assert sdk.access_codes.list(device_id="august_device_1") == []


def test_clock_python_methods(fake: FakeSeam) -> None:
    assert fake.advance(30) == T0 + timedelta(seconds=30)
    assert fake.set_time("2027-01-01T00:00:00Z") == datetime(2027, 1, 1, tzinfo=UTC)
    fake.freeze(False)
    assert not fake.clock.frozen
    fake.freeze()
    assert fake.clock.frozen and fake.now() >= datetime(2027, 1, 1, tzinfo=UTC)


# -- /_fake/settle ----------------------------------------------------------------------


def test_settle_route_returns_the_new_time(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    code = sdk.access_codes.create(device_id="kwikset_device_1")  # 15 s programming delay
    later = sdk.access_codes.create(device_id="august_device_1", starts_at=at(HOUR), ends_at=at(2 * HOUR))
    assert control(http, "settle") == {"now": at(15), "frozen": True}
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert sdk.access_codes.get(access_code_id=later.access_code_id).status == "unset"
    assert control(http, "settle")["now"] == at(15)


def test_settle_follows_writes_that_start_other_writes(fake: FakeSeam, sdk: Seam) -> None:
    first = sdk.access_codes.create(device_id="august_device_1")
    fake.settle()
    sdk.access_codes.delete(access_code_id=first.access_code_id)
    second = sdk.access_codes.create(device_id="august_device_1")
    assert fake.settle() == T0 + timedelta(seconds=20)
    assert sdk.access_codes.get(access_code_id=second.access_code_id).status == "set"
    assert len(fake.slots("august_device_1")) == 1


# -- /_fake/devices/* ---------------------------------------------------------------------


def test_devices_create_over_http(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    device = control(
        http,
        "devices/create",
        workspace_id="seed_workspace_1",
        manufacturer="nuki",
        display_name="Studio",
        max_active_codes_supported=2,
        supported_code_lengths=[6],
        code_constraints=[{"constraint_type": "no_zeros"}],
        supports_backup_access_code_pool=False,
        programming_delay_seconds=60,
        online=True,
    )["device"]
    device_id = device["device_id"]
    seen = sdk.devices.get(device_id=device_id)
    assert (seen.display_name, seen.properties.max_active_codes_supported) == ("Studio", 2)
    assert seen.properties.supported_code_lengths == [6]
    assert seen.properties.supports_backup_access_code_pool is False
    assert [c.constraint_type for c in seen.properties.code_constraints] == ["no_zeros"]
    code = sdk.access_codes.create(device_id=device_id)
    assert len(code.code) == 6 and "0" not in code.code
    fake.advance(59)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "setting"
    fake.advance(1)
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert [e.device_id for e in events(sdk, "device.added")] == [device_id]


def test_devices_create_offline_and_python_create_lock(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    device = control(http, "devices/create", display_name="Cabin", online=False)["device"]
    assert device["properties"]["online"] is False
    assert [e["error_code"] for e in device["errors"]] == ["device_offline"]
    lock = fake.create_lock(display_name="Garage", max_active_codes_supported=4, programming_delay_seconds=1)
    assert sdk.locks.get(device_id=lock.device_id).properties.max_active_codes_supported == 4
    workspace, api_key = fake.create_workspace("Other")
    other = fake.create_lock(workspace.workspace_id, display_name="Elsewhere")
    assert [d.device_id for d in fake.client(api_key).devices.list()] == [other.device_id]


def test_set_fault_plan_over_http(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    answer = control(
        http,
        "devices/set_fault_plan",
        device_id="august_device_1",
        fail_next=1,
        error_code="no_space_for_access_code_on_device",
    )
    assert answer["fault_plan"] == {
        "fail_next": 1,
        "error_code": "no_space_for_access_code_on_device",
        "failure_rate": 0.0,
        "offline_until": None,
        "aim": "all_writes",
        "access_code_id": None,
        "access_code_name": None,
    }
    code = sdk.access_codes.create(device_id="august_device_1")
    fake.settle()
    assert [e.error_code for e in sdk.access_codes.get(access_code_id=code.access_code_id).errors] == [
        "no_space_for_access_code_on_device"
    ]
    answer = control(http, "devices/set_fault_plan", device_id="august_device_2", offline_for_seconds=120)
    assert answer["fault_plan"]["offline_until"] == at(10 + 120)
    assert sdk.devices.get(device_id="august_device_2").properties.online is False


def test_slots_over_http_and_python(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    sdk.access_codes.create(device_id="august_device_1", code="4821", name="Guest")
    sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id="august_device_1", code="7777", name="Cleaner"
    )
    fake.settle()
    expected = [
        {"slot": 0, "code": "7777", "name": "Cleaner", "origin": "keypad"},
        {"slot": 1, "code": "4821", "name": "Guest", "origin": "managed"},
    ]
    assert control(http, "devices/slots", device_id="august_device_1") == {"slots": expected}
    assert (
        http.get("/_fake/devices/slots", params={"device_id": "august_device_1"}).json()["slots"] == expected
    )
    assert fake.slots("august_device_1") == expected


def test_edit_keypad_code_behind_seams_back(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821")
    fake.settle()
    answer = control(
        http, "devices/edit_keypad_code", device_id="august_device_1", code="4821", new_code="1111"
    )
    assert answer["slots"][0]["code"] == "1111"
    assert [e.event_type for e in events(sdk, "access_code.modified_external_to_seam")] == [
        "access_code.modified_external_to_seam"
    ]
    fake.settle()  # Seam writes its own PIN back
    assert fake.slots("august_device_1")[0]["code"] == "4821"
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"


def test_a_code_being_erased_stays_erased_when_edited_at_the_keypad(fake: FakeSeam, sdk: Seam) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4821", ends_at=at(HOUR))
    fake.settle()
    fake.set_time(T0 + timedelta(seconds=HOUR))  # removing: the erase is in flight
    fake.edit_keypad_code("august_device_1", "4821", "1111")
    fake.settle()
    assert fake.slots("august_device_1") == []
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.get(access_code_id=code.access_code_id)


# -- /_fake/reset ------------------------------------------------------------------------


def test_reset_restores_the_seed(fake: FakeSeam, sdk: Seam, http: httpx.Client) -> None:
    before = fake.database()
    sdk.access_codes.create(device_id="august_device_1")
    fake.set_fault_plan("august_device_2", fail_next=3)
    fake.create_lock(display_name="Extra")
    fake.advance(HOUR)
    assert control(http, "reset") == {}
    after = fake.database()
    assert after["access_codes"] == [] and after["events"] == []
    assert [d["device_id"] for d in after["devices"]] == [d["device_id"] for d in before["devices"]]
    assert fake.device("august_device_2").lock.fault_plan.fail_next == 0  # type: ignore[union-attr]
    assert fake.now() == T0 + timedelta(hours=1)  # the clock is not part of the seed
    sdk.access_codes.create(device_id="august_device_1")
    fake.reset()
    assert fake.database()["access_codes"] == []


# -- bad control parameters -------------------------------------------------------------


@pytest.mark.parametrize(
    "path,params,status,named",
    [
        ("clock/advance", {"seconds": -5}, 400, "seconds"),
        ("clock/advance", {"seconds": "soon"}, 400, "seconds"),
        ("clock/advance", {}, 400, "seconds"),
        ("clock/set", {"now": "next tuesday"}, 400, "now"),
        ("clock/set", {}, 400, "now"),
        ("clock/freeze", {"frozen": "maybe"}, 400, "frozen"),
        ("devices/create", {"max_active_codes_supported": -1}, 400, "max_active_codes_supported"),
        ("devices/create", {"supported_code_lengths": "four"}, 400, "supported_code_lengths"),
        ("devices/create", {"programming_delay_seconds": -1}, 400, "programming_delay_seconds"),
        ("devices/create", {"workspace_id": "nope"}, 404, "workspace_id"),
        ("devices/set_fault_plan", {"device_id": "nope", "fail_next": 1}, 404, "device_id"),
        ("devices/set_fault_plan", {"device_id": "august_device_1", "fail_next": -1}, 400, "fail_next"),
        ("devices/set_fault_plan", {"device_id": "august_device_1", "failure_rate": 2}, 400, "failure_rate"),
        ("devices/set_fault_plan", {"device_id": "august_device_1", "error_code": "boom"}, 400, "error_code"),
        ("devices/set_fault_plan", {"fail_next": 1}, 400, "device_id"),
        ("devices/slots", {"device_id": "nope"}, 404, "device_id"),
        ("devices/slots", {"device_id": "ecobee_device_1"}, 400, "device_id"),
        ("devices/slots", {}, 400, "device_id"),
    ],
)
def test_bad_control_parameters_are_named_and_change_nothing(
    fake: FakeSeam, http: httpx.Client, path: str, params: dict[str, Any], status: int, named: str
) -> None:
    before = fake.database()
    answer = http.post(f"/_fake/{path}", json=params)
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert named in str(error.get("validation_errors", {})) + str(error.get("data", {})) + error["message"]
    assert fake.database() == before
    assert fake.now() == T0
