"""Steps per second of the stateful model test (tests/behaviour/test_stateful.py), in-process.

    python benchmarks/stateful_speed.py --steps 2000 --seed 0

`run_steps(n, seed)` is importable (benchmarks/run.py may call it): it runs about `n` rule
steps of `FakeSeamMachine` with a fixed seed, invariants checked after each as in CI, and
returns steps per second. Only the generate phase runs (no shrinking), so a failing property
raises instead of being timed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO_DIR = Path(__file__).resolve().parent.parent
STATEFUL_TEST = REPO_DIR / "tests" / "behaviour" / "test_stateful.py"
STEPS_PER_EXAMPLE = 50


def _machine() -> Any:
    module = sys.modules.get("test_stateful")
    if module is None:
        spec = importlib.util.spec_from_file_location("test_stateful", STATEFUL_TEST)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["test_stateful"] = module
        spec.loader.exec_module(module)
    return module.BENCHMARK_MACHINE


def measure(n: int, seed: int = 0) -> dict[str, Any]:
    """Run about `n` steps; return steps, examples, seconds and steps per second."""
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis import seed as fixed_seed
    from hypothesis.stateful import invariant, run_state_machine_as_test

    machine = _machine()
    counts = {"steps": 0, "built": 0}

    class Counting(machine):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            counts["built"] += 1
            super().__init__()

        # Invariants run once when the machine is ready and once after every step.
        @invariant(check_during_init=True)
        def count_steps(self) -> None:
            counts["steps"] += 1

    per_example = max(1, min(n, STEPS_PER_EXAMPLE))
    config = settings(
        max_examples=max(1, -(-n // per_example)),
        stateful_step_count=per_example,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    load = os.getloadavg()[0]
    cpu = time.process_time()
    started = time.perf_counter()
    run_state_machine_as_test(fixed_seed(seed)(Counting), settings=config)
    elapsed = time.perf_counter() - started
    cpu_s = time.process_time() - cpu
    steps = max(counts["steps"] - counts["built"], 0)
    return {
        "steps": steps,
        "examples": counts["built"],
        "seconds": elapsed,
        "steps_per_s": steps / elapsed if elapsed > 0 else 0.0,
        # Steps per second of the CPU the run had: what an idle machine would see, near enough.
        "cpu_s": cpu_s,
        "steps_per_cpu_s": steps / cpu_s if cpu_s > 0 else 0.0,
        "load_1m": load,
    }


def run_steps(n: int, seed: int = 0) -> float:
    """Steps per second of the stateful test over about `n` steps with a fixed seed."""
    return float(measure(n, seed)["steps_per_s"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(measure(args.steps, args.seed)))


if __name__ == "__main__":
    main()
