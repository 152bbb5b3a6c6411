"""Which store, configuration and credential the settings select."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from azure.identity.aio import DefaultAzureCredential, ManagedIdentityCredential

from core.agent_logs import (
    CosmosAgentLogStore,
    CosmosConfig,
    SqliteAgentLogStore,
    get_agent_log_store,
)
from core.agent_logs.cosmos_credential import cosmos_credential
from core.settings import Settings, get_settings


def settings(**values: Any) -> Settings:
    """Settings from `values` and the defaults only, whatever the environment holds."""
    return Settings.model_validate(values)


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """Make settings and the store be read again from the environment, before and after."""
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()
    yield
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()


@pytest.fixture
async def closing() -> AsyncIterator[list[Any]]:
    """Things with an async close() that the test created."""
    created: list[Any] = []
    yield created
    for thing in created:
        await thing.close()


@pytest.mark.usefixtures("fresh_settings")
async def test_sqlite_is_the_default_at_the_configured_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, closing: list[Any]
) -> None:
    monkeypatch.delenv("COSMOS_ENDPOINT", raising=False)
    monkeypatch.setenv("AGENT_LOG_SQLITE_PATH", str(tmp_path / "logs.sqlite3"))

    store = get_agent_log_store()
    closing.append(store)
    await store.ping()

    assert isinstance(store, SqliteAgentLogStore)
    assert (tmp_path / "logs.sqlite3").exists()
    assert get_agent_log_store() is store


@pytest.mark.usefixtures("fresh_settings")
async def test_cosmos_is_chosen_when_an_endpoint_is_set(
    monkeypatch: pytest.MonkeyPatch, closing: list[Any]
) -> None:
    monkeypatch.setenv("COSMOS_ENDPOINT", "https://example.documents.azure.com:443/")
    monkeypatch.setenv("COSMOS_KEY", "a2V5")

    store = get_agent_log_store()
    closing.append(store)

    assert isinstance(store, CosmosAgentLogStore)


def test_cosmos_config_follows_the_settings() -> None:
    config = CosmosConfig.from_settings(
        settings(COSMOS_ENDPOINT="https://x/", COSMOS_CONTAINER="Logs", AGENT_LOG_TTL_DAYS=7)
    )

    assert (config.endpoint, config.database, config.container) == (
        "https://x/",
        "AgentCoordination",
        "Logs",
    )
    assert (config.default_ttl_seconds, config.endpoint_discovery) == (7 * 86_400, True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"endpoint": ""}, "endpoint must not be empty"),
        ({"endpoint": "https://x/", "ttl_days": 0}, "ttl_days must be >= 1"),
        ({"endpoint": "https://x/", "timeout_seconds": 0}, "timeout_seconds must be > 0"),
    ],
)
def test_cosmos_config_names_the_bad_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CosmosConfig(**fields)


def test_cosmos_config_needs_an_endpoint() -> None:
    with pytest.raises(ValueError, match="COSMOS_ENDPOINT"):
        CosmosConfig.from_settings(settings())


def test_a_key_wins_over_entra_id() -> None:
    assert cosmos_credential(settings(COSMOS_KEY="a2V5", AZURE_CLIENT_ID="id")) == "a2V5"


async def test_a_client_id_selects_that_managed_identity(closing: list[Any]) -> None:
    credential = cosmos_credential(settings(AZURE_CLIENT_ID="00000000-0000-0000-0000-000000000001"))
    closing.append(credential)

    assert isinstance(credential, ManagedIdentityCredential)


async def test_without_key_or_client_id_the_default_chain_is_used(closing: list[Any]) -> None:
    credential = cosmos_credential(settings())
    closing.append(credential)

    assert isinstance(credential, DefaultAzureCredential)
