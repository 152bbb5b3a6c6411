"""What a monitor request carries: the route's instance id and the body's JSON object."""

from __future__ import annotations

import json
import re
from typing import Any

import azure.functions as func

from triggers.monitor.errors import MonitorError

_BAD_ID = re.compile(r"[/\\?#\x00-\x1f\x7f-\x9f]")


def instance_id_of(req: func.HttpRequest) -> str:
    """The route's instance id, checked as the extension checks ids."""
    value = req.route_params.get("id", "")
    if not value or value.startswith("@") or _BAD_ID.search(value) or len(value) > 256:
        raise MonitorError(f"'{value[:80]}' is not a valid instance id", "id")
    return value


def read_body(req: func.HttpRequest) -> dict[str, Any]:
    """The JSON object of the body; an empty body is `{}`."""
    raw = req.get_body() or b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise MonitorError("the body is not JSON", "body") from exc
    if not isinstance(body, dict):
        raise MonitorError("the body must be a JSON object", "body")
    return body
