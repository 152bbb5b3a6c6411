"""A stand-in for `DurableOrchestrationClient` that keeps instances in a dict."""

from typing import Any
from urllib.parse import unquote

from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus


class FakeDurableClient:
    """Answers `get_status` from `instances` and records what was started and raised."""

    def __init__(self, instances: dict[str, dict[str, Any]] | None = None) -> None:
        self.instances = instances or {}
        self.started: list[tuple[str, str | None, Any]] = []
        self.raised: list[tuple[str, str, Any]] = []

    async def get_status(self, instance_id: str, **options: Any) -> DurableOrchestrationStatus:
        """The instance's status; an empty (falsy) one for an unknown id, as the SDK's. The
        id arrives percent-encoded, as the extension's URL carries it."""
        known = self.instances.get(unquote(instance_id))
        return DurableOrchestrationStatus.from_json(known if known else "not found")

    async def start_new(self, name: str, instance_id: str | None, client_input: Any) -> str:
        """Record the start and return the id."""
        decoded = unquote(instance_id) if instance_id else None
        self.started.append((name, decoded, client_input))
        return decoded or "generated-id"

    async def raise_event(self, instance_id: str, event_name: str, event_data: Any) -> None:
        """Record the event."""
        self.raised.append((unquote(instance_id), event_name, event_data))


def instance(name: str, runtime_status: str, custom_status: Any = None) -> dict[str, Any]:
    """The status JSON of one instance, as the Durable API returns it."""
    return {
        "name": name,
        "instanceId": "x",
        "runtimeStatus": runtime_status,
        "customStatus": custom_status,
        "createdTime": "2026-01-31T12:00:00Z",
        "lastUpdatedTime": "2026-01-31T12:00:01Z",
    }
