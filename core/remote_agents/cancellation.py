"""Cancelling the remote A2A tasks of a terminated run: while a remote agent works, its
`agent_run` names the remote task in its custom status, and ending the run asks each agent
named so to cancel its task (a terminated orchestration runs no code of its own)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from core.remote_agents.client import RemoteAgentError, cancel_task

log = logging.getLogger(__name__)

PHASE = "remote_task"


def remote_task_status(agent_id: str, task_id: str) -> dict[str, Any]:
    """The custom status of an `agent_run` whose remote agent works on task `task_id`."""
    return {"phase": PHASE, "remote_task": {"agent": agent_id, "task_id": task_id}}


def _remote_tasks(statuses: Iterable[Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for status in statuses:
        if isinstance(status, dict) and status.get("phase") == PHASE:
            remote = status.get("remote_task") or {}
            agent, task_id = remote.get("agent"), remote.get("task_id")
            if isinstance(agent, str) and isinstance(task_id, str) and task_id:
                found.append((agent, task_id))
    return found


async def cancel_remote_tasks(custom_statuses: Iterable[Any]) -> list[str]:
    """Ask every remote agent named in `custom_statuses` to cancel its task; returns
    `agent:task id` of each task the agent reports canceled. A refusal or an unreachable
    agent is logged, never raised: the run is ended either way."""
    cancelled: list[str] = []
    for agent, task_id in _remote_tasks(custom_statuses):
        try:
            task = await cancel_task(agent, task_id)
        except (RemoteAgentError, LookupError) as exc:
            log.warning("Remote task %s of agent %s not cancelled: %s", task_id, agent, exc)
            continue
        if task.state == "canceled":
            cancelled.append(f"{agent}:{task_id}")
    return cancelled
