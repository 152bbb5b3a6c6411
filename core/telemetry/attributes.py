"""Span attribute names and how attribute values are cleaned.

The gen_ai and MCP names follow the OpenTelemetry GenAI and MCP semantic conventions. They are
spelled out here rather than imported: the semantic-conventions package marks them deprecated
while they move to their own repository, and the names themselves are what backends match on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opentelemetry.util.types import AttributeValue

INSTRUMENTATION_SCOPE = "durable_agent_coordinator"

WORKFLOW_ID = "workflow.id"
ORCHESTRATION_INSTANCE_ID = "orchestration.instance_id"
AGENT = "agent.name"
ERROR_TYPE = "error.type"

GEN_AI_OPERATION = "gen_ai.operation.name"
GEN_AI_SYSTEM = "gen_ai.system"
GEN_AI_PROVIDER = "gen_ai.provider.name"
GEN_AI_AGENT = "gen_ai.agent.name"
GEN_AI_REQUEST_MODEL = "gen_ai.request.model"
GEN_AI_RESPONSE_MODEL = "gen_ai.response.model"
GEN_AI_INPUT_TOKENS = "gen_ai.usage.input_tokens"
GEN_AI_OUTPUT_TOKENS = "gen_ai.usage.output_tokens"
GEN_AI_TOOL_NAME = "gen_ai.tool.name"
GEN_AI_TOOL_CALL_ID = "gen_ai.tool.call.id"

MCP_METHOD = "mcp.method.name"
MCP_TOOL = "mcp.tool.name"
MCP_SERVER = "mcp.server.name"

_PRIMITIVE = (str, bool, int, float)


def _value(value: Any) -> AttributeValue:
    if isinstance(value, _PRIMITIVE):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    return str(value)


def clean_attributes(attributes: Mapping[str, Any]) -> dict[str, AttributeValue]:
    """`attributes` as OpenTelemetry accepts them: None dropped, lists of text kept, any other
    value turned into its text."""
    return {key: _value(value) for key, value in attributes.items() if value is not None}
