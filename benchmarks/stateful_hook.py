"""Steps per second of the stateful property test.

If ``tests/behaviour/test_stateful.py`` exists, this imports it, picks its Hypothesis
``RuleBasedStateMachine`` (the module attribute ``BENCHMARK_MACHINE`` if it sets one,
else every RuleBasedStateMachine subclass defined in the module), runs it for a fixed
number of examples x steps with a fixed seed, and reports steps per second. If the file
does not exist the figure is "n/a". Status: "ok", "failed" (it ran, a property failed:
steps/s is still reported), "error" (the hook could not run it) or "n/a".

When ``benchmarks/stateful_speed.py`` exists (the test's own speed probe), its
``measure(examples x steps)`` is used instead, so both report the same figure.

A step is one rule executed. It is counted with an extra invariant (``check_during_init``)
on a subclass: Hypothesis checks invariants once when a machine is built and once after
every step, so steps = invariant checks - machines built.

Run by run.py as ``python benchmarks/stateful_hook.py --examples E --steps S``; prints one
JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
STATEFUL_TEST = REPO_DIR / "tests" / "behaviour" / "test_stateful.py"


def _machines(module: Any) -> list[type]:
    from hypothesis.stateful import RuleBasedStateMachine

    chosen = getattr(module, "BENCHMARK_MACHINE", None)
    if chosen is not None:
        return [chosen]
    found = []
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, RuleBasedStateMachine)
            and value is not RuleBasedStateMachine
            and value.__module__ == module.__name__
        ):
            found.append(value)
    return found


def _counting(machine: type) -> tuple[type, dict[str, int]]:
    from hypothesis.stateful import invariant

    counts = {"built": 0, "checks": 0}

    class Counting(machine):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            counts["built"] += 1
            super().__init__()

        @invariant(check_during_init=True)
        def _benchmark_step_counter(self) -> None:
            counts["checks"] += 1

    Counting.__name__ = f"Counting{machine.__name__}"
    Counting.__qualname__ = Counting.__name__
    return Counting, counts


def measure(examples: int, steps: int, test_file: Path = STATEFUL_TEST) -> dict[str, Any]:
    if not test_file.is_file():
        return {"status": "n/a", "reason": f"{test_file} does not exist"}
    for path in (str(REPO_DIR), str(test_file.parent)):
        if path not in sys.path:
            sys.path.insert(0, path)
    spec = importlib.util.spec_from_file_location("test_stateful", test_file)
    if spec is None or spec.loader is None:
        return {"status": "n/a", "reason": f"could not load {test_file}"}
    module = importlib.util.module_from_spec(spec)
    sys.modules["test_stateful"] = module
    spec.loader.exec_module(module)

    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    machines = _machines(module)
    if not machines:
        return {"status": "n/a", "reason": "no RuleBasedStateMachine in tests/behaviour/test_stateful.py"}
    results = []
    total_steps = 0
    total_s = 0.0
    for machine in machines:
        counting, counts = _counting(machine)
        config = settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            print_blob=False,
        )
        start = time.perf_counter()
        error = None
        try:
            run_state_machine_as_test(counting, settings=config)
        except BaseException as exc:  # a failing property is reported, not raised
            if isinstance(exc, KeyboardInterrupt):
                raise
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
        elapsed = time.perf_counter() - start
        ran = max(counts["checks"] - counts["built"], 0)
        total_steps += ran
        total_s += elapsed
        results.append(
            {
                "machine": machine.__name__,
                "examples": counts["built"],
                "steps": ran,
                "seconds": elapsed,
                "steps_per_s": ran / elapsed if elapsed > 0 else 0.0,
                "error": error,
            }
        )
    return {
        # "failed": the machine ran but a property failed (the test suite reports that);
        # "error" is kept for a hook that could not run at all.
        "status": "ok" if all(r["error"] is None for r in results) else "failed",
        "steps": total_steps,
        "seconds": total_s,
        "steps_per_s": total_steps / total_s if total_s > 0 else 0.0,
        "machines": results,
    }


def measure_with_stateful_speed(examples: int, steps: int) -> dict[str, Any] | None:
    """Prefer the project's own `benchmarks/stateful_speed.py` when it exists."""
    path = BENCH_DIR / "stateful_speed.py"
    if not path.is_file() or not STATEFUL_TEST.is_file():
        return None
    for entry in (str(REPO_DIR), str(BENCH_DIR)):
        if entry not in sys.path:
            sys.path.insert(0, entry)
    import stateful_speed

    try:
        found = stateful_speed.measure(examples * steps, 0)
    except Exception as exc:  # a failing property is reported, not raised
        return {
            "status": "failed",
            "steps": 0,
            "seconds": 0.0,
            "steps_per_s": 0.0,
            "via": "benchmarks/stateful_speed.py",
            "machines": [
                {"machine": "BENCHMARK_MACHINE", "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            ],
        }
    return {
        "status": "ok",
        "steps": found["steps"],
        "seconds": found["seconds"],
        "steps_per_s": found["steps_per_s"],
        "steps_per_cpu_s": found.get("steps_per_cpu_s"),
        "load_1m": found.get("load_1m"),
        "via": "benchmarks/stateful_speed.py",
        "machines": [{"machine": "BENCHMARK_MACHINE", "examples": found.get("examples"), "error": None}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=20)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--file", type=Path, default=STATEFUL_TEST, help="the stateful test module")
    args = parser.parse_args()
    try:
        result = None
        if args.file == STATEFUL_TEST:
            result = measure_with_stateful_speed(args.examples, args.steps)
        if result is None:
            result = measure(args.examples, args.steps, args.file)
    except Exception as exc:
        result = {"status": "error", "reason": f"{type(exc).__name__}: {exc}"}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
