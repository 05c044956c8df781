"""`FakeSeamClient`: a running server's controls with `FakeSeam`'s methods. Every control of the
registry is sent to a served fake and answers what the same method answers in process."""

from __future__ import annotations

import inspect
import json
import re
import typing
from datetime import datetime
from typing import Any

import httpx
import pytest
from moments import T0
from test_registry import EXAMPLES, example

from fake_seam import FakeSeam, FakeSeamClient, remote_methods
from fake_seam.controls import CONTROLS, InvalidControlInput, devices
from fake_seam.seam.errors import SeamError
from fake_seam.seam.records import ActionAttempt, Device, Workspace
from fake_seam.server import ThreadedServer

FRONT = "august_device_1"
RECORDS = (Device, Workspace, ActionAttempt)
# A served fake sends due webhooks on its own (its timer wakes at every due time), so what is
# left for an explicit flush depends on timing: only what the fake ends up holding is compared.
SENT_BY_THE_SERVER_TOO = {"flush_webhooks"}


@pytest.fixture
def served():
    """A fake of its own served on loopback: the default seed, frozen at T0 (as the fakes below)."""
    server = ThreadedServer(FakeSeam(now=T0, frozen=True)).start()
    yield server
    server.stop()


@pytest.fixture
def client(served):
    with FakeSeamClient(served.endpoint) as made:
        yield made


def matches(value: Any, annotation: Any) -> bool:
    """Whether a value is of a (simple) annotated type: what the generated signature promises."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is type(None) or annotation is None:
        return value is None
    if annotation is Any:
        return True
    if origin is tuple:
        return isinstance(value, tuple) and all(matches(v, a) for v, a in zip(value, args, strict=True))
    if origin in (list, dict):
        return isinstance(value, origin)
    return isinstance(value, annotation)


def as_json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_every_control_answers_over_http_what_the_fake_answers_in_process(name, served, client):
    declared = CONTROLS[name]
    local = FakeSeam(now=T0, frozen=True)
    values = example(name, local)
    local_result = getattr(local, name)(**values)
    remote_result = getattr(client, name)(**example(name, served.fake))

    # The generated module names some parameter types for type checkers only: supply them.
    names = {**vars(remote_methods), **vars(devices)}
    returns = typing.get_type_hints(getattr(FakeSeamClient, name), globalns=names)["return"]
    assert matches(remote_result, returns), f"{name} returned {remote_result!r}, not {returns}"
    if isinstance(local_result, RECORDS) or (
        isinstance(local_result, tuple) and isinstance(local_result[0], RECORDS)
    ):
        # A record comes back as Seam's JSON of it: what the route answers.
        params = declared.params_of(**values)
        assert remote_result == declared.result_of(declared.answer(local, params, local_result))
    elif name not in SENT_BY_THE_SERVER_TOO:
        assert as_json(remote_result) == as_json(local_result)
        assert type(remote_result) is type(local_result)
    # And it did to the server what it did here.
    assert served.fake.database() == local.database()
    assert served.fake.webhook_deliveries() == local.webhook_deliveries()


def test_every_control_is_a_client_method_with_the_fake_seam_methods_parameters():
    for name in CONTROLS:
        remote, local = getattr(FakeSeamClient, name), getattr(FakeSeam, name)
        assert inspect.signature(remote).parameters == inspect.signature(local).parameters
        assert re.search(rf'self\.send\(\s*"{name}"', inspect.getsource(remote))  # this control, no other
        assert (local.__doc__ or "").split("\n\n")[0] == (remote.__doc__ or "").split("\n\n")[0]
    assert set(EXAMPLES) == set(CONTROLS)  # the test above tries each one


def test_the_client_returns_the_fakes_python_types(client):
    moved = client.advance(90)
    assert isinstance(moved, datetime) and moved == client.now()
    assert client.keypad_entry(FRONT, "0000") is False
    workspace, key = client.create_workspace(name="Other")
    assert workspace["name"] == "Other" and key.startswith("seam_")
    device = client.create_lock(display_name="Shed")
    assert device["display_name"] == "Shed"
    assert client.slots(device["device_id"]) == []
    assert client.go_offline(FRONT) is None


def test_an_error_the_server_answers_is_raised_as_the_fake_raises_it(client):
    with pytest.raises(SeamError) as locally:
        FakeSeam().slots("no_such_device")
    with pytest.raises(SeamError) as remotely:
        client.slots("no_such_device")
    assert type(remotely.value) is type(locally.value)
    for field in ("type", "message", "status", "data"):
        assert getattr(remotely.value, field) == getattr(locally.value, field)


def test_a_bad_argument_raises_invalid_control_input_before_anything_is_sent():
    sent: list[httpx.Request] = []
    client = FakeSeamClient(transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(500)))
    with pytest.raises(InvalidControlInput) as remotely:
        client.advance(-1)
    with pytest.raises(InvalidControlInput) as locally:
        FakeSeam().advance(-1)
    assert isinstance(remotely.value, ValueError) and sent == []
    assert remotely.value.validation_errors == locally.value.validation_errors


def test_invalid_input_the_server_finds_is_an_invalid_control_input(client):
    with pytest.raises(InvalidControlInput) as raised:
        client.set_time("not a time")
    assert raised.value.status == 400 and "now" in raised.value.validation_errors


def test_an_answer_that_is_not_seams_is_a_seam_error_naming_the_route():
    gateway = httpx.MockTransport(lambda r: httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(SeamError, match="/_fake/clock answered 502") as raised:
        FakeSeamClient(transport=gateway).now()
    assert raised.value.status == 502


def test_every_request_says_json_and_carries_the_control_token_when_given():
    seen: list[httpx.Request] = []
    fake = FakeSeam()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return fake.transport().handle_request(request)

    transport = httpx.MockTransport(answer)
    FakeSeamClient(transport=transport, control_token="s3cret").go_offline(FRONT, for_seconds=60)
    FakeSeamClient(transport=transport).now()
    with_token, without = seen
    assert with_token.headers["content-type"] == without.headers["content-type"] == "application/json"
    assert with_token.headers["x-fake-seam-control-token"] == "s3cret"
    assert "x-fake-seam-control-token" not in without.headers
    assert json.loads(with_token.content) == {"device_id": FRONT, "for_seconds": 60}
    assert with_token.url.path == "/_fake/devices/go_offline"
