"""Reports of scenario runs: a step-by-step text report, or JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence

from fake_seam.clock import iso
from fake_seam.scenarios.model import Problem
from fake_seam.scenarios.runner import ScenarioResult

MARKS = {True: "[ok]  ", False: "[FAIL]", None: "[skip]"}
STEP_MARKS = {"ok": "ok", "failed": "FAILED", "error": "ERROR", "skipped": "skipped", "not run": "not run"}


def text(results: Sequence[ScenarioResult], *, quiet: bool = False) -> str:
    return "".join(scenario_text(r, quiet=quiet) for r in results) + totals(results)


def scenario_text(result: ScenarioResult, *, quiet: bool = False) -> str:
    return "\n".join(_scenario(result, quiet=quiet)) + "\n"


def _scenario(result: ScenarioResult, *, quiet: bool) -> list[str]:
    scenario = result.scenario
    verdict = "PASSED" if result.passed else "FAILED"
    checks = result.checks
    counts = (
        f"{sum(1 for c in checks if c.passed)} passed, {len(result.failed)} failed, "
        f"{sum(1 for c in checks if c.passed is None)} skipped"
    ) + _stopped([result])
    head = f"{verdict}  {scenario.label}: {scenario.name}  ({counts}; {result.target})"
    if quiet:
        lines = [head]
        if result.setup_error:
            lines.append(f"    could not start: {result.setup_error}")
        for step in result.steps:
            if step.status in ("failed", "error"):
                lines.extend(_step(step, only_failures=True))
        return lines
    lines = ["", f"=== {scenario.label}: {scenario.name}  [{result.target}]"]
    lines.extend(f"    {line}" for line in scenario.summary)
    if scenario.description:
        lines.extend(f"    {line}" for line in scenario.description.strip().splitlines())
    lines.append(
        f"    start {iso(scenario.start)}, rng_seed {scenario.rng_seed}, workspace {scenario.workspace}"
    )
    if result.setup_error:
        lines.append(f"    could not start: {result.setup_error}")
    for step in result.steps:
        lines.extend(_step(step))
    lines.append(head)
    return lines


def _step(step, *, only_failures: bool = False) -> list[str]:  # noqa: ANN001 - StepResult
    s = step.step
    clock = f"  [{step.clock[:19].replace('T', ' ')}]" if step.clock else ""
    lines = [f"  step {s.index} (line {s.line}) {s.action}: {STEP_MARKS[step.status]}{clock}"]
    if s.note and not only_failures:
        lines.append(f"      # {s.note}")
    if step.summary:
        lines.append(f"      {step.summary}")
    if step.events and not only_failures:
        lines.append(f"      events: {', '.join(step.events)}")
    if step.error:
        lines.append(f"      error: {step.error}")
    for check in step.checks:
        if only_failures and check.passed is not False:
            continue
        lines.append(f"      {MARKS[check.passed]} line {check.line}: {check.what}")
        if check.detail and check.passed is not True:
            lines.append(f"               {check.detail}")
    return lines


def totals(results: Sequence[ScenarioResult]) -> str:
    passed = sum(1 for r in results if r.passed)
    failed = len(results) - passed
    checks = [c for r in results for c in r.checks]
    return (
        f"\n{len(results)} scenario(s): {passed} passed, {failed} failed; "
        f"expectations: {sum(1 for c in checks if c.passed)} passed, "
        f"{sum(1 for c in checks if c.passed is False)} failed, "
        f"{sum(1 for c in checks if c.passed is None)} skipped{_stopped(results)}\n"
    )


def _stopped(results: Sequence[ScenarioResult]) -> str:
    """`; steps: 1 error, 4 not run` when a step could not run and stopped its scenario (the
    expectations of the steps after it were never checked), else nothing."""
    steps = [s for r in results for s in r.steps]
    errors = sum(1 for s in steps if s.status == "error")
    not_run = sum(1 for s in steps if s.status == "not run")
    # A scenario that could not start ran none of its steps.
    not_run += sum(len(r.scenario.steps) for r in results if r.setup_error is not None and not r.steps)
    parts = [f"{errors} error{'s' if errors != 1 else ''}"] if errors else []
    if not_run:
        parts.append(f"{not_run} not run")
    return f"; steps: {', '.join(parts)}" if parts else ""


def as_json(results: Sequence[ScenarioResult]) -> str:
    return (
        json.dumps(
            {"passed": all(r.passed for r in results), "scenarios": [r.as_json() for r in results]},
            indent=2,
            default=str,
        )
        + "\n"
    )


def problems_text(problems: Sequence[Problem]) -> str:
    return "\n".join(f"fake-seam: {p}" for p in problems) + "\n"


def problems_json(problems: Sequence[Problem]) -> str:
    return (
        json.dumps(
            {
                "passed": False,
                "malformed": [{"file": p.file, "line": p.line, "problem": p.message} for p in problems],
                "scenarios": [],
            },
            indent=2,
        )
        + "\n"
    )
