"""The lock's keypad: someone types a PIN, makes a code of their own, or edits one behind Seam's back."""

from __future__ import annotations

import random
from typing import Annotated, Any

from fake_seam.controls.control import Bench, ControlParams, control
from fake_seam.controls.devices import lock_device, read_slots
from fake_seam.simulator import PinRejected
from fake_seam.wire import shapes
from fake_seam.wire import validation as z


class KeypadEntry(ControlParams):
    device_id: Annotated[str, z.string()]
    code: Annotated[str, z.string()]


def read_opened(answer: dict[str, Any]) -> bool:
    return bool(answer["opened"])


def _describe_entry(p: KeypadEntry, answer: dict[str, Any]) -> str:
    opened = answer.get("opened")
    said = "was typed (the server did not say whether it opened)"
    if opened is not None:
        said = "opened the door" if opened else "was refused"
    return f"PIN {p.code} on {p.device_id} {said}"


@control(
    "/_fake/devices/keypad_entry",
    KeypadEntry,
    answer=lambda fake, p, opened: {"device_id": p.device_id, "code": p.code, "opened": opened},
    read=read_opened,
    describe=_describe_entry,
)
def keypad_entry(fake: Bench, p: KeypadEntry) -> bool:
    """Type a PIN on the lock's keypad: True if it opened (event `lock.unlocked`, else
    `lock.access_denied`)."""
    return fake.cloud.locks.keypad_entry(lock_device(fake, p.device_id), p.code)


class KeypadCode(ControlParams):
    device_id: Annotated[str, z.string()]
    code: Annotated[str, z.string()]
    name: Annotated[str | None, z.string()] = None


@control(
    "/_fake/devices/add_keypad_code",
    KeypadCode,
    describe=lambda p, a: (
        f"code {p.code} made on {p.device_id}'s keypad -> unmanaged {a.get('access_code_id')}"
    ),
)
def add_keypad_code(fake: Bench, p: KeypadCode) -> dict[str, Any]:
    """A code made on the lock itself: it takes a slot and appears as an unmanaged access code."""
    record = fake.cloud.locks.add_unmanaged_code(lock_device(fake, p.device_id), p.code, p.name)
    return shapes.unmanaged_access_code(record)


class KeypadEdit(ControlParams):
    device_id: Annotated[str, z.string()]
    code: Annotated[str, z.string()]  # the PIN now in the slot
    new_code: Annotated[str | None, z.string().nullable()] = None  # None: deleted at the keypad


def _describe_edit(p: KeypadEdit, answer: dict[str, Any]) -> str:
    change = f"changed to {p.new_code}" if p.new_code is not None else "deleted"
    return f"PIN {p.code} {change} at {p.device_id}'s keypad, behind Seam's back"


@control(
    "/_fake/devices/edit_keypad_code",
    KeypadEdit,
    answer=lambda fake, p, slots: {"slots": slots},
    read=read_slots,
    describe=_describe_edit,
)
def edit_keypad_code(fake: Bench, p: KeypadEdit) -> list[dict[str, Any]]:
    """Change a PIN at the lock (or, with `new_code` None, delete it), behind Seam's back;
    answers the slots."""
    device = lock_device(fake, p.device_id)
    assert device.lock is not None
    fake.cloud.locks.edit_on_keypad(device, p.code, p.new_code)
    return [slot.as_json() for slot in device.lock.occupied()]


def free_pin(fake: Bench, device_id: str, rng: random.Random) -> str | None:
    """A PIN the lock's rules accept and nothing on it holds yet (None if there is none):
    what a person at the keypad would make up."""
    device = lock_device(fake, device_id)
    assert device.lock is not None
    try:
        return device.lock.rules.generate(rng, fake.cloud.codes.taken_codes(device))
    except PinRejected:
        return None
