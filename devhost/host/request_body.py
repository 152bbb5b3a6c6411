"""The body of a request to one of devhost's own endpoints (Durable webhooks, entities, admin,
MCP): its text, strictly UTF-8, and the JSON in it. A body that is not UTF-8, not JSON, or
nested deeper than the parser goes raises `MalformedBodyError` with the reason, which the
endpoint answers with a 4xx."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


class MalformedBodyError(ValueError):
    """Raised when a request body is not UTF-8 text or not JSON devhost can read."""


async def body_text(request: web.Request) -> str:
    """The body as text, `""` when there is none."""
    if not request.can_read_body:
        return ""
    raw = await request.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedBodyError(
            f"The request body is not valid UTF-8 (byte {exc.start} cannot start a character)."
        ) from None


def parse_json(text: str) -> Any:
    """The value of a JSON text."""
    try:
        return json.loads(text)
    except RecursionError:
        raise MalformedBodyError("The JSON content is nested too deeply.") from None
    except json.JSONDecodeError as exc:
        raise MalformedBodyError(f"The content is not valid JSON: {exc}") from None
