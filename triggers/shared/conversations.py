"""Requests that continue a conversation: a coordinator input with a `thread_id` gets the
thread's earlier turns (a token-bounded summary) before it starts, and its turn is written
to the thread as it starts. A thread belongs to whoever asked its first question; nobody
else can add to it."""

from __future__ import annotations

import uuid
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from core.agent_logs import ThreadTurn, get_agent_log_store
from core.auth import Principal
from core.conversations.summary import thread_context
from core.models import CoordinatorInput
from core.settings import get_settings
from orchestrations import names
from triggers.shared.errors import BadRequestError, ForbiddenError
from triggers.shared.instance_ids import checked_instance_id
from triggers.shared.starting import start_orchestration

HISTORY_SHARE = 10
"""The summary of earlier turns is at most this fraction of a request's token budget: it is
repeated in the plan's, every agent's and the synthesis's prompt."""
ANNOTATIONS_KEY = "a2a"
"""Key of a caller's annotations in the run's input: the coordinator reads only `request`
and `limits`, so what is kept here travels with the run's durable history unread."""


async def with_thread(workflow_input: CoordinatorInput, principal: Principal) -> CoordinatorInput:
    """`workflow_input` with the summary of its thread's earlier turns (unchanged without a
    `thread_id`), bounded by THREAD_HISTORY_TOKENS and by a 1/HISTORY_SHARE share of the
    request's token budget. ForbiddenError when the thread was started by someone else."""
    thread_id = workflow_input.request.thread_id
    if thread_id is None:
        return workflow_input
    turns = await get_agent_log_store().list_turns(thread_id)
    if any(turn.owner != principal.oid for turn in turns):
        raise ForbiddenError.about(
            "thread_id",
            f"thread '{thread_id}' belongs to another caller; start a thread of your own",
        )
    budget = workflow_input.request.budget_tokens or workflow_input.limits.default_budget_tokens
    bound = min(get_settings().THREAD_HISTORY_TOKENS, budget // HISTORY_SHARE)
    context = thread_context(thread_id, turns, bound)
    return workflow_input.model_copy(update={"thread": context})


async def record_started_turn(workflow_input: CoordinatorInput, workflow_id: str) -> None:
    """Write the turn of a workflow about to start in a thread; a turn already written for
    it is kept (nothing without a thread or an owner)."""
    thread, owner = workflow_input.thread, workflow_input.owner
    if thread is None or owner is None:
        return
    turn = ThreadTurn(
        thread_id=thread.thread_id,
        workflow_id=workflow_id,
        owner=owner.oid,
        owner_name=owner.name,
        query=workflow_input.request.query,
    )
    await get_agent_log_store().put_turn(turn, replace=False)


async def start_coordinator(
    client: df.DurableOrchestrationClient,
    workflow_input: CoordinatorInput,
    principal: Principal,
    *,
    instance_id: str | None = None,
    annotations: dict[str, Any] | None = None,
) -> str:
    """Start the coordinator on `workflow_input` in its thread (see `with_thread`), with
    `annotations` kept under ANNOTATIONS_KEY of its input; returns the workflow id."""
    joined = await with_thread(workflow_input, principal)
    body = joined.model_dump(mode="json")
    if annotations:
        body[ANNOTATIONS_KEY] = annotations
    # The turn is written before the run starts: the run's end only rewrites a turn the app
    # wrote, so a run started around the app (the Durable webhook) cannot add to a thread.
    workflow_id = checked_instance_id(instance_id) if instance_id else uuid.uuid4().hex
    await record_started_turn(joined, workflow_id)
    return await start_orchestration(client, names.COORDINATOR, body, workflow_id)


def query_thread(req: func.HttpRequest, payload: Any) -> Any:
    """`payload` with the `thread_id` query parameter as its `thread_id` (a body that names
    another one is a BadRequestError)."""
    thread_id = req.params.get("thread_id")
    if thread_id is None or not isinstance(payload, dict):
        return payload
    named = payload.get("thread_id")
    if named is not None and named != thread_id:
        raise BadRequestError.about(
            "thread_id", "the query parameter and the body name different threads"
        )
    return {**payload, "thread_id": thread_id}
