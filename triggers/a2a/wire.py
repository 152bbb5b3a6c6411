"""What a binding needs from a wire format: render the agent's objects and parse requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from triggers.a2a.model import Message, SendParams, StreamEvent, Task


class Wire(Protocol):
    """One protocol version's JSON (see `wire_proto` and `wire_v03`)."""

    def task(self, task: Task) -> dict[str, Any]:
        """A task."""
        ...

    def event(self, event: StreamEvent) -> dict[str, Any]:
        """One event of a stream."""
        ...

    def send_result(self, result: Task | Message) -> dict[str, Any]:
        """The result of a send."""
        ...

    def parse_send(self, params: Mapping[str, Any]) -> SendParams:
        """A send request."""
        ...

    def parse_task_query(self, params: Mapping[str, Any]) -> tuple[str, int | None]:
        """A get-task request: the id and history length."""
        ...

    def parse_task_id(self, params: Mapping[str, Any]) -> str:
        """The task id of a cancel or subscribe request."""
        ...
