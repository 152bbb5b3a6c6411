"""Fixtures: the coordinator app run by the devhost engine on a temporary hub and log store."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from core.agent_logs import get_agent_log_store
from core.mcp_client import reset_servers
from core.settings import get_settings
from devhost.app_loader import FunctionIndex, load_app
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine

ROOT = Path(__file__).resolve().parents[3]


def _clear_caches() -> None:
    get_settings.cache_clear()
    get_agent_log_store.cache_clear()
    reset_servers()


@pytest.fixture
def app_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("AGENT_LOG_SQLITE_PATH", str(tmp_path / "logs.sqlite3"))
    for name in (
        "AZURE_OPENAI_ENDPOINT",
        "COSMOS_ENDPOINT",
        "MCP_CUSTOMER_SUPPORT_URL",
        "MCP_SMART_CITY_URL",
        "MCP_ENTERPRISE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    _clear_caches()
    yield monkeypatch
    _clear_caches()


@pytest.fixture
def coordinator_index() -> FunctionIndex:
    return load_app(ROOT)


@pytest.fixture
async def engine(
    coordinator_index: FunctionIndex, tmp_path: Path, app_settings
) -> AsyncIterator[Engine]:
    eng = Engine(coordinator_index, EngineConfig(hub_path=tmp_path / "hub.sqlite3"))
    await eng.start()
    yield eng
    await eng.stop()
