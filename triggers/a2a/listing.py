"""ListTasks over the task hub: every coordinator run the caller may read (for an Operator,
the runs they started), newest status first, filtered by context, state and status time, in
pages with the SDK's opaque cursor.

Runtime status and progress come from one listing of the hub; the context id and history
need each run's input, so they are read for the runs on the page (and for all runs when the
filter is a context or the caller is an Operator).
"""

from __future__ import annotations

import asyncio
from datetime import UTC

import azure.durable_functions as df
from a2a.types import ListTasksRequest, ListTasksResponse, TaskState
from a2a.utils.constants import DEFAULT_LIST_TASKS_PAGE_SIZE
from a2a.utils.task import (
    ListTasksCursor,
    apply_history_length,
    decode_list_tasks_cursor,
    encode_list_tasks_cursor,
    validate_history_length,
    validate_page_size,
)
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.auth import Principal
from orchestrations import names
from triggers.a2a.errors import invalid_params
from triggers.a2a.tasks import state_of, task_of, utc
from triggers.shared.instances import find_instance
from triggers.shared.run_access import RunAction, may_access_run
from triggers.shared.runs import annotations_of

READ_CONCURRENCY = 10


def _cursor(status: DurableOrchestrationStatus) -> ListTasksCursor:
    updated = status.last_updated_time
    stamp = int(utc(updated).timestamp() * 1_000_000) * 1000 if updated else None
    return ListTasksCursor(timestamp_ns=stamp, task_id=status.instance_id or "")


async def _with_input(
    client: df.DurableOrchestrationClient, runs: list[DurableOrchestrationStatus]
) -> list[DurableOrchestrationStatus]:
    slots = asyncio.Semaphore(READ_CONCURRENCY)

    async def read(run: DurableOrchestrationStatus) -> DurableOrchestrationStatus | None:
        async with slots:
            return await find_instance(client, run.instance_id or "", show_input=True)

    return [found for found in await asyncio.gather(*(read(r) for r in runs)) if found]


def _page_size(params: ListTasksRequest) -> int:
    if not params.HasField("page_size"):
        return DEFAULT_LIST_TASKS_PAGE_SIZE
    validate_page_size(params.page_size)
    return params.page_size


async def list_tasks(
    client: df.DurableOrchestrationClient, params: ListTasksRequest, principal: Principal
) -> ListTasksResponse:
    """One page of the tasks matching `params` that `principal` may read."""
    validate_history_length(params)
    page_size = _page_size(params)
    runs = [s for s in await client.get_status_all() if s.name == names.COORDINATOR]
    have_input = False
    if not may_access_run(principal, None, RunAction.READ):
        # Only some runs are the caller's: which, their inputs say.
        runs = await _with_input(client, runs)
        runs = [s for s in runs if may_access_run(principal, s.input_, RunAction.READ)]
        have_input = True
    if params.HasField("status_timestamp_after"):
        after = params.status_timestamp_after.ToDatetime(tzinfo=UTC).timestamp()
        runs = [
            s for s in runs if s.last_updated_time and utc(s.last_updated_time).timestamp() >= after
        ]
    if params.status != TaskState.TASK_STATE_UNSPECIFIED:
        runs = [s for s in runs if state_of(s)[0] == params.status]
    if params.context_id:
        runs = [
            s
            for s in (runs if have_input else await _with_input(client, runs))
            if (annotations_of(s).get("contextId") or s.instance_id) == params.context_id
        ]
        have_input = True
    runs.sort(key=lambda s: _cursor(s).sort_key(), reverse=True)
    start = 0
    if params.page_token:
        cursor = decode_list_tasks_cursor(params.page_token)
        if cursor is None:
            raise invalid_params("pageToken", "is not a token this agent issued")
        start = next(
            (i for i, s in enumerate(runs) if _cursor(s).sort_key() < cursor.sort_key()),
            len(runs),
        )
    page = runs[start : start + page_size]
    more = start + page_size < len(runs)
    read = page if have_input else await _with_input(client, page)
    tasks = [
        apply_history_length(task_of(s, include_artifacts=params.include_artifacts), params)
        for s in read
    ]
    return ListTasksResponse(
        tasks=tasks,
        next_page_token=encode_list_tasks_cursor(_cursor(page[-1])) if more and page else "",
        page_size=page_size,
        total_size=len(runs),
    )
