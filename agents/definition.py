"""What the coordinator knows about one specialist agent."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import MCPServer

ServerFactory = Callable[[], MCPServer[Any]]
"""Builds a fresh tool server over the domain's shipped data."""

_AGENT_ID = re.compile(r"^[a-z][a-z0-9-]{1,40}$")


@dataclass(frozen=True)
class SelfTest:
    """One read-only tool call with fixed arguments that proves an agent's tool server works."""

    tool: str
    arguments: Mapping[str, Any]
    description: str


@dataclass(frozen=True)
class AgentDefinition:
    """A specialist agent: identity, routing keywords, role prompt and tool server.

    `keywords` are matched, case-insensitively, against a request by the offline planner;
    `server_url_setting` names the setting that, when set, moves the tool server out of
    process to that streamable HTTP URL.
    """

    id: str
    display_name: str
    description: str
    keywords: tuple[str, ...]
    role_prompt: str
    server_factory: ServerFactory
    server_url_setting: str
    self_test: SelfTest

    def __post_init__(self) -> None:
        if not _AGENT_ID.match(self.id):
            raise ValueError(f"id must be lower-case kebab-case, got {self.id!r}")
        if not self.keywords:
            raise ValueError(f"keywords of agent {self.id!r} must not be empty")
        if not self.role_prompt.strip():
            raise ValueError(f"role_prompt of agent {self.id!r} must not be empty")
