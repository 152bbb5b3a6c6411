"""Engine configuration: where the task hub lives and how much work runs at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class EngineConfig:
    """Settings of one engine. Defaults follow the Durable extension's defaults for Python."""

    hub_path: Path
    hub_name: str = "TestHubName"
    max_concurrent_activities: int = 10
    max_concurrent_orchestrations: int = 10
    default_version: str | None = None
    # host.json overridableExistingInstanceStates: AnyState (the default) lets a start with
    # the id of a running instance replace it; NonRunningStates refuses.
    replace_running_instances: bool = True
    poll_interval_seconds: float = 0.05

    def __post_init__(self) -> None:
        if self.max_concurrent_activities < 1:
            raise ValueError("max_concurrent_activities must be >= 1")
        if self.max_concurrent_orchestrations < 1:
            raise ValueError("max_concurrent_orchestrations must be >= 1")
