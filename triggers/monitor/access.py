"""Which runs a monitor caller reaches: `run_access` applied to the monitor's status JSON.
Another's run answers 404, exactly as an unknown id does."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from core.auth import ADMIN, Principal
from triggers.shared.errors import NotFoundError
from triggers.shared.run_access import (
    RunAction,
    may_access_run,
    owning_input,
    parent_ids,
    run_owner,
)

MANAGER_ROLES = (ADMIN,)
"""Raise events, suspend, resume, rewind, restart and purge."""


async def check_run_access(
    client: df.DurableOrchestrationClient,
    principal: Principal,
    status: dict[str, Any],
    action: RunAction,
) -> None:
    """NotFoundError unless `principal` may do `action` on the instance of `status` (check
    the action's roles before reading the instance, so a refusal says nothing of the id)."""
    instance_id = str(status["instanceId"])
    owner_input = await owning_input(client, instance_id, status.get("input"))
    if not may_access_run(principal, owner_input, action):
        raise NotFoundError.about("id", f"No instance with id '{instance_id}'")


def visible_rows(principal: Principal, scanned: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scanned instances (with inputs) `principal` may read: a sub-orchestration goes
    with the run whose id prefixes its own."""
    owners = {str(s.get("instanceId")): s.get("input") for s in scanned if run_owner(s.get("input"))}

    def owning(status: dict[str, Any]) -> Any:
        own = str(status.get("instanceId", ""))
        for candidate in [own, *parent_ids(own)]:
            if candidate in owners:
                return owners[candidate]
        return None

    return [s for s in scanned if may_access_run(principal, owning(s), RunAction.READ)]
