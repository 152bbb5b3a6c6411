"""The engine operations the host surface uses, as a protocol so the host can be typed and
tested on its own."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from devhost.engine.types import (
    EntityState,
    InstancePage,
    InstanceQuery,
    InstanceState,
    RuntimeStatus,
)


class DurableEngine(Protocol):
    """What `devhost.engine.engine.Engine` offers; texts are JSON as the SDK serialises them."""

    async def start(self) -> None: ...

    async def stop(self, grace_seconds: float = ...) -> None: ...

    async def start_new(
        self,
        name: str,
        instance_id: str | None = None,
        input: str | None = None,
        version: str | None = None,
    ) -> str: ...

    async def get_status(
        self,
        instance_id: str,
        *,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = True,
    ) -> InstanceState: ...

    async def query(self, query: InstanceQuery) -> InstancePage: ...

    async def raise_event(self, instance_id: str, event_name: str, data: str | None) -> None: ...

    async def terminate(self, instance_id: str, reason: str | None) -> None: ...

    async def suspend(self, instance_id: str, reason: str | None) -> None: ...

    async def resume(self, instance_id: str, reason: str | None) -> None: ...

    async def rewind(self, instance_id: str, reason: str | None) -> None: ...

    async def restart(self, instance_id: str, restart_with_new_instance_id: bool = True) -> str: ...

    async def purge(self, instance_id: str) -> int: ...

    async def purge_by(
        self,
        created_from: datetime | None,
        created_to: datetime | None,
        runtime_status: frozenset[RuntimeStatus] | None,
    ) -> int: ...

    async def wait_for_completion(
        self,
        instance_id: str,
        timeout: float,
    ) -> InstanceState: ...

    async def signal_entity(self, entity_id: str, operation: str, input: str | None) -> None: ...

    async def read_entity_state(self, entity_id: str) -> EntityState | None: ...
