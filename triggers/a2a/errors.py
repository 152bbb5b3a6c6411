"""The A2A errors (the SDK's) of the agent's own failures: a parameter named by its field, and
the errors the shared workflow code raises."""

from __future__ import annotations

from a2a.utils.errors import (
    A2AError,
    InternalError,
    InvalidParamsError,
    TaskNotFoundError,
    UnsupportedOperationError,
)

from triggers.shared.errors import (
    ApiError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    RequestValidationError,
)
from triggers.shared.runs import shown


def invalid_params(field: str, message: str) -> InvalidParamsError:
    """InvalidParamsError naming `field`: the SDK writes it as a `BadRequest` field violation."""
    return InvalidParamsError(
        message=f"Invalid parameters: {field}: {message}",
        data={"errors": [{"field": field, "message": message}]},
    )


def task_not_found(task_id: str) -> TaskNotFoundError:
    """TaskNotFoundError for `task_id` (also the answer for a task the caller may not see)."""
    return TaskNotFoundError(message=f"Task not found: no task '{shown(task_id)}'")


def translate(exc: ApiError) -> A2AError:
    """The A2A error of an HTTP API error raised by the shared workflow code."""
    detail = exc.detail[0] if exc.detail else None
    message = f"{detail.field}: {detail.message}" if detail else str(exc)
    if isinstance(exc, NotFoundError):
        return TaskNotFoundError(message=message)
    if isinstance(exc, ConflictError):
        return UnsupportedOperationError(message=message)
    if isinstance(exc, RequestValidationError | ForbiddenError) and detail:
        return invalid_params(detail.field, detail.message)
    return InternalError(message=message)
