"""The reliability tests reuse the coordinator-on-engine fixtures."""

from tests.unit.orchestrations.conftest import app_settings, coordinator_index, engine

__all__ = ["app_settings", "coordinator_index", "engine"]
