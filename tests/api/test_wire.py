"""The wire protocol (docs/wire-protocol.md), over raw HTTP where the
SDK cannot say it: methods, query-string encodings, coercion, request ids, error bodies."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from moments import T0
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from fake_seam.api.handler import load_routes
from fake_seam.fake import FakeSeam
from fake_seam.wire.params import ROUTES

HANDLERS = load_routes()
IMPLEMENTED = sorted((path, method) for path in ROUTES if path in HANDLERS for method in ROUTES[path].methods)


def ids(response: httpx.Response) -> list[str]:
    return [d["device_id"] for d in response.json()["devices"]]


def error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["ok"] is False
    assert isinstance(body["error"]["type"], str) and isinstance(body["error"]["message"], str)
    return body["error"]


# -- methods ------------------------------------------------------------------------------


def test_the_issue_routes_are_all_implemented() -> None:
    wanted = {
        "/workspaces/get",
        "/workspaces/list",
        "/workspaces/create",
        "/workspaces/reset_sandbox",
        "/devices/get",
        "/devices/list",
        "/devices/update",
        "/devices/delete",
        "/devices/list_device_providers",
        "/devices/unmanaged/get",
        "/devices/unmanaged/list",
        "/devices/unmanaged/update",
        "/locks/get",
        "/locks/list",
        "/locks/lock_door",
        "/locks/unlock_door",
        "/action_attempts/get",
        "/action_attempts/list",
        "/events/get",
        "/events/list",
        "/connected_accounts/get",
        "/connected_accounts/list",
        "/connected_accounts/update",
        "/connected_accounts/delete",
    }
    assert wanted <= set(HANDLERS)
    assert wanted <= set(ROUTES)


@pytest.mark.parametrize(("path", "method"), IMPLEMENTED, ids=[f"{m} {p}" for p, m in IMPLEMENTED])
def test_every_method_the_spec_lists_is_accepted(path: str, method: str) -> None:
    """Each method reaches the handler: the answer is the route's own (success, or a
    parameter error), never 405, never an unknown route, never a crash."""
    fake = FakeSeam(frozen=True)
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as client:
        headers = {"authorization": "Bearer seam_at1_longtoken", "seam-workspace": "seed_workspace_1"}
        response = client.request(method, path, headers=headers)
    assert response.headers["content-type"] == "application/json"
    assert response.headers["seam-request-id"].startswith("request")
    body = response.json()
    assert response.status_code in (200, 400, 404), body
    if response.status_code == 200:
        assert body["ok"] is True
    else:
        assert body["ok"] is False
        assert body["error"]["type"] not in ("not_found", "method_not_allowed"), body


def test_a_method_the_spec_does_not_list_is_refused_seam_style(raw: httpx.Client) -> None:
    response = raw.get("/locks/unlock_door", params={"device_id": "august_device_1"})
    assert response.status_code == 405
    assert error(response)["type"] == "method_not_allowed"
    assert response.headers["seam-request-id"].startswith("request")
    assert raw.get("/devices/get", params={"device_id": "august_device_1"}).json()["device"]["properties"][
        "locked"
    ]


def test_params_come_from_the_query_string_and_the_body_alike(raw: httpx.Client) -> None:
    by_query = raw.get("/devices/get", params={"device_id": "august_device_2"})
    by_body = raw.post("/devices/get", json={"device_id": "august_device_2"})
    by_post_query = raw.post("/devices/get?device_id=august_device_2")
    by_delete_query = raw.delete("/devices/delete?device_id=minut_device_1")
    assert by_query.json()["device"] == by_body.json()["device"] == by_post_query.json()["device"]
    assert by_query.json()["device"]["display_name"] == "Back Door"
    assert by_delete_query.status_code == 200
    assert raw.get("/devices/get", params={"device_id": "minut_device_1"}).status_code == 404
    # Where both name a parameter, the body wins.
    both = raw.post("/devices/get?device_id=august_device_2", json={"device_id": "august_device_1"})
    assert both.json()["device"]["device_id"] == "august_device_1"


# -- query-string encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "device_ids=august_device_1&device_ids=schlage_device_id",
        "device_ids=august_device_1,schlage_device_id",
        "device_ids[]=august_device_1&device_ids[]=schlage_device_id",
        "device_ids%5B%5D=august_device_1&device_ids%5B%5D=schlage_device_id",
    ],
    ids=["repeated", "comma", "brackets", "brackets-encoded"],
)
def test_arrays_in_every_encoding(raw: httpx.Client, query: str) -> None:
    assert ids(raw.get(f"/devices/list?{query}")) == ["august_device_1", "schlage_device_id"]


def test_a_one_item_array_looks_like_a_scalar(raw: httpx.Client) -> None:
    assert ids(raw.get("/devices/list?device_ids=schlage_device_id")) == ["schlage_device_id"]


def test_an_empty_value_is_the_empty_list(raw: httpx.Client, sdk: Any) -> None:
    response = raw.get("/devices/list?device_ids=")
    assert response.status_code == 200 and ids(response) == []
    # The SDK sends `device_ids=` for [] too.
    assert sdk.devices.list(device_ids=[]) == []
    assert len(sdk.devices.list()) == 8


def test_an_empty_value_is_null_for_a_scalar(raw: httpx.Client) -> None:
    # page_cursor is nullable: empty means the first page.
    assert len(ids(raw.get("/devices/list?page_cursor=&limit=2"))) == 2
    # device_id is not: zod's words for null.
    response = raw.get("/devices/get?device_id=")
    assert response.status_code == 400
    assert error(response)["validation_errors"]["device_id"]["_errors"] == ["Expected string, received null"]


def test_numbers_are_coerced_and_checked(raw: httpx.Client) -> None:
    assert len(ids(raw.get("/devices/list?limit=3"))) == 3
    response = raw.get("/devices/list?limit=three")
    assert response.status_code == 400
    problem = error(response)
    assert problem["type"] == "invalid_input"
    assert problem["validation_errors"]["limit"]["_errors"] == ["Expected number, received string"]


def test_booleans_are_coerced_and_checked(raw: httpx.Client, sdk: Any) -> None:
    code = sdk.access_codes.create(device_id="august_device_1", code="4321")
    bad = raw.delete(f"/access_codes/delete?access_code_id={code.access_code_id}&sync=maybe")
    assert bad.status_code == 400
    assert error(bad)["validation_errors"]["sync"]["_errors"] == ["Expected boolean, received string"]
    good = raw.delete(f"/access_codes/delete?access_code_id={code.access_code_id}&sync=true")
    assert good.status_code == 200 and good.json()["action_attempt"]["action_type"] == "DELETE_ACCESS_CODE"
    # A JSON body is not coerced: a string is not a boolean there.
    body = raw.patch("/devices/update", json={"device_id": "august_device_1", "is_managed": "false"})
    assert error(body)["validation_errors"]["is_managed"]["_errors"] == ["Expected boolean, received string"]


def test_nested_objects_are_dotted(raw: httpx.Client, sdk: Any) -> None:
    sdk.devices.update(device_id="august_device_2", custom_metadata={"unit": "4B", "vip": True})
    assert ids(raw.get("/devices/list?custom_metadata_has.unit=4B")) == ["august_device_2"]
    assert ids(raw.get("/devices/list?custom_metadata_has.vip=true")) == ["august_device_2"]
    assert ids(raw.get("/devices/list?custom_metadata_has.unit=5C")) == []
    assert [d.device_id for d in sdk.devices.list(custom_metadata_has={"unit": "4B"})] == ["august_device_2"]


def test_strict_is_ignored(raw: httpx.Client) -> None:
    response = raw.get("/devices/list?_strict=true&limit=1")
    assert response.status_code == 200 and len(ids(response)) == 1


def test_a_body_that_is_not_json_or_not_an_object_is_invalid_input(raw: httpx.Client) -> None:
    for content in (b"{nope", b"[1, 2]"):
        response = raw.post("/devices/get", content=content, headers={"content-type": "application/json"})
        assert response.status_code == 400
        assert error(response)["type"] == "invalid_input"


# -- responses ----------------------------------------------------------------------------


def test_success_bodies_carry_ok_true_and_the_documented_keys(raw: httpx.Client) -> None:
    expectations = {
        ("GET", "/devices/get", "device_id=august_device_1"): {"device"},
        ("GET", "/devices/list", ""): {"devices", "pagination"},
        ("GET", "/locks/get", "device_id=august_device_1"): {"lock", "device"},
        ("GET", "/locks/list", ""): {"locks", "devices"},
        ("POST", "/locks/unlock_door", "device_id=august_device_1"): {"action_attempt"},
        ("GET", "/events/list", "since=2000-01-01T00:00:00Z"): {"events"},
        ("GET", "/workspaces/get", ""): {"workspace"},
        ("GET", "/workspaces/list", ""): {"workspaces"},
        ("GET", "/connected_accounts/list", ""): {"connected_accounts", "pagination"},
        ("GET", "/action_attempts/list", ""): {"action_attempts"},
        ("GET", "/devices/list_device_providers", ""): {"device_providers"},
    }
    for (method, path, query), keys in expectations.items():
        response = raw.request(method, f"{path}?{query}")
        body = response.json()
        assert response.status_code == 200, (path, body)
        assert body["ok"] is True
        assert keys <= set(body), (path, sorted(body))
        assert response.headers["content-type"] == "application/json"


def test_every_response_has_a_request_id_starting_with_request(fake: FakeSeam) -> None:
    fake.simulate_workspace_outage("seed_workspace_1", ["/devices/list"])
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as client:
        key = {"authorization": "Bearer seam_apikey1_token"}
        answers = [
            client.get("/devices/get", params={"device_id": "august_device_1"}, headers=key),  # 200
            client.get("/devices/get", headers=key),  # 400
            client.get("/devices/get", params={"device_id": "nope"}, headers=key),  # 404
            client.get("/devices/get", params={"device_id": "august_device_1"}),  # 401
            client.get("/no/such/route", headers=key),  # unknown route
            client.get("/locks/unlock_door", headers=key),  # 405
            client.get("/devices/list", headers=key),  # 503 outage
            client.get("/_fake/default_seed"),
            client.get("/health"),
        ]
    assert [r.status_code for r in answers] == [200, 400, 404, 401, 404, 405, 503, 200, 200]
    request_ids = [r.headers["seam-request-id"] for r in answers]
    assert all(rid.startswith("request") for rid in request_ids)
    assert len(set(request_ids)) == len(request_ids)


def test_an_unknown_route_is_a_seam_shaped_json_404(raw: httpx.Client) -> None:
    for method in ("GET", "POST"):
        response = raw.request(method, "/devices/teleport")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        problem = error(response)
        assert "/devices/teleport" in problem["message"]


def test_the_sdk_reads_the_error_body(sdk: Any) -> None:
    with pytest.raises(SeamHttpApiError) as raised:
        sdk.devices.get(device_id="does_not_exist")
    assert raised.value.code == "device_not_found"
    assert raised.value.status_code == 404
    assert raised.value.request_id.startswith("request")
    with pytest.raises(SeamHttpInvalidInputError) as invalid:
        sdk.devices.list(limit="ten")
    assert invalid.value.code == "invalid_input"
    assert invalid.value.get_validation_error_messages("limit") == ["Expected number, received string"]
    assert [v.parameter_name for v in invalid.value.validation_errors] == ["limit"]


def test_zod_words_for_every_kind_of_parameter_error(raw: httpx.Client) -> None:
    def messages(response: httpx.Response, name: str) -> list[str]:
        assert response.status_code == 400, response.text
        return error(response)["validation_errors"][name]["_errors"]

    assert messages(raw.post("/devices/get", json={"device_id": 7}), "device_id") == [
        "Expected string, received number"
    ]
    assert messages(raw.post("/devices/list", json={"device_ids": 7}), "device_ids") == [
        "Expected array, received number"
    ]
    assert messages(raw.post("/locks/unlock_door", json={}), "device_id") == ["Required"]
    wrong_enum = messages(raw.post("/devices/list", json={"manufacturer": "acme"}), "manufacturer")
    assert wrong_enum[0].startswith("Invalid enum value. Expected 'akuvox' | ")
    assert wrong_enum[0].endswith(", received 'acme'")
    assert messages(
        raw.post("/devices/update", json={"device_id": "august_device_1", "is_managed": 1}), "is_managed"
    ) == ["Expected boolean, received number"]


def test_pagination_objects_and_cursors(raw: httpx.Client) -> None:
    first = raw.get("/devices/list?limit=3").json()
    pagination = first["pagination"]
    assert pagination["has_next_page"] is True
    assert isinstance(pagination["next_page_cursor"], str)
    assert pagination["next_page_url"].startswith("http://fake-seam.local/devices/list?")
    second = raw.get(
        "/devices/list", params={"limit": 3, "page_cursor": pagination["next_page_cursor"]}
    ).json()
    following = httpx.URL(pagination["next_page_url"])
    via_url = raw.get(f"{following.path}?{following.query.decode()}").json()
    assert second["devices"] == via_url["devices"]
    last = raw.get(
        "/devices/list", params={"limit": 3, "page_cursor": second["pagination"]["next_page_cursor"]}
    )
    seen = [d["device_id"] for page in (first, second, last.json()) for d in page["devices"]]
    assert len(seen) == len(set(seen)) == 8
    assert last.json()["pagination"] == {
        "has_next_page": False,
        "next_page_cursor": None,
        "next_page_url": None,
    }
    bad = raw.get("/devices/list?page_cursor=garbage")
    assert bad.status_code == 400 and "page_cursor" in error(bad)["validation_errors"]


def test_default_seed_and_database_answer_with_or_without_auth(fake: FakeSeam) -> None:
    with httpx.Client(transport=fake.transport(), base_url="http://fake") as client:
        for headers in ({}, {"authorization": "Bearer seam_apikey1_token"}, {"authorization": "Bearer junk"}):
            seed = client.get("/_fake/default_seed", headers=headers)
            database = client.get("/_fake/database", headers=headers)
            assert seed.status_code == database.status_code == 200
            assert json.loads(seed.content)["seam_at1_token"] == "seam_at1_longtoken"
            assert {"devices", "access_codes", "connected_accounts", "events"} <= set(database.json())


def test_in_process_and_over_http_answer_the_same_bytes() -> None:
    """The in-process transport skips the ASGI app; a user must not be able to tell."""
    from fake_seam.server import ThreadedServer

    requests = [
        ("GET", "/devices/list", {}, None),
        ("GET", "/devices/list", {"limit": "2"}, None),  # next_page_url names the host asked
        ("GET", "/access_codes/list", {"device_id": "august_device_1"}, None),
        ("POST", "/access_codes/create", {}, {"device_id": "august_device_1", "code": "4821"}),
        ("POST", "/devices/get", {}, {"device_id": "nope"}),
        ("POST", "/devices/get", {}, "not json"),
        ("DELETE", "/health", {}, None),
        ("GET", "/health", {}, None),
        ("GET", "/no/such/route", {}, None),
    ]
    key = {"authorization": "Bearer seam_apikey1_token"}
    fake_a, fake_b = FakeSeam(frozen=True, now=T0), FakeSeam(frozen=True, now=T0)
    server = ThreadedServer(fake_b).start()
    try:
        with (
            httpx.Client(transport=fake_a.transport(), base_url=server.endpoint, headers=key) as near,
            httpx.Client(base_url=server.endpoint, headers=key) as far,
        ):
            for method, path, params, body in requests:
                content = body if isinstance(body, str) else None
                answers = [
                    client.request(
                        method, path, params=params, json=None if content else body, content=content
                    )
                    for client in (near, far)
                ]
                a, b = answers
                assert (a.status_code, a.headers["content-type"], a.content) == (
                    b.status_code,
                    b.headers["content-type"],
                    b.content,
                ), (method, path)
    finally:
        server.stop()


def test_a_request_arriving_while_the_routes_load_waits_for_the_whole_table() -> None:
    """Routes load on first use, and beside a server in a thread. A request that comes while
    the loader is halfway (some routes registered, not all) must wait, not answer 404.
    Run in a fresh interpreter, with the loader paused after its first module."""
    import subprocess
    import sys

    program = """
