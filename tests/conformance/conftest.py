"""Fixtures: a devhost serving `tests/apps/patterns` for a whole test module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from devhost.host.server import DevHost
from tests.conformance.hosting import base_url, running_host


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def patterns_host(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[DevHost]:
    """devhost running the patterns app on a free port, one per test module."""
    hub: Path = tmp_path_factory.mktemp("hub")
    async with running_host("patterns", hub) as devhost:
        yield devhost


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def http(patterns_host: DevHost) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client rooted at the patterns host."""
    async with httpx.AsyncClient(base_url=base_url(patterns_host), timeout=10) as client:
        yield client
