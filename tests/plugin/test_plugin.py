"""The pytest plugin: fixtures, markers, fleet factories, options, isolation.

Most tests use the plugin's fixtures directly (this suite runs with the plugin loaded through
its entry point, like any project that installs fake-seam). What needs a whole pytest session
(isolation between tests, ini options, teardown) runs a small inner session with `pytester`,
in-process.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import json
import os
import socket
from datetime import UTC, datetime, timedelta

import pytest
import seam as seam_sdk
from freezegun import freeze_time
from seam.exceptions import SeamHttpApiError

import fake_seam.pytest_plugin as plugin
import fake_seam.server  # noqa: F401 - imported once here, not again in each inner session
from fake_seam import FakeSeam
from fake_seam.api.transport import AsyncInProcessTransport, InProcessTransport
from fake_seam.fleet import BRANDS, lock_spec

pytest_plugins = ["pytester"]


def codes_pins(client, device_id: str) -> list[str]:
    return sorted(code.code for code in client.access_codes.list(device_id=device_id))


# -- registration --------------------------------------------------------------------------


def test_the_plugin_is_registered_through_the_pytest11_entry_point(pytestconfig):
    [entry] = [e for e in importlib.metadata.entry_points(group="pytest11") if e.name == "fake_seam"]
    assert entry.value == "fake_seam.pytest_plugin"
    assert pytestconfig.pluginmanager.get_plugin("fake_seam") is plugin


def test_markers_are_registered_for_strict_markers(pytestconfig):
    lines = pytestconfig.getini("markers")
    assert any(line.startswith("fake_seam(") for line in lines)
    assert any(line.startswith("fake_seam_fleet(") for line in lines)


# -- in-process fixtures -------------------------------------------------------------------


def test_fake_seam_is_a_seeded_fake_whose_clock_follows_wall_time(fake_seam):
    assert isinstance(fake_seam, FakeSeam)
    assert not fake_seam.clock.frozen
    assert abs(fake_seam.now().timestamp() - datetime.now(UTC).timestamp()) < 5
    assert {d["device_id"] for d in fake_seam.database()["devices"]} >= {"august_device_1", "salto_device_1"}


def test_seam_is_the_official_sdk_wired_in_process_to_the_same_fake(seam, fake_seam):
    assert isinstance(seam, seam_sdk.Seam)
    assert isinstance(seam.client._transport, InProcessTransport)
    created = seam.access_codes.create(device_id="august_device_1", name="Guest", code="4321")
    assert created.status == "setting"

    fake_seam.settle()

    assert seam.access_codes.get(access_code_id=created.access_code_id).status == "set"
    assert [slot["code"] for slot in fake_seam.slots("august_device_1")] == ["4321"]
    assert fake_seam.keypad_entry("august_device_1", "4321")


def test_lock_and_unlock_through_the_seam_fixture_wait_for_nothing(seam):
    attempt = seam.locks.unlock_door(device_id="august_device_1")
    assert attempt.status == "success"
    assert seam.locks.get(device_id="august_device_1").properties.locked is False


def test_async_seam_is_the_async_sdk_on_the_same_fake(async_seam, fake_seam):
    assert isinstance(async_seam, seam_sdk.AsyncSeam)
    assert isinstance(async_seam.client._transport, AsyncInProcessTransport)

    async def scenario():
        await async_seam.access_codes.create(device_id="august_device_2", name="Async", code="5555")
        return await async_seam.access_codes.list(device_id="august_device_2")

    [code] = asyncio.run(scenario())
    assert code.code == "5555"
    assert fake_seam.database()["access_codes"][0]["code"] == "5555"


@pytest.mark.anyio
async def test_async_seam_in_an_async_test(async_seam, fake_seam):
    # anyio's pytest plugin comes with fake-seam's own dependencies (Starlette).
    attempt = await async_seam.locks.lock_door(device_id="august_device_2")
    assert attempt.status == "success"
    fake_seam.advance(1)
    assert (await async_seam.locks.get(device_id="august_device_2")).properties.locked is True


# -- fleet factories -----------------------------------------------------------------------


def test_make_lock_builds_the_lock_a_test_describes_in_one_line(seam, fake_seam, make_lock):
    lock = make_lock(capacity=2, manufacturer="salto", online=False, fault_plan={"fail_next": 1}, pool_size=2)

    device = seam.devices.get(device_id=lock.device_id)
    assert device.device_type == "salto_lock"
    assert device.properties.max_active_codes_supported == 2
    assert device.properties.online is False
    assert [e.error_code for e in device.errors] == ["device_offline"]
    # The brand brings its hardware: Salto takes 6-digit PINs without zeros, and no pool.
    assert device.properties.supported_code_lengths == [6]
    assert [c.constraint_type for c in device.properties.code_constraints] == ["no_zeros"]
    assert fake_seam.set_fault_plan(lock.device_id)["fail_next"] == 1
    assert fake_seam.backup_pool(lock.device_id)["pool_size"] == 2


def test_make_lock_capacity_and_fault_plan_are_what_the_lock_does(seam, fake_seam, make_lock):
    lock = make_lock(capacity=2, fail_next=1, programming_delay=1)
    first, second, third = (
        seam.access_codes.create(device_id=lock.device_id, name=f"Guest {i}") for i in range(3)
    )

    fake_seam.settle()

    def errors(code):
        return [e.error_code for e in seam.access_codes.get(access_code_id=code.access_code_id).errors]

    assert errors(first) == ["failed_to_set_on_device"]  # the planned failure
    assert seam.access_codes.get(access_code_id=second.access_code_id).status == "set"
    assert seam.access_codes.get(access_code_id=third.access_code_id).status == "set"
    fourth = seam.access_codes.create(device_id=lock.device_id, name="One too many")
    fake_seam.settle()
    assert errors(fourth) == ["no_space_for_access_code_on_device"]  # two slots, both taken


def test_make_lock_pool_size_fills_that_many_backups(seam, fake_seam, make_lock):
    lock = make_lock(pool_size=2, programming_delay=0)
    now = fake_seam.now()
    seam.access_codes.create(
        device_id=lock.device_id,
        name="Stay",
        starts_at=(now + timedelta(hours=1)).isoformat(),
        ends_at=(now + timedelta(hours=5)).isoformat(),
        use_backup_access_code_pool=True,
    )
    assert len(fake_seam.backup_pool(lock.device_id)["ready"]) == 2


def test_make_lock_rejects_an_unknown_fault_plan_field(make_lock):
    with pytest.raises(TypeError, match="fail_nxt"):
        make_lock(fault_plan={"fail_nxt": 1})


def test_brand_presets_come_from_the_default_seed_and_yield_to_what_is_given():
    assert set(BRANDS) >= {"august", "schlage", "salto", "kwikset", "yale"}
    spec, faults = lock_spec({"brand": "yale", "capacity": 4, "offline_for_seconds": 60})
    assert spec["native_scheduling"] is True and spec["supported_code_lengths"] == [6]
    assert spec["max_active_codes_supported"] == 4
    assert faults == {"offline_for_seconds": 60}
    # The friendly keys of a scenario's fleet work here too.
    spec, faults = lock_spec({"id": "room_101", "faults": {"fail_next": 2}, "backup_pool": False})
    assert spec["device_id"] == "room_101" and spec["supports_backup_access_code_pool"] is False
    assert faults == {"fail_next": 2}


@pytest.mark.fake_seam_fleet(
    {"capacity": 1}, {"manufacturer": "kwikset", "online": False}, manufacturer="yale", count=2
)
def test_the_fleet_marker_adds_its_locks_before_the_test(seam, fake_seam_fleet):
    assert [d.manufacturer for d in fake_seam_fleet] == ["august", "kwikset", "yale", "yale"]
    listed = {d.device_id: d for d in seam.devices.list()}
    assert all(d.device_id in listed for d in fake_seam_fleet)
    assert listed[fake_seam_fleet[0].device_id].properties.max_active_codes_supported == 1
    assert listed[fake_seam_fleet[1].device_id].properties.online is False


def test_without_the_fleet_marker_the_fleet_is_empty(fake_seam_fleet):
    assert fake_seam_fleet == []


# -- the fake_seam marker ------------------------------------------------------------------


@pytest.mark.fake_seam(now="2031-01-02T03:04:05Z", frozen=True)
def test_the_marker_can_freeze_the_clock_at_a_moment(fake_seam, seam):
    moment = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert fake_seam.now() == moment
    with freeze_time("2040-01-01"):  # a frozen fake ignores wall time, freezegun included
        assert fake_seam.now() == moment
    seam.access_codes.create(device_id="august_device_1", name="x", code="2468")
    fake_seam.advance(10)
    assert fake_seam.now() == moment + timedelta(seconds=10)
    assert seam.access_codes.list(device_id="august_device_1")[0].status == "set"


@pytest.mark.fake_seam(now="2031-01-02T03:04:05Z")
def test_the_marker_can_start_the_clock_at_a_moment_and_let_it_run(fake_seam):
    assert not fake_seam.clock.frozen
    assert abs(fake_seam.now() - datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)) < timedelta(seconds=5)


@pytest.mark.fake_seam("empty")
@pytest.mark.fake_seam_fleet(capacity=2)
def test_the_marker_chooses_the_seed(seam, fake_seam_fleet):
    # The empty seed: one workspace and its API key, no devices; the fleet is all there is.
    assert [d.device_id for d in seam.devices.list()] == [fake_seam_fleet[0].device_id]


@pytest.mark.fake_seam(rng_seed=1234, settings={"retry_seconds": 60, "default_pool_size": 1})
def test_the_marker_sets_the_rng_seed_and_settings(seam, fake_seam):
    twin = FakeSeam(rng_seed=1234).client()
    made = seam.access_codes.create(device_id="august_device_1", name="a")
    assert made.code == twin.access_codes.create(device_id="august_device_1", name="a").code
    assert fake_seam.settings.retry_seconds == 60
    assert fake_seam.backup_pool("august_device_1")["pool_size"] == 3  # the seed's own size wins
    assert fake_seam.create_lock(max_active_codes_supported=5).pool.target_size == 1


@pytest.mark.fake_seam(rng_seed=1, now="2030-01-01T00:00:00Z")
class TestMarkersCombine:
    @pytest.mark.fake_seam(rng_seed=2)
    def test_the_nearest_marker_wins_key_by_key(self, fake_seam):
        assert fake_seam.rng_seed == 2
        assert fake_seam.now().year == 2030


def test_the_default_rng_seed_makes_every_test_see_the_same_pins(seam):
    assert seam.access_codes.create(device_id="august_device_1", name="a").code == (
        FakeSeam().client().access_codes.create(device_id="august_device_1", name="a").code
    )


# -- real HTTP -----------------------------------------------------------------------------


def test_fake_seam_server_is_real_http_on_loopback(fake_seam_server):
    assert fake_seam_server.endpoint.startswith("http://127.0.0.1:")
    assert fake_seam_server.api_key == "seam_apikey1_token"
    assert fake_seam_server.workspace_id == "seed_workspace_1"
    client = fake_seam_server.client()
    assert not isinstance(client.client._transport, InProcessTransport)
    assert client.workspaces.get().workspace_id == "seed_workspace_1"

    fake_seam_server.fake.go_offline("august_device_1")  # Python control, seen over HTTP

    assert client.devices.get(device_id="august_device_1").properties.online is False


def test_the_server_socket_turns_nagle_off(fake_seam_session_server):
    # With Nagle on, each response waited ~40 ms on the client's delayed ACK.
    with socket.create_connection((fake_seam_session_server.host, fake_seam_session_server.port)):
        pass
    assert fake_seam_session_server._sock.proto == socket.IPPROTO_TCP


def test_fake_seam_server_make_lock_and_marker_fleet(fake_seam_server):
    lock = fake_seam_server.make_lock(capacity=3, manufacturer="kwikset")
    client = fake_seam_server.client()
    assert client.devices.get(device_id=lock.device_id).properties.max_active_codes_supported == 3


def test_seam_env_points_the_sdk_defaults_at_the_server(seam_env):
    assert os.environ["SEAM_ENDPOINT"] == seam_env.endpoint
    assert os.environ["SEAM_API_KEY"] == seam_env.api_key
    with seam_sdk.Seam() as client:
        assert {d.device_id for d in client.devices.list()} >= {"august_device_1"}


def test_a_failure_over_http_is_a_seam_error(fake_seam_server):
    with pytest.raises(SeamHttpApiError) as raised:
        fake_seam_server.client().devices.get(device_id="no_such_device")
    assert raised.value.code == "device_not_found"


# -- whole sessions (pytester, in-process) -------------------------------------------------


# pytester puts sys.modules back after each inner run, so a plugin that imports something
# heavy at the end of a session (hypothesis' does) would import it again every time.
INNER = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_inprocess(*INNER, "-q", *args)


def test_without_the_plugin_the_fixtures_do_not_exist(pytester):
    # So a suite that passes with them got them from the plugin (see test_plugin_project.py).
    pytester.makepyfile("def test_needs_it(seam): pass")
    result = run(pytester, "-p", "no:fake_seam")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'seam' not found*"])


def test_each_test_gets_a_fresh_fake_and_its_clients_are_closed(pytester):
    pytester.makepyfile(
        """
        import pytest
        clients = []

        @pytest.mark.parametrize("n", [1, 2, 3])
        def test_codes_do_not_leak(seam, async_seam, fake_seam, n):
            clients.extend([seam, async_seam])
            assert seam.access_codes.list(device_id="august_device_1") == []
            for i in range(n):
                seam.access_codes.create(device_id="august_device_1", name=f"c{i}")
            fake_seam.advance(3600)
            assert len(seam.access_codes.list(device_id="august_device_1")) == n

        def test_previous_clients_were_closed():
            assert len(clients) == 6
            assert all(c.client.is_closed for c in clients)
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_the_server_is_shared_by_the_session_and_reset_for_each_test(pytester):
    pytester.makepyfile(
        """
        import time
        import pytest
        seen = []

        @pytest.mark.parametrize("n", [1, 2])
        def test_state_is_reset(fake_seam_server, n):
            fake = fake_seam_server.fake
            seen.append((fake_seam_server.endpoint, fake))
            assert abs(fake.now().timestamp() - time.time()) < 5  # the clock is back too
            assert not fake.clock.frozen
            client = fake_seam_server.client()
            assert client.access_codes.list(device_id="august_device_1") == []
            assert client.devices.get(device_id="salto_device_1").properties.online
            for i in range(n):
                client.access_codes.create(device_id="august_device_1", name=f"c{i}")
            fake.go_offline("salto_device_1")
            fake.set_fault_plan("august_device_2", fail_next=3)
            fake.freeze()
            fake.advance(86400)
            fake.cloud.workspaces.create_workspace("left over")

        @pytest.mark.fake_seam(frozen=True, now="2030-06-01T00:00:00Z")
        @pytest.mark.fake_seam_fleet(capacity=4)
        def test_markers_apply_to_the_server(fake_seam_server):
            seen.append((fake_seam_server.endpoint, fake_seam_server.fake))
            assert fake_seam_server.fake.now().isoformat() == "2030-06-01T00:00:00+00:00"
            [lock] = fake_seam_server.fleet
            client = fake_seam_server.client()
            assert client.devices.get(device_id=lock.device_id).properties.max_active_codes_supported == 4
            assert fake_seam_server.fake.set_fault_plan("august_device_2")["fail_next"] == 0
            assert len(fake_seam_server.fake.database()["workspaces"]) == 2

        def test_one_server_for_the_session():
            assert len({endpoint for endpoint, _ in seen}) == 1
            assert len({id(fake) for _, fake in seen}) == 1
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_each_test_starts_with_an_empty_call_log(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", [1, 2])
        def test_served(fake_seam_server, n):
            calls = fake_seam_server.calls
            assert calls is fake_seam_server.fake.calls and len(calls) == 0 and not calls.include_controls
            calls.include_controls = True  # the next test must not inherit it
            client = fake_seam_server.client()
            for i in range(n):
                client.access_codes.create(device_id="august_device_1", name=f"c{i}")
            calls.assert_called("/access_codes/create", times=n)

        @pytest.mark.parametrize("n", [1, 2])
        def test_in_process(seam, fake_seam, n):
            assert len(fake_seam.calls) == 0
            for i in range(n):
                seam.access_codes.create(device_id="august_device_1", name=f"c{i}")
            assert fake_seam.calls.paths == ["/access_codes/create"] * n
        """
    )
    run(pytester).assert_outcomes(passed=4)


