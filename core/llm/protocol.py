"""The chat-model interface every implementation satisfies."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from core.llm.types import ChatRequest, ChatResult


@runtime_checkable
class ChatModel(Protocol):
    """Answers one chat request: text, tool calls, or a structured object."""

    async def complete(self, request: ChatRequest) -> ChatResult:
        """Run one model call; raises a `ChatModelError` subclass when it fails."""
        ...
