"""Pick the process's chat model from the settings."""

from __future__ import annotations

from functools import lru_cache

from core.llm.azure import AzureOpenAIChat
from core.llm.offline import OfflineChat, OfflineSkills
from core.llm.protocol import ChatModel
from core.settings import get_settings


def get_chat_model(skills: OfflineSkills | None = None) -> ChatModel:
    """`AzureOpenAIChat` when AZURE_OPENAI_ENDPOINT is set, else `OfflineChat` with `skills`
    and OFFLINE_MODEL_LATENCY_MS. The Azure client is shared by every caller in the
    process with the same settings; `skills` only matter offline, where a real model
    needs none."""
    s = get_settings()
    if s.AZURE_OPENAI_ENDPOINT:
        return _azure_chat(
            s.AZURE_OPENAI_ENDPOINT,
            s.AZURE_OPENAI_CHAT_DEPLOYMENT,
            s.AZURE_OPENAI_API_VERSION,
            s.AZURE_OPENAI_API_KEY,
            s.AZURE_CLIENT_ID,
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
