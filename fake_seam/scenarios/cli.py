"""`fake-seam replay` and `fake-seam record` (registered on the main CLI by `register`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from fake_seam.serve import CONTROL_TOKEN_ENV, serve

# The model and the runner bring YAML, pydantic (the controls) and httpx: ~120 ms and ~220 ms of
# imports that `fake-seam serve` never needs, so each command imports what it uses when it runs.
if TYPE_CHECKING:
    from fake_seam.scenarios.model import Problem, Scenario


def register(commands: argparse._SubParsersAction) -> None:
    replay_cmd = commands.add_parser(
        "replay",
        help="replay scenario files and check their expectations",
        description="Replay scenario files (or directories of them), each in a fresh in-process fake "
        "unless --against names a server. Exit status: 0 all passed, 1 an expectation failed or a "
        "step could not run, 2 a file is malformed (then nothing runs).",
    )
    replay_cmd.add_argument(
        "files", nargs="+", metavar="FILE", help="scenario files, or directories of *.yaml"
    )
    replay_cmd.add_argument(
        "--against",
        metavar="URL",
        help="run against this server (another fake-seam, or Seam) instead of a fresh fake",
    )
    replay_cmd.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key of the scenario's workspace on that server (default: the fleet's key)",
    )
    replay_cmd.add_argument(
        "--control-token",
        metavar="TOKEN",
        default=os.environ.get(CONTROL_TOKEN_ENV) or None,
        help=f"against a fake-seam started with --control-token: that token (default: ${CONTROL_TOKEN_ENV})",
    )
    replay_cmd.add_argument(
        "--report", choices=("text", "json"), default="text", help="report format (default text)"
    )
    replay_cmd.add_argument(
        "--quiet", action="store_true", help="text report: one line per scenario, and failures"
    )
    replay_cmd.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a scenario variable (${NAME}); repeatable",
    )
    replay_cmd.add_argument(
        "--no-reset", action="store_true", help="against a fake-seam: do not reset it and set its clock first"
    )
    replay_cmd.add_argument(
        "--print-seed",
        action="store_true",
        help="print the scenario's fleet as a seed file for `fake-seam serve --seed` and stop",
    )
    replay_cmd.set_defaults(run=replay)

    record_cmd = commands.add_parser(
        "record",
        help="serve a fake and record the API calls clients make as a scenario file",
        description="Serve a fake Seam on loopback (like `serve`) and, when stopped with Ctrl-C, write "
        "every API call made to it as a scenario whose expectations are the answers it gave.",
    )
    record_cmd.add_argument("--out", required=True, metavar="FILE", help="the scenario file to write")
    record_cmd.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)")
    record_cmd.add_argument("--seed", default="default", help="default, empty, or a seed JSON file")
    record_cmd.add_argument("--rng-seed", default="0", help="seed of the fake's RNG (PINs, faults, ids)")
    record_cmd.set_defaults(run=record)


def scenario_files(names: list[str]) -> tuple[list[Path], list[Problem]]:
    from fake_seam.scenarios.model import Problem

    files: list[Path] = []
    problems: list[Problem] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            if not found:
                problems.append(Problem(name, None, "no scenario files (*.yaml) in this directory"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(name, None, "no such file"))
    return files, problems


def parse_vars(pairs: list[str]) -> tuple[dict[str, str], list[Problem]]:
    from fake_seam.scenarios.model import Problem

    out: dict[str, str] = {}
    problems = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            problems.append(Problem("--var", None, f"{pair!r}: write NAME=VALUE"))
        else:
            out[name] = value
    return out, problems


def load_all(files: list[Path], variables: dict[str, str]) -> tuple[list[Scenario], list[Problem]]:
    """Every file checked before any runs: one malformed file stops them all."""
    from fake_seam.scenarios.model import ScenarioError, load_scenario

    scenarios = []
    problems: list[Problem] = []
    for path in files:
        try:
            scenarios.append(load_scenario(path, variables=variables))
        except ScenarioError as error:
            problems.extend(error.problems)
    return scenarios, problems


def replay(args: argparse.Namespace) -> int:
    from fake_seam.scenarios import report
    from fake_seam.scenarios.runner import run_scenario

    files, problems = scenario_files(args.files)
    variables, var_problems = parse_vars(args.var)
    scenarios, load_problems = load_all(files, variables)
    problems += var_problems + load_problems
    if problems:
        if args.report == "json":
            sys.stdout.write(report.problems_json(problems))
        sys.stderr.write(report.problems_text(problems))
        sys.stderr.write(f"fake-seam: nothing was run: {len(problems)} problem(s) in the scenario files\n")
        return 2
    if args.print_seed:
        if len(scenarios) != 1:
            sys.stderr.write("fake-seam: --print-seed takes exactly one scenario file\n")
            return 2
        sys.stdout.write(json.dumps(scenarios[0].seed, indent=2) + "\n")
        return 0
    results = []
    for scenario in scenarios:
        result = run_scenario(
            scenario,
            against=args.against,
            api_key=args.api_key,
            reset=not args.no_reset,
            control_token=args.control_token,
        )
        results.append(result)
        if args.report == "text":
            sys.stdout.write(report.scenario_text(result, quiet=args.quiet))
            sys.stdout.flush()
    sys.stdout.write(report.as_json(results) if args.report == "json" else report.totals(results))
    return 0 if all(r.passed for r in results) else 1


def record(args: argparse.Namespace) -> int:
    from fake_seam.scenarios.recorder import Recorder  # YAML: ~25 ms

    args.host = "127.0.0.1"
    return serve(args, recording=lambda fake: Recorder(fake, args.out))
