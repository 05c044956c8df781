"""The fake's own OpenAPI document (`GET /openapi.json`), made from what serves the requests.

Every route of the route table (`routing.HANDLERS`: the Seam routes and every `/_fake` control)
with the methods it declares. Parameters come from the params model its handler validates with
(`fake_seam.wire.json_schema`), in the query for the operations Seam's spec gives query
parameters (and every GET of a `/_fake` route), else in a JSON body. A Seam route answers with
the 200 schema of Seam's spec (trimmed into `seam_schemas.json` by tools/extract_schemas.py), and
with Seam's error body at the statuses the fake uses; a `/_fake` route with an object. The
security schemes are Seam's, as far as the fake honours them.

Made once per process: `document()` is what the route serves, for tests and tools too.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from fake_seam.api.control_access import CONTROL_TOKEN_HEADER
from fake_seam.api.handler import load_routes, route_methods
from fake_seam.api.routing import Endpoint
from fake_seam.controls import CONTROLS
from fake_seam.wire.json_schema import field_types, model_schema, zod_schema

__all__ = ["document", "document_bytes", "seam_schemas"]

TITLE = "fake-seam"
SCHEMAS_FILE = Path(__file__).with_name("seam_schemas.json")
# The statuses of Seam's error body the fake answers with (`fake_seam.seam.errors`): bad input,
# a credential refused, an id not found, a PIN already on the lock, a body past the limit.
SEAM_ERRORS = {
    "400": "Bad Request: `invalid_input` (zod's `validation_errors` name the parameter) or a refused action",
    "401": "Unauthorized: no credential, or one this route does not take",
    "404": "Not Found: `<thing>_not_found` for an unknown id",
    "409": "Conflict: a PIN already on the lock",
    "413": "Payload Too Large: a body past 1 MiB",
}
# A `/_fake` route's refusals besides bad input (`control_access.py`): a control token missing or
# wrong where the server has one, a call from beyond loopback without one (or one asking for
# credentials), a POST that is not JSON.
CONTROL_ERRORS = {
    "400": SEAM_ERRORS["400"],
    "401": "Unauthorized: the control token missing or wrong (a server given one)",
    "403": "Forbidden: a control called from beyond loopback without a token, or asking for credentials without one",
    "404": SEAM_ERRORS["404"],
    "413": SEAM_ERRORS["413"],
    "415": "Unsupported Media Type: a POST to a control whose body is not JSON",
}
PAGE_ERRORS = {key: SEAM_ERRORS[key] for key in ("400", "404", "413")}
CONTROL_TOKEN = {
    "type": "apiKey",
    "in": "header",
    "name": CONTROL_TOKEN_HEADER,
    "description": "Needed only by a server given a control token (`fake-seam serve --control-token`)",
}
OUTAGE = "Service Unavailable: a simulated gateway outage (`/_fake/simulate_workspace_outage`), not Seam"
# The schemes of Seam's spec the fake honours (`fake_seam.seam.auth`): an API key, a personal
# access token, and a client session token wherever Seam names any kind of client session.
SCHEMES = (
    "api_key",
    "pat_with_workspace",
    "pat_without_workspace",
    "client_session",
    "client_session_with_customer",
    "client_session_with_customer_ro",
)
# A client session token may come in either header too, wherever a client session may call.
SESSION_HEADERS = ("client_session_token", "seam_client_session_token")
# Routes whose answer knowingly departs from Seam's schema, and why.
RESPONSE_DEVIATIONS: dict[str, Any] = {
    # Seam's schema types `generated_code` as a whole access_code; Seam answers {device_id, code}
    # (no code is created), and so does the fake, and the SDK reads only those.
    "/access_codes/generate_code": {
        "type": "object",
        "required": ["generated_code", "ok"],
        "properties": {
            "generated_code": {
                "type": "object",
                "required": ["device_id", "code"],
                "properties": {"device_id": {"type": "string"}, "code": {"type": "string"}},
            },
            "ok": {"type": "boolean"},
        },
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "ok"],
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "error": {
            "type": "object",
            "required": ["type", "message"],
            "properties": {
                "type": {"type": "string"},
                "message": {"type": "string"},
                "data": {"type": "object"},
                "validation_errors": {"type": "object"},
            },
        },
    },
}


@cache
def seam_schemas() -> dict[str, Any]:
    """Seam's response schemas, operations and security schemes, as tools/extract_schemas.py cut them."""
    loaded: dict[str, Any] = json.loads(SCHEMAS_FILE.read_text(encoding="utf-8"))
    return loaded


