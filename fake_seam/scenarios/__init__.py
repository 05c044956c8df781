"""Scenarios: lock stories written as YAML files, replayed against a fake (or a server), and
recorded from live sessions. See README "Scenarios" for the format."""

from __future__ import annotations

from fake_seam.scenarios.model import Problem, Scenario, ScenarioError, load_scenario, parse_scenario
from fake_seam.scenarios.runner import ScenarioResult, run_scenario

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "load_scenario",
    "parse_scenario",
    "run_scenario",
]
