"""Workspaces: a fresh one with its own API key, and a gateway outage in front of one."""

from __future__ import annotations

from typing import Annotated, Any

from fake_seam.controls.control import Bench, ControlParams, control
from fake_seam.seam.records import Workspace
from fake_seam.seam.seed import DEFAULT_SEED
from fake_seam.wire import shapes
from fake_seam.wire import validation as z

SEEDS = ("empty", "default_fleet")


class NewWorkspace(ControlParams):
    name: Annotated[str, z.string()] = "Test Workspace"
    seed: Annotated[str, z.enum(SEEDS)] = "empty"
    fleet: Annotated[bool, z.boolean()] = False  # the same as seed="default_fleet"


def _fleet() -> list[dict[str, Any]]:
    """The default seed's locks, with fresh ids."""
    return [
        {k: v for k, v in d.items() if k not in ("device_id", "connected_account_id")}
        for d in DEFAULT_SEED["workspaces"][0]["devices"]
        if d.get("kind", "lock") == "lock"
    ]


def read_workspace(answer: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The workspace (Seam's JSON: a remote client has no `Workspace` record) and its key."""
    return dict(answer["workspace"]), str(answer["api_key"])


@control(
    "/_fake/workspaces/create",
    NewWorkspace,
    answer=lambda fake, p, made: {"workspace": shapes.workspace(made[0]), "api_key": made[1]},
    read=read_workspace,
    describe=lambda p, a: f"workspace {a['workspace']['workspace_id']} ({p.name}) made, key {a['api_key']}",
)
def create_workspace(fake: Bench, p: NewWorkspace) -> tuple[Workspace, str]:
    """A fresh workspace with its own API key, empty or with the default seed's locks
    (`seed="default_fleet"`): isolation without a reset. Answers the workspace and its key."""
    devices = _fleet() if p.fleet or p.seed == "default_fleet" else []
    return fake.cloud.workspaces.create_workspace(p.name, devices=devices)


class Outage(ControlParams):
    workspace_id: Annotated[str, z.string()]
    routes: Annotated[list[str], z.array(z.string())] = []  # pydantic copies a default per instance


def _describe_outage(p: Outage, answer: dict[str, Any]) -> str:
    if not p.routes:
        return f"workspace {p.workspace_id}'s routes are all up"
    return f"workspace {p.workspace_id}: {', '.join(p.routes)} answer 503"


@control("/_fake/simulate_workspace_outage", Outage, describe=_describe_outage)
def simulate_workspace_outage(fake: Bench, p: Outage) -> None:
    """Make these routes of a workspace answer 503 with a plain-text body, as a gateway in front
    of Seam does, until called again without routes."""
    fake.cloud.workspaces.workspace(p.workspace_id)  # 404 for a workspace that is not there
    if p.routes:
        fake.outages[p.workspace_id] = {"/" + r.strip("/") for r in p.routes}
    else:
        fake.outages.pop(p.workspace_id, None)
