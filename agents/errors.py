"""Errors a tool reports to its caller. Each becomes an `is_error` tool result whose text
starts with the name of the argument at fault."""

from __future__ import annotations

from mcp.server.mcpserver.exceptions import ToolError


class AgentToolError(ToolError):
    """Base of the errors raised by the agents' tools."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


class RecordNotFoundError(AgentToolError):
    """Raised when no record has the identifier a tool was given."""

    def __init__(self, field: str, kind: str, value: str):
        self.kind = kind
        self.value = value
        super().__init__(field, f"{kind} '{value}' was not found")


class InvalidRequestError(AgentToolError):
    """Raised when arguments are well-formed but the request breaks a business rule."""


class IdempotencyConflictError(AgentToolError):
    """Raised when an idempotency key is reused for a different write."""

    def __init__(self, key: str, tool: str):
        self.key = key
        self.tool = tool
        message = f"'{key}' was already used for a different {tool} call; use a new key"
        super().__init__("idempotency_key", message)
