"""Requests a hostile or careless client sends: each is a Seam-shaped 4xx, changes nothing, and
leaves every list route answering 200 afterwards (no request may poison the fake)."""

from __future__ import annotations

import codecs
import json
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hostile import BASELINE_DEVICE, HOSTILE, LONE_SURROGATE, as_query_value, encode, furnished
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fake_seam.api.openapi import document
from fake_seam.controls import InvalidControlInput
from fake_seam.fake import DEFAULT_API_KEY, FakeSeam

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


@pytest.mark.parametrize("query", ["page_cursor=%7B%7D", "limit=0"])
def test_a_refused_action_attempt_listing_settles_nothing(
    fake: FakeSeam, raw: httpx.Client, query: str
) -> None:
    """Listing action attempts settles the pending ones, but not when the page asked for is refused."""
    pending = raw.post("/locks/unlock_door", json={"device_id": "august_device_1"}).json()["action_attempt"]
    assert pending["status"] == "pending"
    assert raw.get(f"/action_attempts/list?{query}").status_code == 400
    attempt = fake.cloud.store.action_attempts[pending["action_attempt_id"]]
    assert attempt.status == "pending"


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


# -- every parameter of every route -----------------------------------------------------

DOCUMENT = document()
# A value for a required parameter beside the hostile one, by name, so the request gets past it
# (an id the furnished fake holds), and the filters a list route needs to answer.
KNOWN: dict[str, Any] = {
    "device_id": "august_device_1",
    "device_ids": ["august_device_1"],
    "connected_account_id": "john_connected_account_id",
    "workspace_id": "seed_workspace_1",
    "code": "4821",
    "name": "Front door",
    "since": "2000-01-01T00:00:00Z",
}


def operation_of(path: str) -> tuple[str, dict[str, Any]]:
    """The route's POST (every Seam route and control takes one), else its first method."""
    operations = DOCUMENT["paths"][path]
    method = "post" if "post" in operations else next(iter(operations))
    return method.upper(), operations[method]


def parameters(operation: dict[str, Any]) -> tuple[str, dict[str, dict[str, Any]], set[str]]:
    """Where the operation takes its parameters, each one's schema, and the required ones."""
    if "requestBody" in operation:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        variants = schema.get("anyOf") or [schema]
        names = {k: v for variant in variants for k, v in variant.get("properties", {}).items()}
        required = set.intersection(*(set(v.get("required", [])) for v in variants))
        return "body", names, required
    query = operation.get("parameters", [])
    return "query", {p["name"]: p["schema"] for p in query}, {p["name"] for p in query if p["required"]}


def example(name: str, schema: dict[str, Any], ids: dict[str, str]) -> Any:
    """A value the parameter accepts: a known id or value by name, else one its schema allows."""
    if name in ids:
        return ids[name]
    if name in KNOWN:
        return KNOWN[name]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        return example(name, schema["anyOf"][0], ids)
    kind = schema.get("type")
    if kind in ("integer", "number"):
        low = schema.get("minimum", 1)
        return low + 1 if schema.get("exclusiveMinimum") else low
    if kind == "boolean":
        return True
    if kind == "array":
        return [example(name, schema.get("items", {}), ids)] * max(1, schema.get("minItems", 1))
    if kind == "object":
        fields = schema.get("properties", {})
        return {k: example(k, fields[k], ids) for k in schema.get("required", [])}
    if schema.get("pattern") == "^\\d+$":
        return "4821"
    return "x" * max(1, schema.get("minLength", 1)) if schema.get("minLength") else "Fuzz"


LIST_ROUTES = sorted(p for p in DOCUMENT["paths"] if p.endswith("/list") and not p.startswith("/_fake/"))


def list_body(path: str) -> dict[str, Any]:
    """What a list route is asked with: its required parameters, and `since` for events."""
    _, operation = operation_of(path)
    _, names, required = parameters(operation)
    body = {name: BASELINE_DEVICE if name == "device_id" else KNOWN[name] for name in required}
    if "since" in names:
        body["since"] = KNOWN["since"]
    return body


def send(fake: FakeSeam, method: str, path: str, where: str, params: dict[str, Any]) -> tuple[int, bytes]:
    headers = {"authorization": f"Bearer {DEFAULT_API_KEY}", "content-type": "application/json"}
    if where == "body":
        status, _, payload = fake.api.handle(method, path, "", headers, encode(params))
    else:
        # A lone surrogate as a careless encoder writes it (WTF-8), since UTF-8 has none.
        query = urlencode([(k, as_query_value(v)) for k, v in params.items()], errors="surrogatepass")
        status, _, payload = fake.api.handle(method, path, query, headers, b"")
    return status, payload


def fingerprint(fake: FakeSeam) -> Any:
    """What a request could have changed: every Seam object, the clock, the outages, and each
    lock's hardware (online, fault plan, slots)."""
    locks = [
        (d.device_id, d.lock.online, d.lock.fault_plan.as_json(), [s.as_json() for s in d.lock.occupied()])
        for d in fake.cloud.store.devices.values()
        if d.lock is not None
    ]
    return (fake.database(), fake.now(), fake.clock.frozen, fake.outages, locks)


def lists_answer(fake: FakeSeam) -> None:
    for path in LIST_ROUTES:
        status, payload = send(fake, "POST", path, "body", list_body(path))
        assert status == 200, (path, payload[:300])
    assert send(fake, "POST", "/_fake/database", "body", {})[0] == 200


def test_every_list_route_answers_a_furnished_fake() -> None:
    """The check after each hostile request below starts from here (a list route that needs a
    filter nobody gives it fails here, not there)."""
    assert {"/devices/list", "/access_codes/list", "/events/list", "/locks/list"} <= set(LIST_ROUTES)
    fake, _ = furnished()
    lists_answer(fake)


BASELINE = fingerprint(furnished()[0])
HOSTILE_EXAMPLES = 5  # hostile values per parameter


@pytest.mark.parametrize("path", sorted(DOCUMENT["paths"]))
@settings(
    max_examples=HOSTILE_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_no_hostile_value_in_any_parameter_gives_a_5xx_stores_anything_or_poisons_a_list(
    path: str, data: st.DataObject, record_property: Any
) -> None:
    """Each parameter of the route in turn gets a hostile value (the others what they accept),
    from a fresh fake: the answer is below 500 (a Seam-shaped error if refused), a refused
    request changed nothing, and every list route still answers 200."""
    method, operation = operation_of(path)
    where, names, required = parameters(operation)
    get_too = "get" in DOCUMENT["paths"][path] and where == "body"
    tried = 0
    for name in sorted(names):
        fake, ids = furnished()
        params = {other: example(other, names[other], ids) for other in sorted(required - {name})}
        params[name] = data.draw(HOSTILE, label=name)
        via = data.draw(st.sampled_from(["body", "query"]), label="via") if get_too else where
        status, payload = send(fake, "GET" if via == "query" and get_too else method, path, via, params)
        tried += 1
        assert status < 500, (path, name, payload[:300])
        if status >= 400:
            assert json.loads(payload)["error"]["type"], (path, name)
            assert fingerprint(fake) == BASELINE, (path, name, status)
        lists_answer(fake)
    record_property("hostile_values", tried)


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
