"""Build `func.HttpRequest`s the way the host hands them to a trigger."""

import json
from typing import Any

import azure.functions as func
from azurefunctions.extensions.http.fastapi import Request

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


def streams_request(
    body: bytes = b"",
    *,
    path: str = "/api/coordinator/orchestrate",
    query: str = "",
    method: str = "POST",
    headers: list[tuple[str, str]] | None = None,
    route_params: dict[str, str] | None = None,
) -> Request:
    """The extension's `Request` the worker hands an HTTP trigger: the host forwards the
    client's request to the worker's own address."""
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    scope = {
        "type": "http",
        "method": method,
        "scheme": "http",
        "server": ("127.0.0.1", 50051),
        "path": path,
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers or []],
        "path_params": route_params or {},
    }
    return Request(scope, receive)
