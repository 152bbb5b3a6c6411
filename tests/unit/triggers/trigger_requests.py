"""Build `func.HttpRequest`s the way the host hands them to a trigger."""

import json
from typing import Any

import azure.functions as func

ORCHESTRATE_URL = "http://localhost:7071/api/coordinator/orchestrate"


def http_request(
    body: Any = None,
    *,
    raw: bytes | None = None,
    url: str = ORCHESTRATE_URL,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    route_params: dict[str, str] | None = None,
) -> func.HttpRequest:
    """A request whose body is `body` as JSON, or the bytes `raw`, or empty."""
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    return func.HttpRequest(
        method=method,
        url=url,
        headers=headers or {},
        params={},
        route_params=route_params or {},
        body=data,
    )
