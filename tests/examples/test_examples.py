"""The worked examples of the docs (docs/backup-pools.md, docs/pytest.md) run as written."""

from __future__ import annotations

import runpy
import subprocess
import sys

from repo import EXAMPLES


def test_backup_pool_walkthrough_runs_and_checks_every_step() -> None:
    module = runpy.run_path(str(EXAMPLES / "backup_pool_walkthrough.py"))
    result = module["main"]()
    assert result["backup_code"].isdigit() and result["guest_code_id"]


def test_backup_pool_walkthrough_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "backup_pool_walkthrough.py")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for heading in (
        "1. Activate the pool",
        "2. Detect when an access code has failed to program",
        "3. Confirm the availability of a backup access code",
        "4. Retrieve a backup access code",
        "many_active_backup_codes",
        "partial_backup_access_code_pool",
        "empty_backup_access_code_pool",
    ):
        assert heading in done.stdout


def test_the_webhook_driven_checkin_passes_as_a_users_test_module(tmp_path) -> None:
    """Run as a user would run it: pytest on the file, fake-seam's fixtures from the plugin."""
    (tmp_path / "test_webhook_checkin.py").write_text((EXAMPLES / "test_webhook_checkin.py").read_text())
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_webhook_checkin.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
