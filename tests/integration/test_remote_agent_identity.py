"""A remote A2A agent whose entry asks for a managed identity token the identity cannot get:
the agent is unavailable, saying which scope, the same way an unreachable agent is (so its
status, health and the cancellation of its tasks treat it alike)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalogue import get_catalogue
from core.remote_agents import RemoteAgentUnavailableError, describe
from core.settings import get_settings
from tests.integration.test_mcp_managed_identity import (
    CLIENT_ID,
    IDENTITY_SECRET,
    IdentityEndpoint,
)

CATALOGUE = """\
agents:
  - id: forecaster
    description: Weather forecasts, from a remote A2A agent.
    instructions: Not sent.
    a2a:
      url: http://127.0.0.1:9/
      auth: {managed_identity_scope: api://none/.default}
"""


@pytest.fixture
def remote_behind_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    identity = IdentityEndpoint()
    path = tmp_path / "agents.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    for name, value in {
        "AGENTS_FILE": str(path),
        "AZURE_CLIENT_ID": CLIENT_ID,
        "IDENTITY_ENDPOINT": identity.url,
        "IDENTITY_HEADER": IDENTITY_SECRET,
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_catalogue.cache_clear()
    yield
    identity.close()
    get_settings.cache_clear()
    get_catalogue.cache_clear()


@pytest.mark.usefixtures("remote_behind_identity")
async def test_a_token_the_identity_cannot_get_makes_the_remote_agent_unavailable():
    with pytest.raises(RemoteAgentUnavailableError) as refused:
        await describe("forecaster")

    assert refused.value.agent_id == "forecaster"
    assert "managed identity" in str(refused.value)
    assert "api://none/.default" in str(refused.value)
