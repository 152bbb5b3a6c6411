"""Pick the process's chat model from the settings."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from core.llm.azure import AzureOpenAIChat
from core.llm.offline import OFFLINE_MODEL_NAME, OfflineChat, OfflineSkills
from core.llm.openai_compatible import OpenAICompatibleChat
from core.llm.protocol import ChatModel
from core.settings import Settings, get_settings

ModelProvider = Literal["azure.ai.openai", "openai", "offline"]


def model_provider(settings: Settings | None = None) -> ModelProvider:
    """Which model answers: Azure OpenAI when AZURE_OPENAI_ENDPOINT is set, else an
    OpenAI-compatible endpoint when OPENAI_BASE_URL or OPENAI_API_KEY is, else offline."""
    s = settings or get_settings()
    if s.AZURE_OPENAI_ENDPOINT:
        return "azure.ai.openai"
    if s.OPENAI_BASE_URL or s.OPENAI_API_KEY:
        return "openai"
    return "offline"


def default_model_name(settings: Settings | None = None) -> str:
    """The model calls use unless an agent names its own."""
    s = settings or get_settings()
    provider = model_provider(s)
    if provider == "azure.ai.openai":
        return s.AZURE_OPENAI_CHAT_DEPLOYMENT
    return s.OPENAI_MODEL if provider == "openai" else OFFLINE_MODEL_NAME


def get_chat_model(skills: OfflineSkills | None = None) -> ChatModel:
    """The model `model_provider` names: `AzureOpenAIChat`, `OpenAICompatibleChat`, or
    `OfflineChat` with `skills` and OFFLINE_MODEL_LATENCY_MS. A real client is shared by
    every caller in the process with the same settings; `skills` only matter offline,
    where a real model needs none."""
    s = get_settings()
    provider = model_provider(s)
    if provider == "azure.ai.openai":
        assert s.AZURE_OPENAI_ENDPOINT is not None
        return _azure_chat(
            s.AZURE_OPENAI_ENDPOINT,
            s.AZURE_OPENAI_CHAT_DEPLOYMENT,
            s.AZURE_OPENAI_API_VERSION,
            s.AZURE_OPENAI_API_KEY,
            s.AZURE_CLIENT_ID,
            s.AZURE_OPENAI_TIMEOUT_SECONDS,
            s.AZURE_OPENAI_MAX_RETRIES,
        )
    if provider == "openai":
        return _openai_chat(
            s.OPENAI_MODEL,
            s.OPENAI_BASE_URL,
            s.OPENAI_API_KEY,
            s.AZURE_OPENAI_TIMEOUT_SECONDS,
            s.AZURE_OPENAI_MAX_RETRIES,
        )
    return OfflineChat(skills, latency_ms=s.OFFLINE_MODEL_LATENCY_MS)


@lru_cache(maxsize=4)
def _azure_chat(
    endpoint: str,
    deployment: str,
    api_version: str,
    api_key: str | None,
    client_id: str | None,
    timeout_seconds: float,
    max_retries: int,
) -> AzureOpenAIChat:
    return AzureOpenAIChat(
        endpoint=endpoint,
        deployment=deployment,
        api_version=api_version,
        api_key=api_key,
        client_id=client_id,
        timeout_seconds=timeout_seconds,
        max_retries=max_retries,
    )


@lru_cache(maxsize=4)
def _openai_chat(
    model: str,
    base_url: str | None,
    api_key: str | None,
    timeout_seconds: float,
    max_retries: int,
) -> OpenAICompatibleChat:
    return OpenAICompatibleChat(
        model=model,
        base_url=base_url,
        api_key=api_key,
        timeout_seconds=timeout_seconds,
        max_retries=max_retries,
    )
