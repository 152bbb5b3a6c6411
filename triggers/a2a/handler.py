"""The coordinator behind the SDK's request-handler interface: a task is a coordinator run.

SendMessage without a task id starts a run whose id is derived from the caller and the
message id, so a retried send finds the run it started instead of starting another. A message
to a task that waits for input is the decision on its plan. A blocking send waits until the
task ends or waits for input (at most BLOCKING_WAIT_SECONDS). CancelTask terminates the run
and its sub-orchestrations. Operators see and cancel only the tasks they started, Approvers
see and decide any, Admins do everything (`triggers.shared.run_access`); another's task is not found. No push notifications, no extended card.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator

from a2a.server.context import ServerCallContext
from a2a.server.events.event_queue import Event
from a2a.server.request_handlers.request_handler import RequestHandler, validate_request_params
from a2a.types import (
    AgentCard,
    CancelTaskRequest,
    DeleteTaskPushNotificationConfigRequest,
    GetExtendedAgentCardRequest,
    GetTaskPushNotificationConfigRequest,
    GetTaskRequest,
    ListTaskPushNotificationConfigsRequest,
    ListTaskPushNotificationConfigsResponse,
    ListTasksRequest,
    ListTasksResponse,
    Message,
    Role,
    SendMessageRequest,
    SubscribeToTaskRequest,
    Task,
    TaskPushNotificationConfig,
    TaskState,
)
from a2a.utils.errors import (
    ExtendedAgentCardNotConfiguredError,
    PushNotificationNotSupportedError,
    TaskNotCancelableError,
    UnsupportedOperationError,
)
from a2a.utils.task import apply_history_length, validate_history_length
from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus
from google.protobuf.json_format import MessageToDict

from core.auth import Principal
from core.thread_ids import thread_id_for
from triggers.a2a.errors import invalid_params, task_not_found
from triggers.a2a.invocation import Invocation, current
from triggers.a2a.listing import list_tasks
from triggers.a2a.messages import decision_of, request_of
from triggers.a2a.streams import closing, ended, follow
from triggers.a2a.tasks import TERMINAL, state_name, task_of
from triggers.shared.callers import DECIDE_ROLES, READ_ROLES, START_ROLES, approver_name
from triggers.shared.errors import BadRequestError, NotFoundError
from triggers.shared.run_access import RunAction
from triggers.shared.runs import (
    awaiting_approval,
    read_run,
    send_decision,
    start_run,
    wait_until_settled,
)
from triggers.shared.termination import terminate_run
from triggers.shared.workflows import coordinator_workflow

BLOCKING_WAIT_SECONDS = 120.0
"""The longest a blocking send waits (the Functions front end ends a request after 230 s)."""

POLL_SECONDS = 0.1
TASK_IDS = uuid.UUID("5b4f7c1e-2d0a-4a53-9a0e-a2a0c0de7a5c")
"""Namespace of the task ids derived from caller and message id."""

NO_PUSH = "this agent sends no push notifications"


def task_id_for(caller: str, message_id: str) -> str:
    """The task id of a new task: the same caller and message id give the same task."""
    return f"a2a-{uuid.uuid5(TASK_IDS, f'{caller}|{message_id}')}"


async def _run(invocation: Invocation, task_id: str) -> DurableOrchestrationStatus:
    """The run of a task the caller was already let at."""
    try:
        return await read_run(invocation.client, task_id, show_input=True)
    except NotFoundError:
        raise task_not_found(task_id) from None


async def _run_for(
    invocation: Invocation, principal: Principal, task_id: str, action: RunAction
) -> DurableOrchestrationStatus:
    """The task's run if `principal` may do `action` on it; task not found otherwise, the
    same for another's run as for an id no run has, so ids cannot be probed."""
    try:
        return await coordinator_workflow(invocation.client, task_id, principal, action)
    except (NotFoundError, BadRequestError):
        raise task_not_found(task_id) from None


