"""Scenarios: lock stories written as YAML files, replayed against a fake (or a server), and
recorded from live sessions. The format: docs/scenarios.md."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_seam.scenarios.model import Problem, Scenario, ScenarioError, load_scenario, parse_scenario
    from fake_seam.scenarios.runner import ScenarioResult, run_scenario

# Loaded on first use (PEP 562): `fake-seam serve` imports this package for its CLI and
# should not pay for YAML and httpx, which only replay needs.
_HOMES = {
    "Problem": "model",
    "Scenario": "model",
    "ScenarioError": "model",
    "load_scenario": "model",
    "parse_scenario": "model",
    "ScenarioResult": "runner",
    "run_scenario": "runner",
}

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is not None:
        return getattr(import_module(f"fake_seam.scenarios.{home}"), name)
    try:  # a submodule, as `fake_seam.scenarios.runner` would be after an eager import
        return import_module(f"fake_seam.scenarios.{name}")
    except ModuleNotFoundError as missing:
        if missing.name != f"fake_seam.scenarios.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
