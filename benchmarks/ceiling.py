"""The bare-Starlette ceiling: one route answering a constant JSON body.

Started by run.py as ``python benchmarks/ceiling.py --port N --body-file F --uvicorn-options J``
so that it runs under the same uvicorn settings as ``python -m fake_seam serve``:
``J`` holds the keyword arguments fake-seam's CLI passes to uvicorn (host and port
are replaced). The body is the exact bytes of fake-seam's ``devices/list`` answer,
so both servers put the same number of bytes on the wire.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build_app(body: bytes) -> Starlette:
    health = b'{"ok":true}'

    async def constant(request: Request) -> Response:
        return Response(body, media_type="application/json")

    async def healthz(request: Request) -> Response:
        return Response(health, media_type="application/json")

    return Starlette(
        routes=[
            Route("/devices/list", constant, methods=["GET", "POST"]),
            Route("/health", healthz, methods=["GET"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--uvicorn-options", default='{"log_level": "warning"}')
    args = parser.parse_args()
    options: dict[str, Any] = json.loads(args.uvicorn_options)
    options["host"] = args.host
    options["port"] = args.port
    options.setdefault("log_level", "warning")
    uvicorn.run(build_app(args.body_file.read_bytes()), **options)


if __name__ == "__main__":
    main()