@cache
def document() -> dict[str, Any]:
    """The OpenAPI 3.0 document of every route the fake serves (made once; do not mutate it)."""
    seam = seam_schemas()
    paths: dict[str, Any] = {
        "/health": {"get": _own_operation("health", "Whether the fake is up (no credentials).", HEALTH)},
        "/openapi.json": {"get": _own_operation("openapi", "This document.", {"type": "object"})},
    }
    for path, endpoint in sorted(load_routes().items()):
        paths[path] = {method.lower(): _operation(endpoint, method, seam) for method in _methods(endpoint)}
    schemes = seam["securitySchemes"]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": TITLE,
            "version": _version(),
            "description": (
                "A local fake of Seam Connect. The Seam routes answer as Seam's own document "
                f"({seam['source']}) says; the `/_fake` routes steer the fake and need no credentials."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {**_seam_components(seam), "error": ERROR_SCHEMA},
            "securitySchemes": {
                **{
                    name: schemes[name]
                    for name in (*SCHEMES, *SESSION_HEADERS, "seam_workspace")
                    if name in schemes
                },
                "fake_seam_control_token": CONTROL_TOKEN,
            },
        },
    }


@cache
def document_bytes() -> bytes:
    """`document()` as the route sends it."""
    return orjson.dumps(document())


# What `/health` answers (`handler.HEALTHY`).
HEALTH = {
    "type": "object",
    "required": ["ok"],
    "properties": {"ok": {"type": "boolean"}, "msg": {"type": "string"}},
}


def _version() -> str:
    # The installed distribution's (the package's root imports the facade, a layer above).
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fake-seam")
    except PackageNotFoundError:
        return "0"


def _methods(endpoint: Endpoint) -> list[str]:
    """The methods the route declares, in the order Seam's spec lists them."""
    order = ("GET", "POST", "PUT", "PATCH", "DELETE")
    methods = endpoint.methods or route_methods(endpoint.path)
    return sorted(methods, key=lambda m: order.index(m) if m in order else len(order))


def _operation_id(path: str, method: str) -> str:
    words = [w for part in path.strip("/").split("/") for w in part.replace("_", " ").split()]
    head, *rest = words
    return head + "".join(w.capitalize() for w in rest) + method.capitalize()


def _takes_query(endpoint: Endpoint, method: str, seam: dict[str, Any]) -> bool:
    operation = seam["operations"].get(endpoint.path, {}).get(method)
    if operation is not None:
        return bool(operation["in"] == "query")
    return method in ("GET", "DELETE")


def _operation(endpoint: Endpoint, method: str, seam: dict[str, Any]) -> dict[str, Any]:
    is_control = endpoint.control
    model = endpoint.params
    summary, description = _prose(endpoint)
    operation: dict[str, Any] = {
        "operationId": _operation_id(endpoint.path, method),
        "summary": summary,
        "tags": ["/_fake" if is_control else "/" + endpoint.path.strip("/").split("/")[0]],
    }
    if description:
        operation["description"] = description
    if _takes_query(endpoint, method, seam):
        parameters = [
            {
                "in": "query",
                "name": name,
                "required": required,
                "schema": _described(zod_schema(zod), default, text),
            }
            for name, (zod, required, default, text) in field_types(model).items()
        ]
        if parameters:
            operation["parameters"] = parameters
    elif model.model_fields:
        body = model_schema(model)
        content = {"application/json": {"schema": body}}
        if endpoint.form:  # an HTML form posts here too
            content["application/x-www-form-urlencoded"] = {"schema": body}
        operation["requestBody"] = {
            # A request without a body is one with no parameters: refused only for a required one.
            "required": bool(body.get("required")),
            "content": content,
        }
    if endpoint.control:
        # No Seam credentials; a control token only where the server was given one.
        operation["security"] = [{}, {"fake_seam_control_token": []}]
        operation["responses"] = _control_responses(endpoint)
    elif endpoint.auth:
        operation["security"] = _security(endpoint.path, method, seam)
        operation["responses"] = _seam_responses(endpoint, seam)
    else:
        operation["security"] = []
        operation["responses"] = _page_responses(endpoint)
    return operation


