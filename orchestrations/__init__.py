"""Orchestrator functions: deterministic workflow code only (no I/O, clocks or randomness)."""

import azure.durable_functions as df

from orchestrations import agent_run, approval, batch_sweep, coordinator, self_test

blueprints: list[df.Blueprint] = [
    coordinator.bp,
    agent_run.bp,
    approval.bp,
    self_test.bp,
    batch_sweep.bp,
]
