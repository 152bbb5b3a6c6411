"""The catalog of specialist agents the coordinator can ask, keyed by agent id."""

from __future__ import annotations

from agents.customer_support.agent import DEFINITION as CUSTOMER_SUPPORT
from agents.definition import AgentDefinition, SelfTest
from agents.enterprise.agent import DEFINITION as ENTERPRISE
from agents.smart_city.agent import DEFINITION as SMART_CITY

AGENTS: dict[str, AgentDefinition] = {a.id: a for a in (CUSTOMER_SUPPORT, SMART_CITY, ENTERPRISE)}

__all__ = ["AGENTS", "AgentDefinition", "SelfTest"]
