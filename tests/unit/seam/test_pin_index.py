"""The per-device PIN index that answers "is this PIN taken?" without scanning the device
must always agree with the full scan (`taken_codes`), whatever happened to the codes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from seam.exceptions import SeamHttpApiError

from fake_seam.fake import FakeSeam
from fake_seam.seam.errors import SeamError

DEVICE = "august_device_2"  # 10 slots, 4-6 digits, no constraints
PINS = ["1357", "2468", "9753", "8642", "1122"]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from(PINS), st.booleans()),
        st.tuples(st.just("update"), st.integers(0, 9), st.sampled_from(PINS)),
        st.tuples(st.just("delete"), st.integers(0, 9)),
        st.tuples(st.just("keypad"), st.sampled_from(PINS), st.sampled_from([*PINS, None])),
        st.tuples(st.just("advance"), st.sampled_from([1, 60, 3600])),
        st.tuples(st.just("offline"), st.booleans()),
    ),
    max_size=25,
)


def agree(fake: FakeSeam) -> None:
    cloud = fake.cloud
    device = cloud.store.devices[DEVICE]
    ids = [None, *cloud.store.codes_by_device[DEVICE]]
    for besides in ids:
        scanned = cloud.codes.taken_codes(device, besides=besides)
        for pin in PINS:
            assert cloud.codes.pin_taken(device, pin, besides=besides) == (pin in scanned), (pin, besides)


@settings(max_examples=60, deadline=None)
@given(operations)
def test_pin_index_agrees_with_a_full_scan(ops: list[tuple[Any, ...]]) -> None:
    fake = FakeSeam(frozen=True)
    seam = fake.client()
    made: list[str] = []
    for op in ops:
        try:
            if op[0] == "create":
                now = fake.now()
                extra = (
                    {
                        "starts_at": (now + timedelta(minutes=2)).isoformat(),
                        "ends_at": (now + timedelta(hours=2)).isoformat(),
                    }
                    if op[2]
                    else {}
                )
                made.append(seam.access_codes.create(device_id=DEVICE, code=op[1], **extra).access_code_id)
            elif op[0] == "update" and made:
                seam.access_codes.update(access_code_id=made[op[1] % len(made)], code=op[2])
            elif op[0] == "delete" and made:
                seam.access_codes.delete(access_code_id=made[op[1] % len(made)])
            elif op[0] == "keypad":
                fake.edit_keypad_code(DEVICE, op[1], op[2])
            elif op[0] == "advance":
                fake.advance(op[1])
            elif op[0] == "offline":
                (fake.go_offline if op[1] else fake.go_online)(DEVICE)
        except (SeamHttpApiError, SeamError):
            pass  # a duplicate PIN, a deleted code, no such PIN at the keypad: refused, and the index must still agree
        agree(fake)
    fake.settle()
    agree(fake)


def test_generated_pins_come_from_the_index_and_are_the_ones_the_full_set_gives() -> None:
    """A generated PIN asks the index one candidate at a time (a create no longer costs what
    the device holds), and draws what the whole set of taken PINs drew: same seed, same PINs."""
    fake = FakeSeam(frozen=True)
    cloud = fake.cloud
    # 4 digits from 1-6 only: 1,296 PINs, so later draws often hit a taken one and draw again.
    device = fake.create_lock(
        max_active_codes_supported=1000,
        supported_code_lengths=[4],
        code_constraints=[{"constraint_type": "cannot_contain_0789"}],
    )
    assert device.lock is not None
    for _ in range(300):
        same_draws = _rng_at(cloud.store.pin_rng.getstate())
        expected = device.lock.rules.generate(same_draws, cloud.codes.taken_codes(device))
        pin = cloud.codes.generate_pin(device)
        assert pin == expected and not cloud.codes.pin_taken(device, pin)
        cloud.codes.create(_caller(), device_id=device.device_id, code=pin)
    pins = [c.code for c in cloud.store.codes_by_device[device.device_id].values()]
    assert len(pins) == len(set(pins)) == 300


def _rng_at(state: Any) -> Any:
    import random

    rng = random.Random()
    rng.setstate(state)
    return rng


def _caller() -> Any:
    from fake_seam.seam.store import Caller

    return Caller("seed_workspace_1", "api_key")
