"""Done-when check of the plugin: another project's test suite, in a temporary directory (a
`tests/` folder, no conftest), runs green with only the plugin's fixtures, in-process and over
real HTTP. It includes the example module of docs/pytest.md, `examples/test_guest_checkin.py`.

The project runs in a subprocess of this interpreter, where fake-seam is installed from this
checkout (CI: `pip install -e .[dev]`), so the plugin arrives the way it does for users:
through the `pytest11` entry point of the installed distribution.

A second project runs under pytest-xdist (`-n 2`): each worker has its own fakes and its own
HTTP server, and nothing is shared.

A third (marked `slow`: it builds a wheel and installs it, with its dependencies from the
package index, into a fresh virtualenv) is a user's project as docs/getting-started.md sets
it up, with nothing of this checkout but the wheel.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from repo import ROOT as REPO

EXAMPLE = REPO / "examples" / "test_guest_checkin.py"
WEBHOOK_EXAMPLE = REPO / "examples" / "test_webhook_checkin.py"

PYPROJECT = """\
[project]
name = "guest-app"
version = "0.1.0"
dependencies = ["seam"]

[project.optional-dependencies]
test = ["pytest", "fake-seam"]

[tool.pytest.ini_options]
addopts = "--strict-markers"
"""

BOTH_MODES = """\
import asyncio
from datetime import timedelta

import pytest
from seam import Seam


def make_and_land_a_code(client, fake, pin):
    code = client.access_codes.create(device_id="august_device_1", name="Guest", code=pin)
    assert code.status == "setting"
    fake.advance(timedelta(seconds=10))
    assert client.access_codes.get(access_code_id=code.access_code_id).status == "set"
    assert fake.keypad_entry("august_device_1", pin)
    return client.access_codes.list(device_id="august_device_1")


def test_in_process(seam, fake_seam):
    assert len(make_and_land_a_code(seam, fake_seam, "1357")) == 1


def test_in_process_async(async_seam, fake_seam):
    devices = asyncio.run(async_seam.devices.list())
    assert "august_device_1" in {d.device_id for d in devices}


def test_over_http(fake_seam_server):
    assert fake_seam_server.endpoint.startswith("http://127.0.0.1:")
    assert len(make_and_land_a_code(fake_seam_server.client(), fake_seam_server.fake, "2468")) == 1


def test_over_http_from_the_environment(seam_env):
    with Seam() as seam:
        assert len(make_and_land_a_code(seam, seam_env.fake, "3579")) == 1


@pytest.mark.fake_seam(frozen=True, now="2030-01-01T00:00:00Z")
@pytest.mark.fake_seam_fleet(capacity=1, manufacturer="kwikset")
def test_markers_in_both_modes(seam, fake_seam, fake_seam_fleet, fake_seam_server):
    assert fake_seam.now().year == fake_seam_server.fake.now().year == 2030
    [lock] = fake_seam_fleet
    [served_lock] = fake_seam_server.fleet
    assert seam.devices.get(device_id=lock.device_id).properties.max_active_codes_supported == 1
    http = fake_seam_server.client()
    assert http.devices.get(device_id=served_lock.device_id).properties.max_active_codes_supported == 1


def test_make_lock(seam, make_lock):
    lock = make_lock(capacity=2, manufacturer="salto", online=False, fault_plan={"fail_next": 1}, pool_size=2)
    assert seam.devices.get(device_id=lock.device_id).properties.online is False
