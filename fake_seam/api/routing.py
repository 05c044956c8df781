"""The route table: every Seam route path maps to one handler, registered by decorator.

A handler declares the params model it reads as the annotation of its second argument;
`route` checks it against the model generated from Seam's spec for that path, so a
handler cannot read a route's parameters through the wrong model.
"""

from __future__ import annotations

import base64
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, get_type_hints
from urllib.parse import urlencode

from fake_seam.clock import to_datetime
from fake_seam.messages import INVALID_DATETIME, INVALID_PAGE_CURSOR, number_at_least
from fake_seam.seam.errors import invalid_input
from fake_seam.seam.store import Caller

if TYPE_CHECKING:
    from pydantic import BaseModel

    from fake_seam.controls import Bench
    from fake_seam.seam.cloud import SeamCloud


@dataclass
class Context:
    fake: Bench  # the fake serving the request (a `FakeSeam`)
    caller: Caller | None
    path: str
    base_url: str
    params: dict[str, Any]
    # The request presented the configured control token (`fake_seam.api.control_access`).
    control_token: bool = False

    @property
    def cloud(self) -> SeamCloud:
        return self.fake.cloud

    def require_caller(self) -> Caller:
        assert self.caller is not None
        return self.caller


class Page(dict[str, Any]):
    """A handler's answer that is an HTML page rather than Seam JSON (the connect webview)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html


P = TypeVar("P", bound="BaseModel")
T = TypeVar("T")
Handler = Callable[[Context, Any], dict[str, Any]]


@dataclass
class Endpoint:
    path: str
    handler: Handler
    params: type[BaseModel]  # what the handler reads: Seam's generated model, or a /_fake route's own
    auth: bool = True
    methods: frozenset[str] | None = None  # None: the methods Seam's spec lists
    ok: bool = True  # add `"ok": true` to the body (not to a flat dump like /_fake/default_seed)
    workspace_required: bool = True  # False: a personal access token needs no seam-workspace
    # False: the handler takes the fake's lock itself, only while it touches the fake (it waits
    # on something outside, like a webhook receiver that may call back); served off the loop.
    locked: bool = True
    form: bool = False  # also reads an HTML form's body (application/x-www-form-urlencoded)
    control: bool = False  # a `/_fake` route: `ControlAccess` admits it, and it takes JSON only
    # True: the handler runs in steps, taking the fake's lock for each (see `Control.sliced`);
    # served off the loop unless a journal must keep it whole.
    sliced: bool = False


HANDLERS: dict[str, Endpoint] = {}


class RouteDeclarationError(TypeError):
    """A handler's declared params model is not the one its route takes."""


def route(
    path: str,
    *,
    auth: bool = True,
    methods: tuple[str, ...] | None = None,
    params: type[BaseModel] | None = None,
    ok: bool = True,
    workspace_required: bool = True,
    locked: bool = True,
    form: bool = False,
    control: bool = False,
    sliced: bool = False,
) -> Callable[[Callable[[Context, P], dict[str, Any]]], Callable[[Context, P], dict[str, Any]]]:
    """Register a handler for `path`. Its params model is the annotation of its second
    argument, which must be the model generated from Seam's spec for a Seam path; a path
    outside the spec (`/_fake/*`) may name its model with `params=`, which must then be
    the annotation or a subclass of it."""

    def register(handler: Callable[[Context, P], dict[str, Any]]) -> Callable[[Context, P], dict[str, Any]]:
        model = params_model(path, handler, params)
        HANDLERS[path] = Endpoint(
            path,
            handler,
            model,
            auth,
            frozenset(methods) if methods else None,
            ok,
            workspace_required,
            locked,
            form,
            control,
            sliced,
        )
        return handler

    return register


def declared_params(handler: Callable[..., Any]) -> object:
    """The annotation of a handler's second (params) argument, resolved."""
    names = list(inspect.signature(handler).parameters)
    if len(names) != 2:
        raise RouteDeclarationError(f"{handler.__qualname__} must take (ctx, params)")
    try:
        hints = get_type_hints(handler)
    except NameError as error:
        raise RouteDeclarationError(
            f"{handler.__qualname__}: cannot resolve its annotations ({error})"
        ) from None
    return hints.get(names[1])


def params_model(path: str, handler: Callable[..., Any], given: type[BaseModel] | None) -> type[BaseModel]:
    """The model `path` is validated with, checked against what `handler` declares."""

    # Registration runs in load_routes, after a server listens: these bring pydantic (~110 ms).
    from fake_seam.wire.params import ROUTES
    from fake_seam.wire.validation import Params

    declared = declared_params(handler)
    name = handler.__qualname__
    spec = ROUTES.get(path)
    if spec is not None:
        generated: type[BaseModel] = spec.params
        if declared is not generated or (given is not None and given is not generated):
            shown = declared.__name__ if isinstance(declared, type) else declared
            raise RouteDeclarationError(
                f"{name} handles {path}, whose params model is {generated.__name__}, but declares {shown}"
            )
        return generated
    if not (isinstance(declared, type) and issubclass(declared, Params)):
        # One validator for every route: a plain pydantic model would answer in pydantic's words.
        raise RouteDeclarationError(f"{name} handles {path} but declares no Params model")
    if given is None:
        return declared
    if not issubclass(given, declared):
        raise RouteDeclarationError(
            f"{name} handles {path} with {given.__name__}, but declares {declared.__name__}"
        )
    return given


# -- parameter helpers ------------------------------------------------------------------


def timestamp(value: str | datetime | None, name: str) -> float | None:
    """A timestamp parameter as epoch seconds (`None` when not sent); `name` for the error."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_datetime(value).timestamp()
    try:
        return to_datetime(str(value)).timestamp()
    except ValueError:
        raise invalid_input(name, INVALID_DATETIME) from None


# -- pagination -------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 500


class Paginated(Protocol):
    """The parameters of a paginated list route (read-only, so any numeric `limit` fits)."""

    @property
    def limit(self) -> float | None: ...

    @property
    def page_cursor(self) -> str | None: ...


def paginate(ctx: Context, items: list[T], p: Paginated) -> tuple[list[T], dict[str, Any]]:
    """One page of `items`, and Seam's `pagination` object pointing at the next."""
    if p.limit is not None and p.limit < 1:  # 0 or less would page for ever, or drop items
        raise invalid_input("limit", number_at_least("1"))
    limit = int(p.limit or DEFAULT_PAGE_SIZE)
    cursor = p.page_cursor
    offset = 0
    if cursor:
        try:
            offset = int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"])
        except (ValueError, KeyError, TypeError):
            raise invalid_input("page_cursor", INVALID_PAGE_CURSOR) from None
        if offset < 0:
            raise invalid_input("page_cursor", INVALID_PAGE_CURSOR)
    page = items[offset : offset + limit]
    has_next = offset + limit < len(items)
    next_cursor = None
    next_url = None
    if has_next:
        next_cursor = base64.urlsafe_b64encode(json.dumps({"offset": offset + limit}).encode()).decode()
        query = {k: v for k, v in ctx.params.items() if k not in ("page_cursor", "_strict")}
        query["page_cursor"] = next_cursor
        next_url = f"{ctx.base_url}{ctx.path}?" + urlencode(
            {k: (json.dumps(v) if isinstance(v, dict) else v) for k, v in query.items()},
            doseq=True,
        )
    return page, {
        "has_next_page": has_next,
        "next_page_cursor": next_cursor,
        "next_page_url": next_url,
    }
