"""What a monitor request carries: the route's instance id and the body's JSON object."""

from __future__ import annotations

import json
from typing import Any

import azure.functions as func

from triggers.shared.errors import BadRequestError
from triggers.shared.instance_ids import PATTERN_TEXT, is_valid_instance_id


def instance_id_of(req: func.HttpRequest) -> str:
    """The route's instance id, checked against the app's instance-id pattern."""
    value = req.route_params.get("id", "")
    if not is_valid_instance_id(value):
        raise BadRequestError.about("id", f"{value[:80]!r} is not an instance id ({PATTERN_TEXT})")
    return value


def read_body(req: func.HttpRequest) -> dict[str, Any]:
    """The JSON object of the body; an empty body is `{}`."""
    raw = req.get_body() or b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadRequestError.about("body", "the body is not JSON") from exc
    if not isinstance(body, dict):
        raise BadRequestError.about("body", "the body must be a JSON object")
    return body
