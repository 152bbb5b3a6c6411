"""The JSON of the A2A 0.3 JSON-RPC binding: objects tagged with `kind` (`task`, `message`,
`status-update`, `artifact-update`; parts `text`, `data`, `file`), states and roles in lower
case (`input-required`, `user`), results unwrapped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggers.a2a import fields
from triggers.a2a.errors import InvalidParamsError, PushNotificationNotSupportedError
from triggers.a2a.model import (
    Artifact,
    Message,
    Part,
    SendParams,
    StatusUpdate,
    StreamEvent,
    Task,
    TaskStatus,
)


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


class KindWire:
    """Renders and parses the 0.3 JSON-RPC shapes."""

    def part(self, part: Part) -> dict[str, Any]:
        """One part."""
        if part.kind == "text":
            return _clean({"kind": "text", "text": part.text, "metadata": part.metadata})
        if part.kind == "data":
            data = part.data if isinstance(part.data, dict) else {"value": part.data}
            return _clean({"kind": "data", "data": data, "metadata": part.metadata})
        source = {"uri": part.url} if part.url else {"bytes": part.raw}
        file = _clean({**source, "mimeType": part.media_type, "name": part.filename})
        return _clean({"kind": "file", "file": file, "metadata": part.metadata})

    def message(self, message: Message) -> dict[str, Any]:
        """One message."""
        return _clean(
            {
                "kind": "message",
                "messageId": message.message_id,
                "role": message.role,
                "parts": [self.part(p) for p in message.parts],
                "contextId": message.context_id,
                "taskId": message.task_id,
                "metadata": message.metadata,
                "referenceTaskIds": message.reference_task_ids,
            }
        )

    def status(self, status: TaskStatus) -> dict[str, Any]:
        """A task status."""
        message = self.message(status.message) if status.message else None
        return _clean(
            {"state": status.state.value, "message": message, "timestamp": status.timestamp}
        )

    def artifact(self, artifact: Artifact) -> dict[str, Any]:
        """An artifact."""
        return _clean(
            {
                "artifactId": artifact.artifact_id,
                "name": artifact.name,
                "description": artifact.description,
                "parts": [self.part(p) for p in artifact.parts],
            }
        )

    def task(self, task: Task) -> dict[str, Any]:
        """A task."""
        artifacts = None if task.artifacts is None else [self.artifact(a) for a in task.artifacts]
        history = None if task.history is None else [self.message(m) for m in task.history]
        return _clean(
            {
                "kind": "task",
                "id": task.id,
                "contextId": task.context_id,
                "status": self.status(task.status),
                "artifacts": artifacts,
                "history": history,
                "metadata": task.metadata,
            }
        )

    def event(self, event: StreamEvent) -> dict[str, Any]:
        """One result of a 0.3 event stream."""
        if isinstance(event, Task):
            return self.task(event)
        if isinstance(event, Message):
            return self.message(event)
        if isinstance(event, StatusUpdate):
            return {
                "kind": "status-update",
                "taskId": event.task_id,
                "contextId": event.context_id,
                "status": self.status(event.status),
                "final": event.final,
            }
        return {
            "kind": "artifact-update",
            "taskId": event.task_id,
            "contextId": event.context_id,
            "artifact": self.artifact(event.artifact),
            "append": False,
            "lastChunk": event.last_chunk,
        }

    def send_result(self, result: Task | Message) -> dict[str, Any]:
        """The result of `message/send`: the task or message itself."""
        return self.event(result)

    def parse_part(self, raw: Any, field: str) -> Part:
        """One part of a client's message."""
        data = fields.obj(raw, field)
        meta = fields.obj(data.get("metadata"), f"{field}.metadata", required=False) or None
        kind = data.get("kind")
        if kind == "text":
            text = fields.string(data, "text", f"{field}.text")
            return Part(text=text or "", metadata=meta)
        if kind == "data":
            return Part(data=fields.obj(data.get("data"), f"{field}.data"), metadata=meta)
        if kind == "file":
            file = fields.obj(data.get("file"), f"{field}.file")
            return Part(
                url=fields.string(file, "uri", f"{field}.file.uri"),
                raw=fields.string(file, "bytes", f"{field}.file.bytes"),
                media_type=fields.string(file, "mimeType", f"{field}.file.mimeType"),
                filename=fields.string(file, "name", f"{field}.file.name"),
                metadata=meta,
            )
        raise InvalidParamsError(f"{field}.kind", "must be text, data or file")

    def parse_message(self, raw: Any, field: str = "message") -> Message:
        """A client's message."""
        data = fields.obj(raw, field)
        role = data.get("role")
        if role not in ("user", "agent"):
            raise InvalidParamsError(f"{field}.role", "must be user or agent")
        parts = fields.items(data.get("parts"), f"{field}.parts")
        references = data.get("referenceTaskIds")
        return Message(
            message_id=str(fields.string(data, "messageId", f"{field}.messageId", required=True)),
            role=role,
            parts=[self.parse_part(p, f"{field}.parts[{i}]") for i, p in enumerate(parts)],
            context_id=fields.string(data, "contextId", f"{field}.contextId"),
            task_id=fields.string(data, "taskId", f"{field}.taskId"),
            metadata=fields.obj(data.get("metadata"), f"{field}.metadata", required=False) or None,
            reference_task_ids=references if isinstance(references, list) else None,
        )

    def parse_send(self, params: Mapping[str, Any]) -> SendParams:
        """MessageSendParams; a send blocks unless `configuration.blocking` is false."""
        config = fields.obj(params.get("configuration"), "configuration", required=False)
        if config.get("pushNotificationConfig"):
            raise PushNotificationNotSupportedError(
                "configuration.pushNotificationConfig: this agent sends no push notifications"
            )
        history = fields.integer(config, "historyLength", "configuration.historyLength")
        if history is not None and history < 0:
            raise InvalidParamsError("configuration.historyLength", "must not be negative")
        return SendParams(
            message=self.parse_message(params.get("message")),
            return_immediately=fields.boolean(config, "blocking", "configuration.blocking")
            is False,
            history_length=history,
            metadata=fields.obj(params.get("metadata"), "metadata", required=False) or None,
        )

    def parse_task_query(self, params: Mapping[str, Any]) -> tuple[str, int | None]:
        """TaskQueryParams: the task id and history length."""
        history = fields.integer(params, "historyLength", "historyLength")
        if history is not None and history < 0:
            raise InvalidParamsError("historyLength", "must not be negative")
        return str(fields.string(params, "id", "id", required=True)), history

    def parse_task_id(self, params: Mapping[str, Any]) -> str:
        """TaskIdParams: the task id."""
        return str(fields.string(params, "id", "id", required=True))


V03_JSONRPC_WIRE = KindWire()
