"""Translate between the chat-model types and the Chat Completions wire format."""

from __future__ import annotations

import json

from openai.types.chat import (
    ChatCompletion,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageParam,
)
from pydantic import BaseModel, ValidationError

from core.llm.errors import ModelResponseError
from core.llm.types import ChatMessage, ChatResult, TokenUsage, ToolCall, ToolSpec


def to_wire_messages(messages: list[ChatMessage]) -> list[ChatCompletionMessageParam]:
    """The conversation as Chat Completions messages; tool arguments become JSON text."""
    wire: list[ChatCompletionMessageParam] = []
    for m in messages:
        if m.role == "system":
            wire.append({"role": "system", "content": m.content})
        elif m.role == "user":
            wire.append({"role": "user", "content": m.content})
        elif m.role == "tool":
            wire.append(
                {"role": "tool", "content": m.content, "tool_call_id": m.tool_call_id or ""}
            )
        elif m.tool_calls:
            wire.append(
                {
                    "role": "assistant",
                    "content": m.content or None,
                    "tool_calls": [
                        {
                            "id": c.id,
                            "type": "function",
                            "function": {"name": c.name, "arguments": json.dumps(c.arguments)},
                        }
                        for c in m.tool_calls
                    ],
                }
            )
        else:
            wire.append({"role": "assistant", "content": m.content})
    return wire


def to_wire_tools(tools: list[ToolSpec]) -> list[ChatCompletionFunctionToolParam]:
    """The tools as Chat Completions function tools."""
    return [
        {
            "type": "function",
            "function": {
                "name": t.name,
                "description": t.description,
                "parameters": t.parameters,
            },
        }
        for t in tools
    ]


def to_chat_result(completion: ChatCompletion, schema: type[BaseModel] | None) -> ChatResult:
    """The completion's first choice as a `ChatResult`, its content parsed into `schema`.

    Raises ModelResponseError when there is no choice, the model refused, the content
    filter cut the answer, structured output was cut short or does not validate, or
    tool arguments are not a JSON object.
    """
    if not completion.choices:
        raise ModelResponseError("the completion has no choices")
    choice = completion.choices[0]
    message = choice.message
    schema_name = None if schema is None else schema.__name__
    if message.refusal:
        raise ModelResponseError(f"the model refused: {message.refusal}", schema=schema_name)
    if choice.finish_reason == "content_filter":
        raise ModelResponseError("the content filter stopped the answer", schema=schema_name)
    content = message.content or ""
    calls = [
        _tool_call(c.id, c.function.name, c.function.arguments)
        for c in message.tool_calls or []
        if c.type == "function"
    ]
    parsed = None
    if schema is not None and not calls:
        parsed = _parse(schema, content, choice.finish_reason)
    usage = TokenUsage()
    if completion.usage is not None:
        usage = TokenUsage(
            prompt_tokens=completion.usage.prompt_tokens,
            completion_tokens=completion.usage.completion_tokens,
            total_tokens=completion.usage.total_tokens,
        )
    return ChatResult(
        content=content,
        parsed=parsed,
        tool_calls=calls,
        usage=usage,
        model=completion.model,
        finish_reason=choice.finish_reason,
    )


def _parse(schema: type[BaseModel], content: str, finish_reason: str) -> BaseModel:
    if finish_reason == "length":
        raise ModelResponseError(
            "the answer was cut at the token limit", schema=schema.__name__, content=content
        )
    try:
        return schema.model_validate_json(content)
    except ValidationError as error:
        raise ModelResponseError(
            f"the answer does not validate: {error}", schema=schema.__name__, content=content
        ) from error


def _tool_call(call_id: str, name: str, arguments: str) -> ToolCall:
    try:
        parsed = json.loads(arguments or "{}")
    except ValueError as error:
        raise ModelResponseError(
            f"the arguments of tool '{name}' are not JSON", content=arguments
        ) from error
    if not isinstance(parsed, dict):
        raise ModelResponseError(
            f"the arguments of tool '{name}' are not a JSON object", content=arguments
        )
    return ToolCall(id=call_id, name=name, arguments=parsed)