def _described(schema: dict[str, Any], default: Any, text: str | None) -> dict[str, Any]:
    if default is not None:
        schema["default"] = default
    if text:
        schema["description"] = text
    return schema


def _prose(endpoint: Endpoint) -> tuple[str, str]:
    control = next((c for c in CONTROLS.values() if c.path == endpoint.path), None)
    if control is not None:
        first, _, rest = control.doc.partition("\n")
        return first.strip(), " ".join(rest.split())
    doc = (endpoint.params.__doc__ or "").strip()
    # The generated models' docstrings: "`/devices/get`: Get a Device."
    title = doc.split(": ", 1)[1].rstrip(".") if doc.startswith("`") and ": " in doc else endpoint.path
    return title, ""


def _security(path: str, method: str, seam: dict[str, Any]) -> list[dict[str, list[str]]]:
    named = seam["operations"].get(path, {}).get(method, {}).get("security", [])
    schemes = [name for name in SCHEMES if name in named]
    if any(name.startswith("client_session") for name in schemes):
        schemes += SESSION_HEADERS
    return [{name: []} for name in schemes]


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}},
    }


def _seam_responses(endpoint: Endpoint, seam: dict[str, Any]) -> dict[str, Any]:
    ok = RESPONSE_DEVIATIONS.get(endpoint.path) or _without_uuid_format(
        copy.deepcopy(seam["responses"].get(endpoint.path))
    )
    if ok is None:
        raise LookupError(f"{endpoint.path}: no response schema (add its object to tools/extract_schemas.py)")
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": ok}}}
    }
    responses.update({status: _error(text) for status, text in SEAM_ERRORS.items()})
    responses["503"] = {"description": OUTAGE, "content": {"text/plain": {"schema": {"type": "string"}}}}
    return responses


def _control_responses(endpoint: Endpoint) -> dict[str, Any]:
    answer: dict[str, Any] = {"type": "object"}
    if endpoint.ok:
        answer = {
            "type": "object",
            "required": ["ok"],
            "properties": {"ok": {"type": "boolean", "enum": [True]}},
        }
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": answer}}}
    }
    responses.update({status: _error(text) for status, text in CONTROL_ERRORS.items()})
    return responses


def _page_responses(endpoint: Endpoint) -> dict[str, Any]:
    """A route outside Seam's API that needs no credentials: a route that reads an HTML form
    answers an HTML page (the connect webview's); any other, an object."""
    if endpoint.form:
        answer = {"text/html": {"schema": {"type": "string"}}}
    else:
        answer = {"application/json": {"schema": {"type": "object"}}}
    responses: dict[str, Any] = {"200": {"description": "OK", "content": answer}}
    responses.update({status: _error(text) for status, text in PAGE_ERRORS.items()})
    return responses


def _own_operation(name: str, summary: str, answer: dict[str, Any]) -> dict[str, Any]:
    return {
        "operationId": name,
        "summary": summary,
        "tags": ["fake-seam"],
        "security": [],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": answer}}}},
    }


def _seam_components(seam: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = _without_uuid_format(copy.deepcopy(seam["components"]["schemas"]))
    webview = schemas.get("connect_webview", {}).get("properties", {})
    for name in ("custom_redirect_url", "custom_redirect_failure_url"):
        # Seam's document takes any string for these on create (no `uri` format on the
        # parameter), and the webview shows what it was given; only its answer says `uri`.
        if name in webview:
            webview[name] = _without_format(webview[name], "uri")
    return schemas


def _without_format(node: Any, name: str) -> Any:
    if isinstance(node, dict):
        return {k: _without_format(v, name) for k, v in node.items() if not (k == "format" and v == name)}
    if isinstance(node, list):
        return [_without_format(v, name) for v in node]
    return node


def _without_uuid_format(node: Any) -> Any:
    """Seam's schemas say every id is a UUID; the seed's ids are Seam's own fake's fixed names
    (`august_device_1`, `seed_workspace_1`), which test suites written against it use. The
    ids stay strings; only the `uuid` format goes."""
    if isinstance(node, dict):
        if node.get("format") == "uuid":
            del node["format"]
        for value in node.values():
            _without_uuid_format(value)
    elif isinstance(node, list):
        for value in node:
            _without_uuid_format(value)
    return node
