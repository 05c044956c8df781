"""The fake's own OpenAPI document: served at `/openapi.json` without credentials, the same
from Python (`fake_seam.api.openapi.document()`), listing every route the fake serves, and saying
of every Seam route what Seam's own document says: its methods, its parameters (where they go,
their names, which are required), its security schemes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from repo import SPEC, shared_seam_subset

from fake_seam.api.handler import load_routes, route_methods
from fake_seam.api.openapi import document
from fake_seam.controls import CONTROLS
from fake_seam.fake import DEFAULT_ENDPOINT, FakeSeam

OWN = {"/health", "/openapi.json"}  # the fake's own routes, in no Seam document


def seam_lists_none(seam: dict[str, Any], method: str, path: str) -> bool:
    """Seam's GET of a route whose body is one of several objects (`/connected_accounts/get`:
    an id, or an email) lists no query parameters: its document cannot put a `oneOf` in a query.
    The fake reads each variant's fields from the query, as from the body."""
    operations = seam["paths"][path]
    body = operations.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json", {})
    return method == "get" and not operations[method].get("parameters") and "oneOf" in body.get("schema", {})


REFERENCES = [SPEC, *filter(None, [shared_seam_subset()])]


def seam_paths(doc: dict[str, Any]) -> list[str]:
    """The document's routes that are Seam's (the ones whose params model Seam's spec made)."""
    from fake_seam.wire.params import ROUTES

    return sorted(p for p in doc["paths"] if p in ROUTES)


def takes(operation: dict[str, Any]) -> tuple[str, set[str], set[str]]:
    """Where an operation's parameters go, their names, and the required ones. A body that is
    a union of objects (`oneOf`/`anyOf`) names every variant's fields; a field is required
    when every variant requires it."""
    if "requestBody" in operation:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        variants = schema.get("oneOf") or schema.get("anyOf") or [schema]
        names = {name for v in variants for name in v.get("properties", {})}
        required = set.intersection(*(set(v.get("required", [])) for v in variants))
        return "body", names, required
    query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    return "query", {p["name"] for p in query}, {p["name"] for p in query if p.get("required")}


def test_the_document_is_served_without_credentials_and_is_the_one_python_reads() -> None:
    fake = FakeSeam()
    with httpx.Client(transport=fake.transport(), base_url=DEFAULT_ENDPOINT) as client:
        answer = client.get("/openapi.json")
        head = client.head("/openapi.json")
    assert answer.status_code == 200 and head.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == json.loads(json.dumps(document()))
    assert document() is document()  # made once per process
    assert answer.json()["openapi"].startswith("3.0")


def test_the_document_over_http_is_the_same(tmp_path: Path) -> None:
    from fake_seam.server import ThreadedServer

    with ThreadedServer(FakeSeam()) as server:
        answer = httpx.get(f"{server.endpoint}/openapi.json")
    assert answer.status_code == 200
    assert answer.json()["paths"].keys() == document()["paths"].keys()


def test_every_route_the_fake_serves_is_in_the_document_with_its_methods() -> None:
    paths = document()["paths"]
    routes = load_routes()
    assert set(routes) | OWN == set(paths)
    for path, endpoint in routes.items():
        declared = endpoint.methods or route_methods(path)
        assert {m.upper() for m in paths[path]} == set(declared), path
    for control in CONTROLS.values():
        assert control.path in paths
        assert {m.upper() for m in paths[control.path]} == set(control.methods), control.path


def test_a_control_route_needs_no_seam_credentials_and_answers_an_object() -> None:
    for path, operations in document()["paths"].items():
        if not path.startswith("/_fake/"):
            continue
        for operation in operations.values():
            # Nothing, or the control token of a server given one.
            assert operation["security"] == [{}, {"fake_seam_control_token": []}]
            assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "object"
            assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "413", "415"}
    token = document()["components"]["securitySchemes"]["fake_seam_control_token"]
    assert token["in"] == "header" and token["name"] == "x-fake-seam-control-token"


def test_a_mutating_control_takes_json_only() -> None:
    for path, operations in document()["paths"].items():
        if path.startswith("/_fake/") and "post" in operations and "requestBody" in operations["post"]:
            assert set(operations["post"]["requestBody"]["content"]) == {"application/json"}, path


@pytest.mark.parametrize("reference", REFERENCES, ids=lambda p: p.name)
def test_every_seam_route_takes_what_seams_document_says(reference: Path) -> None:
    seam = json.loads(reference.read_text())
    ours = document()
    problems = []
    for path in seam_paths(ours):
        if path not in seam["paths"]:
            if reference == SPEC:  # the project's copy is cut to the routes the fake serves
                problems.append(f"{path}: not in {reference.name}")
            continue
        theirs = seam["paths"][path]
        if set(ours["paths"][path]) != set(theirs):
            problems.append(f"{path}: methods {sorted(ours['paths'][path])} != {sorted(theirs)}")
            continue
        for method, operation in ours["paths"][path].items():
            where, names, required = takes(operation)
            seam_where, seam_names, seam_required = takes(theirs[method])
            if seam_lists_none(seam, method, path) and not seam_names:
                continue
            if (where, names) != (seam_where, seam_names):
                problems.append(
                    f"{method.upper()} {path}: {where} {sorted(names)} != {seam_where} {sorted(seam_names)}"
                )
            if required != seam_required:
                problems.append(
                    f"{method.upper()} {path}: required {sorted(required)} != {sorted(seam_required)}"
                )
    assert not problems, "\n".join(problems)


def test_every_seam_route_answers_seams_schema_and_seams_error_body() -> None:
    ours = document()
    for path in seam_paths(ours):
        for method, operation in ours["paths"][path].items():
            responses = operation["responses"]
            assert "application/json" in responses["200"]["content"], (method, path)
            for status in ("400", "401", "404", "413"):
                schema = responses[status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/error"}, (method, path, status)
            assert operation["security"], (method, path)


def test_the_security_schemes_are_seams() -> None:
    seam = json.loads(SPEC.read_text())["components"]["securitySchemes"]
    ours = document()["components"]["securitySchemes"]
    assert {"api_key", "client_session", "client_session_token"} <= set(ours)
    for name, scheme in ours.items():
        if name != "fake_seam_control_token":  # the fake's own, for its controls
            assert scheme == seam[name], name
    used = {
        name
        for ops in document()["paths"].values()
        for op in ops.values()
        for s in op["security"]
        for name in s
    }
    assert used <= set(ours)


def test_a_route_a_client_session_may_not_call_names_no_client_session_scheme() -> None:
    from fake_seam.wire.params import ROUTES

    for path in seam_paths(document()):
        for operation in document()["paths"][path].values():
            schemes = {name for s in operation["security"] for name in s}
            named = any(name.startswith("client_session") for name in schemes)
            assert named == ROUTES[path].client_sessions, path
