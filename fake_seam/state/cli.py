"""`fake-seam state check PATH` and `fake-seam state export PATH`."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(commands: Any) -> None:
    state = commands.add_parser(
        "state",
        help="look into a --state file",
        description="Look into a state file written by `fake-seam serve --state` (not while a server holds it).",
    )
    sub = state.add_subparsers(dest="state_command", required=True)
    check = sub.add_parser("check", help="say what a state file holds")
    check.add_argument("path")
    check.set_defaults(run=check_command)
    export = sub.add_parser("export", help="write a state file's fake as a seed (JSON for --seed)")
    export.add_argument("path")
    export.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    export.set_defaults(run=export_command)


def _open(path: str) -> Any:
    from fake_seam.state.journal import open_state

    return open_state(path, create=False)


def check_command(args: argparse.Namespace) -> int:
    from fake_seam.state.file import StateFileError
    from fake_seam.state.summary import summary

    try:
        fake, journal = _open(args.path)
    except StateFileError as problem:
        print(f"fake-seam: {problem}", file=sys.stderr)
        return 2
    try:
        for line in summary(fake, journal):
            print(line)
    finally:
        journal.file.close()
    return 0


def export_command(args: argparse.Namespace) -> int:
    import orjson

    from fake_seam.state.file import StateFileError
    from fake_seam.state.seed_export import export_seed

    try:
        fake, journal = _open(args.path)
    except StateFileError as problem:
        print(f"fake-seam: {problem}", file=sys.stderr)
        return 2
    try:
        text = orjson.dumps(export_seed(fake), option=orjson.OPT_INDENT_2).decode() + "\n"
    finally:
        journal.file.close()
    if args.output:
        with open(args.output, "w") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0
