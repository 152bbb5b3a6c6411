"""Which tool calls wait for an approval: every tool that changes data, unless the agent's
catalogue entry says otherwise for that tool."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.catalogue import UnknownAgentError, get_catalogue
from core.mcp_client import ToolSpec
from core.settings import get_settings
from core.tool_risk import needs_approval, remote_needs_approval

ROOT = Path(__file__).resolve().parents[3]
SELF_TEST = "    self_test:\n      tool: search_tickets\n"
OVERRIDE = "    approval: {always: [search_tickets], never: [update_ticket]}\n"
REMOTE = """
  - id: remote-plain
    description: A remote agent.
    instructions: Answer.
    a2a: {url: "https://remote.example/a2a"}
  - id: remote-trusted
    description: A remote agent its operator trusts.
    instructions: Answer.
    a2a: {url: "https://remote.example/a2a"}
    approval: {never: [send_message]}
"""


def tool(name: str, read_only: bool) -> ToolSpec:
    return ToolSpec(name=name, description="", input_schema={}, read_only=read_only)


@pytest.fixture(autouse=True)
def catalogue(tmp_path: Path) -> Iterator[None]:
    """The shipped catalogue, with customer-support's approval overridden for two tools."""
    shipped = (ROOT / "agents.yaml").read_text(encoding="utf-8")
    assert SELF_TEST in shipped
    path = tmp_path / "agents.yaml"
    catalogue = shipped.replace(SELF_TEST, OVERRIDE + SELF_TEST, 1).rstrip("\n") + "\n" + REMOTE
    path.write_text(catalogue, encoding="utf-8")
    with pytest.MonkeyPatch.context() as settings:
        settings.setenv("AGENTS_FILE", str(path))
        get_settings.cache_clear()
        get_catalogue.cache_clear()
        yield
    get_settings.cache_clear()
    get_catalogue.cache_clear()


@pytest.mark.parametrize("read_only", [True, False])
def test_without_an_override_a_tool_that_changes_data_needs_approval(read_only: bool) -> None:
    changes_data = not read_only
    assert needs_approval("customer-support", tool("get_ticket", read_only)) is changes_data
    assert needs_approval("smart-city", tool("update_ticket", read_only)) is changes_data


@pytest.mark.parametrize("read_only", [True, False])
def test_the_catalogue_override_decides_whatever_the_tool_hints(read_only: bool) -> None:
    assert needs_approval("customer-support", tool("search_tickets", read_only)) is True
    assert needs_approval("customer-support", tool("update_ticket", read_only)) is False


def test_an_agent_the_catalogue_lacks_is_an_error() -> None:
    with pytest.raises(UnknownAgentError):
        needs_approval("no-such-agent", tool("get_ticket", True))


def test_sending_a_remote_agent_its_task_needs_approval_unless_the_catalogue_trusts_it() -> None:
    assert remote_needs_approval("remote-plain") is True
    assert remote_needs_approval("remote-trusted") is False
    with pytest.raises(UnknownAgentError):
        remote_needs_approval("no-such-agent")
