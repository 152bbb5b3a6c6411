"""The chat model of any OpenAI-compatible endpoint."""

from core.llm.openai_compatible.chat import OpenAICompatibleChat

__all__ = ["OpenAICompatibleChat"]
