"""Each domain's tool server, fresh per test, driven through the real MCP client in memory."""

from __future__ import annotations

import pytest
from tool_runner import ToolRunner

from agents.customer_support.server import create_server as customer_support_server
from agents.enterprise.server import create_server as enterprise_server
from agents.smart_city.server import create_server as smart_city_server


@pytest.fixture
def customer_support() -> ToolRunner:
    return ToolRunner(customer_support_server())


@pytest.fixture
def smart_city() -> ToolRunner:
    return ToolRunner(smart_city_server())


@pytest.fixture
def enterprise() -> ToolRunner:
    return ToolRunner(enterprise_server())
