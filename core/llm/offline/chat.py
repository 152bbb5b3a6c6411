"""`OfflineChat`: the embedded rule-based model used when no model endpoint is configured."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

from pydantic import BaseModel, ValidationError

from core.llm.errors import ModelResponseError
from core.llm.offline.answer import (
    answer_from_messages,
    answer_from_tool_results,
    latest_user_text,
    tool_results_since_user,
)
from core.llm.offline.text import clip_to_tokens
from core.llm.offline.tool_choice import choose_tool_calls
from core.llm.offline.usage import estimate_usage
from core.llm.types import ChatRequest, ChatResult, ToolCall

OFFLINE_MODEL_NAME = "offline-rules"

OfflineSkill = Callable[[ChatRequest], BaseModel]
"""Builds the structured answer to a request, deterministically and without I/O."""

OfflineSkills = Mapping[type[BaseModel], OfflineSkill]
"""Offline skills by the response model class they build."""


class OfflineChat:
    """A deterministic, keyword- and rule-based chat model that never leaves the process.

    Results say they are offline: `offline` is true, `model` is "offline-rules", and text
    answers open with a notice. For a request with a `response_format` it runs the skill
    registered for that class; text and tool calls follow fixed rules (see `complete`).
    """

    def __init__(self, skills: OfflineSkills | None = None, *, latency_ms: int = 0) -> None:
        if latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        self._skills = dict(skills or {})
        self._latency_ms = latency_ms

    async def complete(self, request: ChatRequest) -> ChatResult:
        """Answer after the simulated latency.

        With a `response_format`: the registered skill's object (ModelResponseError when
        none is registered). Else with tool results after the last user message: a text
        summary of them. Else with tools: calls of the best-matching tools. Else, or when
        no tool matches: a text answer restating the request.
        """
        if self._latency_ms:
            await asyncio.sleep(self._latency_ms / 1000)
        if request.response_format is not None:
            return self._structured(request, request.response_format)
        if tool_results_since_user(request.messages):
            return self._text(request, answer_from_tool_results(request.messages))
        if request.tools:
            calls = choose_tool_calls(
                request.tools,
                latest_user_text(request.messages),
                call_id_prefix=f"call_{len(request.messages)}_",
            )
            if calls:
                return self._result(request, "", calls, finish_reason="tool_calls")
        answer = answer_from_messages(request.messages, no_tool_matched=bool(request.tools))
        return self._text(request, answer)

    def _structured(self, request: ChatRequest, schema: type[BaseModel]) -> ChatResult:
        skill = self._skills.get(schema)
        if skill is None:
            raise ModelResponseError(
                "the offline model has no skill for this schema; register one with "
                "OfflineChat(skills={...})",
                schema=schema.__name__,
            )
        try:
            parsed = skill(request)
        except ValidationError as error:
            raise ModelResponseError(
                f"the offline skill built an invalid object: {error}", schema=schema.__name__
            ) from error
        if not isinstance(parsed, schema):
            raise ModelResponseError(
                f"the offline skill returned {type(parsed).__name__}", schema=schema.__name__
            )
        return self._result(
            request, parsed.model_dump_json(), [], finish_reason="stop", parsed=parsed
        )

    def _text(self, request: ChatRequest, answer: str) -> ChatResult:
        finish_reason = "stop"
        if request.max_tokens is not None:
            clipped = clip_to_tokens(answer, request.max_tokens)
            finish_reason = "stop" if clipped == answer else "length"
            answer = clipped
        return self._result(request, answer, [], finish_reason=finish_reason)

    @staticmethod
    def _result(
        request: ChatRequest,
        content: str,
        calls: list[ToolCall],
        *,
        finish_reason: str,
        parsed: BaseModel | None = None,
    ) -> ChatResult:
        return ChatResult(
            content=content,
            parsed=parsed,
            tool_calls=calls,
            usage=estimate_usage(request, content, calls),
            model=OFFLINE_MODEL_NAME,
            offline=True,
            finish_reason=finish_reason,
        )
