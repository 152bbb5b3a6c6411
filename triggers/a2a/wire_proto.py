"""ProtoJSON, the JSON of the A2A protocol buffers: the A2A 1.0 bindings (JSON-RPC and
HTTP+JSON) and, with `legacy`, the 0.3 HTTP+JSON binding (`/v1/...`).

1.0 writes enums as `TASK_STATE_WORKING` and `ROLE_USER`, parts as `{"text"}`, `{"data"}`,
`{"url"}` or `{"raw"}`, and wraps results (`{"task"}`, `{"statusUpdate"}`, ...). The 0.3 proto
differs in three places: a message's parts are `content`, a data part is `{"data": {"data"}}`,
a file part is `{"file": {"fileWithUri" | "fileWithBytes", "mimeType", "name"}}`, and a status
update carries `final`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from triggers.a2a import fields
from triggers.a2a.errors import InvalidParamsError, PushNotificationNotSupportedError
from triggers.a2a.model import (
    Artifact,
    ArtifactUpdate,
    ListParams,
    Message,
    Part,
    Role,
    SendParams,
    StatusUpdate,
    StreamEvent,
    Task,
    TaskPage,
    TaskState,
    TaskStatus,
)

ROLES: dict[Role, str] = {"user": "ROLE_USER", "agent": "ROLE_AGENT"}
_ROLE_NAMES: dict[Any, Role] = {"ROLE_USER": "user", "ROLE_AGENT": "agent", 1: "user", 2: "agent"}
STATE_PREFIX = "TASK_STATE_"


def state_name(state: TaskState) -> str:
    """`TASK_STATE_INPUT_REQUIRED` for `input-required`."""
    return STATE_PREFIX + state.name


def parse_state(value: Any, field: str) -> TaskState:
    """A TaskState from its proto name (or its 0.3 spelling)."""
    text = str(value)
    for state in TaskState:
        if text in (state_name(state), state.value):
            return state
    raise InvalidParamsError(field, f"unknown task state {text!r}")


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


class ProtoWire:
    """Renders and parses ProtoJSON; `legacy` selects the 0.3 proto's shapes."""

    def __init__(self, *, legacy: bool) -> None:
        self.legacy = legacy
        self._parts_key = "content" if legacy else "parts"

    # Rendering.

    def part(self, part: Part) -> dict[str, Any]:
        """One part."""
        if self.legacy:
            if part.kind == "text":
                return _clean({"text": part.text, "metadata": part.metadata})
            if part.kind == "data":
                data = part.data if isinstance(part.data, dict) else {"value": part.data}
                return _clean({"data": {"data": data}, "metadata": part.metadata})
            source = {"fileWithUri": part.url} if part.url else {"fileWithBytes": part.raw}
            file = _clean({**source, "mimeType": part.media_type, "name": part.filename})
            return _clean({"file": file, "metadata": part.metadata})
        if part.kind == "text":
            content: dict[str, Any] = {"text": part.text}
        elif part.kind == "data":
            content = {"data": part.data}
        elif part.url:
            content = {"url": part.url}
        else:
            content = {"raw": part.raw}
        extra = {"mediaType": part.media_type, "filename": part.filename, "metadata": part.metadata}
        return {**content, **_clean(extra)}

    def message(self, message: Message) -> dict[str, Any]:
        """One message."""
        return _clean(
            {
                "messageId": message.message_id,
                "contextId": message.context_id,
                "taskId": message.task_id,
                "role": ROLES[message.role],
                self._parts_key: [self.part(p) for p in message.parts],
                "metadata": message.metadata,
                "referenceTaskIds": None if self.legacy else message.reference_task_ids,
            }
        )

    def status(self, status: TaskStatus) -> dict[str, Any]:
        """A task status."""
        message = self.message(status.message) if status.message else None
        return _clean(
            {"state": state_name(status.state), "message": message, "timestamp": status.timestamp}
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
        """A task; `artifacts` and `history` only when set."""
        artifacts = None if task.artifacts is None else [self.artifact(a) for a in task.artifacts]
        history = None if task.history is None else [self.message(m) for m in task.history]
        return _clean(
            {
                "id": task.id,
                "contextId": task.context_id,
                "status": self.status(task.status),
                "artifacts": artifacts,
                "history": history,
                "metadata": task.metadata,
            }
        )

    def event(self, event: StreamEvent) -> dict[str, Any]:
        """A StreamResponse."""
        if isinstance(event, Task):
            return {"task": self.task(event)}
        if isinstance(event, Message):
            return {"message": self.message(event)}
        if isinstance(event, StatusUpdate):
            update: dict[str, Any] = {
                "taskId": event.task_id,
                "contextId": event.context_id,
                "status": self.status(event.status),
            }
            if self.legacy:
                update["final"] = event.final
            return {"statusUpdate": update}
        return {"artifactUpdate": self._artifact_update(event)}

    def _artifact_update(self, event: ArtifactUpdate) -> dict[str, Any]:
        return {
            "taskId": event.task_id,
            "contextId": event.context_id,
            "artifact": self.artifact(event.artifact),
            "append": False,
            "lastChunk": event.last_chunk,
        }

    def send_result(self, result: Task | Message) -> dict[str, Any]:
        """A SendMessageResponse."""
        return self.event(result)

    def task_page(self, page: TaskPage) -> dict[str, Any]:
        """A ListTasksResponse."""
        return {
            "tasks": [self.task(t) for t in page.tasks],
            "nextPageToken": page.next_page_token,
            "pageSize": page.page_size,
            "totalSize": page.total_size,
        }

    # Parsing.

    def parse_part(self, raw: Any, field: str) -> Part:
        """One part of a client's message."""
        data = fields.obj(raw, field)
        meta = fields.obj(data.get("metadata"), f"{field}.metadata", required=False) or None
        if self.legacy and "file" in data:
            file = fields.obj(data["file"], f"{field}.file")
            return Part(
                url=fields.string(file, "fileWithUri", f"{field}.file.fileWithUri"),
                raw=fields.string(file, "fileWithBytes", f"{field}.file.fileWithBytes"),
                media_type=fields.string(file, "mimeType", f"{field}.file.mimeType"),
                filename=fields.string(file, "name", f"{field}.file.name"),
                metadata=meta,
            )
        kinds = [k for k in ("text", "data", "url", "raw") if k in data]
        if len(kinds) != 1:
            raise InvalidParamsError(field, "must have exactly one of text, data, url or raw")
        value = data[kinds[0]]
        if self.legacy and kinds[0] == "data":
            value = fields.obj(value, f"{field}.data").get("data")
        if kinds[0] != "data" and not isinstance(value, str):
            raise InvalidParamsError(f"{field}.{kinds[0]}", "must be a string")
        return Part.model_validate(
            {
                kinds[0]: value,
                "media_type": fields.string(data, "mediaType", f"{field}.mediaType"),
                "filename": fields.string(data, "filename", f"{field}.filename"),
                "metadata": meta,
            }
        )

    def parse_message(self, raw: Any, field: str = "message") -> Message:
        """A client's message."""
        data = fields.obj(raw, field)
        role = _ROLE_NAMES.get(data.get("role"))
        if role is None:
            raise InvalidParamsError(f"{field}.role", "must be ROLE_USER or ROLE_AGENT")
        parts = fields.items(data.get(self._parts_key), f"{field}.{self._parts_key}")
        references = data.get("referenceTaskIds")
        return Message(
            message_id=str(fields.string(data, "messageId", f"{field}.messageId", required=True)),
            role=role,
            parts=[
                self.parse_part(p, f"{field}.{self._parts_key}[{i}]") for i, p in enumerate(parts)
            ],
            context_id=fields.string(data, "contextId", f"{field}.contextId"),
            task_id=fields.string(data, "taskId", f"{field}.taskId"),
            metadata=fields.obj(data.get("metadata"), f"{field}.metadata", required=False) or None,
            reference_task_ids=references if isinstance(references, list) else None,
        )

    def parse_send(self, params: Mapping[str, Any]) -> SendParams:
        """A SendMessageRequest."""
        config = fields.obj(params.get("configuration"), "configuration", required=False)
        push_key = "pushNotification" if self.legacy else "taskPushNotificationConfig"
        if config.get(push_key):
            raise PushNotificationNotSupportedError(
                f"configuration.{push_key}: this agent sends no push notifications"
            )
        if self.legacy:
            immediately = fields.boolean(config, "blocking", "configuration.blocking") is False
        else:
            immediately = bool(
                fields.boolean(config, "returnImmediately", "configuration.returnImmediately")
            )
        return SendParams(
            message=self.parse_message(params.get("message")),
            return_immediately=immediately,
            history_length=_history(config, "configuration.historyLength"),
            metadata=fields.obj(params.get("metadata"), "metadata", required=False) or None,
        )

    def parse_task_query(self, params: Mapping[str, Any]) -> tuple[str, int | None]:
        """A GetTaskRequest: the task id and history length."""
        task_id = str(fields.string(params, "id", "id", required=True))
        return task_id, _history(params, "historyLength")

    def parse_task_id(self, params: Mapping[str, Any]) -> str:
        """The task id of a CancelTask or SubscribeToTask request."""
        return str(fields.string(params, "id", "id", required=True))

    def parse_list(self, params: Mapping[str, Any]) -> ListParams:
        """A ListTasksRequest (from a JSON object or a query string)."""
        status = params.get("status")
        after = fields.string(params, "statusTimestampAfter", "statusTimestampAfter")
        page_size = fields.integer(params, "pageSize", "pageSize")
        if page_size is not None and not 1 <= page_size <= 100:
            raise InvalidParamsError("pageSize", "must be between 1 and 100")
        try:
            after_time = datetime.fromisoformat(after.replace("Z", "+00:00")) if after else None
        except ValueError:
            raise InvalidParamsError("statusTimestampAfter", "must be an ISO 8601 time") from None
        return ListParams(
            context_id=fields.string(params, "contextId", "contextId"),
            state=parse_state(status, "status")
            if status and status != state_unspecified()
            else None,
            page_size=page_size or 50,
            page_token=fields.string(params, "pageToken", "pageToken"),
            history_length=_history(params, "historyLength"),
            status_after=after_time,
            include_artifacts=bool(fields.boolean(params, "includeArtifacts", "includeArtifacts")),
        )


def state_unspecified() -> str:
    """The proto's zero state, which filters nothing."""
    return STATE_PREFIX + "UNSPECIFIED"


def _history(params: Mapping[str, Any], field: str) -> int | None:
    value = fields.integer(params, "historyLength", field)
    if value is not None and value < 0:
        raise InvalidParamsError(field, "must not be negative")
    return value


V1_WIRE = ProtoWire(legacy=False)
V03_REST_WIRE = ProtoWire(legacy=True)
