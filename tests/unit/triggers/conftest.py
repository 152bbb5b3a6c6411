"""Fixtures: offline settings on a temporary agent log, with in-process tool servers."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.agent_logs import get_agent_log_store
from core.mcp_client import reset_servers
from core.settings import get_settings

OFFLINE_UNSET = (
    "AZURE_OPENAI_ENDPOINT",
    "COSMOS_ENDPOINT",
    "MCP_CUSTOMER_SUPPORT_URL",
    "MCP_SMART_CITY_URL",
    "MCP_ENTERPRISE_URL",
    "AUTH_TRUST_PLATFORM_PRINCIPAL",
)


def _clear_caches() -> None:
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()
    reset_servers()


Configure = Callable[..., None]


@pytest.fixture
def settings_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """Offline settings on a temporary SQLite log; call it with NAME="value" to set more."""
    monkeypatch.setenv("AGENT_LOG_SQLITE_PATH", str(tmp_path / "logs.sqlite3"))
    for name in OFFLINE_UNSET:
        monkeypatch.delenv(name, raising=False)
    _clear_caches()

    def configure(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield configure
    _clear_caches()
