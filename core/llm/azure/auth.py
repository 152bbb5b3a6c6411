"""Entra ID credentials for Azure OpenAI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from azure.core.credentials_async import AsyncTokenCredential
from azure.identity.aio import (
    DefaultAzureCredential,
    ManagedIdentityCredential,
    get_bearer_token_provider,
)

COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default"

TokenProvider = Callable[[], Awaitable[str]]
"""Returns a current bearer token; called before every request."""


def default_credential(client_id: str | None) -> AsyncTokenCredential:
    """The user-assigned managed identity `client_id` when given, else DefaultAzureCredential."""
    if client_id:
        return ManagedIdentityCredential(client_id=client_id)
    return DefaultAzureCredential()


def token_provider(credential: AsyncTokenCredential) -> TokenProvider:
    """A provider of Azure OpenAI bearer tokens from `credential`, cached until near expiry."""
    return get_bearer_token_provider(credential, COGNITIVE_SERVICES_SCOPE)
