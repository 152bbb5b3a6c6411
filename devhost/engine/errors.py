"""Errors raised by the engine API, one base class with a subclass per failure."""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine API raises."""


class InstanceNotFoundError(EngineError):
    """Raised when no instance has the given id."""

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"No instance with ID '{instance_id}' was found.")


class InstanceExistsError(EngineError):
    """Raised when starting an instance whose id is taken by a non-terminal instance."""

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"An instance with ID '{instance_id}' already exists and is running.")


class InstanceStateError(EngineError):
    """Raised when an operation does not apply to the instance's current runtime status."""

    def __init__(self, instance_id: str, status: str, operation: str) -> None:
        self.instance_id = instance_id
        self.status = status
        self.operation = operation
        super().__init__(
            f"Cannot {operation} instance '{instance_id}' because its status is {status}."
        )


class FunctionNotFoundError(EngineError):
    """Raised when the app registers no orchestrator, activity or entity by that name."""

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        super().__init__(f"The {kind} function '{name}' doesn't exist.")


class InvalidContinuationTokenError(EngineError, ValueError):
    """Raised when a query's continuation token is not one the engine handed out."""

    def __init__(self) -> None:
        super().__init__("The continuation token is not valid.")
