"""The route table: every Seam route path maps to one handler, registered by decorator."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fake_seam.clock import to_datetime
from fake_seam.seam.errors import invalid_input
from fake_seam.seam.store import Caller

if TYPE_CHECKING:
    from pydantic import BaseModel

    from fake_seam.fake import FakeSeam


@dataclass
class Context:
    fake: FakeSeam
    caller: Caller | None
    path: str
    base_url: str
    params: dict[str, Any]

    @property
    def cloud(self):  # noqa: ANN201 - SeamCloud, imported lazily
        return self.fake.cloud

    def require_caller(self) -> Caller:
        assert self.caller is not None
        return self.caller


Handler = Callable[[Context, "BaseModel"], dict[str, Any]]


@dataclass
class Endpoint:
    path: str
    handler: Handler
    auth: bool = True
    methods: frozenset[str] | None = None  # None: the methods Seam's spec lists
    params: type[BaseModel] | None = None  # None: the model generated from Seam's spec
    ok: bool = True  # add `"ok": true` to the body (not to a flat dump like /_fake/default_seed)
    workspace_required: bool = True  # False: a personal access token needs no seam-workspace


HANDLERS: dict[str, Endpoint] = {}


def route(
    path: str,
    *,
    auth: bool = True,
    methods: tuple[str, ...] | None = None,
    params: type[BaseModel] | None = None,
    ok: bool = True,
    workspace_required: bool = True,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[path] = Endpoint(
            path, handler, auth, frozenset(methods) if methods else None, params, ok, workspace_required
        )
        return handler

    return register


# -- parameter helpers ------------------------------------------------------------------


def given(p: BaseModel, name: str) -> bool:
    return name in p.model_fields_set and getattr(p, name, None) is not None


def timestamp(p: BaseModel, name: str) -> float | None:
    value = getattr(p, name, None)
    if value is None:
        return None
    if isinstance(value, datetime):
        return to_datetime(value).timestamp()
    try:
        return to_datetime(str(value)).timestamp()
    except ValueError:
        raise invalid_input(name, "Invalid datetime") from None


# -- pagination -------------------------------------------------------------------------

DEFAULT_PAGE_SIZE = 500


def paginate(ctx: Context, items: list[Any], p: BaseModel) -> tuple[list[Any], dict[str, Any]]:
    """One page of `items`, and Seam's `pagination` object pointing at the next."""
    limit = getattr(p, "limit", None) or DEFAULT_PAGE_SIZE
    cursor = getattr(p, "page_cursor", None)
    offset = 0
    if cursor:
        try:
            offset = int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"])
        except (ValueError, KeyError, TypeError):
            raise invalid_input("page_cursor", "Invalid page cursor") from None
    limit = int(limit)
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
