"""One Chat Completions call through an `openai` SDK client, Azure's or any
OpenAI-compatible endpoint's: the request on the wire, the answer as a ChatResult, the
SDK's errors as chat-model errors."""

from __future__ import annotations

import logging
import time

from openai import AsyncOpenAI, omit
from openai.lib import type_to_response_format_param

from core.llm.azure.failures import TRANSPORT_ERRORS, to_model_error
from core.llm.azure.wire import to_chat_result, to_wire_messages, to_wire_tools
from core.llm.types import ChatRequest, ChatResult

log = logging.getLogger(__name__)


async def complete_chat(
    client: AsyncOpenAI, model: str, request: ChatRequest, timeout_seconds: float
) -> ChatResult:
    """Run one chat completion with `model` (the request's own model when it names one);
    raises a `ChatModelError` subclass when it fails."""
    schema = request.response_format
    chosen = request.model or model
    started = time.perf_counter()
    try:
        completion = await client.chat.completions.create(
            model=chosen,
            messages=to_wire_messages(request.messages),
            tools=to_wire_tools(request.tools) if request.tools else omit,
            response_format=type_to_response_format_param(schema) if schema else omit,
            # Current (reasoning) models take max_completion_tokens and refuse max_tokens.
            max_completion_tokens=(request.max_tokens if request.max_tokens is not None else omit),
            temperature=request.temperature if request.temperature is not None else omit,
        )
    except TRANSPORT_ERRORS as error:
        raise to_model_error(error, timeout_seconds) from error
    result = to_chat_result(completion, schema)
    log.info(
        "model call purpose=%s model=%s tokens=%d finish=%s in %.0f ms",
        request.purpose,
        result.model,
        result.usage.total_tokens,
        result.finish_reason,
        (time.perf_counter() - started) * 1000,
        extra={"purpose": request.purpose, "total_tokens": result.usage.total_tokens},
    )
    return result
