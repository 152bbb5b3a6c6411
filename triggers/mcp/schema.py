"""The wire contract of the Azure Functions MCP extension, seen from the function.

A tool's arguments are declared as `toolProperties` (the list the extension turns into the
tool's input schema); `tool_properties` builds it from a pydantic model so the schema and the
validation never drift apart. With `useResultSchema`, the extension expects the function to
return a result envelope (`{"type", "content", "structuredContent"}`); `tool_result` writes one
that carries a whole `CallToolResult`: the JSON as text for every client, the same value as
structured content for clients that read it, and `isError`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

CALL_TOOL_RESULT = "call_tool_result"
"""The envelope type whose content the extension reads as a complete `CallToolResult`."""

_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object"})


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref` and drop the `null` branch of an optional field."""
    if "$ref" in node:
        return _resolve(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        return {**_resolve(options[0], defs), **{k: v for k, v in node.items() if k != "anyOf"}}
    return node


def _property(
    name: str, field: dict[str, Any], defs: dict[str, Any], required: bool
) -> dict[str, Any]:
    node = _resolve(field, defs)
    is_array = node.get("type") == "array"
    item = _resolve(node.get("items", {}), defs) if is_array else node
    kind = item.get("type", "object")
    if kind not in _JSON_TYPES:
        raise ValueError(f"{name}: no MCP property type for JSON type {kind!r}")
    entry: dict[str, Any] = {
        "propertyName": name,
        "propertyType": kind,
        "description": field.get("description") or node.get("description", ""),
        "isRequired": required,
        "isArray": is_array,
    }
    if "enum" in item:
        entry["enumValues"] = [str(value) for value in item["enum"]]
    return entry


def tool_properties(model: type[BaseModel]) -> str:
    """The `toolProperties` JSON of a tool whose arguments are `model`'s fields: type, array,
    enum values, description and whether the extension must see it before calling."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    properties = [
        _property(name, field, defs, name in required)
        for name, field in schema.get("properties", {}).items()
    ]
    return json.dumps(properties, ensure_ascii=False)


def tool_result(payload: BaseModel | dict[str, Any], *, is_error: bool = False) -> str:
    """The function's return value: a `CallToolResult` with `payload` as JSON text and as
    structured content, wrapped in the extension's result envelope."""
    data = (
        payload.model_dump(mode="json", exclude_none=True)
        if isinstance(payload, BaseModel)
        else payload
    )
    text = json.dumps(data, ensure_ascii=False)
    result = {
        "content": [{"type": "text", "text": text}],
        "structuredContent": data,
        "isError": is_error,
    }
    return json.dumps(
        {"type": CALL_TOOL_RESULT, "content": json.dumps(result), "structuredContent": text}
    )
