"""Value types of the chat-model interface: messages, tools, requests and results.

All are pydantic models, so a `ChatResult` can be checkpointed as JSON by the Durable
runtime and read back with `ChatResult.model_validate`.
"""

from __future__ import annotations

import re
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field, SerializeAsAny, field_serializer, model_validator

Role = Literal["system", "user", "assistant", "tool"]
ModelT = TypeVar("ModelT", bound=BaseModel)

# The Chat Completions API accepts only these tool names.
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class ToolCall(BaseModel):
    """One call of a tool the model asked for."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    arguments: dict[str, Any] = Field(default_factory=dict)


class ChatMessage(BaseModel):
    """One message of a conversation.

    A `tool` message answers the assistant's tool call whose id is `tool_call_id`; only
    `assistant` messages carry `tool_calls`.
    """

    role: Role
    content: str = ""
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None

    @model_validator(mode="after")
    def _check_role_fields(self) -> ChatMessage:
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("tool_call_id is required when role is 'tool'")
        if self.role != "tool" and self.tool_call_id is not None:
            raise ValueError("tool_call_id is allowed only when role is 'tool'")
        if self.role != "assistant" and self.tool_calls:
            raise ValueError("tool_calls are allowed only when role is 'assistant'")
        return self


class ToolSpec(BaseModel):
    """A tool the model may call: its name, what it does, and a JSON schema of its arguments."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    read_only: bool = Field(True, description="False for a tool that changes data.")

    @model_validator(mode="after")
    def _check_name(self) -> ToolSpec:
        if not _TOOL_NAME.match(self.name):
            raise ValueError("name must be 1-64 letters, digits, '_' or '-'")
        return self


class TokenUsage(BaseModel):
    """Tokens one model call consumed."""

    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    total_tokens: int = Field(default=0, ge=0)


class ChatRequest(BaseModel):
    """One model call: the conversation, the tools offered and the answer's shape.

    `response_format` is a pydantic model class: the answer must be JSON of that schema.
    It is dumped as the class's dotted name, so a dumped request is for logs, not for
    reloading. `purpose` labels the call in telemetry (e.g. "plan", "llm_step").
    """

    messages: list[ChatMessage] = Field(min_length=1)
    tools: list[ToolSpec] = Field(default_factory=list)
    response_format: type[BaseModel] | None = None
    max_tokens: int | None = Field(default=None, gt=0)
    temperature: float | None = Field(default=None, ge=0, le=2)
    purpose: str = "chat"
    model: str | None = Field(
        default=None, description="The model (deployment) for this call; None: the client's."
    )

    @field_serializer("response_format")
    def _dump_response_format(self, value: type[BaseModel] | None) -> str | None:
        return None if value is None else f"{value.__module__}.{value.__qualname__}"


class ChatResult(BaseModel):
    """What one model call produced.

    `parsed` is the structured answer when the request had a `response_format`. It dumps
    as that model's JSON; reloaded from JSON it is a plain dict, which `parsed_as` turns
    back into the model. `offline` is true when no language model was called.
    """

    content: str = ""
    # Left to right, so a dict read back from a checkpoint stays a dict.
    parsed: dict[str, Any] | SerializeAsAny[BaseModel] | None = Field(
        default=None, union_mode="left_to_right"
    )
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: TokenUsage
    model: str
    offline: bool = False
    finish_reason: str = "stop"

    def parsed_as(self, model: type[ModelT]) -> ModelT:
        """The structured answer as an instance of `model`; ValueError when there is none."""
        if self.parsed is None:
            raise ValueError("the result has no parsed answer")
        if isinstance(self.parsed, model):
            return self.parsed
        return model.model_validate(
            self.parsed.model_dump() if isinstance(self.parsed, BaseModel) else self.parsed
        )
