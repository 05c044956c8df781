"""Requests a hostile or careless client sends: each is a Seam-shaped 4xx, changes nothing, and
leaves every list route answering 200 afterwards (no request may poison the fake)."""

from __future__ import annotations

import codecs
import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_seam.controls import InvalidControlInput
from fake_seam.fake import DEFAULT_API_KEY, DEFAULT_ENDPOINT, FakeSeam

LONE_SURROGATE = "\ud800"
LISTS = [
    ("/devices/list", {}),
    ("/locks/list", {}),
    ("/access_codes/list", {"device_id": "august_device_2"}),  # a lock no target here changes
    ("/events/list", {"since": "2000-01-01T00:00:00Z"}),
]


def post(raw: httpx.Client, path: str, body: bytes | dict[str, Any]) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return raw.post(path, content=content, headers={"content-type": "application/json"})


def still_healthy(raw: httpx.Client) -> None:
    for path, body in LISTS:
        answer = post(raw, path, body)
        assert answer.status_code == 200, (path, answer.text)
    assert raw.get("/_fake/database").status_code == 200


def stored(fake: FakeSeam) -> tuple[int, int, list[str]]:
    store = fake.cloud.store
    return len(store.access_codes), len(store.events), sorted(d.display_name for d in store.devices.values())


@pytest.mark.parametrize(
    "path, body, param",
    [
        ("/access_codes/create", {"device_id": "august_device_1", "name": LONE_SURROGATE}, "name"),
        ("/access_codes/create", {"device_id": "august_device_1", "code": f"12{LONE_SURROGATE}"}, "code"),
        ("/devices/update", {"device_id": "august_device_1", "name": f"Door {LONE_SURROGATE}"}, "name"),
        (
            "/devices/update",
            {"device_id": "august_device_1", "custom_metadata": {"room": LONE_SURROGATE}},
            "custom_metadata",
        ),
    ],
)
def test_a_string_utf8_cannot_encode_is_a_400_and_stores_nothing(
    fake: FakeSeam, raw: httpx.Client, path: str, body: dict[str, Any], param: str
) -> None:
    before = stored(fake)
    # Escaped, as every JSON encoder writes a lone surrogate: the fake's parser refuses it.
    answer = post(raw, path, json.dumps(body).encode())
    assert answer.status_code == 400
    assert answer.json()["error"]["type"] == "invalid_input"
    assert stored(fake) == before
    still_healthy(raw)


def test_a_control_given_a_lone_surrogate_from_python_refuses_it(fake: FakeSeam, raw: httpx.Client) -> None:
    with pytest.raises(InvalidControlInput) as refused:
        fake.create_lock(display_name=LONE_SURROGATE)
    assert refused.value.validation_errors is not None and "display_name" in refused.value.validation_errors
    still_healthy(raw)


