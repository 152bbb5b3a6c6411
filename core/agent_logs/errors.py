"""Errors of the agent-log store: one base error, one subclass per failure callers handle."""

from __future__ import annotations


class AgentLogStoreError(Exception):
    """Base error of the agent-log store."""


class AgentLogStoreUnavailableError(AgentLogStoreError):
    """Raised when the backing store cannot be reached or does not answer in time.

    Callers treat it as transient: an activity retries, a health check reports "down".
    """

    def __init__(self, store: str, operation: str, reason: str):
        self.store = store
        self.operation = operation
        self.reason = reason
        super().__init__(f"Agent-log store '{store}' is unavailable during {operation}: {reason}")


class AgentLogStoreConfigError(AgentLogStoreError):
    """Raised when the existing store does not match the layout the app expects."""
