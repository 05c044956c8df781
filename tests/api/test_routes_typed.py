"""Routes are typed: each Seam handler declares the params model generated from Seam's spec
for its path (checked when it registers), hand-written `Params` models validate with the
same zod wording, and every message lives in `fake_seam.messages`, a leaf module."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any, Literal, get_type_hints

import pytest
from pydantic import BaseModel, Field

from fake_seam import messages
from fake_seam.api import routing
from fake_seam.api.handler import load_routes
from fake_seam.api.routing import Context, RouteDeclarationError, route
from fake_seam.wire import params
from fake_seam.wire.params import ROUTES
from fake_seam.wire.validation import InvalidInput, Params, validate_params

HANDLERS = load_routes()
SEAM_PATHS = sorted(path for path in HANDLERS if path in ROUTES)


@pytest.fixture
def scratch_table(monkeypatch: pytest.MonkeyPatch) -> dict[str, routing.Endpoint]:
    """A copy of the route table, so a test's registrations leave the real one alone."""
    table = dict(routing.HANDLERS)
    monkeypatch.setattr(routing, "HANDLERS", table)
    return table


class Plain(Params):
    pass


class Other(Params):
    pass


class Knob(Params):
    level: int


def params_annotation(path: str) -> Any:
    handler = HANDLERS[path].handler
    second = list(inspect.signature(handler).parameters)[1]
    return get_type_hints(handler)[second]


def test_every_seam_route_is_implemented_by_a_handler_of_the_spec_model() -> None:
    assert len(SEAM_PATHS) > 40
    for path in SEAM_PATHS:
        assert params_annotation(path) is ROUTES[path].params, path
        assert HANDLERS[path].params is ROUTES[path].params, path

    for endpoint in HANDLERS.values():  # Seam's routes and the control routes: one validator
        assert issubclass(endpoint.params, Params), endpoint.path


def test_a_handler_declaring_another_routes_model_fails_to_register(scratch_table: dict[str, Any]) -> None:
    with pytest.raises(RouteDeclarationError, match="AccessCodesCreateParams.*declares AccessCodesGetParams"):

        @route("/access_codes/create")
        def create(ctx: Context, p: params.AccessCodesGetParams) -> dict[str, Any]:
            return {}

    assert scratch_table["/access_codes/create"] is HANDLERS["/access_codes/create"]


def test_a_handler_declaring_no_model_fails_to_register(scratch_table: dict[str, Any]) -> None:
    with pytest.raises(RouteDeclarationError, match="declares BaseModel"):

        @route("/devices/get")
        def untyped(ctx: Context, p: BaseModel) -> dict[str, Any]:
            return {}

    with pytest.raises(RouteDeclarationError, match="declares no Params model"):

        @route("/_fake/untyped")
        def no_model(ctx: Context, p: dict[str, Any]) -> dict[str, Any]:
            return {}

    with pytest.raises(RouteDeclarationError, match="declares no Params model"):

        @route("/_fake/lax")
        def lax(ctx: Context, p: BaseModel) -> dict[str, Any]:  # pydantic's words, not zod's
            return {}


def test_a_model_given_by_name_must_match_the_spec_and_the_annotation(scratch_table: dict[str, Any]) -> None:
    with pytest.raises(RouteDeclarationError, match="DevicesGetParams"):

        @route("/devices/get", params=params.LocksGetParams)
        def get(ctx: Context, p: params.DevicesGetParams) -> dict[str, Any]:
            return {}

    with pytest.raises(RouteDeclarationError, match="with Other, but declares Plain"):

        @route("/_fake/mismatch", params=Other)
        def mismatch(ctx: Context, p: Plain) -> dict[str, Any]:
            return {}


def test_a_route_outside_the_spec_takes_its_model_from_the_annotation(scratch_table: dict[str, Any]) -> None:
    @route("/_fake/knob", auth=False)
    def knob(ctx: Context, p: Knob) -> dict[str, Any]:
        return {"level": p.level}

    endpoint = scratch_table["/_fake/knob"]
    assert endpoint.params is Knob


# -- one validator for Seam's models and hand-written ones -------------------------------


class Outage(Params):
    workspace_id: str
    routes: list[str] = Field(default_factory=list)
    status: Literal["pending", "success"] = "pending"
    seconds: float | None = None
    result: dict[str, Any] | None = None


def test_a_hand_written_params_model_reads_query_strings_like_a_generated_one() -> None:
    p = validate_params(Outage, "workspace_id=w&routes=a&routes=b&seconds=1.5&_strict=true", None)
    assert (p.workspace_id, p.routes, p.seconds) == ("w", ["a", "b"], 1.5)
    assert validate_params(Outage, "workspace_id=w&routes=", None).routes == []
    assert validate_params(Outage, "", {"workspace_id": "w", "seconds": None}).seconds is None


def test_a_hand_written_params_model_answers_in_zods_words() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_params(Outage, "", {"workspace_id": 3, "status": "done"})
    assert caught.value.message == (
        '2 Input Errors: Expected string, received number for "workspace_id", '
        "Invalid enum value. Expected 'pending' | 'success', received 'done' for \"status\""
    )
    with pytest.raises(InvalidInput) as caught:
        validate_params(Outage, "", {})
    assert caught.value.message == "workspace_id is required"
    assert caught.value.validation_errors == {"_errors": [], "workspace_id": {"_errors": ["Required"]}}


# -- messages ------------------------------------------------------------------------------


def test_messages_is_a_leaf_module() -> None:
    tree = ast.parse(Path(messages.__file__).read_text())
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append("." * node.level + (node.module or ""))
    assert imported, "expected at least the __future__ import"
    assert not [name for name in imported if name.startswith((".", "fake_seam"))]


def test_the_seam_layer_reexports_its_messages_from_the_one_module() -> None:
    from fake_seam.seam import errors

    assert errors.BACKUP_ONLY_TIME_BOUND is messages.BACKUP_ONLY_TIME_BOUND
    assert errors.BACKUP_POOL_UNSUPPORTED is messages.BACKUP_POOL_UNSUPPORTED
