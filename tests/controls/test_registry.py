"""The controls registry and everything made from it: each control has a /_fake route, a
`FakeSeam` method and a scenario action of one name, they give the same answer, and a bad
parameter is refused the way Seam refuses one (zod's words, the parameter named, a 400)."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from moments import T0
from repo import ROOT

from fake_seam.api.handler import load_routes
from fake_seam.controls import CONTROLS, Control, InvalidControlInput
from fake_seam.controls.methods import signature
from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam
from fake_seam.scenarios.actions import DEPRECATED, arguments
from fake_seam.scenarios.model import ACTIONS, parse_scenario
from fake_seam.scenarios.steps import execute
from fake_seam.scenarios.targets import InProcessTarget
from fake_seam.seam.seed import load_seed
from fake_seam.wire.validation import ZodBoolean, ZodDuration, ZodNullable, ZodNumber, ZodString, ZodType

FRONT = "august_device_1"


def steered_attempt(fake: FakeSeam) -> dict[str, Any]:
    attempt = fake.client().locks.unlock_door(device_id=FRONT, wait_for_action_attempt=False)
    return {"action_attempt_id": attempt.action_attempt_id, "status": "error", "error": {"type": "jammed"}}


def code_on_the_lock(fake: FakeSeam) -> dict[str, Any]:
    fake.client().access_codes.create(device_id=FRONT, code="4821")
    fake.settle()
    return {"device_id": FRONT, "code": "4821", "new_code": "1111"}


def delivery_due(fake: FakeSeam) -> dict[str, Any]:
    """A webhook to an app in this process, and an event on its way to it."""

    def taken(environ: Any, start_response: Any) -> list[bytes]:
        start_response("204 No Content", [])
        return []

    fake.client().webhooks.create(url=fake.webhooks.deliver_to(taken, "/seam", interface="wsgi"))
    fake.go_offline(FRONT)
    return {}


def delivery_made(fake: FakeSeam) -> dict[str, Any]:
    delivery_due(fake)
    fake.webhooks.flush()
    return {}


def pending_webview(fake: FakeSeam) -> dict[str, Any]:
    webview = fake.client().connect_webviews.create(accepted_providers=["yale"])
    return {"connect_webview_id": webview.connect_webview_id, "lock_count": 1}


# Parameters each control is tried with (a function: made on the fake first). A new control
# needs an entry: `test_every_control_has_an_example` says so.
EXAMPLES: dict[str, dict[str, Any] | Callable[[FakeSeam], dict[str, Any]]] = {
    "now": {},
    "advance": {"seconds": 90},
    "set_time": {"now": "2027-01-01T00:00:00.000Z"},
    "freeze": {"frozen": False},
    "settle": {},
    "reset": {},
    "default_seed": {},
    "database": {},
    "create_lock": {"display_name": "Shed", "max_active_codes_supported": 2, "fault_plan": {"fail_next": 1}},
    "create_workspace": {"name": "Other", "seed": "default_fleet"},
    "simulate_workspace_outage": {"workspace_id": "seed_workspace_1", "routes": ["/devices/list"]},
    "update_action_attempt": steered_attempt,
    "set_fault_plan": {"device_id": FRONT, "fail_next": 2, "error_code": "duplicate_code_on_device"},
    "go_offline": {"device_id": FRONT, "for_seconds": 600},
    "go_online": {"device_id": FRONT},
    "slots": {"device_id": FRONT},
    "set_battery_level": {"device_id": FRONT, "level": 0.2},
    "keypad_entry": {"device_id": FRONT, "code": "0000"},
    "add_keypad_code": {"device_id": FRONT, "code": "7777", "name": "Cleaner"},
    "edit_keypad_code": code_on_the_lock,
    "set_backup_pool": {"device_id": FRONT, "pool_size": 2, "many_active_backup_codes_threshold": 1},
    "backup_pool": {"device_id": FRONT},
    "flush_webhooks": delivery_due,
    "complete_connect_webview": pending_webview,
    "webhook_deliveries": delivery_made,
    "console_overview": {"workspace_id": "seed_workspace_1", "limit": 2, "search": "door"},
    "console_lock": {"device_id": FRONT, "limit": 5},
}


def new_fake() -> FakeSeam:
    return FakeSeam(frozen=True, now=T0)


def http(fake: FakeSeam) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT)


def example(name: str, fake: FakeSeam) -> dict[str, Any]:
    made = EXAMPLES[name]
    return made(fake) if callable(made) else dict(made)


# -- one registry, every surface -------------------------------------------------------------


def test_every_control_has_an_example() -> None:
    assert set(EXAMPLES) == set(CONTROLS)


def test_names_and_paths_are_unique_and_paths_are_fake_routes() -> None:
    assert len({c.path for c in CONTROLS.values()}) == len(CONTROLS)
    for name, declared in CONTROLS.items():
        assert declared.name == name
        assert declared.path.startswith("/_fake/")
        assert declared.doc, f"{name} says what it does"


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_every_control_has_a_route_a_method_and_an_action_of_its_name(name: str) -> None:
    declared = CONTROLS[name]
    endpoint = load_routes()[declared.path]
    assert endpoint.handler.__name__ == name
    assert endpoint.params is declared.params and endpoint.auth is False

    made = getattr(FakeSeam, name)
    parameters = list(inspect.signature(made).parameters)
    assert parameters == list(signature(declared).parameters)  # required first, as declared
    assert set(parameters[1:]) == set(declared.params.model_fields)
    assert declared.doc.splitlines()[0] in (made.__doc__ or "")
    assert f'control("{name}")' in inspect.getsource(made)  # it runs this control, no other

    assert name in ACTIONS
    step = parse_scenario(f"steps:\n  - {name}: {json.dumps(example(name, new_fake()))}\n").steps[0]
    assert step.action == name


def documented_control_routes() -> set[str]:
    """The `/_fake` paths in the rows of the controls table (docs/reference/controls.md,
    generated by tools/gen_docs.py, which the "Control routes" page links to)."""
    text = (ROOT / "docs" / "reference" / "controls.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return {path for row in rows for path in re.findall(r"/_fake/[a-z_/]*[a-z_]", row.split(" | ")[1])}


def test_the_control_table_lists_every_control_and_nothing_else() -> None:
    """A new control gets its row once the reference is regenerated; a row for a control that is
    gone fails."""
    assert documented_control_routes() == {c.path for c in CONTROLS.values()}


def test_deprecated_action_names_point_at_controls_and_warn() -> None:
    for old, renamed in DEPRECATED.items():
        assert old not in CONTROLS and renamed.control in CONTROLS
        fields = CONTROLS[renamed.control].params.model_fields
        assert set(renamed.keys.values()) <= set(fields) and set(renamed.defaults) <= set(fields)
    with pytest.warns(DeprecationWarning, match="'fail_next' is deprecated; write 'set_fault_plan'"):
        step = parse_scenario("steps:\n  - fail_next: {device: d, count: 2}\n").steps[0]
    assert (step.action, step.arg) == ("set_fault_plan", {"device_id": "d", "fail_next": 2})


# -- the same answer whichever way a control is reached --------------------------------------


def by_method(name: str) -> dict[str, Any]:
    fake = new_fake()
    declared: Control[Any, Any] = CONTROLS[name]
    values = example(name, fake)
    result = getattr(fake, name)(**values)
    return declared.answer(fake, declared.params_of(**values), result)


def by_route(name: str) -> dict[str, Any]:
    fake = new_fake()
    declared = CONTROLS[name]
    answer = http(fake).post(declared.path, json=example(name, fake))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    if declared.ok:
        assert body.pop("ok") is True
    return body


def by_scenario(name: str) -> dict[str, Any]:
    target = InProcessTarget(
        load_seed("default"),
        start=T0,
        rng_seed=0,
        settings={},
        api_keys={"seed_workspace_1": "seam_apikey1_token"},
        default_workspace="seed_workspace_1",
    )
    values = example(name, target.fake)
    step = parse_scenario(f"steps:\n  - {name}: {json.dumps(values)}\n").steps[0]
    outcome = execute(step, target, step.arg, {}, None)
    assert outcome.failure is None, outcome.summary
    assert outcome.summary, "the report says what happened"
    return outcome.result


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_route_method_and_action_give_the_same_answer(name: str) -> None:
    from_method = by_method(name)
    assert by_route(name) == from_method
    assert by_scenario(name) == from_method


def test_a_route_and_its_method_change_the_fake_alike() -> None:
    one, two = new_fake(), new_fake()
    one.go_offline(FRONT, for_seconds=600)
    one.create_lock(display_name="Shed")
    http(two).post("/_fake/devices/go_offline", json={"device_id": FRONT, "for_seconds": 600})
    http(two).post("/_fake/devices/create", json={"display_name": "Shed"})
    assert one.database() == two.database()


# -- bad parameters: zod's words, the parameter named, 400, nothing changed -----------------------


def wrong_value(zod: ZodType) -> tuple[Any, str]:
    """A value of the wrong type for this field, and zod's word for what it received."""
    while isinstance(zod, ZodNullable):
        zod = zod.inner
    if isinstance(zod, ZodDuration):  # seconds, or a duration as text: not "soon"
        return "soon", "'soon' is not a duration"
    if isinstance(zod, ZodNumber):
        return "soon", "Expected number, received string"
    if isinstance(zod, ZodBoolean):
        return "maybe", "Expected boolean, received string"
    if isinstance(zod, ZodString):
        return 12345, "Expected string, received number"
    return 12345, "Expected"


