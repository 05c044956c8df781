"""`fake.calls`: what the app sent and what the fake answered, through the official SDK, in
process and over real HTTP; its cap, what it leaves out, and its assertion helpers."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from fake_seam.api.calls import Call
from fake_seam.fake import DEFAULT_API_KEY, DEFAULT_ENDPOINT, FakeSeam
from fake_seam.server import ThreadedServer

FRONT = "august_device_1"


def test_each_call_has_its_method_path_params_status_and_answer(fake: FakeSeam, sdk: Seam) -> None:
    assert len(fake.calls) == 0
    devices = sdk.devices.list()
    code = sdk.access_codes.create(device_id=FRONT, code="4821", name="Guest")

    assert len(fake.calls) == 2 and fake.calls.paths == ["/devices/list", "/access_codes/create"]
    listed, created = fake.calls
    assert (listed.method, listed.status, listed.params) == ("GET", 200, {})
    assert [d["device_id"] for d in listed.response["devices"]] == [d.device_id for d in devices]
    assert created.params == {"device_id": FRONT, "code": "4821", "name": "Guest"}
    assert created.response["access_code"]["access_code_id"] == code.access_code_id
    assert created.request_id.startswith("request") and created.error is None
    assert fake.calls.last is created and fake.calls[-1] is created and fake.calls[:1] == [listed]


def test_the_async_client_is_logged_too(fake: FakeSeam) -> None:
    async def create() -> None:
        async with fake.async_client() as sdk:
            await sdk.access_codes.create(device_id=FRONT, name="Async")

    asyncio.run(create())
    assert fake.calls.assert_called("/access_codes/create", name="Async").status == 200


def test_query_parameters_are_params_too(fake: FakeSeam) -> None:
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as http:
        http.get(
            "/devices/get?device_id=august_device_1", headers={"authorization": f"Bearer {DEFAULT_API_KEY}"}
        )
    assert (fake.calls.last.method, fake.calls.last.params) == ("GET", {"device_id": FRONT})


def test_refused_calls_are_logged_with_their_error(fake: FakeSeam, sdk: Seam) -> None:
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.get(access_code_id="no_such_code")
    with pytest.raises(SeamHttpApiError):
        sdk.access_codes.create(device_id=FRONT, code="12")  # too short for the lock
    missing, short = fake.calls
    assert (missing.status, missing.error, missing.params) == (
        404,
        "access_code_not_found",
        {"access_code_id": "no_such_code", "_strict": "true"},  # as sent: the SDK adds `_strict`
    )
    assert (short.status, short.error) == (400, "invalid_input")
    assert short.response["error"]["type"] == "invalid_input"


def test_to_and_assert_called_match_a_path_and_some_params(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.create(device_id=FRONT, name="Ada")
    sdk.access_codes.create(device_id="august_device_2", name="Grace")
    sdk.access_codes.list(device_id=FRONT)

    assert [c.params["name"] for c in fake.calls.to("/access_codes/create")] == ["Ada", "Grace"]
    assert fake.calls.to("access_codes/create/", device_id=FRONT)[0].params["name"] == "Ada"
    call = fake.calls.assert_called("/access_codes/create", device_id="august_device_2")
    assert isinstance(call, Call) and call.params["name"] == "Grace"
    fake.calls.assert_called("/access_codes/create", times=2)
    fake.calls.assert_not_called("/access_codes/delete")
    fake.calls.assert_not_called("/access_codes/create", name="Alan")


def test_a_failed_assertion_says_what_was_sent(fake: FakeSeam, sdk: Seam) -> None:
    sdk.access_codes.create(device_id=FRONT, name="Ada")
    with pytest.raises(
        AssertionError,
        match=r"no call\(s\) to /access_codes/create with name='Grace'; its calls had params \[\{'device_id': 'august_device_1', 'name': 'Ada'\}\]",
    ):
        fake.calls.assert_called("/access_codes/create", name="Grace")
    with pytest.raises(AssertionError, match=r"1 call\(s\) to /access_codes/create \(expected 2\)"):
        fake.calls.assert_called("/access_codes/create", times=2)
    with pytest.raises(
        AssertionError, match=r"no call\(s\) to /access_codes/delete; calls made: \['/access_codes/create'\]"
    ):
        fake.calls.assert_called("/access_codes/delete")
    with pytest.raises(AssertionError, match=r"1 call\(s\) to /access_codes/create"):
        fake.calls.assert_not_called("/access_codes/create")


def test_clear_and_last_on_an_empty_log(fake: FakeSeam, sdk: Seam) -> None:
    sdk.devices.list()
    fake.calls.clear()
    assert len(fake.calls) == 0 and list(fake.calls) == []
    with pytest.raises(IndexError, match="no call recorded yet"):
        _ = fake.calls.last
    sdk.devices.list()
    assert fake.calls.paths == ["/devices/list"]


def test_controls_and_health_are_left_out_unless_asked_for(fake: FakeSeam, sdk: Seam) -> None:
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as http:
        http.post("/_fake/clock/advance", json={"seconds": 10})
        http.get("/health")
        fake.advance(5)  # the Python method goes round HTTP entirely
        assert len(fake.calls) == 0
        fake.calls.include_controls = True
        http.post("/_fake/clock/advance", json={"seconds": 10})
        http.get("/health")
    assert fake.calls.paths == ["/_fake/clock/advance"] and fake.calls.last.params == {"seconds": 10}


def test_no_credential_is_kept(fake: FakeSeam, sdk: Seam) -> None:
    sdk.devices.list()
    [call] = fake.calls
    for name in Call.__slots__:
        assert DEFAULT_API_KEY not in repr(getattr(call, name)), name


def test_the_log_keeps_the_newest_calls_up_to_its_size() -> None:
    fake = FakeSeam(frozen=True, call_log_size=3)
    sdk = fake.client()
    for n in range(5):
        sdk.access_codes.create(device_id=FRONT, name=f"Guest {n}")
    assert [c.params["name"] for c in fake.calls] == ["Guest 2", "Guest 3", "Guest 4"]
    assert (fake.calls.maxlen, fake.calls.dropped) == (3, 2)
    fake.calls.clear()
    assert fake.calls.dropped == 0

    quiet = FakeSeam(frozen=True, call_log_size=0)
    quiet.client().devices.list()
    assert (len(quiet.calls), quiet.calls.dropped) == (0, 0)


def test_the_log_also_keeps_within_its_byte_budget(fake: FakeSeam, sdk: Seam) -> None:
    fake.calls.max_bytes = 20_000  # devices/list answers about 11.6 kB
    for _ in range(3):
        sdk.devices.list()
    assert (len(fake.calls), fake.calls.dropped) == (1, 2)
    sdk.access_codes.list(device_id=FRONT)  # small: the list answer still fits beside it
    assert fake.calls.paths == ["/devices/list", "/access_codes/list"]


def test_reset_starts_a_fresh_log(fake: FakeSeam, sdk: Seam) -> None:
    sdk.devices.list()
    fake.reset()
    assert len(fake.calls) == 0


def test_calls_over_real_http_are_logged_alike() -> None:
    fake = FakeSeam(frozen=True)
    with ThreadedServer(fake) as server, Seam(api_key=DEFAULT_API_KEY, endpoint=server.endpoint) as sdk:
        sdk.access_codes.create(device_id=FRONT, code="4821")
        with pytest.raises(SeamHttpApiError):
            sdk.devices.get(device_id="no_such_device")
    created, missing = fake.calls
    assert created.params == {"device_id": FRONT, "code": "4821"} and created.status == 200
    assert created.response["access_code"]["code"] == "4821"
    assert (missing.status, missing.error) == (404, "device_not_found")
    for call in fake.calls:
        for name in Call.__slots__:
            assert DEFAULT_API_KEY not in repr(getattr(call, name)), name