"""

# Variables of this run that must not leak into the inner one.
DROPPED_ENV = ("PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_PLUGINS")


def project_env() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in DROPPED_ENV and not key.startswith(("SEAM_", "PYTEST_XDIST_"))
    }


def run_project(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # hypothesis' plugin is off only because it costs this run most of a second.
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:hypothesispytest",
            "-q",
            "--rootdir",
            str(root),
            *args,
        ],
        cwd=root,
        env=project_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_fake_seam_is_installed_from_this_checkout():
    distribution = importlib.metadata.distribution("fake-seam")
    direct_url = json.loads(distribution.read_text("direct_url.json") or "{}")
    assert direct_url.get("url") == REPO.as_uri(), (
        f"fake-seam in {sys.executable} is not installed from {REPO}; run `pip install -e .[dev]`"
    )
    entry_points = {e.name: e.value for e in distribution.entry_points if e.group == "pytest11"}
    assert entry_points == {"fake_seam": "fake_seam.pytest_plugin"}


def test_another_projects_suite_runs_green_with_only_the_plugins_fixtures(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_both_modes.py").write_text(BOTH_MODES)
    (tests / "test_guest_checkin.py").write_text(EXAMPLE.read_text())

    result = run_project(tmp_path, "-rA", "tests")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "10 passed" in output, output
    assert not list(tmp_path.rglob("conftest.py"))


# -- pytest-xdist ---------------------------------------------------------------------------

PARALLEL_SUITE = """\
import json
import os
from pathlib import Path

import pytest

OUT = Path(os.environ["FAKE_SEAM_XDIST_OUT"])


def record(kind, n, server):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "none")
    entry = {"worker": worker, "pid": os.getpid(), "kind": kind, "n": n, "server": server}
    (OUT / f"{kind}-{n}.json").write_text(json.dumps(entry))


def make_codes(client, fake, n):
    assert client.access_codes.list(device_id="august_device_1") == []
    for i in range(n):
        client.access_codes.create(device_id="august_device_1", name=f"code {i}")
    fake.advance(10)
    codes = client.access_codes.list(device_id="august_device_1")
    assert len(codes) == n and {c.status for c in codes} == {"set"}
    assert len(fake.slots("august_device_1")) == n


@pytest.mark.parametrize("n", range(1, 7))
def test_in_process(seam, fake_seam, n):
    make_codes(seam, fake_seam, n)
    record("in_process", n, None)


@pytest.mark.parametrize("n", range(1, 7))
def test_over_http(fake_seam_server, n):
    make_codes(fake_seam_server.client(), fake_seam_server.fake, n)
    record("http", n, fake_seam_server.endpoint)
