"""Every bad parameter on the Seam and control routes, through the official SDK: a Seam-shaped
400 or 404 that names the problem, and nothing stored changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from moments import HOUR, T0, at
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.fake import FakeSeam


class Setup:
    """A fake with a few codes of each kind, and their ids."""

    def __init__(self) -> None:
        self.fake = FakeSeam(frozen=True, now=T0)
        self.sdk = self.fake.client()
        sdk = self.sdk
        self.code = sdk.access_codes.create(
            device_id="august_device_1", code="4821", name="c1"
        ).access_code_id
        self.other = sdk.access_codes.create(device_id="august_device_1", code="1357").access_code_id
        self.bound = sdk.access_codes.create(
            device_id="yale_device_1", code="583920", starts_at=at(HOUR), ends_at=at(2 * HOUR)
        ).access_code_id
        linked = sdk.access_codes.create_multiple(
            device_ids=["august_device_2", "salto_device_1"], code="246813"
        )
        self.key = linked[0].common_code_key
        self.unmanaged = sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id="august_device_1", code="7777", name="Cleaner"
        ).access_code_id
        workspace, api_key = self.fake.create_workspace("Other")
        self.foreign_device = self.fake.create_lock(workspace.workspace_id).device_id
        self.foreign_code = (
            self.fake.client(api_key).access_codes.create(device_id=self.foreign_device).access_code_id
        )
        self.fake.settle()


Call = Callable[[Seam, Setup], Any]
# (id, call, HTTP status, error type, what the answer must name)
CASES: list[tuple[str, Call, int, str, str]] = [
    # access_codes/create
    (
        "create: device_id missing",
        lambda s, x: s.access_codes.create(device_id=None),
        400,
        "invalid_input",
        "device_id",
    ),
    (
        "create: device_id wrong type",
        lambda s, x: s.access_codes.create(device_id=123),
        400,
        "invalid_input",
        "device_id",
    ),
    (
        "create: unknown device",
        lambda s, x: s.access_codes.create(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "create: another workspace's device",
        lambda s, x: s.access_codes.create(device_id=x.foreign_device),
        404,
        "device_not_found",
        "device_id",
    ),
    (
        "create: not a lock",
        lambda s, x: s.access_codes.create(device_id="ecobee_device_1"),
        400,
        "invalid_input",
        "device_id",
    ),
    (
        "create: ends_at before starts_at",
        lambda s, x: s.access_codes.create(
            device_id="august_device_1", starts_at=at(2 * HOUR), ends_at=at(HOUR)
        ),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "create: ends_at equal to starts_at",
        lambda s, x: s.access_codes.create(device_id="august_device_1", starts_at=at(HOUR), ends_at=at(HOUR)),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "create: ends_at in the past",
        lambda s, x: s.access_codes.create(device_id="august_device_1", ends_at=at(-HOUR)),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "create: starts_at without ends_at",
        lambda s, x: s.access_codes.create(device_id="august_device_1", starts_at=at(HOUR)),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "create: ends_at not a date",
        lambda s, x: s.access_codes.create(device_id="august_device_1", ends_at="next tuesday"),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "create: ends_at wrong type",
        lambda s, x: s.access_codes.create(device_id="august_device_1", ends_at=5),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "create: code wrong length for the lock",
        lambda s, x: s.access_codes.create(device_id="yale_device_1", code="4821"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create: code breaks cannot_start_with_12",
        lambda s, x: s.access_codes.create(device_id="yale_device_1", code="128374"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create: code breaks no_ascending_or_descending_sequence",
        lambda s, x: s.access_codes.create(device_id="yale_device_1", code="345678"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create: code breaks no_zeros",
        lambda s, x: s.access_codes.create(device_id="salto_device_1", code="102938"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create: code not digits",
        lambda s, x: s.access_codes.create(device_id="august_device_1", code="48a1"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create: code too short",
        lambda s, x: s.access_codes.create(device_id="august_device_1", code="12"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create: code wrong type",
        lambda s, x: s.access_codes.create(device_id="august_device_1", code=4821),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create: duplicate code",
        lambda s, x: s.access_codes.create(device_id="august_device_1", code="4821"),
        409,
        "duplicate_access_code",
        "device_id",
    ),
    (
        "create: duplicate of a keypad code",
        lambda s, x: s.access_codes.create(device_id="august_device_1", code="7777"),
        409,
        "duplicate_access_code",
        "device_id",
    ),
    (
        "create: flag wrong type",
        lambda s, x: s.access_codes.create(device_id="august_device_1", is_one_time_use="yes"),
        400,
        "invalid_input",
        "is_one_time_use",
    ),
    (
        "create: backup pool on an ongoing code",
        lambda s, x: s.access_codes.create(device_id="august_device_1", use_backup_access_code_pool=True),
        400,
        "invalid_input",
        "use_backup_access_code_pool",
    ),
    (
        "create: backup pool on Salto",
        lambda s, x: s.access_codes.create(
            device_id="salto_device_1", ends_at=at(HOUR), use_backup_access_code_pool=True
        ),
        400,
        "invalid_input",
        "use_backup_access_code_pool",
    ),
    # access_codes/create_multiple: one bad device refuses the whole group
    (
        "create_multiple: device_ids wrong type",
        lambda s, x: s.access_codes.create_multiple(device_ids=5),
        400,
        "invalid_input",
        "device_ids",
    ),
    (
        "create_multiple: device_ids empty",
        lambda s, x: s.access_codes.create_multiple(device_ids=[]),
        400,
        "invalid_input",
        "device_ids",
    ),
    (
        "create_multiple: one unknown device",
        lambda s, x: s.access_codes.create_multiple(device_ids=["august_device_1", "nope"]),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "create_multiple: ends_at before starts_at",
        lambda s, x: s.access_codes.create_multiple(
            device_ids=["august_device_1"], starts_at=at(2 * HOUR), ends_at=at(HOUR)
        ),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "create_multiple: code one lock refuses",
        lambda s, x: s.access_codes.create_multiple(
            device_ids=["august_device_1", "yale_device_1"], code="9753"
        ),
        400,
        "invalid_input",
        "code",
    ),
    (
        "create_multiple: pool on Salto",
        lambda s, x: s.access_codes.create_multiple(
            device_ids=["august_device_1", "salto_device_1"],
            ends_at=at(HOUR),
            use_backup_access_code_pool=True,
        ),
        400,
        "invalid_input",
        "use_backup_access_code_pool",
    ),
    # access_codes/get and list
    (
        "get: unknown code",
        lambda s, x: s.access_codes.get(access_code_id="nope"),
        404,
        "access_code_not_found",
        "nope",
    ),
    (
        "get: another workspace's code",
        lambda s, x: s.access_codes.get(access_code_id=x.foreign_code),
        404,
        "access_code_not_found",
        "access_code_id",
    ),
    (
        "get: wrong device for the code",
        lambda s, x: s.access_codes.get(access_code_id=x.code, device_id="august_device_2"),
        404,
        "access_code_not_found",
        "access_code_id",
    ),
    (
        "list: unknown device",
        lambda s, x: s.access_codes.list(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "list: limit not a number",
        lambda s, x: s.access_codes.list(device_id="august_device_1", limit="many"),
        400,
        "invalid_input",
        "limit",
    ),
    # access_codes/update
    (
        "update: unknown code",
        lambda s, x: s.access_codes.update(access_code_id="nope", name="x"),
        404,
        "access_code_not_found",
        "nope",
    ),
    (
        "update: access_code_id missing",
        lambda s, x: s.access_codes.update(access_code_id=None, name="x"),
        400,
        "invalid_input",
        "access_code_id",
    ),
    (
        "update: ends_at before starts_at",
        lambda s, x: s.access_codes.update(
            access_code_id=x.bound, starts_at=at(3 * HOUR), ends_at=at(2 * HOUR)
        ),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "update: ends_at in the past",
        lambda s, x: s.access_codes.update(access_code_id=x.code, ends_at=at(-1)),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "update: starts_at without ends_at on an ongoing code",
        lambda s, x: s.access_codes.update(access_code_id=x.code, starts_at=at(HOUR)),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "update: time_bound without ends_at",
        lambda s, x: s.access_codes.update(access_code_id=x.code, type="time_bound"),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "update: type not in the enum",
        lambda s, x: s.access_codes.update(access_code_id=x.code, type="forever"),
        400,
        "invalid_input",
        "type",
    ),
    (
        "update: code wrong length",
        lambda s, x: s.access_codes.update(access_code_id=x.bound, code="4821"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "update: code breaks a constraint",
        lambda s, x: s.access_codes.update(access_code_id=x.bound, code="123987"),
        400,
        "invalid_input",
        "code",
    ),
    (
        "update: code used by another code",
        lambda s, x: s.access_codes.update(access_code_id=x.code, code="1357"),
        409,
        "duplicate_access_code",
        "device_id",
    ),
    (
        "update: name wrong type",
        lambda s, x: s.access_codes.update(access_code_id=x.code, name=5),
        400,
        "invalid_input",
        "name",
    ),
    (
        "update: move to another device",
        lambda s, x: s.access_codes.update(access_code_id=x.code, device_id="august_device_2"),
        400,
        "invalid_input",
        "device_id",
    ),
    # access_codes/update_multiple: all refused, none changed
    (
        "update_multiple: key missing",
        lambda s, x: s.access_codes.update_multiple(common_code_key=None, name="x"),
        400,
        "invalid_input",
        "common_code_key",
    ),
    (
        "update_multiple: ends_at before starts_at",
        lambda s, x: s.access_codes.update_multiple(
            common_code_key=x.key, starts_at=at(3 * HOUR), ends_at=at(2 * HOUR)
        ),
        400,
        "invalid_input",
        "ends_at",
    ),
    (
        "update_multiple: ends_at not a date",
        lambda s, x: s.access_codes.update_multiple(common_code_key=x.key, ends_at="soon"),
        400,
        "invalid_input",
        "ends_at",
    ),
    # access_codes/delete
    (
        "delete: unknown code",
        lambda s, x: s.access_codes.delete(access_code_id="nope"),
        404,
        "access_code_not_found",
        "nope",
    ),
    (
        "delete: wrong device for the code",
        lambda s, x: s.access_codes.delete(access_code_id=x.code, device_id="august_device_2"),
        404,
        "access_code_not_found",
        "access_code_id",
    ),
    (
        "delete: another workspace's code",
        lambda s, x: s.access_codes.delete(access_code_id=x.foreign_code),
        404,
        "access_code_not_found",
        "access_code_id",
    ),
    # generate_code and report_device_constraints
    (
        "generate_code: unknown device",
        lambda s, x: s.access_codes.generate_code(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "generate_code: not a lock",
        lambda s, x: s.access_codes.generate_code(device_id="minut_device_1"),
        400,
        "invalid_input",
        "device_id",
    ),
    (
        "report_device_constraints: unknown device",
        lambda s, x: s.access_codes.report_device_constraints(device_id="nope", supported_code_lengths=[4]),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "report_device_constraints: lengths wrong type",
        lambda s, x: s.access_codes.report_device_constraints(
            device_id="august_device_1", supported_code_lengths="four"
        ),
        400,
        "invalid_input",
        "supported_code_lengths",
    ),
    (
        "report_device_constraints: nothing to report",
        lambda s, x: s.access_codes.report_device_constraints(device_id="august_device_1"),
        400,
        "invalid_input",
        "supported_code_lengths",
    ),
    (
        "report_device_constraints: both forms",
        lambda s, x: s.access_codes.report_device_constraints(
            device_id="august_device_1", supported_code_lengths=[4], min_code_length=4
        ),
        400,
        "invalid_input",
        "supported_code_lengths",
    ),
    (
        "report_device_constraints: max below min",
        lambda s, x: s.access_codes.report_device_constraints(
            device_id="august_device_1", min_code_length=6, max_code_length=4
        ),
        400,
        "invalid_input",
        "max_code_length",
    ),
    # unmanaged codes
    (
        "unmanaged/get: unknown code",
        lambda s, x: s.access_codes.unmanaged.get(access_code_id="nope"),
        404,
        "access_code_not_found",
        "nope",
    ),
    (
        "unmanaged/list: unknown device",
        lambda s, x: s.access_codes.unmanaged.list(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "unmanaged/update: unknown code",
        lambda s, x: s.access_codes.unmanaged.update(access_code_id="nope", is_managed=True),
        404,
        "access_code_not_found",
        "nope",
    ),
    (
        "unmanaged/update: is_managed wrong type",
        lambda s, x: s.access_codes.unmanaged.update(access_code_id=x.unmanaged, is_managed="yes"),
        400,
        "invalid_input",
        "is_managed",
    ),
    (
        "unmanaged/delete: a managed code's id",
        lambda s, x: s.access_codes.unmanaged.delete(access_code_id=x.code),
        404,
        "access_code_not_found",
        "access_code_id",
    ),
    (
        "unmanaged/convert_to_managed: unknown code",
        lambda s, x: s.access_codes.unmanaged.convert_to_managed(access_code_id="nope"),
        404,
        "access_code_not_found",
        "nope",
    ),
    (
        "simulate/create_unmanaged: unknown device",
        lambda s, x: s.access_codes.simulate.create_unmanaged_access_code(
            device_id="nope", code="5555", name="x"
        ),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "simulate/create_unmanaged: wrong length",
        lambda s, x: s.access_codes.simulate.create_unmanaged_access_code(
            device_id="yale_device_1", code="5555", name="x"
        ),
        400,
        "invalid_input",
        "code",
    ),
    (
        "simulate/create_unmanaged: duplicate",
        lambda s, x: s.access_codes.simulate.create_unmanaged_access_code(
            device_id="august_device_1", code="4821", name="x"
        ),
        409,
        "duplicate_access_code",
        "device_id",
    ),
    (
        "simulate/create_unmanaged: name missing",
        lambda s, x: s.access_codes.simulate.create_unmanaged_access_code(
            device_id="august_device_1", code="5555", name=None
        ),
        400,
        "invalid_input",
        "name",
    ),
    # Seam's sandbox routes
    (
        "devices/simulate/connect: unknown device",
        lambda s, x: s.devices.simulate.connect(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "devices/simulate/disconnect: unknown device",
        lambda s, x: s.devices.simulate.disconnect(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "devices/simulate/disconnect: device_id wrong type",
        lambda s, x: s.devices.simulate.disconnect(device_id=7),
        400,
        "invalid_input",
        "device_id",
    ),
    (
        "devices/simulate/remove: unknown device",
        lambda s, x: s.devices.simulate.remove(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "devices/simulate/remove: another workspace's device",
        lambda s, x: s.devices.simulate.remove(device_id=x.foreign_device),
        404,
        "device_not_found",
        "device_id",
    ),
    (
        "connected_accounts/simulate/disconnect: unknown account",
        lambda s, x: s.connected_accounts.simulate.disconnect(connected_account_id="nope"),
        404,
        "connected_account_not_found",
        "nope",
    ),
    (
        "locks/simulate/keypad_code_entry: unknown device",
        lambda s, x: s.locks.simulate.keypad_code_entry(device_id="nope", code="4821"),
        404,
        "device_not_found",
        "nope",
    ),
    (
        "locks/simulate/keypad_code_entry: not a lock",
        lambda s, x: s.locks.simulate.keypad_code_entry(device_id="ecobee_device_1", code="4821"),
        400,
        "invalid_input",
        "device_id",
    ),
    (
        "locks/simulate/keypad_code_entry: code missing",
        lambda s, x: s.locks.simulate.keypad_code_entry(device_id="august_device_1", code=None),
        400,
        "invalid_input",
        "code",
    ),
    (
        "locks/simulate/manual_lock_via_keypad: unknown device",
        lambda s, x: s.locks.simulate.manual_lock_via_keypad(device_id="nope"),
        404,
        "device_not_found",
        "nope",
    ),
]


def stored(fake: FakeSeam) -> dict[str, Any]:
    """Everything the fake keeps, less the event log (requests may not add events anyway)."""
    state = fake.database()
    state.pop("events")
    slots = {
        device_id: fake.slots(device_id)
        for device_id, device in fake.cloud.store.devices.items()
        if device.lock is not None
    }
    return {**state, "slots": slots, "jobs": [(j.due, j.label) for j in fake.timeline.pending()]}


@pytest.mark.parametrize("call,status,error_type,named", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_parameter_is_named_and_nothing_changes(
    call: Call, status: int, error_type: str, named: str
) -> None:
    setup = Setup()
    before = stored(setup.fake)
    events_before = len(setup.fake.database()["events"])
    with pytest.raises(SeamHttpApiError) as refused:
        call(setup.sdk, setup)
    error = refused.value
    assert (error.status_code, error.code) == (status, error_type), str(error)
    if isinstance(error, SeamHttpInvalidInputError):
        named_in = [v.parameter_name for v in error.validation_errors] + [str(error)]
        assert any(named in n for n in named_in), (named_in, named)
        assert all(v.error_messages for v in error.validation_errors)
    else:
        assert named in str(error.data) + str(error), (error.data, str(error))
    assert str(error)  # a message a person can read
    assert stored(setup.fake) == before
    assert len(setup.fake.database()["events"]) == events_before


def test_zod_words_for_wrong_types() -> None:
    setup = Setup()
    with pytest.raises(SeamHttpInvalidInputError) as wrong:
        setup.sdk.access_codes.create(device_id=123)
    assert wrong.value.get_validation_error_messages("device_id") == ["Expected string, received number"]
    with pytest.raises(SeamHttpInvalidInputError) as missing:
        setup.sdk.access_codes.create(device_id=None)
    assert missing.value.get_validation_error_messages("device_id") == ["Required"]


def test_a_rejected_code_names_the_rule_it_breaks() -> None:
    setup = Setup()
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        setup.sdk.access_codes.create(device_id="yale_device_1", code="4821")
    assert "6 digits" in refused.value.get_validation_error_messages("code")[0]
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        setup.sdk.access_codes.create(device_id="salto_device_1", code="102938")
    assert "no_zeros" in refused.value.get_validation_error_messages("code")[0]


def test_a_lock_that_chooses_its_own_pins_refuses_a_given_one() -> None:
    setup = Setup()
    lock = setup.fake.create_lock(code_constraints=[{"constraint_type": "cannot_specify_pin_code"}])
    before = stored(setup.fake)
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        setup.sdk.access_codes.create(device_id=lock.device_id, code="4821")
    assert "cannot_specify_pin_code" in refused.value.get_validation_error_messages("code")[0]
    assert stored(setup.fake) == before
    assert setup.sdk.access_codes.create(device_id=lock.device_id).code  # a generated one is fine


def test_name_constraints_of_a_lock() -> None:
    setup = Setup()
    lock = setup.fake.create_lock(
        code_constraints=[
            {"constraint_type": "name_length", "max_length": 5},
            {"constraint_type": "name_must_be_unique"},
        ]
    )
    setup.sdk.access_codes.create(device_id=lock.device_id, name="Ann")
    before = stored(setup.fake)
    for name, words in (("Annabelle", "at most 5"), ("Ann", "unique")):
        with pytest.raises(SeamHttpInvalidInputError) as refused:
            setup.sdk.access_codes.create(device_id=lock.device_id, name=name)
        assert words in refused.value.get_validation_error_messages("name")[0]
    assert stored(setup.fake) == before