CASES = [
    (name, field) for name, declared in sorted(CONTROLS.items()) for field in declared.params.model_fields
]


@pytest.mark.parametrize(("name", "field"), CASES)
def test_a_bad_param_is_a_zod_shaped_400_that_changes_nothing(name: str, field: str) -> None:
    fake = new_fake()
    declared = CONTROLS[name]
    zod = next(m for m in declared.params.model_fields[field].metadata if isinstance(m, ZodType))
    value, words = wrong_value(zod)
    params = {**example(name, fake), field: value}
    before = fake.database()
    answer = http(fake).post(declared.path, json=params)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["type"] == "invalid_input"
    assert f'for "{field}"' in error["message"]
    assert error["validation_errors"][field]["_errors"][0].startswith(words)
    with pytest.raises(InvalidControlInput) as raised:  # the method says the same, as a ValueError
        getattr(fake, name)(**params)
    assert isinstance(raised.value, ValueError)
    assert raised.value.validation_errors == error["validation_errors"]
    assert fake.database() == before


@pytest.mark.parametrize(
    ("name", "field"),
    [
        (n, f)
        for n, c in sorted(CONTROLS.items())
        for f, info in c.params.model_fields.items()
        if info.is_required()
    ],
)
def test_a_missing_param_is_named(name: str, field: str) -> None:
    fake = new_fake()
    declared = CONTROLS[name]
    params = {k: v for k, v in example(name, fake).items() if k != field}
    answer = http(fake).post(declared.path, json=params)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["message"].startswith(f"{field} is required") or f"{field} is required" in error["message"]
    assert error["validation_errors"][field] == {"_errors": ["Required"]}


def test_a_scenario_names_the_key_it_wrote() -> None:
    read = arguments("go_offline", {"device": "d", "for": "soon"})
    assert read.problems == [
        ("for", "for: 'soon' is not a duration (write e.g. 10m, 1h30m, 2.5s, 500ms, 1d)")
    ]
    read = arguments("set_backup_pool", {"device": "d", "pool_size": -1})
    assert read.problems == [("pool_size", "pool_size: Number must be greater than or equal to 0")]


def test_the_fake_seam_methods_module_is_generated_from_the_registry() -> None:
    """`fake_seam/control_methods.py` and `fake_seam/remote_methods.py` are what
    tools/gen_control_methods.py makes of the registry today: a control added or changed without
    regenerating fails here."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_control_methods.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
