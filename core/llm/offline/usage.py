"""Deterministic token usage of an offline call, so token budgets hold without a model."""

from __future__ import annotations

import json
from functools import lru_cache

from pydantic import BaseModel

from core.llm.offline.text import estimate_tokens
from core.llm.types import ChatRequest, TokenUsage, ToolCall

# Per-message framing the chat format adds (role markers and separators).
MESSAGE_OVERHEAD_TOKENS = 3


def estimate_usage(request: ChatRequest, content: str, tool_calls: list[ToolCall]) -> TokenUsage:
    """Estimated tokens of the request (messages, tools, answer schema) and of the answer."""
    prompt = sum(
        MESSAGE_OVERHEAD_TOKENS + estimate_tokens(m.content) + _calls_tokens(m.tool_calls)
        for m in request.messages
    )
    prompt += sum(estimate_tokens(spec.model_dump_json()) for spec in request.tools)
    if request.response_format is not None:
        prompt += _schema_tokens(request.response_format)
    completion = estimate_tokens(content) + _calls_tokens(tool_calls)
    return TokenUsage(
        prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
    )


def _calls_tokens(calls: list[ToolCall]) -> int:
    return sum(estimate_tokens(c.name + json.dumps(c.arguments, ensure_ascii=False)) for c in calls)


@lru_cache(maxsize=256)
def _schema_tokens(schema: type[BaseModel]) -> int:
    """Tokens of the answer schema's JSON, which depends on its class alone."""
    return estimate_tokens(json.dumps(schema.model_json_schema()))
