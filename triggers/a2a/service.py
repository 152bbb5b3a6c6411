"""The A2A operations on coordinator runs, whatever the binding and protocol version.

SendMessage without a task id starts a run whose id is derived from the caller and the
message id, so a retried send finds the run it started instead of starting another. A message
to a task that waits for input is the decision on its plan. A blocking send waits until the
task ends or waits for input (at most BLOCKING_WAIT_SECONDS). CancelTask terminates the run
and its sub-orchestrations.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Mapping

import azure.durable_functions as df
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.catalogue import get_catalogue
from triggers.a2a.callers import DECIDE_ROLES, READ_ROLES, START_ROLES, approver_name, authorize
from triggers.a2a.errors import (
    A2AError,
    InternalError,
    InvalidParamsError,
    TaskNotCancelableError,
    TaskNotFoundError,
    UnsupportedOperationError,
)
from triggers.a2a.listing import list_tasks
from triggers.a2a.messages import decision_of, request_of
from triggers.a2a.model import (
    ListParams,
    Message,
    SendParams,
    StreamEvent,
    Task,
    TaskPage,
    TaskState,
)
from triggers.a2a.runs import (
    awaiting_approval,
    read_run,
    send_decision,
    start_run,
    wait_until_settled,
)
from triggers.a2a.streams import closing, ended, follow
from triggers.a2a.tasks import task_of
from triggers.approval import approval_instance_id
from triggers.errors import ApiError, ConflictError, NotFoundError, RequestValidationError
from triggers.instances import ACTIVE

BLOCKING_WAIT_SECONDS = 120.0
"""The longest a blocking send waits (the Functions front end ends a request after 230 s)."""

CANCEL_WAIT_SECONDS = 10.0
POLL_SECONDS = 0.1
TASK_IDS = uuid.UUID("5b4f7c1e-2d0a-4a53-9a0e-a2a0c0de7a5c")
"""Namespace of the task ids derived from caller and message id."""


def translate(exc: ApiError) -> A2AError:
    """The A2A error of an HTTP API error raised by the shared workflow code."""
    detail = exc.detail[0] if exc.detail else None
    message = f"{detail.field}: {detail.message}" if detail else str(exc)
    if isinstance(exc, NotFoundError):
        return TaskNotFoundError(message)
    if isinstance(exc, ConflictError):
        return UnsupportedOperationError(message)
    if isinstance(exc, RequestValidationError) and detail:
        return InvalidParamsError(detail.field, detail.message)
    return InternalError(message)


def task_id_for(caller: str, message_id: str) -> str:
    """The task id of a new task: the same caller and message id give the same task."""
    return f"a2a-{uuid.uuid5(TASK_IDS, f'{caller}|{message_id}')}"


class TaskService:
    """The operations of one request: `headers` say who calls."""

    def __init__(self, client: df.DurableOrchestrationClient, headers: Mapping[str, str]) -> None:
        self.client = client
        self.headers = headers

    async def _run(self, task_id: str) -> DurableOrchestrationStatus:
        try:
            return await read_run(self.client, task_id, show_input=True)
        except NotFoundError:
            raise TaskNotFoundError(f"no task '{task_id}'", taskId=task_id) from None

    async def _start(self, message: Message) -> str:
        principal = await authorize(self.headers, *START_ROLES)
        request = request_of(message)
        task_id = task_id_for(principal.oid, message.message_id)
        if await self.client.get_status(task_id):
            return task_id
        context_id = message.context_id or uuid.uuid4().hex
        stored = message.model_copy(update={"context_id": context_id, "task_id": task_id})
        annotations = {
            "contextId": context_id,
            "message": stored.model_dump(mode="json", exclude_none=True),
        }
        try:
            await start_run(self.client, request, instance_id=task_id, annotations=annotations)
        except RequestValidationError as exc:
            raise translate(exc) from None
        return task_id

    async def _decide(self, message: Message) -> str:
        principal = await authorize(self.headers, *DECIDE_ROLES)
        task_id = str(message.task_id)
        task = task_of(await self._run(task_id))
        if message.context_id and message.context_id != task.context_id:
            raise InvalidParamsError("message.contextId", f"task '{task_id}' is in another context")
        state = task.status.state
        if state is not TaskState.INPUT_REQUIRED:
            rule = (
                "takes no more messages"
                if state.terminal
                else "takes a message only while it waits for a decision"
            )
            raise UnsupportedOperationError(f"task '{task_id}' is {state.value}; it {rule}")
        decision = decision_of(message)
        approver = approver_name(principal, decision.approver)
        if not approver:
            raise InvalidParamsError("message.parts.data.approver", "name the approver")
        try:
            await send_decision(
                self.client,
                task_id,
                approved=decision.approved,
                approver=approver,
                comment=decision.comment,
                digest=decision.digest,
            )
        except ApiError as exc:
            raise translate(exc) from None
        return task_id

    async def _past_approval(self, task_id: str, timeout: float) -> None:
        """Wait (bounded) until a run that was sent a decision takes it up."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if not awaiting_approval(await self._run(task_id)):
                return
            await asyncio.sleep(POLL_SECONDS)

    async def _accept(self, params: SendParams) -> str:
        """Start a task, or pass a decision on to one; the task's id."""
        if params.message.role != "user":
            raise InvalidParamsError("message.role", "a client's message has the user role")
        if params.message.task_id is None:
            return await self._start(params.message)
        task_id = await self._decide(params.message)
        if not params.return_immediately:
            await self._past_approval(task_id, BLOCKING_WAIT_SECONDS)
        return task_id

    async def send(self, params: SendParams) -> Task:
        """SendMessage: the task, once it settled unless the client asked not to wait."""
        task_id = await self._accept(params)
        if params.return_immediately:
            status = await self._run(task_id)
        else:
            status = await wait_until_settled(
                self.client, task_id, BLOCKING_WAIT_SECONDS, show_input=True
            )
        return task_of(status, history_length=params.history_length)

    async def send_stream(self, params: SendParams) -> AsyncIterator[StreamEvent]:
        """SendStreamingMessage: the task, then its updates."""
        if params.message.task_id is not None:
            params = params.model_copy(update={"return_immediately": False})
        task = task_of(
            await self._run(await self._accept(params)), history_length=params.history_length
        )
        yield task
        async for event in self._updates(task):
            yield event

    async def get(self, task_id: str, history_length: int | None) -> Task:
        """GetTask."""
        await authorize(self.headers, *READ_ROLES)
        return task_of(await self._run(task_id), history_length=history_length)

    async def list(self, params: ListParams) -> TaskPage:
        """ListTasks."""
        await authorize(self.headers, *READ_ROLES)
        return await list_tasks(self.client, params)

    async def subscribe(self, task_id: str) -> AsyncIterator[StreamEvent]:
        """SubscribeToTask: the task as it is now, then its updates."""
        await authorize(self.headers, *READ_ROLES)
        task = task_of(await self._run(task_id))
        if task.status.state.terminal:
            raise UnsupportedOperationError(
                f"task '{task_id}' is {task.status.state.value}; it has no more updates"
            )
        yield task
        async for event in self._updates(task):
            yield event

    async def _updates(self, task: Task) -> AsyncIterator[StreamEvent]:
        """What follows the first task of a stream."""
        if ended(task):
            yield closing(task)
            return
        async for event in follow(self.client, task):
            yield event

    async def cancel(self, task_id: str) -> Task:
        """CancelTask: terminate the run and what it started; the task once canceled."""
        principal = await authorize(self.headers, *START_ROLES)
        status = await self._run(task_id)
        if task_of(status).status.state.terminal:
            raise TaskNotCancelableError(f"task '{task_id}' already ended", taskId=task_id)
        reason = f"Canceled through A2A by {principal.display_name}"
        children = [approval_instance_id(task_id), f"{task_id}:self-test"]
        for instance in [
            task_id,
            *children,
            *(f"{task_id}:{agent}" for agent in get_catalogue().ids),
        ]:
            found = await self.client.get_status(instance)
            if found and found.runtime_status in ACTIVE:
                await self.client.terminate(instance, reason)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + CANCEL_WAIT_SECONDS
        while status.runtime_status in ACTIVE and loop.time() < deadline:
            await asyncio.sleep(POLL_SECONDS)
            status = await self._run(task_id)
        return task_of(status)
