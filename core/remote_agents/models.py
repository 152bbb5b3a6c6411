"""What a durable run of a remote A2A agent records: the remote task as last seen, and the
activities' inputs and outputs."""

from __future__ import annotations

from pydantic import BaseModel, Field

SEND_MESSAGE = "send_message"
"""The one call a remote A2A agent offers us, as the approval gate and the listings name it."""

ENDED = frozenset({"completed", "failed", "canceled", "rejected"})
"""Terminal states of an A2A task."""
INTERRUPTED = frozenset({"input-required", "auth-required"})
"""States in which the remote agent waits for its caller."""


class RemoteTask(BaseModel):
    """A remote agent's task as last seen: its state and what the agent said (its artifacts'
    text, else its status message, such as the question of an `input-required` task)."""

    task_id: str = Field(
        description="The remote task's id; empty when the agent answered with a message."
    )
    context_id: str = ""
    state: str = Field(description="The A2A task state, e.g. working, completed, input-required.")
    text: str = ""

    @property
    def waiting(self) -> bool:
        """Whether the task may still change without us (submitted or working)."""
        return self.state not in ENDED | INTERRUPTED


class RemoteTaskRef(BaseModel):
    """Input of the `a2a_get_task` and `a2a_cancel_task` activities: one remote task."""

    workflow_id: str
    agent: str
    task_id: str


class RemoteWork(BaseModel):
    """How a remote task is followed, from the settings when it was sent (so a replay never
    reads them again)."""

    poll_seconds: float = Field(gt=0, description="First wait between two looks at the task.")
    max_poll_seconds: float = Field(gt=0, description="Longest wait between two looks.")
    timeout_seconds: int = Field(
        ge=1, description="Longest the task may run before it is cancelled."
    )


class RemoteStart(BaseModel):
    """Output of the `a2a_send` activity: the task the message started (its id is what a
    restarted host follows), how to follow it, or why nothing was sent."""

    task: RemoteTask | None = None
    work: RemoteWork | None = None
    refused: str | None = Field(None, description="Why the message was not sent (no approval).")
