"""The A2A client of the catalogue's remote agents, through a2a-sdk: the agent card is read
from the agent's `url`, and the client the SDK's factory picks from it sends a message that
returns at once with the remote task, reads the task and cancels it. Every request carries the
entry's headers (and a managed identity token when it asks for one) and is bounded by
`A2A_REQUEST_TIMEOUT_SECONDS`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from a2a.client import (
    A2ACardResolver,
    A2AClientTimeoutError,
    AgentCardResolutionError,
    Client,
    ClientConfig,
    ClientFactory,
)
from a2a.helpers.proto_helpers import get_artifact_text, get_message_text, new_text_part
from a2a.types import (
    AgentCard,
    CancelTaskRequest,
    GetTaskRequest,
    Message,
    Role,
    SendMessageConfiguration,
    SendMessageRequest,
    Task,
    TaskState,
)
from a2a.utils.errors import A2AError

from core.catalogue import AgentSpec, get_catalogue
from core.catalogue.model import RemoteA2aAgent
from core.catalogue.settings_refs import expand
from core.mcp_transports import ManagedIdentityTokenError, endpoint_headers
from core.remote_agents.models import RemoteTask
from core.settings import get_settings

_STATE_PREFIX = "TASK_STATE_"
_UNREACHABLE = (
    httpx.TransportError,
    httpx.HTTPStatusError,
    OSError,
    TimeoutError,
    AgentCardResolutionError,
    A2AClientTimeoutError,
)


class RemoteAgentError(Exception):
    """Raised when a remote A2A agent answers with an error (say, it knows no such task)."""

    def __init__(self, agent_id: str, reason: str):
        self.agent_id = agent_id
        self.reason = reason
        super().__init__(f"remote agent '{agent_id}' answered with an error: {reason}")


class RemoteAgentUnavailableError(RemoteAgentError):
    """Raised when a remote A2A agent cannot be reached, has no readable card or does not
    answer in time."""

    def __init__(self, agent_id: str, target: str, reason: str):
        self.agent_id = agent_id
        self.target = target
        self.reason = reason
        Exception.__init__(self, f"remote agent '{agent_id}' ({target}) is unavailable: {reason}")


def _remote(agent_id: str) -> tuple[AgentSpec, RemoteA2aAgent]:
    agent = get_catalogue().get(agent_id)
    if agent.a2a is None:
        raise RemoteAgentError(agent_id, "the catalogue declares no a2a source for it")
    return agent, agent.a2a


@asynccontextmanager
async def _client(agent_id: str) -> AsyncIterator[tuple[Client, AgentCard]]:
    """The SDK's client of the agent, built from its card, and the card."""
    agent, remote = _remote(agent_id)
    url = expand(remote.url)
    timeout = get_settings().A2A_REQUEST_TIMEOUT_SECONDS
    try:
        headers = await endpoint_headers(remote)
        async with httpx.AsyncClient(headers=headers, timeout=timeout) as http:
            card = await A2ACardResolver(http, url).get_agent_card()
            factory = ClientFactory(ClientConfig(streaming=False, polling=True, httpx_client=http))
            async with factory.create(card) as client:
                yield client, card
    except RemoteAgentError:
        raise
    except ManagedIdentityTokenError as exc:
        raise RemoteAgentUnavailableError(agent.id, url, str(exc)) from exc
    except _UNREACHABLE as exc:
        raise RemoteAgentUnavailableError(agent.id, url, _describe(exc)) from exc
    except A2AError as exc:
        raise RemoteAgentError(agent.id, _describe(exc)) from exc


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _state(state: TaskState) -> str:
    """`TASK_STATE_INPUT_REQUIRED` as the A2A spec writes it: `input-required`."""
    return TaskState.Name(state).removeprefix(_STATE_PREFIX).lower().replace("_", "-")


def _seen(task: Task) -> RemoteTask:
    texts = [text for artifact in task.artifacts if (text := get_artifact_text(artifact))]
    if not texts and task.status.HasField("message"):
        texts = [get_message_text(task.status.message)]
    return RemoteTask(
        task_id=task.id,
        context_id=task.context_id,
        state=_state(task.status.state),
        text="\n".join(t for t in texts if t),
    )


async def describe(agent_id: str) -> str:
    """What the remote agent's card says it does (its description and skills); raises
    RemoteAgentUnavailableError when the card cannot be read, so it doubles as a health
    check."""
    async with _client(agent_id) as (_, card):
        skills = "; ".join(f"{s.name}: {s.description}" for s in card.skills)
        return f"{card.name}: {card.description}" + (f" Skills: {skills}" if skills else "")


async def send_task(agent_id: str, text: str, message_id: str) -> RemoteTask:
    """Send `text` to the agent as one user message with id `message_id`, asking for the
    task at once rather than its end. An agent that answers with a message instead of a
    task comes back as a completed task without an id."""
    message = Message(role=Role.ROLE_USER, message_id=message_id, parts=[new_text_part(text)])
    request = SendMessageRequest(
        message=message, configuration=SendMessageConfiguration(return_immediately=True)
    )
    async with _client(agent_id) as (client, _):
        async for response in client.send_message(request):
            if response.HasField("task"):
                return _seen(response.task)
            if response.HasField("message"):
                return RemoteTask(
                    task_id="", state="completed", text=get_message_text(response.message)
                )
    raise RemoteAgentError(agent_id, "the agent answered the message with neither task nor message")


async def get_task(agent_id: str, task_id: str) -> RemoteTask:
    """The remote task as it is now."""
    async with _client(agent_id) as (client, _):
        return _seen(await client.get_task(GetTaskRequest(id=task_id, history_length=0)))


async def cancel_task(agent_id: str, task_id: str) -> RemoteTask:
    """Ask the agent to cancel its task; the task as the agent then reports it."""
    async with _client(agent_id) as (client, _):
        return _seen(await client.cancel_task(CancelTaskRequest(id=task_id)))
