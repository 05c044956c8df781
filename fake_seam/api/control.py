"""/_fake/*: what Seam's sandbox cannot do — the clock, hardware faults, slots, the backup
pool, resets — plus Seam's own fake's `/_fake` routes. No Seam credentials: who may call them
is the server's control access (`control_access.py`), checked before any route runs.

One route per control of `fake_seam.controls`, made from its declaration: the params are
validated by the same zod-worded validator as Seam's routes, the control runs, and its
answer is the body."""

from __future__ import annotations

from typing import Any

from fake_seam import messages as msgs
from fake_seam.api.routing import Context, Handler, route
from fake_seam.controls import CONTROLS, Control
from fake_seam.seam.errors import SeamError


def handler(declared: Control[Any, Any]) -> Handler:
    def handle(ctx: Context, params: Any) -> dict[str, Any]:
        if not ctx.control_token:
            for name in declared.params.needs_control_token:
                if getattr(params, name):
                    raise SeamError("forbidden", msgs.needs_control_token(name), 403)
        return declared.respond(ctx.fake, params)

    handle.__name__ = handle.__qualname__ = declared.name
    # The route table reads a handler's params model from its annotation.
    handle.__annotations__["params"] = declared.params
    return handle


for _declared in CONTROLS.values():
    route(
        _declared.path,
        auth=False,
        methods=tuple(sorted(_declared.methods)),
        ok=_declared.ok,
        locked=_declared.locked,
        sliced=_declared.sliced,
        control=True,
    )(handler(_declared))
