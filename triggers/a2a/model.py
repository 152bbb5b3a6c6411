"""The A2A objects the agent works with, independent of protocol version and binding: the
wire modules render and parse them (`wire_proto` for 1.0 and 0.3 HTTP+JSON, `wire_v03` for
0.3 JSON-RPC)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field


class TaskState(StrEnum):
    """A task's lifecycle state (0.3 spelling; 1.0 writes `TASK_STATE_<NAME>`)."""

    SUBMITTED = "submitted"
    WORKING = "working"
    INPUT_REQUIRED = "input-required"
    COMPLETED = "completed"
    CANCELED = "canceled"
    FAILED = "failed"
    REJECTED = "rejected"
    AUTH_REQUIRED = "auth-required"

    @property
    def terminal(self) -> bool:
        """True for the states a task never leaves."""
        return self in (
            TaskState.COMPLETED,
            TaskState.CANCELED,
            TaskState.FAILED,
            TaskState.REJECTED,
        )

    @property
    def interrupted(self) -> bool:
        """True while the task waits for the client."""
        return self in (TaskState.INPUT_REQUIRED, TaskState.AUTH_REQUIRED)


Role = Literal["user", "agent"]


class Part(BaseModel):
    """One piece of content: text, structured data, or a file (by URL or base64 bytes)."""

    text: str | None = None
    data: Any = None
    url: str | None = None
    raw: str | None = None
    media_type: str | None = None
    filename: str | None = None
    metadata: dict[str, Any] | None = None

    @property
    def kind(self) -> Literal["text", "data", "file"]:
        """Which content the part carries."""
        if self.text is not None:
            return "text"
        if self.url is not None or self.raw is not None:
            return "file"
        return "data"


class Message(BaseModel):
    """One turn of communication between client and agent."""

    message_id: str
    role: Role
    parts: list[Part]
    context_id: str | None = None
    task_id: str | None = None
    metadata: dict[str, Any] | None = None
    reference_task_ids: list[str] | None = None


class Artifact(BaseModel):
    """An output of a task."""

    artifact_id: str
    name: str | None = None
    description: str | None = None
    parts: list[Part]


class TaskStatus(BaseModel):
    """A task's state, the agent's message about it, and when it was recorded."""

    state: TaskState
    message: Message | None = None
    timestamp: str | None = None


class Task(BaseModel):
    """A unit of work: here, one coordinator orchestration (task id = workflow id)."""

    id: str
    context_id: str
    status: TaskStatus
    artifacts: list[Artifact] | None = None
    history: list[Message] | None = None
    metadata: dict[str, Any] | None = None


class StatusUpdate(BaseModel):
    """A change of a task's status; `final` marks the last event of a stream (0.3)."""

    task_id: str
    context_id: str
    status: TaskStatus
    final: bool = False


class ArtifactUpdate(BaseModel):
    """An artifact the task produced, sent whole (`last_chunk`)."""

    task_id: str
    context_id: str
    artifact: Artifact
    last_chunk: bool = True


StreamEvent = Task | Message | StatusUpdate | ArtifactUpdate


class SendParams(BaseModel):
    """What SendMessage and SendStreamingMessage ask for."""

    message: Message
    return_immediately: bool = False
    history_length: int | None = Field(None, ge=0)
    metadata: dict[str, Any] | None = None


class ListParams(BaseModel):
    """The filters and page of ListTasks."""

    context_id: str | None = None
    state: TaskState | None = None
    page_size: int = Field(50, ge=1, le=100)
    page_token: str | None = None
    history_length: int | None = Field(None, ge=0)
    status_after: datetime | None = None
    include_artifacts: bool = False


class TaskPage(BaseModel):
    """One page of ListTasks."""

    tasks: list[Task]
    next_page_token: str
    page_size: int
    total_size: int
