"""Who may see and act on a run: `may_access_run` is the one rule every surface applies
(HTTP API, the monitor's JSON API, MCP tools, A2A), and `accessible_run` reads a run for a
caller, answering 404 for one that is not theirs so ids cannot be probed.

A run belongs to the principal that started it (`owner` in its input, written by the app).
Its sub-orchestrations, whose ids are `{parent id}:{part}`, belong to the same owner.
"""

from __future__ import annotations

import functools
import json
from enum import StrEnum
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from pydantic import ValidationError

from core.auth import ADMIN, APPROVER, OPERATOR, Principal
from core.models import RunOwner
from triggers.shared.errors import NotFoundError
from triggers.shared.instance_ids import checked_instance_id
from triggers.shared.instances import find_instance


class RunAction(StrEnum):
    """What a caller wants to do with a run."""

    READ = "read"
    """Read its status, follow its events, see it in a list."""
    CANCEL = "cancel"
    """Terminate it (and its sub-orchestrations)."""
    DECIDE = "decide"
    """Approve or deny what it awaits a decision on."""
    MANAGE = "manage"
    """Raise any event, purge, suspend, resume, rewind or restart it."""


def run_owner(run_input: Any) -> RunOwner | None:
    """The owner recorded in a run's input (a dict, or the JSON text a status shows)."""
    if not isinstance(run_input, str):
        return _owner_in(run_input)
    if len(run_input) > MAX_REMEMBERED_INPUT:
        return _owner_in_text(run_input)
    owner = _text_owner(run_input)
    # A copy: the remembered owner is shared by every later read of the same input.
    return owner.model_copy() if owner is not None else None


MAX_REMEMBERED_INPUT = 4096
"""Inputs up to this many characters have their owner remembered (`_text_owner`): at most
1024 of them, a few MB at worst."""


@functools.lru_cache(maxsize=1024)
def _text_owner(run_input: str) -> RunOwner | None:
    """`_owner_in_text`, remembered: a run is polled many times, its input never changes."""
    return _owner_in_text(run_input)


def _owner_in_text(run_input: str) -> RunOwner | None:
    try:
        return _owner_in(json.loads(run_input))
    except ValueError:
        return None


def _owner_in(run_input: Any) -> RunOwner | None:
    found = run_input.get("owner") if isinstance(run_input, dict) else None
    try:
        return RunOwner.model_validate(found) if found is not None else None
    except ValidationError:
        return None


def may_access_run(principal: Principal, run_input: Any, action: RunAction) -> bool:
    """Whether `principal` may do `action` on the run whose input (or whose owning parent's
    input) is `run_input`: Admins do everything; Approvers read and decide any run;
    Operators read and cancel the runs they started. A run without an owner (the timer's)
    is nobody's: only Admins and Approvers reach it."""
    granted = role_grant(principal, action)
    if granted is not None:
        return granted
    owner = run_owner(run_input)
    return owner is not None and owner.oid == principal.oid


def role_grant(principal: Principal, action: RunAction) -> bool | None:
    """What `principal`'s roles alone decide about `action` on any run (see
    `may_access_run`); None when it rests on who owns the run."""
    if principal.has_role(ADMIN):
        return True
    if principal.has_role(APPROVER) and action in (RunAction.READ, RunAction.DECIDE):
        return True
    if principal.has_role(OPERATOR) and action in (RunAction.READ, RunAction.CANCEL):
        return None
    return False


MAX_PARENT_LOOKUPS = 4
"""How far up an owner is looked for (a sweep's run's agent run is three levels down; the
bound keeps an id full of `:` from costing a lookup per colon)."""


def parent_ids(instance_id: str) -> list[str]:
    """The ids `instance_id` may be a sub-orchestration of, nearest first (at most
    MAX_PARENT_LOOKUPS)."""
    parts = instance_id.split(":")
    return [":".join(parts[:end]) for end in range(len(parts) - 1, 0, -1)][:MAX_PARENT_LOOKUPS]


async def owning_input(
    client: df.DurableOrchestrationClient, instance_id: str, run_input: Any
) -> Any:
    """The input that decides who owns the instance `instance_id` whose input is
    `run_input`: its own when it names an owner, else that of the nearest parent (by id)
    that does."""
    if run_owner(run_input) is not None:
        return run_input
    for parent_id in parent_ids(instance_id):
        parent = await find_instance(client, parent_id, show_input=True)
        if parent is not None and run_owner(parent.input_) is not None:
            return parent.input_
    return None


async def accessible_run(
    client: df.DurableOrchestrationClient,
    principal: Principal,
    instance_id: str,
    action: RunAction,
    *,
    name: str | None = None,
    with_input: bool = True,
) -> DurableOrchestrationStatus:
    """The instance `instance_id` (with its input, unless not `with_input` and the caller's
    roles decide without its owner), if it exists, is an orchestration named `name` (any
    when None) and `principal` may do `action` on it; NotFoundError otherwise, the same for
    a run that is not the caller's as for one that does not exist. BadRequestError for an
    id that does not match the instance-id pattern."""
    granted = role_grant(principal, action)
    status = await find_instance(
        client, checked_instance_id(instance_id), show_input=with_input or granted is None
    )
    if (
        status is None
        or (name is not None and status.name != name)
        or not (
            granted
            if granted is not None
            else may_access_run(
                principal, await owning_input(client, instance_id, status.input_), action
            )
        )
    ):
        what = f"{name} workflow" if name else "instance"
        raise NotFoundError.about("id", f"no {what} '{instance_id}'")
    return status