async def _start(invocation: Invocation, message: Message) -> str:
    principal = await invocation.caller(*START_ROLES)
    request = request_of(message)
    task_id = task_id_for(principal.oid, message.message_id)
    if await invocation.client.get_status(task_id):
        return task_id
    context_id = message.context_id or uuid.uuid4().hex
    stored = Message()
    stored.CopyFrom(message)
    stored.context_id, stored.task_id = context_id, task_id
    annotations = {"contextId": context_id, "message": MessageToDict(stored)}
    # The context is the conversation: its earlier tasks are the thread's earlier turns.
    request.setdefault("thread_id", thread_id_for(context_id))
    await start_run(
        invocation.client, request, owner=principal, instance_id=task_id, annotations=annotations
    )
    return task_id


async def _decide(invocation: Invocation, message: Message) -> str:
    principal = await invocation.caller(*DECIDE_ROLES)
    task_id = message.task_id
    task = task_of(await _run_for(invocation, principal, task_id, RunAction.DECIDE))
    if message.context_id and message.context_id != task.context_id:
        raise invalid_params("message.contextId", f"task '{task_id}' is in another context")
    state = task.status.state
    if state != TaskState.TASK_STATE_INPUT_REQUIRED:
        rule = (
            "takes no more messages"
            if state in TERMINAL
            else "takes a message only while it waits for a decision"
        )
        raise UnsupportedOperationError(
            message=f"task '{task_id}' is {state_name(state)}; it {rule}"
        )
    decision = decision_of(message)
    approver = approver_name(principal, decision.approver)
    if not approver:
        raise invalid_params("message.parts.data.approver", "name the approver")
    await send_decision(
        invocation.client,
        task_id,
        principal=principal,
        approved=decision.approved,
        approver=approver,
        comment=decision.comment,
        digest=decision.digest,
        approval_id=decision.approval_id,
    )
    return task_id


async def _past_approval(invocation: Invocation, task_id: str, timeout: float) -> None:
    """Wait (bounded) until a run that was sent a decision takes it up."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if not awaiting_approval(await _run(invocation, task_id)):
            return
        await asyncio.sleep(POLL_SECONDS)


async def _accept(invocation: Invocation, params: SendMessageRequest, wait: bool) -> str:
    """Start a task, or pass a decision on to one (waiting until it is taken up when `wait`);
    the task's id."""
    if params.configuration.HasField("task_push_notification_config"):
        raise PushNotificationNotSupportedError(message=f"configuration: {NO_PUSH}")
    validate_history_length(params.configuration)
    if params.message.role != Role.ROLE_USER:
        raise invalid_params("message.role", "a client's message has the user role")
    if not params.message.task_id:
        return await _start(invocation, params.message)
    task_id = await _decide(invocation, params.message)
    if wait:
        await _past_approval(invocation, task_id, BLOCKING_WAIT_SECONDS)
    return task_id


async def _updates(
    invocation: Invocation, task: Task, *, from_start: bool
) -> AsyncGenerator[Event]:
    """What follows the first task of a stream: the run's events (from its start, or from
    now on) and its changes of state."""
    if ended(task):
        yield closing(task)
        return
    async for event in follow(invocation.client, task, from_start=from_start):
        yield event


