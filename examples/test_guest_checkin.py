"""A guest check-in, tested with fake-seam's pytest fixtures: no conftest, no set-up code.

`check_in_guest` is the application code under test. It gives a guest the PIN for their
stay: it creates a time-bound access code on the lock, waits for the lock to take it, and if
the lock fails to (`failed_to_set_on_device`) it pulls a backup code from the lock's backup
pool instead, so the guest is never left at the door.

The tests never sleep: `check_in_guest` takes its `sleep` as a parameter, and the tests pass
`fake_seam.advance`, which moves the fake's clock (and everything due on it) instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from seam import Seam


class CheckInFailed(Exception):
    pass


def check_in_guest(
    seam: Any,
    device_id: str,
    guest_name: str,
    starts_at: datetime,
    ends_at: datetime,
    *,
    sleep: Callable[[float], object] = time.sleep,
    poll_every: float = 5.0,
    give_up_after: float = 600.0,
) -> str:
    """The PIN to send the guest for a stay on `device_id`."""
    access_code = seam.access_codes.create(
        device_id=device_id,
        name=guest_name,
        starts_at=starts_at.isoformat(),
        ends_at=ends_at.isoformat(),
        use_backup_access_code_pool=True,  # turns the lock's pool on: backups get programmed
    )
    waited = 0.0
    while True:
        access_code = seam.access_codes.get(access_code_id=access_code.access_code_id)
        if access_code.status == "set":
            return access_code.code
        if any(error.error_code == "failed_to_set_on_device" for error in access_code.errors):
            backup = seam.access_codes.pull_backup_access_code(access_code_id=access_code.access_code_id)
            return backup.code
        if waited >= give_up_after:
            raise CheckInFailed(f"{device_id} has not taken {guest_name}'s code after {waited:.0f} s")
        sleep(poll_every)
        waited += poll_every


# -- the tests -----------------------------------------------------------------------------


def test_the_guest_gets_their_own_code(seam, fake_seam):
    arrival = fake_seam.now()

    pin = check_in_guest(
        seam, "august_device_1", "Ada Lovelace", arrival, arrival + timedelta(days=3), sleep=fake_seam.advance
    )

    [code] = seam.access_codes.list(device_id="august_device_1")
    assert code.code == pin and code.status == "set" and not code.is_backup
    assert fake_seam.keypad_entry("august_device_1", pin)  # the door opens with it


def test_a_failed_write_shares_a_backup_code_instead(seam, fake_seam, make_lock):
    # A lock whose next write fails, with two backup codes in its pool.
    lock = make_lock(capacity=10, fault_plan={"fail_next": 1}, pool_size=2)
    arrival = fake_seam.now()
    departure = arrival + timedelta(days=2)

    pin = check_in_guest(seam, lock.device_id, "Grace Hopper", arrival, departure, sleep=fake_seam.advance)

    codes = {code.code: code for code in seam.access_codes.list(device_id=lock.device_id)}
    guest_code = next(code for code in codes.values() if code.name == "Grace Hopper")
    assert guest_code.status == "setting"  # failed; Seam retries it later
    assert [e.error_code for e in guest_code.errors] == ["failed_to_set_on_device"]
    backup = codes[pin]
    assert backup.is_backup and backup.pulled_backup_access_code_id is None
    assert guest_code.pulled_backup_access_code_id == backup.access_code_id
    assert backup.ends_at == guest_code.ends_at  # the backup ends with the stay
    assert fake_seam.keypad_entry(lock.device_id, pin)
    assert not fake_seam.keypad_entry(lock.device_id, guest_code.code)


def test_an_offline_lock_gives_up_after_ten_minutes(seam, fake_seam, make_lock):
    lock = make_lock(online=False)
    arrival = fake_seam.now()

    with pytest.raises(CheckInFailed):
        check_in_guest(
            seam, lock.device_id, "Alan Turing", arrival, arrival + timedelta(days=1), sleep=fake_seam.advance
        )

    assert fake_seam.now() - arrival >= timedelta(minutes=10)  # simulated minutes, not real ones
    [code] = seam.access_codes.list(device_id=lock.device_id)
    assert "delay_in_setting_on_device" in [w.warning_code for w in code.warnings]


@pytest.mark.fake_seam_fleet({"manufacturer": "kwikset", "capacity": 5, "fault_plan": {"fail_next": 1}})
def test_the_same_over_real_http(seam_env):
    # Code that builds its own client from SEAM_ENDPOINT / SEAM_API_KEY, against a real server.
    lock = seam_env.fleet[0]
    arrival = seam_env.fake.now()

    with Seam() as seam:
        pin = check_in_guest(
            seam,
            lock.device_id,
            "Katherine Johnson",
            arrival,
            arrival + timedelta(days=1),
            sleep=seam_env.fake.advance,
        )

    assert [c["code"] for c in seam_env.fake.backup_pool(lock.device_id)["pulled"]] == [pin]
    assert seam_env.fake.keypad_entry(lock.device_id, pin)
