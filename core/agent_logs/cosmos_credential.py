"""The credential the Cosmos DB client signs in with, chosen from the settings."""

from __future__ import annotations

from azure.core.credentials_async import AsyncTokenCredential
from azure.identity.aio import DefaultAzureCredential, ManagedIdentityCredential

from core.settings import Settings

CosmosCredential = str | AsyncTokenCredential
"""An account key (local fallback) or an Entra ID token credential (Azure)."""


def cosmos_credential(settings: Settings) -> CosmosCredential:
    """COSMOS_KEY when set; else the user-assigned managed identity named by
    AZURE_CLIENT_ID; else DefaultAzureCredential. The caller owns and closes it."""
    if settings.COSMOS_KEY:
        return settings.COSMOS_KEY
    if settings.AZURE_CLIENT_ID:
        return ManagedIdentityCredential(client_id=settings.AZURE_CLIENT_ID)
    return DefaultAzureCredential()
