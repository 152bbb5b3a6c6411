"""One instance through the Durable client: `read_status` gives its status JSON, and
`sdk_call` turns the client's bare errors into 404 and 409 answers."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import azure.durable_functions as df

from triggers.monitor.times import duration_seconds, iso
from triggers.shared.errors import DURABLE_TRANSPORT_ERRORS, ConflictError, NotFoundError
from triggers.shared.instance_ids import url_segment


async def sdk_call(call: Awaitable[Any]) -> Any:
    """Await a Durable client call; its bare `Exception`s become 404 or 409 answers."""
    try:
        return await call
    except DURABLE_TRANSPORT_ERRORS:
        raise
    except Exception as exc:
        if type(exc) is not Exception:
            raise
        if "No instance" in str(exc):
            raise NotFoundError.about("id", str(exc)) from exc
        raise ConflictError.about("id", str(exc)) from exc


async def read_status(
    client: df.DurableOrchestrationClient, instance_id: str, history: bool = False
) -> dict[str, Any]:
    """The instance's status JSON (with input, and history with outputs when asked)."""
    status = await sdk_call(
        client.get_status(url_segment(instance_id), history, history, show_input=True)
    )
    if not status:
        raise NotFoundError.about("id", f"No instance with id '{instance_id}'")
    body = {
        "instanceId": status.instance_id,
        "name": status.name,
        "runtimeStatus": status.runtime_status.value if status.runtime_status else "Unknown",
        "createdTime": iso(status.created_time),
        "lastUpdatedTime": iso(status.last_updated_time),
        "input": status.input_,
        "output": status.output,
        "customStatus": status.custom_status,
    }
    body["durationSeconds"] = duration_seconds(body)
    if history:
        body["history"] = list(getattr(status, "historyEvents", None) or status.history or [])
    return body
