"""Which tool calls need a human approval: every tool that changes data, unless configured.

A tool is read-only when its server annotates it `readOnlyHint: true` (and it takes no
idempotency key); any other tool changes data. `APPROVAL_RULES` overrides that per agent:
tools in `always` wait for an approval even when read-only, tools in `never` run without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.mcp_client import ToolSpec


@dataclass(frozen=True)
class ApprovalRule:
    """One agent's overrides of its tools' risk, by tool name."""

    always: frozenset[str] = field(default_factory=frozenset)
    never: frozenset[str] = field(default_factory=frozenset)


APPROVAL_RULES: dict[str, ApprovalRule] = {}
"""Overrides by agent id; an agent without an entry follows its tools' annotations."""


def needs_approval(
    agent_id: str, tool: ToolSpec, rules: Mapping[str, ApprovalRule] | None = None
) -> bool:
    """Whether a call of `tool` by agent `agent_id` must wait for an approval of that call."""
    rule = (APPROVAL_RULES if rules is None else rules).get(agent_id)
    if rule is not None and tool.name in rule.always:
        return True
    if rule is not None and tool.name in rule.never:
        return False
    return not tool.read_only
