"""`fake-seam`: serve a fake, replay scenarios, record sessions."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Sequence

from fake_seam.scenarios import cli as scenario_cli
from fake_seam.seam.store import Settings
from fake_seam.serve import CONTROL_TOKEN_ENV, DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT, serve
from fake_seam.state import cli as state_cli


def _limit(kind: Callable[[str], float]) -> Callable[[str], float | None]:
    """A retention limit: a number not below 0, or `none`."""

    def parse(text: str) -> float | None:
        if text.strip().lower() == "none":
            return None
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value >= 0:  # also refuses nan
            raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
        return value

    return parse


def serve_command(args: argparse.Namespace) -> int:
    if not args.record:
        return serve(args)
    # The recorder brings YAML (~25 ms of imports): only `serve --record` pays for it.
    from fake_seam.scenarios.recorder import Recorder

    return serve(args, recording=lambda fake: Recorder(fake, args.record))


def add_control_token(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument(
        "--control-token",
        metavar="TOKEN",
        default=os.environ.get(CONTROL_TOKEN_ENV) or None,
        help=f"the control token ({what}; default: ${CONTROL_TOKEN_ENV})",
    )


def seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fake-seam", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve_cmd = commands.add_parser(
        "serve",
        help="serve a fake Seam API over HTTP",
        description="Serve a fake Seam API over HTTP until Ctrl-C. On loopback (the default) its "
        "/_fake control routes need no credentials but answer only requests addressed to a loopback "
        "name; on any other host they need --control-token, sent by callers in the "
        "x-fake-seam-control-token header. /_fake routes that change anything take POST with a JSON "
        "body (content-type: application/json) only; /_fake/database shows API keys and client "
        "session tokens only with include_credentials and the token. A console to watch and drive "
        "the simulated locks is served at /_fake/console (its URL is printed at start; with a control "
        "token, type the token into the page or open it once with ?token=).",
    )
    serve_cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: loopback; any other needs --control-token)",
    )
    serve_cmd.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    serve_cmd.add_argument("--seed", default="default", help="default, empty, or a seed JSON file")
    serve_cmd.add_argument("--rng-seed", default="0", help="seed of the fake's RNG (PINs, faults, ids)")
    serve_cmd.add_argument("--record", metavar="FILE", help="record API calls to a scenario file")
    serve_cmd.add_argument(
        "--state",
        metavar="PATH",
        help="keep the fake in this file (SQLite): every answered change survives a crash or restart; "
        "an existing file is resumed and --seed, --rng-seed and --webhook are those it was made with",
    )
    serve_cmd.add_argument(
        "--state-sync",
        choices=("normal", "full"),
        default="normal",
        help="normal (default): an answered change survives the server being killed; full: also "
        "power loss (an fsync per change)",
    )
    serve_cmd.add_argument(
        "--webhook",
        action="append",
        default=[],
        metavar="URL",
        help="register a webhook for every event of the default workspace (again after a reset);"
        " its secret is printed (may be given more than once)",
    )
    add_control_token(
        serve_cmd, "every /_fake request must then send it in the x-fake-seam-control-token header"
    )
    serve_cmd.add_argument(
        "--idle-timeout",
        type=seconds,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help=f"close a connection that sends nothing this long, before or between requests "
        f"(default {DEFAULT_IDLE_TIMEOUT:g})",
    )
    serve_cmd.add_argument(
        "--header-timeout",
        type=seconds,
        default=DEFAULT_HEADER_TIMEOUT,
        metavar="SECONDS",
        help=f"answer 408 and close when a request's headers take longer than this "
        f"(default {DEFAULT_HEADER_TIMEOUT:g})",
    )
    serve_cmd.add_argument(
        "--retention-days",
        type=_limit(float),
        default=None,
        metavar="DAYS",
        help="drop events and finished action attempts older than this, in simulated days "
        "(default: no age limit)",
    )
    serve_cmd.add_argument(
        "--retention-count",
        type=_limit(int),
        default=Settings.retention_count,
        metavar="N",
        help=f"keep at most N events and N finished action attempts per workspace, dropping "
        f"the oldest (default {Settings.retention_count:,}; 'none': no limit)",
    )
    serve_cmd.set_defaults(run=serve_command)

    scenario_cli.register(commands)
    state_cli.register(commands)

    args = parser.parse_args(argv)
    return int(args.run(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