import threading
from fake_seam.api import handler as app
from fake_seam.fake import FakeSeam

halfway, go, contended = threading.Event(), threading.Event(), threading.Event()
real_import, real_lock = app.import_module, app._loading

def pausing_import(name):
    module = real_import(name)
    if threading.current_thread().name == "loader" and not halfway.is_set():
        halfway.set()
        go.wait(10)
    return module

class WatchedLock:
    def __enter__(self):
        if threading.current_thread().name != "loader":
            contended.set()
        return real_lock.__enter__()
    def __exit__(self, *exc):
        return real_lock.__exit__(*exc)

app.import_module, app._loading = pausing_import, WatchedLock()
fake = FakeSeam()
loader = threading.Thread(target=app.load_routes, name="loader")
loader.start()
halfway.wait(10)
answer = {}
def request():
    key = {"authorization": "Bearer seam_apikey1_token"}
    answer["status"] = fake.api.handle("GET", "/locks/list", "", key, b"")[0]
caller = threading.Thread(target=request)
caller.start()
contended.wait(10)  # the caller is at the lock (or, if it never takes it, we go on after 10 s)
go.set()
caller.join()
loader.join()
print(answer["status"])
"""
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "200"


def test_a_json_body_with_a_byte_order_mark_or_in_utf16_is_read(fake: FakeSeam) -> None:
    key = {"authorization": "Bearer seam_apikey1_token", "content-type": "application/json"}
    text = '{"device_id": "august_device_1"}'
    for body in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        status, _, payload = fake.api.handle("POST", "/devices/get", "", key, body)
        assert status == 200, payload
