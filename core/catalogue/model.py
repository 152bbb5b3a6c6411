"""The agent catalogue's schema: every specialist agent, its role, its model and its one
source of tools (an MCP server in process, over stdio or over streamable HTTP) or a remote
A2A agent that does the work itself.

The words follow Microsoft Agent Framework's declarative agents where they fit
(`description`, `instructions`, `model`, allowed tools, approval mode).
"""

from __future__ import annotations

import os
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

AGENT_ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"
SETTING_REFERENCE = re.compile(r"\$\{([^}]*)\}")
SETTING_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
FACTORY_PATTERN = r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$"

AgentId = Annotated[str, Field(pattern=AGENT_ID_PATTERN, max_length=40)]
ToolName = Annotated[str, Field(min_length=1, max_length=128)]


class CatalogueEntry(BaseModel):
    """A part of the catalogue: unknown fields are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ManagedIdentityAuth(CatalogueEntry):
    """Send an Entra ID token of the app's managed identity for `managed_identity_scope`."""

    managed_identity_scope: str = Field(min_length=1, description="e.g. api://<app-id>/.default")


class InProcessServer(CatalogueEntry):
    """An MCP server built in this process by `module` (`package.module:factory`)."""

    transport: Literal["in-process"]
    module: str = Field(pattern=FACTORY_PATTERN)
    url_setting: str | None = Field(
        None,
        pattern=SETTING_NAME.pattern,
        description="A setting that, when it has a value, moves this server to that "
        "streamable HTTP URL.",
    )

    def moved_to(self) -> str | None:
        """The URL this server has moved to (its `url_setting`'s value), if any."""
        return os.environ.get(self.url_setting or "") or None


class StdioServer(CatalogueEntry):
    """An MCP server started as a child process and spoken to over its stdin and stdout."""

    transport: Literal["stdio"]
    command: str = Field(min_length=1)
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] = Field(default_factory=dict)
    cwd: str | None = None


class RemoteEndpoint(CatalogueEntry):
    """A server reached over HTTP at `url`, with `headers` on every request and, with
    `auth`, a token of the app's managed identity."""

    url: str = Field(pattern=r"^(https?://|\$\{)")
    headers: dict[str, str] = Field(default_factory=dict)
    auth: ManagedIdentityAuth | None = None


class HttpServer(RemoteEndpoint):
    """An MCP server reached at `url` over streamable HTTP."""

    transport: Literal["streamable-http"]


class RemoteA2aAgent(RemoteEndpoint):
    """A remote A2A agent whose card is at `url` (`{url}/.well-known/agent-card.json`): the
    agent's sub-task is sent to it as one message and its task followed to its end."""


McpServerSource = Annotated[
    InProcessServer | StdioServer | HttpServer, Field(discriminator="transport")
]


class ToolFilter(CatalogueEntry):
    """The tools of the server the agent may use; every tool when `allow` is absent."""

    allow: list[ToolName] | None = None


class ApprovalOverrides(CatalogueEntry):
    """Tools whose calls always wait for approval, and tools that never do, whatever the
    server's `readOnlyHint` says."""

    always: list[ToolName] = Field(default_factory=list)
    never: list[ToolName] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> ApprovalOverrides:
        both = sorted(set(self.always) & set(self.never))
        if both:
            raise ValueError(f"{', '.join(both)} cannot be in both always and never")
        return self


class SelfTest(CatalogueEntry):
    """One read-only tool call with fixed arguments that proves the agent's tools work."""

    tool: ToolName
    arguments: dict[str, Any] = Field(default_factory=dict)
    description: str = ""


class SweepSource(CatalogueEntry):
    """What the scheduled batch sweep asks this agent about: each item of the list
    `items` in the result of one tool call becomes a coordinator query, `query` filled in
    with the item's fields (`{name}`) and keyed by the item's `key` field."""

    tool: ToolName
    arguments: dict[str, Any] = Field(default_factory=dict)
    items: str = Field(min_length=1)
    key: str = Field(min_length=1)
    query: str = Field(min_length=1, max_length=2000)


class AgentSpec(CatalogueEntry):
    """One specialist agent of the catalogue."""

    id: AgentId
    name: str | None = Field(None, min_length=1, max_length=80)
    description: str = Field(min_length=1, max_length=1000)
    instructions: str = Field(min_length=1)
    keywords: list[str] = Field(default_factory=list)
    model: str | None = Field(None, min_length=1)
    max_steps: int | None = Field(None, ge=1, le=50)
    mcp: McpServerSource | None = None
    a2a: RemoteA2aAgent | None = Field(
        None, description="A remote A2A agent instead of an MCP server (exactly one of the two)."
    )
    tools: ToolFilter = Field(default_factory=ToolFilter)
    approval: ApprovalOverrides = Field(default_factory=ApprovalOverrides)
    self_test: SelfTest | None = None
    sweep: SweepSource | None = None

    @field_validator("instructions", "description")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    @field_validator("keywords")
    @classmethod
    def _keywords_distinct(cls, value: list[str]) -> list[str]:
        repeated = sorted({k for k in value if value.count(k) > 1})
        if repeated:
            raise ValueError(f"repeated keywords: {', '.join(repeated)}")
        return value

    @property
    def display_name(self) -> str:
        """`name`, or the id in title case."""
        return self.name or self.id.replace("-", " ").title()

    def approval_override(self, tool: str) -> bool | None:
        """Whether a call of `tool` needs approval as the catalogue says (`approval.always`
        True, `approval.never` False), or None when the tool's own hint decides."""
        if tool in self.approval.always:
            return True
        if tool in self.approval.never:
            return False
        return None

    @property
    def transport(self) -> str:
        """How the agent is reached: in-process, stdio or streamable-http (its MCP tool
        server), or a2a (a remote agent)."""
        return self.mcp.transport if self.mcp is not None else "a2a"

    @property
    def tool_server(self) -> InProcessServer | StdioServer | HttpServer:
        """The agent's MCP server; ValueError for a remote A2A agent, which has none."""
        if self.mcp is None:
            raise ValueError(f"agent '{self.id}' is a remote A2A agent, with no MCP server")
        return self.mcp


class CatalogueFile(CatalogueEntry):
    """The whole file: a non-empty list of agents."""

    agents: list[AgentSpec] = Field(min_length=1)
