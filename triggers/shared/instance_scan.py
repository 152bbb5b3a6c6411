"""Reading the instance list through the extension's HTTP API, every page of it."""

from __future__ import annotations

from typing import Any

import aiohttp
import azure.durable_functions as df

from triggers.shared.errors import DurableUnavailableError

MAX_SCAN = 2000
"""Most instances one listing reads (newest first after sorting); the rest is `truncated`."""
SCAN_PAGE = 500
CONTINUATION = "x-ms-continuation-token"
_NO_TOKEN = {"", "null", "bnVsbA=="}  # Azure Storage writes base64("null") for "no more".


async def scan_instances(
    client: df.DurableOrchestrationClient,
    query: dict[str, str],
    limit: int = MAX_SCAN,
    *,
    show_input: bool = False,
) -> tuple[list[dict[str, Any]], bool]:
    """Instances matching the extension's list `query`, following continuation tokens, at
    most `limit` (with their inputs when `show_input`); also whether more were left. The
    SDK's `get_status_by` reads only the first page, so this calls the same endpoint
    (`rpcBaseUrl`) with the token itself."""
    base = client._orchestration_bindings.rpc_base_url
    if not base:
        raise DurableUnavailableError.about(
            "durable", "The Durable client binding has no rpcBaseUrl"
        )
    found: list[dict[str, Any]] = []
    token, seen = "", set()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while len(found) < limit:
            params = {
                **query,
                "showInput": "true" if show_input else "false",
                "top": str(min(SCAN_PAGE, limit)),
            }
            headers = {CONTINUATION: token} if token else {}
            async with session.get(f"{base}instances", params=params, headers=headers) as answer:
                if answer.status != 200:
                    raise DurableUnavailableError.about(
                        "durable", f"Listing instances answered {answer.status}"
                    )
                page = await answer.json(content_type=None) or []
                token = answer.headers.get(CONTINUATION, "")
            found.extend(page)
            if token in _NO_TOKEN or token in seen:
                return found[:limit], len(found) > limit
            seen.add(token)
    return found[:limit], True