class CoordinatorRequestHandler(RequestHandler):
    """The A2A operations on coordinator runs, for every binding and protocol version."""

    @validate_request_params
    async def on_message_send(
        self, params: SendMessageRequest, context: ServerCallContext
    ) -> Task | Message:
        """SendMessage: the task, once it settled unless the client asked not to wait."""
        invocation = current()
        immediately = params.configuration.return_immediately
        with invocation.backend():
            task_id = await _accept(invocation, params, wait=not immediately)
            if immediately:
                status = await _run(invocation, task_id)
            else:
                status = await wait_until_settled(
                    invocation.client, task_id, BLOCKING_WAIT_SECONDS, show_input=True
                )
        return apply_history_length(task_of(status), params.configuration)

    @validate_request_params
    async def on_message_send_stream(
        self, params: SendMessageRequest, context: ServerCallContext
    ) -> AsyncGenerator[Event]:
        """SendStreamingMessage: the task, then its updates."""
        invocation = current()
        with invocation.backend():
            task = task_of(await _run(invocation, await _accept(invocation, params, wait=True)))
        yield apply_history_length(task, params.configuration)
        async for event in _updates(invocation, task, from_start=True):
            yield event

    @validate_request_params
    async def on_get_task(self, params: GetTaskRequest, context: ServerCallContext) -> Task:
        """GetTask."""
        invocation = current()
        principal = await invocation.caller(*READ_ROLES)
        validate_history_length(params)
        with invocation.backend():
            status = await _run_for(invocation, principal, params.id, RunAction.READ)
        return apply_history_length(task_of(status), params)

    async def on_list_tasks(
        self, params: ListTasksRequest, context: ServerCallContext
    ) -> ListTasksResponse:
        """ListTasks."""
        invocation = current()
        principal = await invocation.caller(*READ_ROLES)
        with invocation.backend():
            return await list_tasks(invocation.client, params, principal)

    @validate_request_params
    async def on_cancel_task(self, params: CancelTaskRequest, context: ServerCallContext) -> Task:
        """CancelTask: terminate the run and what it started; the task once canceled."""
        invocation = current()
        principal = await invocation.caller(*START_ROLES)
        task_id = params.id
        with invocation.backend():
            status = await _run_for(invocation, principal, task_id, RunAction.CANCEL)
            if task_of(status).status.state in TERMINAL:
                raise TaskNotCancelableError(message=f"task '{task_id}' already ended")
            reason = f"Canceled through A2A by {principal.display_name}"
            await terminate_run(invocation.client, task_id, reason)
            return task_of(await _run(invocation, task_id))

    @validate_request_params
    async def on_subscribe_to_task(
        self, params: SubscribeToTaskRequest, context: ServerCallContext
    ) -> AsyncGenerator[Event]:
        """SubscribeToTask: the task as it is now, then its updates."""
        invocation = current()
        principal = await invocation.caller(*READ_ROLES)
        with invocation.backend():
            task = task_of(await _run_for(invocation, principal, params.id, RunAction.READ))
        if task.status.state in TERMINAL:
            raise UnsupportedOperationError(
                message=f"task '{params.id}' is {state_name(task.status.state)}; "
                "it has no more updates"
            )
        yield task
        async for event in _updates(invocation, task, from_start=False):
            yield event

    async def on_create_task_push_notification_config(
        self, params: TaskPushNotificationConfig, context: ServerCallContext
    ) -> TaskPushNotificationConfig:
        """Not supported."""
        raise PushNotificationNotSupportedError(message=NO_PUSH)

    async def on_get_task_push_notification_config(
        self, params: GetTaskPushNotificationConfigRequest, context: ServerCallContext
    ) -> TaskPushNotificationConfig:
        """Not supported."""
        raise PushNotificationNotSupportedError(message=NO_PUSH)

    async def on_list_task_push_notification_configs(
        self, params: ListTaskPushNotificationConfigsRequest, context: ServerCallContext
    ) -> ListTaskPushNotificationConfigsResponse:
        """Not supported."""
        raise PushNotificationNotSupportedError(message=NO_PUSH)

    async def on_delete_task_push_notification_config(
        self, params: DeleteTaskPushNotificationConfigRequest, context: ServerCallContext
    ) -> None:
        """Not supported."""
        raise PushNotificationNotSupportedError(message=NO_PUSH)

    async def on_get_extended_agent_card(
        self, params: GetExtendedAgentCardRequest, context: ServerCallContext
    ) -> AgentCard:
        """Not configured: the public card is the whole card."""
        raise ExtendedAgentCardNotConfiguredError