"""


def test_under_xdist_each_worker_has_its_own_fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Every test counts the codes it made (a count would be off if any state leaked between
    tests or workers) and records which worker, process and server it ran on."""
    project, out = tmp_path / "project", tmp_path / "out"
    (project / "tests").mkdir(parents=True)
    out.mkdir()
    (project / "tests" / "test_parallel.py").write_text(PARALLEL_SUITE)
    monkeypatch.setenv("FAKE_SEAM_XDIST_OUT", str(out))

    result = run_project(project, "-p", "xdist", "-n", "2", "tests", timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "12 passed" in result.stdout
    entries = [json.loads(path.read_text()) for path in out.glob("*.json")]
    assert len(entries) == 12
    workers = {entry["worker"] for entry in entries}
    assert workers == {"gw0", "gw1"}, "both workers ran tests"
    pids = {entry["worker"]: set() for entry in entries}
    servers = {entry["worker"]: set() for entry in entries if entry["kind"] == "http"}
    for entry in entries:
        pids[entry["worker"]].add(entry["pid"])
        if entry["kind"] == "http":
            servers[entry["worker"]].add(entry["server"])
    assert all(len(p) == 1 for p in pids.values()) and pids["gw0"] != pids["gw1"]
    # One HTTP server per worker that used one, never the same one for two workers.
    assert all(len(s) == 1 for s in servers.values())
    assert len(set().union(*servers.values())) == len(servers)


# -- installed from a wheel, as docs/getting-started.md says ------------------------------------

PROPERTIES = """\
from datetime import UTC, datetime

from hypothesis import given, settings

from fake_seam.strategies import guest_stays

ORIGIN = datetime(2030, 1, 1, tzinfo=UTC)


def test_which_profile():
    print("hypothesis profile", settings.get_current_profile_name(), settings.default.max_examples)


@given(stays=guest_stays())
def test_a_guest_leaves_between_check_in_and_the_booked_end(stays):
    for stay in stays:
        assert stay.starts_at(ORIGIN) <= stay.leaves_at(ORIGIN) <= stay.ends_at(ORIGIN)
"""


def checked(
    command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float
):
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done


def in_venv(venv: Path, program: str, *args: str, cwd: Path, timeout: float = 120):
    env = project_env()
    env.pop("PYTHONPATH", None)
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return checked([str(venv / "bin" / program), *args], cwd=cwd, env=env, timeout=timeout)


def pip_install(venv: Path, requirement: str) -> None:
    # This interpreter's pip, installing into the virtualenv (`pip --python`): the same
    # resolution as the virtualenv's own pip, without the seconds ensurepip takes to make one.
    python = str(venv / "bin" / "python")
    checked([sys.executable, "-m", "pip", "--python", python, "install", "-q", requirement], timeout=600)


@pytest.mark.slow
def test_a_user_installs_the_wheel_and_runs_the_fixtures_the_library_and_the_long_profile(tmp_path: Path):
    """A fresh virtualenv outside the repository gets fake-seam the way a user does: from a
    wheel of this checkout, its dependencies resolved by pip from the package index. First the
    plain install (the server, replay, the SDK, the scenario library), then the `testing`
    extra (the fixtures, the strategies and the profiles): nothing else is installed."""
    wheels, venv_dir, project = tmp_path / "wheels", tmp_path / "venv", tmp_path / "project"
    checked(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)], timeout=300
    )
    [wheel] = wheels.glob("fake_seam-*.whl")
    venv.EnvBuilder(with_pip=False).create(venv_dir)
    project.mkdir()

    # `pip install fake-seam`
    pip_install(venv_dir, str(wheel))
    shipped = in_venv(
        venv_dir,
        "python",
        "-c",
        "import importlib.resources as r, seam; p = r.files('fake_seam');"
        "print((p / 'py.typed').is_file(), len(list((p / 'scenarios' / 'library').iterdir())))",
        cwd=project,
    )
    library = len(list((REPO / "scenarios").glob("*.yaml")))
    assert shipped.stdout.split() == ["True", str(library)]
    replayed = in_venv(venv_dir, "fake-seam", "replay", "--library", "--quiet", cwd=project, timeout=300)
    assert f"{library} passed, 0 failed" in replayed.stdout.splitlines()[-1], replayed.stdout
    in_venv(venv_dir, "fake-seam", "scenarios", "--copy", "scenarios", cwd=project)
    assert {p.name for p in (project / "scenarios").iterdir()} == {
        p.name for p in (REPO / "scenarios").iterdir()
    }
    in_venv(venv_dir, "fake-seam", "replay", "--quiet", "scenarios/04-backup-pull.yaml", cwd=project)

    # `pip install 'fake-seam[testing]'`, then the user's own suite
    pip_install(venv_dir, f"{wheel}[testing]")
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / "tests").mkdir()
    (project / "tests" / "test_both_modes.py").write_text(BOTH_MODES)
    (project / "tests" / "test_guest_checkin.py").write_text(EXAMPLE.read_text())
    # Signed webhooks (svix, which the SDK brings) into the plugin's `webhook_receiver`.
    (project / "tests" / "test_webhook_checkin.py").write_text(WEBHOOK_EXAMPLE.read_text())
    (project / "tests" / "test_properties.py").write_text(PROPERTIES)
    suite = in_venv(venv_dir, "pytest", "-q", "-p", "no:cacheprovider", "-s", cwd=project, timeout=300)
    assert "14 passed" in suite.stdout, suite.stdout
    # Without the option the project's default profile is Hypothesis' own (`ci` on CI machines).
    assert re.search(r"hypothesis profile (default|ci) 100\b", suite.stdout), suite.stdout
    long = in_venv(
        venv_dir,
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-s",
        "--hypothesis-profile=long",
        cwd=project,
        timeout=600,
    )
    assert "14 passed" in long.stdout and "hypothesis profile long 2000" in long.stdout, long.stdout
