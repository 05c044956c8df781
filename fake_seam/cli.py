"""`fake-seam`: serve a fake, replay scenarios, record sessions."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from fake_seam.scenarios import cli as scenario_cli
from fake_seam.serve import serve


def serve_command(args: argparse.Namespace) -> int:
    if not args.record:
        return serve(args)
    # The recorder brings YAML (~25 ms of imports): only `serve --record` pays for it.
    from fake_seam.scenarios.recorder import Recorder

    return serve(args, recording=lambda fake: Recorder(fake, args.record))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fake-seam", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve_cmd = commands.add_parser("serve", help="serve a fake Seam API over HTTP")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve_cmd.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    serve_cmd.add_argument("--seed", default="default", help="default, empty, or a seed JSON file")
    serve_cmd.add_argument("--rng-seed", default="0", help="seed of the fake's RNG (PINs, faults, ids)")
    serve_cmd.add_argument("--record", metavar="FILE", help="record API calls to a scenario file")
    serve_cmd.add_argument(
        "--webhook",
        action="append",
        default=[],
        metavar="URL",
        help="register a webhook for every event of the default workspace (again after a reset);"
        " its secret is printed (may be given more than once)",
    )
    serve_cmd.set_defaults(run=serve_command)

    scenario_cli.register(commands)

    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
