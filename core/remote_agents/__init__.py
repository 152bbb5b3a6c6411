"""Remote A2A agents of the catalogue (`a2a:` entries): the client that sends an agent its
sub-task and follows the remote task, and the models the durable run records."""

from core.remote_agents.client import (
    RemoteAgentError,
    RemoteAgentUnavailableError,
    cancel_task,
    describe,
    get_task,
    send_task,
)
from core.remote_agents.models import (
    SEND_MESSAGE,
    RemoteStart,
    RemoteTask,
    RemoteTaskRef,
    RemoteWork,
)

__all__ = [
    "SEND_MESSAGE",
    "RemoteAgentError",
    "RemoteAgentUnavailableError",
    "RemoteStart",
    "RemoteTask",
    "RemoteTaskRef",
    "RemoteWork",
    "cancel_task",
    "describe",
    "get_task",
    "send_task",
]
