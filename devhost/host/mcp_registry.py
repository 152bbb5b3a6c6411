"""The app's MCP tools, as the MCP extension registers them from `mcpToolTrigger` bindings.

The input schema is the extension's: built from `toolProperties` (`type`, `enum`, array
`items`, `description`, and a `required` list that is always present), or taken whole from
`inputSchema` when the binding sets `useWorkerInputSchema`. Before a call the extension checks
only that every required property is present and not null; so does devhost.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from devhost.app_loader import FunctionIndex, FunctionInfo

logger = logging.getLogger("devhost.mcp")

TRIGGER_TYPE = "mcpToolTrigger"


class McpToolDeclarationError(ValueError):
    """Raised when a tool's binding cannot be read (bad JSON, a schema that is no object)."""

    def __init__(self, function: str, reason: str) -> None:
        self.function = function
        super().__init__(f"MCP tool function '{function}': {reason}")


def _get(mapping: dict[str, Any], key: str) -> Any:
    """A binding or property field, matched ignoring case as the extension reads them."""
    wanted = key.casefold()
    return next((v for k, v in mapping.items() if k.casefold() == wanted), None)


def _json(function: str, text: Any, what: str) -> Any:
    if text is None or isinstance(text, (dict, list)):
        return text
    try:
        return json.loads(str(text))
    except json.JSONDecodeError as exc:
        raise McpToolDeclarationError(function, f"{what} is not valid JSON ({exc})") from exc


def _type_and_enum(prop: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": _get(prop, "propertyType")}
    enum = _get(prop, "enumValues")
    if enum:
        node["enum"] = [str(v) for v in enum]
    return node


def _property_schema(function: str, properties: list[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    required: list[str] = []
    for prop in properties:
        if not isinstance(prop, dict):
            raise McpToolDeclarationError(function, "toolProperties must be a list of objects")
        name = _get(prop, "propertyName")
        if not name or not str(name).strip():
            continue
        node = _type_and_enum(prop)
        if _get(prop, "isArray"):
            node = {"type": "array", "items": node}
        node["description"] = _get(prop, "description") or ""
        schema["properties"][name] = node
        if _get(prop, "isRequired") and name not in required:
            required.append(name)
    schema["required"] = required
    return schema


@dataclass(frozen=True)
class McpTool:
    """One registered tool: its function, name, description, schemas and result mode."""

    function: FunctionInfo
    name: str
    description: str | None
    input_schema: dict[str, Any]
    use_result_schema: bool
    output_schema: dict[str, Any] | None = None
    meta: dict[str, Any] | None = None

    @classmethod
    def of(cls, function: FunctionInfo) -> McpTool:
        """The tool a `mcpToolTrigger` function declares."""
        trigger = function.trigger
        if _get(trigger, "useWorkerInputSchema"):
            schema = _json(function.name, _get(trigger, "inputSchema"), "inputSchema")
        else:
            properties = _json(function.name, _get(trigger, "toolProperties"), "toolProperties")
            schema = _property_schema(function.name, properties or [])
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise McpToolDeclarationError(function.name, "the input schema must be an object")
        output = _json(function.name, _get(trigger, "outputSchema"), "outputSchema")
        meta = _json(function.name, _get(trigger, "metadata"), "metadata")
        return cls(
            function=function,
            name=str(_get(trigger, "toolName") or function.name),
            description=_get(trigger, "description") or None,
            input_schema=schema,
            use_result_schema=bool(_get(trigger, "useResultSchema")),
            output_schema=output if isinstance(output, dict) else None,
            meta=meta if isinstance(meta, dict) and meta else None,
        )

    def descriptor(self) -> dict[str, Any]:
        """The tool as `tools/list` shows it."""
        found: dict[str, Any] = {"name": self.name, "inputSchema": self.input_schema}
        if self.description:
            found["description"] = self.description
        if self.output_schema:
            found["outputSchema"] = self.output_schema
        if self.meta:
            found["_meta"] = self.meta
        return found

    def missing(self, arguments: dict[str, Any] | None) -> list[str]:
        """The required properties that `arguments` leaves out or sets to null."""
        given = arguments or {}
        required = self.input_schema.get("required") or []
        return [name for name in required if given.get(name) is None]


def mcp_tools(index: FunctionIndex) -> dict[str, McpTool]:
    """The app's tools by case-folded name, in registration order. A second tool of the same
    name is refused, as the extension refuses it, and logged."""
    tools: dict[str, McpTool] = {}
    for function in index.of_type(TRIGGER_TYPE):
        tool = McpTool.of(function)
        key = tool.name.casefold()
        if key in tools:
            logger.error(
                "MCP tool '%s' of function '%s' is already registered by '%s'; not served",
                tool.name,
                function.name,
                tools[key].function.name,
            )
            continue
        tools[key] = tool
    return tools
