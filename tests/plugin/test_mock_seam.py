"""`mock_seam`: code that builds its own `seam.Seam()` talks to an in-process fake, whichever
way the mock is started (context manager, decorator, fixture), with no socket opened, and
everything is as before once it ends."""

from __future__ import annotations

import asyncio
import socket
import threading
import unittest
from typing import Any

import httpx
import pytest
import seam as seam_sdk
from httpx_retries import Retry
from moments import T0
from seam import AsyncSeam, Seam
from seam.exceptions import SeamHttpUnauthorizedError

from fake_seam import FakeSeam, MockSeam, current_fake, mock_seam
from fake_seam.api.transport import AsyncInProcessTransport, InProcessTransport
from fake_seam.server import ThreadedServer

FRONT = "august_device_1"
ORIGINAL_INITS = {cls: vars(cls)["__init__"] for cls in (Seam, AsyncSeam, seam_sdk.SeamWithoutWorkspace)}


# -- the application under test: it makes its own client, as production code does ----------


def make_guest_code(code: str) -> str:
    seam = Seam()
    with seam:
        return seam.access_codes.create(device_id=FRONT, code=code, name="Guest").access_code_id


async def make_guest_code_async(code: str) -> str:
    seam = AsyncSeam()
    async with seam:
        created = await seam.access_codes.create(device_id=FRONT, code=code, name="Guest")
        return created.access_code_id