@pytest.mark.parametrize(
    "body",
    [
        b'{"device_id": "august_device_1", "code": Infinity}',
        b'{"device_id": "august_device_1", "preferred_code_length": NaN}',
        b'{"device_id": "august_device_1", "name": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        codecs.BOM_UTF8 + b'{"device_id": "august_device_1", "code": -Infinity}',
        '{"device_id": "august_device_1", "name": "\ud800"}'.encode("utf-16", "surrogatepass"),
        b"\xff\xfe\x00",
    ],
    ids=["infinity", "nan", "deep-nesting", "bom-and-infinity", "utf16-lone-surrogate", "broken-utf16"],
)
def test_json_the_strict_parser_refuses_is_a_400(fake: FakeSeam, raw: httpx.Client, body: bytes) -> None:
    before = stored(fake)
    answer = post(raw, "/access_codes/create", body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["type"] == "invalid_input"
    assert stored(fake) == before
    still_healthy(raw)


def test_json_with_a_bom_or_in_utf16_still_parses(raw: httpx.Client) -> None:
    body = {"device_id": "august_device_1", "code": "4821"}
    assert post(raw, "/access_codes/create", codecs.BOM_UTF8 + json.dumps(body).encode()).status_code == 200
    body["code"] = "4822"
    assert post(raw, "/access_codes/create", json.dumps(body).encode("utf-16")).status_code == 200


@pytest.mark.parametrize(
    "path, body, param",
    [
        ("/_fake/clock/advance", {"seconds": 1e12}, "seconds"),
        ("/_fake/clock/set", {"now": "9999-12-31T23:59:59Z"}, "now"),
        ("/_fake/clock/set", {"now": "1900-01-01T00:00:00Z"}, "now"),
        ("/_fake/clock/advance", b'{"seconds": 1e400}', None),  # not JSON a parser can hold
    ],
)
def test_the_clock_cannot_be_moved_out_of_its_range(
    fake: FakeSeam, raw: httpx.Client, sdk: Any, path: str, body: Any, param: str | None
) -> None:
    before = fake.now()
    answer = post(raw, path, body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["type"] == "invalid_input" and (param is None or param in error["validation_errors"])
    assert fake.now() == before
    assert raw.get("/_fake/clock").status_code == 200
    assert sdk.access_codes.create(device_id="august_device_1", code="4821").status == "setting"
    still_healthy(raw)


@pytest.mark.parametrize(
    "path, body, param",
    [
        (
            "/_fake/devices/set_fault_plan",
            {"device_id": "august_device_1", "offline_for_seconds": 1e16},
            "offline_for_seconds",
        ),
        ("/_fake/devices/go_offline", {"device_id": "august_device_1", "for_seconds": 1e16}, "for_seconds"),
        ("/_fake/settle", {"max_rounds": 2**60}, "max_rounds"),
    ],
)
def test_a_control_given_a_span_no_clock_reaches_is_refused(
    fake: FakeSeam, raw: httpx.Client, path: str, body: dict[str, Any], param: str
) -> None:
    """An offline spell past the clock's end, or more settle rounds than a JSON integer holds,
    is a 400 naming the parameter, and the lock is as it was."""
    answer = post(raw, path, body)
    assert answer.status_code == 400, answer.text
    assert param in answer.json()["error"]["validation_errors"]
    assert fake.lock_of("august_device_1").online
    still_healthy(raw)


def test_the_clock_range_is_usable_to_its_end(fake: FakeSeam, sdk: Any, raw: httpx.Client) -> None:
    fake.set_time("8999-12-31T00:00:00Z")
    fake.advance(3600)
    code = sdk.access_codes.create(device_id="august_device_1", code="4821")
    fake.settle()
    assert sdk.access_codes.get(access_code_id=code.access_code_id).status == "set"
    with pytest.raises(InvalidControlInput):
        fake.advance(float("inf"))
    with pytest.raises(ValueError):
        fake.advance(86_400 * 2)  # past 9000-01-01
    still_healthy(raw)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    "path, query",
    [
        ("/access_codes/create", "device_id=august_device_1&code=4444"),
        ("/_fake/reset", ""),
        ("/_fake/clock/advance", "seconds=3600"),
        ("/devices/update", "device_id=august_device_1&name=Hacked"),
    ],
)
def test_head_never_changes_anything(
    fake: FakeSeam, raw: httpx.Client, path: str, query: str, method: str
) -> None:
    sdk = fake.client()
    sdk.access_codes.create(device_id="august_device_1", code="1357")  # reset would remove it
    before = (stored(fake), fake.now())
    answer = raw.request("HEAD", f"{path}?{query}")
    assert answer.status_code == 405
    assert (stored(fake), fake.now()) == before
    assert raw.request("HEAD", "/health").status_code == 200


@pytest.mark.parametrize("limit", [0, -1, -100])
def test_a_page_size_below_one_is_refused(raw: httpx.Client, limit: int) -> None:
    answer = post(raw, "/devices/list", {"limit": limit})
    assert answer.status_code == 400
    assert "limit" in answer.json()["error"]["validation_errors"]


@pytest.mark.parametrize(
    "spec, param",
    [
        ({"code_constraints": [{"x": 1}]}, "code_constraints"),
        ({"code_constraints": [{"constraint_type": "no_such_rule"}]}, "code_constraints"),
        ({"supported_code_lengths": []}, "supported_code_lengths"),
        ({"supported_code_lengths": [0]}, "supported_code_lengths"),
        ({"supported_code_lengths": [-1]}, "supported_code_lengths"),
        ({"supported_code_lengths": [100]}, "supported_code_lengths"),
    ],
)
def test_a_lock_no_code_could_ever_fit_is_refused(
    fake: FakeSeam, raw: httpx.Client, spec: dict[str, Any], param: str
) -> None:
    before = stored(fake)
    answer = post(raw, "/_fake/devices/create", spec)
    assert answer.status_code == 400, answer.text
    assert any(key.startswith(param) for key in answer.json()["error"]["validation_errors"])
    assert stored(fake) == before
    still_healthy(raw)


HOSTILE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=()), max_size=20),  # surrogates, NUL, controls
    st.sampled_from([LONE_SURROGATE, "\x00", "\u202e", "x" * 10_000, "", " "]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-1, 0, 1e308, -1e308, 2**64]),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
