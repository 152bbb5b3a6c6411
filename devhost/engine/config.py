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
    # The Python worker runs sync functions on its thread pool (PYTHON_THREADPOOL_THREAD_COUNT),
    # so sync activities are bounded by it as well as by maxConcurrentActivityFunctions.
    sync_activity_threads: int | None = None
    default_version: str | None = None
    # FUNCTIONS_WORKER_PROCESS_COUNT: above 1, activities run in that many minus one worker
    # processes (devhost's own process keeps the rest of the app).
    worker_processes: int = 1
    # host.json overridableExistingInstanceStates: AnyState (the default) lets a start with
    # the id of a running instance replace it; NonRunningStates refuses.
    replace_running_instances: bool = True
    poll_interval_seconds: float = 0.05

    def __post_init__(self) -> None:
        if self.max_concurrent_activities < 1:
            raise ValueError("max_concurrent_activities must be >= 1")
        if self.max_concurrent_orchestrations < 1:
            raise ValueError("max_concurrent_orchestrations must be >= 1")
        if self.worker_processes < 1:
            raise ValueError("worker_processes must be >= 1")
        if self.sync_activity_threads is not None and self.sync_activity_threads < 1:
            raise ValueError("sync_activity_threads must be >= 1")
