"""`fake-seam serve`: a fake on a loopback socket until Ctrl-C (also what `record` runs)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from fake_seam import __version__
from fake_seam import messages as msgs
from fake_seam.api.control_access import CONTROL_TOKEN_ENV, is_loopback
from fake_seam.api.limits import DEFAULT_HEADER_TIMEOUT, DEFAULT_IDLE_TIMEOUT
from fake_seam.fake import DEFAULT_API_KEY, FakeSeam
from fake_seam.seam import Settings
from fake_seam.seam.seed import SeedError
from fake_seam.state.file import StateFileError

__all__ = ["CONTROL_TOKEN_ENV", "DEFAULT_HEADER_TIMEOUT", "DEFAULT_IDLE_TIMEOUT", "api_key_of", "serve"]


def fast_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (a dependency, except on Windows), as uvicorn's own
    `loop="auto"` would pick; else asyncio's loop."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


class Recording(Protocol):
    """What `--record` keeps of a session (`fake_seam.scenarios.recorder.Recorder`)."""

    @property
    def path(self) -> Path: ...
    @property
    def count(self) -> int: ...

    def save(self) -> object: ...


def serve(args: argparse.Namespace, recording: Callable[[FakeSeam], Recording] | None = None) -> int:
    """Serve until Ctrl-C; with `recording`, what it records of the session is saved at the end."""
    from fake_seam.server import FakeSeamServer, PortInUse, bind  # uvicorn: ~35 ms, not for replay

    control_token = getattr(args, "control_token", None) or None
    limits = {
        name: getattr(args, name)
        for name in ("idle_timeout", "header_timeout")
        if getattr(args, name, None) is not None
    }
    journal = None
    try:
        state = getattr(args, "state", None)
        if state:
            from fake_seam.state.journal import open_state

            fake, journal = open_state(
                state,
                seed=args.seed,
                rng_seed=args.rng_seed,
                webhook_urls=getattr(args, "webhook", ()),
                settings=settings_of(args),
                synchronous=getattr(args, "state_sync", "normal").upper(),
            )
        else:
            # No call log: nothing in a standalone server could read it (`--record` has its own).
            fake = FakeSeam(
                args.seed,
                rng_seed=args.rng_seed,
                webhook_urls=getattr(args, "webhook", ()),
                call_log_size=0,
                settings=settings_of(args),
            )
    except StateFileError as problem:
        print(f"fake-seam: {problem}", file=sys.stderr)
        return 2
    except SeedError as problem:
        message = str(problem)
        if not message.startswith(str(args.seed)):  # name the file, whichever layer complained
            message = f"{args.seed}: {message.removeprefix('seed: ')}"
        print(f"fake-seam: {message}", file=sys.stderr)
        return 2
    except (KeyError, TypeError, ValueError, AttributeError) as problem:
        # A seed file whose JSON parses but whose fields do not fit (a string for a number,
        # an object where a list goes): one line naming the file, not a traceback.
        detail = f"missing {problem}" if isinstance(problem, KeyError) else str(problem)
        print(
            f"fake-seam: {args.seed}: not a usable seed file ({detail}); see docs/fleet-and-seeds.md",
            file=sys.stderr,
        )
        return 2
    try:
        # Refuses a host beyond loopback without a control token, before anything listens.
        server = FakeSeamServer(fake, host=args.host, control_token=control_token, own_process=True, **limits)
    except ValueError as problem:
        if journal is not None:
            journal.close()
        print(f"fake-seam: {problem}", file=sys.stderr)
        return 2
    try:
        sock = bind(args.host, args.port)
    except PortInUse as problem:
        if journal is not None:
            journal.close()
        print(f"fake-seam: {problem}", file=sys.stderr)
        return 1
    if journal is not None:
        journal.attach(snapshots_in_child=True)
    port = sock.getsockname()[1]
    host = f"[{args.host}]" if ":" in args.host else args.host
    endpoint = f"http://{host}:{port}"
    recorder = recording(fake) if recording is not None else None
    origin = f"state: {args.state}" if journal is not None else f"seed: {args.seed}"
    print(f"fake-seam {_version()} serving Seam on {endpoint} ({origin})")
    # Not the token itself: a URL ends up in shell history and logs (the page asks for it).
    token_note = " (the page asks for the control token)" if control_token else ""
    print(f"console {endpoint}/_fake/console{token_note}")
    print(f"export SEAM_ENDPOINT={endpoint} SEAM_API_KEY={api_key_of(fake)}")
    for webhook in fake.cloud.webhooks.standing():
        print(f"webhook {webhook.url} (secret: {webhook.secret})")
    sys.stdout.flush()
    if not is_loopback(args.host):
        print(msgs.beyond_loopback(args.host), file=sys.stderr, flush=True)
    # uvicorn stops on SIGTERM as on Ctrl-C, then raises the signal again: with its default
    # action the process would end before the recording below is saved.
    signal.signal(signal.SIGTERM, _stop_like_ctrl_c)
    try:
        with asyncio.Runner(loop_factory=fast_loop_factory()) as runner:
            runner.run(server.serve(sockets=[sock]))
    except KeyboardInterrupt:
        pass  # Ctrl-C or SIGTERM: how a dev server is meant to stop
    finally:
        sock.close()
        if journal is not None:
            journal.close()
        if recorder is not None:
            recorder.save()
            print(f"fake-seam: recorded {recorder.count} calls to {recorder.path}")
    print("fake-seam stopped")
    return 0


def settings_of(args: argparse.Namespace) -> Settings:
    """The fake's settings from `serve`'s flags (retention; the rest keep their defaults)."""
    days = getattr(args, "retention_days", None)
    count = getattr(args, "retention_count", Settings.retention_count)
    return Settings(
        retention_seconds=None if days is None else days * 86400.0,
        retention_count=None if count is None else int(count),
    )


def _stop_like_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def api_key_of(fake: FakeSeam) -> str:
    """The key to paste: Seam's fake's default key when the seed has it, else the seed's first."""
    keys = fake.cloud.store.credentials.api_keys
    return DEFAULT_API_KEY if DEFAULT_API_KEY in keys or not keys else next(iter(keys))


def _version() -> str:
    return __version__
