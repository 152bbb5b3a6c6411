"""Which tool calls need a human approval: every tool that changes data, unless configured.

A tool is read-only when its server annotates it `readOnlyHint: true` (and it takes no
idempotency key); any other tool changes data. An agent's catalogue entry overrides that per
tool (`approval: {always: [...], never: [...]}` in agents.yaml).

A remote A2A agent's own tools are not ours to gate; sending it its sub-task (`send_message`)
is the call, and it changes data unless the catalogue lists it under `approval.never`: a
remote agent may do anything its owner let it do.
"""

from __future__ import annotations

from core.catalogue import get_catalogue
from core.mcp_client import ToolSpec
from core.remote_agents.models import SEND_MESSAGE


def needs_approval(agent_id: str, tool: ToolSpec) -> bool:
    """Whether a call of `tool` by agent `agent_id` must wait for an approval of that call.
    Raises UnknownAgentError for an agent the catalogue lacks."""
    override = get_catalogue().get(agent_id).approval_override(tool.name)
    return not tool.read_only if override is None else override


def remote_needs_approval(agent_id: str) -> bool:
    """Whether sending remote A2A agent `agent_id` its sub-task must wait for an approval.
    Raises UnknownAgentError for an agent the catalogue lacks."""
    override = get_catalogue().get(agent_id).approval_override(SEND_MESSAGE)
    return True if override is None else override
