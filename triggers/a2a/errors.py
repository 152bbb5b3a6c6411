"""A2A errors: each carries its JSON-RPC code, HTTP status, gRPC status name and the
`ErrorInfo` reason the 1.0 bindings attach (spec section 5.4)."""

from __future__ import annotations

from typing import Any, ClassVar

DOMAIN = "a2a-protocol.org"
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


class A2AError(Exception):
    """Base of the errors an A2A binding answers with."""

    code: ClassVar[int] = -32603
    http_status: ClassVar[int] = 500
    grpc_status: ClassVar[str] = "INTERNAL"
    reason: ClassVar[str | None] = None
    default_message: ClassVar[str] = "Internal error"

    def __init__(self, message: str | None = None, **metadata: str) -> None:
        self.message = message or self.default_message
        self.metadata = metadata
        super().__init__(self.message)

    def details(self) -> list[dict[str, Any]]:
        """The error details (ProtoJSON `Any` objects): an ErrorInfo for A2A errors."""
        if self.reason is None:
            return []
        info: dict[str, Any] = {"@type": ERROR_INFO, "reason": self.reason, "domain": DOMAIN}
        if self.metadata:
            info["metadata"] = self.metadata
        return [info]


class JsonParseError(A2AError):
    """The body is not JSON."""

    code = -32700
    http_status = 400
    grpc_status = "INVALID_ARGUMENT"
    default_message = "Invalid JSON payload"


class InvalidRequestError(A2AError):
    """The JSON is not a valid JSON-RPC request."""

    code = -32600
    http_status = 400
    grpc_status = "INVALID_ARGUMENT"
    default_message = "Request payload validation error"


class MethodNotFoundError(A2AError):
    """No such method (or REST endpoint)."""

    code = -32601
    http_status = 404
    grpc_status = "NOT_FOUND"
    default_message = "Method not found"


class InvalidParamsError(A2AError):
    """A parameter is missing or wrong; `field` names it."""

    code = -32602
    http_status = 400
    grpc_status = "INVALID_ARGUMENT"
    default_message = "Invalid parameters"

    def __init__(self, field: str, description: str) -> None:
        self.field = field
        self.description = description
        super().__init__(f"Invalid parameters: {field}: {description}")

    def details(self) -> list[dict[str, Any]]:
        """A BadRequest naming the field."""
        violation = {"field": self.field, "description": self.description}
        return [{"@type": BAD_REQUEST, "fieldViolations": [violation]}]


class InternalError(A2AError):
    """The server failed; the logs say more."""


class UnavailableError(A2AError):
    """A backend the agent needs did not answer; retry later."""

    http_status = 503
    grpc_status = "UNAVAILABLE"
    default_message = "The Durable backend did not answer"


class TaskNotFoundError(A2AError):
    """No task with the id (or not one the caller may see)."""

    code = -32001
    http_status = 404
    grpc_status = "NOT_FOUND"
    reason = "TASK_NOT_FOUND"
    default_message = "Task not found"


class TaskNotCancelableError(A2AError):
    """The task already ended."""

    code = -32002
    http_status = 400
    grpc_status = "FAILED_PRECONDITION"
    reason = "TASK_NOT_CANCELABLE"
    default_message = "Task cannot be canceled"


class PushNotificationNotSupportedError(A2AError):
    """This agent sends no push notifications."""

    code = -32003
    http_status = 400
    grpc_status = "FAILED_PRECONDITION"
    reason = "PUSH_NOTIFICATION_NOT_SUPPORTED"
    default_message = "Push Notification is not supported"


class UnsupportedOperationError(A2AError):
    """The operation, or this use of it, is not supported."""

    code = -32004
    http_status = 400
    grpc_status = "FAILED_PRECONDITION"
    reason = "UNSUPPORTED_OPERATION"
    default_message = "This operation is not supported"


class ContentTypeNotSupportedError(A2AError):
    """A part of a kind or media type the agent does not take."""

    code = -32005
    http_status = 400
    grpc_status = "INVALID_ARGUMENT"
    reason = "CONTENT_TYPE_NOT_SUPPORTED"
    default_message = "Incompatible content types"


class VersionNotSupportedError(A2AError):
    """The `A2A-Version` asked for is not one this method or endpoint speaks."""

    code = -32009
    http_status = 400
    grpc_status = "FAILED_PRECONDITION"
    reason = "VERSION_NOT_SUPPORTED"
    default_message = "Protocol version not supported"