def test_seam_env_clears_other_credentials_and_restores_the_environment(pytester, monkeypatch):
    monkeypatch.setenv("SEAM_PERSONAL_ACCESS_TOKEN", "seam_at_real_one")
    monkeypatch.setenv("SEAM_WORKSPACE_ID", "real_workspace")
    monkeypatch.delenv("SEAM_ENDPOINT", raising=False)
    pytester.makepyfile(
        """
        import os
        from seam import Seam

        def test_env(seam_env):
            assert "SEAM_PERSONAL_ACCESS_TOKEN" not in os.environ
            with Seam() as seam:
                assert seam.workspaces.get().workspace_id == "seed_workspace_1"
        """
    )
    run(pytester).assert_outcomes(passed=1)
    assert os.environ["SEAM_PERSONAL_ACCESS_TOKEN"] == "seam_at_real_one"
    assert "SEAM_ENDPOINT" not in os.environ


def test_ini_and_command_line_options_set_the_defaults(pytester):
    seed = {
        "workspaces": [
            {
                "workspace_id": "ws_from_file",
                "api_keys": ["seam_key_of_the_file"],
                "devices": [{"device_id": "front", "kind": "lock", "manufacturer": "august"}],
            }
        ]
    }
    pytester.makefile(".json", fleet=json.dumps(seed))
    pytester.makeini(
        """
        [pytest]
        fake_seam_seed = fleet.json
        fake_seam_rng_seed = 7
        fake_seam_frozen = true
        """
    )
    pytester.makepyfile(
        """
        import pytest

        def test_defaults(fake_seam, seam, make_lock):
            # The clients take the seed's own key, and new locks go into its workspace.
            assert [d.device_id for d in seam.devices.list()] == ["front"]
            lock = make_lock(capacity=2)
            assert lock.workspace_id == "ws_from_file"
            assert fake_seam.rng_seed == 7
            assert fake_seam.clock.frozen

        def test_server_defaults(fake_seam_server):
            assert fake_seam_server.api_key == "seam_key_of_the_file"
            assert fake_seam_server.workspace_id == "ws_from_file"
            assert [d.device_id for d in fake_seam_server.client().devices.list()] == ["front"]
            assert fake_seam_server.fake.rng_seed == 7

        @pytest.mark.fake_seam(seed="default", frozen=False)
        def test_marker_beats_ini(fake_seam):
            assert not fake_seam.clock.frozen and fake_seam.rng_seed == 7
            assert len(fake_seam.database()["workspaces"]) == 2

        def test_command_line_beats_ini(request, fake_seam):
            if request.config.getoption("fake_seam_rng_seed") is None:
                pytest.skip("run without the command-line options")
            assert fake_seam.rng_seed == 9 and fake_seam.clock.frozen
            assert len(fake_seam.database()["workspaces"]) == 2
        """
    )
    run(pytester, "--strict-markers").assert_outcomes(passed=3, skipped=1)
    result = run(
        pytester, "--fake-seam-seed", "default", "--fake-seam-rng-seed", "9", "-k", "command_line_beats"
    )
    result.assert_outcomes(passed=1)


def test_the_report_header_names_the_defaults(pytester):
    pytester.makepyfile("def test_nothing(): pass")
    result = pytester.runpytest_inprocess(*INNER, "--fake-seam-rng-seed", "abc")
    result.stdout.fnmatch_lines(["fake-seam: seed default, rng_seed abc, frozen False"])


def test_a_marker_with_a_typo_is_an_error_that_says_so(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_seam(frozn=True)
        def test_typo(fake_seam):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unknown*frozn*"])


def test_a_missing_seed_file_is_an_error_that_names_it(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_seam(seed="nowhere.json")
        def test_missing(fake_seam):
            pass
        """
    )
    result = run(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*nowhere.json: no such seed file*"])


def test_a_marker_seed_file_is_found_next_to_the_test(pytester):
    seed = {"workspaces": [{"workspace_id": "ws_next_door", "api_keys": ["seam_apikey1_token"]}]}
    sub = pytester.mkpydir("sub")
    (sub / "next_door.json").write_text(json.dumps(seed))
    (sub / "test_it.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.fake_seam(seed='next_door.json')\n"
        "def test_seed(seam):\n"
        "    assert seam.workspaces.get().workspace_id == 'ws_next_door'\n"
    )
    run(pytester).assert_outcomes(passed=1)