def code_status(fake: FakeSeam, access_code_id: str) -> str:
    return str(fake.client().access_codes.get(access_code_id=access_code_id).status)


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def real_looking_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's shell: real credentials and Seam's endpoint in the environment."""
    monkeypatch.setenv("SEAM_API_KEY", "seam_live_0123456789abcdef")
    monkeypatch.setenv("SEAM_ENDPOINT", "https://connect.getseam.com")
    monkeypatch.setenv("SEAM_WORKSPACE_ID", "a_real_workspace")


def assert_restored() -> None:
    for cls, init in ORIGINAL_INITS.items():
        assert vars(cls)["__init__"] is init, f"{cls.__name__}.__init__ was not restored"


# -- the context manager ---------------------------------------------------------------------


@pytest.mark.usefixtures("no_sockets", "real_looking_env")
def test_under_the_context_manager_the_apps_own_client_reaches_the_fake_without_a_socket():
    with mock_seam(frozen=True, now=T0) as fake:
        access_code_id = make_guest_code("4821")
        assert code_status(fake, access_code_id) == "setting"
        fake.settle()
        assert code_status(fake, access_code_id) == "set"
        [made] = [c for c in fake.database()["access_codes"] if c["access_code_id"] == access_code_id]
        assert (made["code"], made["name"], made["workspace_id"]) == ("4821", "Guest", "seed_workspace_1")
    assert_restored()


@pytest.mark.usefixtures("no_sockets")
def test_without_env_or_arguments_a_client_gets_the_default_workspaces_key(monkeypatch):
    for name in ("SEAM_API_KEY", "SEAM_ENDPOINT", "SEAM_API_URL", "SEAM_PERSONAL_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with mock_seam():
        assert Seam().workspaces.get().workspace_id == "seed_workspace_1"
        assert Seam.from_api_key("seam_apikey2_token").workspaces.get().workspace_id == "seed_workspace_2"


@pytest.mark.usefixtures("no_sockets", "real_looking_env")
def test_given_key_and_endpoint_are_kept_and_an_unknown_key_is_refused_as_seam_refuses_it():
    with mock_seam():
        other = Seam(api_key="seam_apikey2_token", endpoint="http://localhost:9")
        assert other.devices.list() == []  # workspace 2 of the seed has no devices
        assert str(other.client.base_url).startswith("http://localhost:9")
        with pytest.raises(SeamHttpUnauthorizedError):
            Seam(api_key="seam_unknown_key_1").devices.list()
        assert Seam(
            personal_access_token="seam_at1_longtoken", workspace_id="seed_workspace_1"
        ).devices.list()


def test_the_mock_can_be_given_the_key_a_client_without_one_gets():
    with mock_seam(api_key="seam_apikey2_token"):
        assert Seam().workspaces.get().workspace_id == "seed_workspace_2"


@pytest.mark.usefixtures("no_sockets")
def test_the_yielded_fake_controls_what_the_app_meets():
    with mock_seam(frozen=True, now=T0) as fake:
        fake.set_fault_plan(FRONT, fail_next=1, error_code="failed_to_set_on_device")
        access_code_id = make_guest_code("4821")
        fake.settle()
        code = fake.client().access_codes.get(access_code_id=access_code_id)
        assert [e["error_code"] for e in code.errors] == ["failed_to_set_on_device"]
        before = fake.now()
        assert (fake.advance(3600) - before).total_seconds() == 3600


def test_the_app_may_ask_for_retries_and_its_own_httpx_options():
    with mock_seam():
        seam = Seam(retries=Retry(total=1), httpx_options={"headers": {"x-app": "1"}})
        assert [d.device_id for d in seam.devices.list()][:1] == [FRONT]
        assert seam.client.headers["x-app"] == "1"


# -- leaving: everything as it was, even on an error; nesting --------------------------------


def test_everything_is_restored_when_the_body_raises():
    with pytest.raises(RuntimeError, match="boom"), mock_seam():
        Seam()
        raise RuntimeError("boom")
    assert_restored()
    with pytest.raises(RuntimeError, match="no mock_seam"):
        current_fake()
    client = Seam(api_key="seam_apikey1_token", endpoint="http://127.0.0.1:9")
    assert not isinstance(client.client._transport, InProcessTransport)


def test_mocks_nest_the_innermost_wins_and_leaving_it_brings_back_the_outer():
    with mock_seam() as outer:
        outer.create_lock(device_id="outer_lock")
        with mock_seam() as inner:
            assert current_fake() is inner
            inner_client = Seam()
            assert "outer_lock" not in {d.device_id for d in inner_client.devices.list()}
        assert current_fake() is outer
        assert "outer_lock" in {d.device_id for d in Seam().devices.list()}
        # A client keeps the fake it was made with.
        assert "outer_lock" not in {d.device_id for d in inner_client.devices.list()}
    assert_restored()


def test_one_mock_object_started_twice_stops_in_reverse_and_refuses_an_extra_stop():
    mocked = MockSeam()
    first = mocked.start()
    second = mocked.start()
    assert first is not second and current_fake() is second and mocked.fake is second
    mocked.stop()
    assert current_fake() is first
    mocked.stop()
    assert_restored()
    with pytest.raises(RuntimeError, match="stopped more often"):
        mocked.stop()


def test_a_client_made_in_another_thread_during_the_mock_is_wired_too():
    made: list[Any] = []
    with mock_seam() as fake:
        thread = threading.Thread(target=lambda: made.append(Seam().workspaces.get().workspace_id))
        thread.start()
        thread.join()
        assert made == [fake.default_seed()["seed_workspace_1"]]


def test_other_httpx_use_is_untouched():
    """A plain httpx client (and the process's other clients) still reach the network, even the
    same server a `Seam()` under the mock is pointed at (that one talks to the fake instead)."""
    served = ThreadedServer(FakeSeam()).start()
    try:
        served.fake.create_lock(device_id="served_lock")
        with mock_seam():
            plain = httpx.get(f"{served.endpoint}/_fake/database").json()
            assert "served_lock" in {d["device_id"] for d in plain["devices"]}
            mocked = Seam(api_key=served.api_key, endpoint=served.endpoint)
            assert "served_lock" not in {d.device_id for d in mocked.devices.list()}
    finally:
        served.stop()


# -- decorators ------------------------------------------------------------------------------


@pytest.mark.usefixtures("no_sockets", "real_looking_env")
def test_a_bare_decorator_gives_each_call_a_fresh_fake():
    seen: list[FakeSeam] = []

    @mock_seam
    def scenario(code: str) -> str:
        seen.append(current_fake())
        access_code_id = make_guest_code(code)
        assert code_status(current_fake(), access_code_id) == "setting"
        return access_code_id

    first, second = scenario("4821"), scenario("4822")
    assert first and second and seen[0] is not seen[1]
    assert scenario.__name__ == "scenario"
    assert_restored()


def test_a_decorator_with_options_passes_them_to_each_fake():
    @mock_seam(frozen=True, now=T0)
    def scenario() -> Any:
        return current_fake().now()

    assert scenario() == T0


@pytest.mark.usefixtures("no_sockets", "real_looking_env")
def test_an_async_function_runs_under_the_decorator():
    @mock_seam(frozen=True, now=T0)
    async def scenario() -> tuple[str, str]:
        access_code_id = await make_guest_code_async("4821")
        fake = current_fake()
        fake.settle()
        return access_code_id, code_status(fake, access_code_id)

    access_code_id, status = asyncio.run(scenario())
    assert access_code_id and status == "set"
    assert_restored()


@pytest.mark.usefixtures("no_sockets")
def test_async_with_wires_async_seam():
    async def scenario() -> None:
        async with mock_seam() as fake:
            client = AsyncSeam()
            assert isinstance(client.client._transport, AsyncInProcessTransport)
            access_code_id = await make_guest_code_async("4821")
            assert code_status(fake, access_code_id) == "setting"

    asyncio.run(scenario())
    assert_restored()


def test_a_decorated_unittest_case_shares_one_fake_between_set_up_and_the_test():
    @mock_seam
    class GuestCodes(unittest.TestCase):
        def setUp(self) -> None:
            self.access_code_id = make_guest_code("4821")

        def test_the_code_is_there(self) -> None:
            self.assertEqual(code_status(current_fake(), self.access_code_id), "setting")

        def test_each_test_has_its_own_fake(self) -> None:
            self.assertEqual(len(Seam().access_codes.list(device_id=FRONT)), 1)

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(GuestCodes).run(result)
    assert result.testsRun == 2 and result.wasSuccessful(), result.failures + result.errors
    assert_restored()


def test_a_decorated_plain_class_runs_each_test_method_under_its_own_fake():
    @mock_seam
    class TestGuestCodes:
        def test_one(self) -> FakeSeam:
            make_guest_code("4821")
            return current_fake()

        def helper(self) -> None:
            current_fake()

    cases = TestGuestCodes()
    assert cases.test_one() is not cases.test_one()
    with pytest.raises(RuntimeError):
        cases.helper()


# -- the fixture -----------------------------------------------------------------------------


@pytest.mark.usefixtures("no_sockets", "real_looking_env")
def test_the_fixture_wires_the_apps_client_to_the_tests_fake(mock_seam, fake_seam):
    assert mock_seam is fake_seam
    access_code_id = make_guest_code("4821")
    fake_seam.settle()
    assert code_status(fake_seam, access_code_id) == "set"


@pytest.mark.fake_seam(seed="empty")
def test_the_fixture_follows_the_tests_markers(mock_seam):
    assert Seam().devices.list() == []


# -- decorated test functions, as a suite writes them ------------------------------------------


@mock_seam(frozen=True, now=T0)
def test_a_decorated_test_still_gets_its_fixtures(tmp_path, monkeypatch):
    monkeypatch.setenv("SEAM_API_KEY", "seam_live_0123456789abcdef")
    assert tmp_path.is_dir()
    access_code_id = make_guest_code("4821")
    current_fake().settle()
    assert code_status(current_fake(), access_code_id) == "set"


@pytest.mark.anyio
@mock_seam
async def test_a_decorated_async_test_runs_under_its_fake():
    access_code_id = await make_guest_code_async("4821")
    assert code_status(current_fake(), access_code_id) == "setting"


@pytest.mark.usefixtures("no_sockets")
def test_a_client_without_a_workspace_is_wired_too(monkeypatch):
    monkeypatch.setenv("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at1_longtoken")
    with mock_seam():
        listed = seam_sdk.SeamWithoutWorkspace().workspaces.list()
        assert {w.workspace_id for w in listed} == {"seed_workspace_1", "seed_workspace_2"}