TARGETS = [
    (
        "/access_codes/create",
        "device_id",
        "august_device_1",
        ["name", "code", "starts_at", "preferred_code_length"],
    ),
    ("/devices/update", "device_id", "august_device_1", ["name", "custom_metadata", "is_managed"]),
    ("/_fake/devices/create", None, None, ["display_name", "max_active_codes_supported", "code_constraints"]),
    ("/_fake/clock/advance", None, None, ["seconds"]),
    ("/_fake/devices/set_fault_plan", "device_id", "august_device_1", ["fail_next", "failure_rate"]),
]


@settings(max_examples=60, deadline=None)
@given(target=st.sampled_from(TARGETS), data=st.data())
def test_no_hostile_value_gives_a_5xx_or_poisons_a_list(target: Any, data: Any) -> None:
    fake = FakeSeam(frozen=True)
    raw = httpx.Client(
        transport=fake.transport(),
        base_url=DEFAULT_ENDPOINT,
        headers={"authorization": f"Bearer {DEFAULT_API_KEY}"},
    )
    path, id_name, id_value, names = target
    body: dict[str, Any] = {id_name: id_value} if id_name else {}
    body[data.draw(st.sampled_from(names))] = data.draw(HOSTILE)
    try:
        content = json.dumps(body).encode()  # NaN and Infinity as JSON writes them (non-standard)
    except (TypeError, ValueError):
        return
    answer = post(raw, path, content)
    assert answer.status_code < 500, (path, body, answer.text)
    if answer.status_code >= 400:
        assert answer.json()["error"]["type"]
    still_healthy(raw)


def test_numbers_past_what_json_and_javascript_hold_are_refused_or_kept_as_doubles(
    fake: FakeSeam, raw: httpx.Client
) -> None:
    """JSON's 2**64 is a double, as in JavaScript; a Python int past 64 bits or a float's range
    is refused; a free-form value that JSON could not hold is refused: none is stored to break
    a later answer."""
    answer = post(
        raw,
        "/_fake/devices/set_fault_plan",
        b'{"device_id": "august_device_1", "fail_next": 18446744073709551616}',
    )
    assert answer.status_code == 200 and answer.json()["fault_plan"]["fail_next"] == 2.0**64
    fake.set_fault_plan("august_device_1", fail_next=2**70)
    with pytest.raises(InvalidControlInput):
        fake.set_fault_plan("august_device_1", fail_next=10**400)
    with pytest.raises(InvalidControlInput) as refused:
        fake.create_lock(properties={"serial": 2**70})
    errors = refused.value.validation_errors
    assert errors is not None and "serial" in errors["properties"]  # zod's nested format()
    assert raw.get("/_fake/devices/slots", params={"device_id": "august_device_1"}).status_code == 200
    still_healthy(raw)


def test_a_body_past_the_limit_is_a_413_and_a_string_past_the_cap_a_400(
    fake: FakeSeam, raw: httpx.Client
) -> None:
    from fake_seam.api.handler import MAX_BODY_BYTES
    from fake_seam.wire.validation import MAX_STRING_LENGTH

    before = stored(fake)
    huge = post(raw, "/access_codes/create", {"device_id": "august_device_1", "name": "x" * MAX_BODY_BYTES})
    assert huge.status_code == 413 and huge.json()["error"]["type"] == "payload_too_large"
    long = post(
        raw, "/devices/update", {"device_id": "august_device_1", "name": "x" * (MAX_STRING_LENGTH + 1)}
    )
    assert long.status_code == 400 and "name" in long.json()["error"]["validation_errors"]
    assert stored(fake) == before
    fits = post(raw, "/devices/update", {"device_id": "august_device_1", "name": "x" * MAX_STRING_LENGTH})
    assert fits.status_code == 200
    still_healthy(raw)


def test_a_body_past_the_limit_over_http_is_a_413() -> None:
    from fake_seam.api.handler import MAX_BODY_BYTES
    from fake_seam.server import ThreadedServer

    with ThreadedServer(FakeSeam()) as server:
        answer = httpx.post(
            f"{server.endpoint}/access_codes/create",
            content=b'{"name": "' + b"x" * (4 * MAX_BODY_BYTES) + b'"}',
            headers={"authorization": f"Bearer {DEFAULT_API_KEY}", "content-type": "application/json"},
        )
        assert answer.status_code == 413
        assert httpx.get(f"{server.endpoint}/health").status_code == 200
