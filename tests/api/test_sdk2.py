"""The official `seam` SDK 2.x, which sends POST with a JSON body for every route, against a
fake served over loopback HTTP.

SDK 2.x and 3.x cannot share one environment, so 2.x lives in its own virtualenv, made once
under `sdk2-venv` in fake-seam's user cache ($XDG_CACHE_HOME/fake-seam, else ~/.cache/fake-seam;
delete it to rebuild), never in the tree. It holds
only `seam>=2,<3`: the fake runs here, in this test's process (`ThreadedServer`), and
tests/data/sdk2_client.py drives it from the other interpreter. Making the virtualenv needs
PyPI once; without it the test is skipped, saying why.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import venv
from pathlib import Path

import pytest
from repo import DATA, user_cache

from fake_seam.fake import FakeSeam
from fake_seam.server import ThreadedServer

VENV = user_cache() / "sdk2-venv"
REQUIREMENT = "seam>=2,<3"
CLIENT = DATA / "sdk2_client.py"


def sdk2_python() -> Path:
    """The virtualenv's interpreter, building the virtualenv first if needed (once, under a
    lock, so parallel workers do not race)."""
    python = VENV / "bin" / "python"
    ready = VENV / ".ready"
    VENV.parent.mkdir(parents=True, exist_ok=True)
    with open(VENV.parent / "sdk2-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.exists() and ready.read_text() == REQUIREMENT and python.exists():
            return python
        venv.EnvBuilder(clear=True, with_pip=True).create(VENV)
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", REQUIREMENT],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if install.returncode != 0:
            pytest.skip(f"could not install {REQUIREMENT} into {VENV}: {install.stderr.strip()[-500:]}")
        ready.write_text(REQUIREMENT)
    return python


def test_sdk_2_drives_the_fake_over_http() -> None:
    python = sdk2_python()
    fake = FakeSeam(frozen=True)
    fake.go_offline("kwikset_device_1")
    methods: set[str] = set()
    fake.api.observers.append(lambda method, path, params, status, body: methods.add(method))
    with ThreadedServer(fake) as server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SEAM_", "PYTHON"))},
            "SEAM_ENDPOINT": server.endpoint,
            "SEAM_API_KEY": server.api_key,
        }
        run = subprocess.run([str(python), str(CLIENT)], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)

    assert seen["sdk_version"].startswith("2.")
    assert methods == {"POST"}, "SDK 2.x sends POST for every route"
    seeded = [
        "august_device_1",
        "august_device_2",
        "ecobee_device_1",
        "minut_device_1",
        "schlage_device_id",
        "salto_device_1",
        "kwikset_device_1",
        "yale_device_1",
    ]
    assert seen["devices"] == seeded
    assert seen["august_devices"] == ["august_device_1", "august_device_2"]
    assert seen["no_devices"] == []
    assert seen["paginated"] == seeded
    assert seen["front_door_locked"] is True
    assert seen["created"] == {"code": "1234", "name": "SDK 2", "status": "setting"}
    assert seen["got"] is True and seen["listed"] == [True]
    assert seen["after_delete"] == "access_code_not_found"
    assert seen["unlock"] == {"status": "success", "action_type": "UNLOCK_DOOR"}
    assert seen["front_door_locked_after"] is False
    assert (seen["lock_pending"], seen["lock_polled"]) == ("pending", "success")
    assert seen["events"][-2:] == ["lock.unlocked", "lock.locked"]
    assert "access_code.created" in seen["events"]
    assert seen["workspace"] == "seed_workspace_1"
    assert seen["accounts"] == [
        "john_connected_account_id",
        "jane_connected_account_id",
        "john_assa_cs_connected_account_id",
    ]
    assert seen["not_found"] == "device_not_found"
    assert seen["invalid_input"] == "invalid_input"
    assert seen["unauthorized"] == "unauthorized"
    assert seen["offline"] == "device_offline"
    assert (seen["pat_workspace"], seen["pat_devices"]) == ("seed_workspace_2", [])
