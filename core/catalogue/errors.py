"""Errors of the agent catalogue."""

from __future__ import annotations


class CatalogueError(Exception):
    """Raised when the catalogue file cannot be used; the message names the file, the agent
    and the field."""

    def __init__(self, path: str, agent: str | None, field: str, problem: str):
        self.path = path
        self.agent = agent
        self.field = field
        self.problem = problem
        where = f"agent '{agent}', " if agent else ""
        super().__init__(f"{path}: {where}field '{field}': {problem}")


class UnknownAgentError(LookupError):
    """Raised when the catalogue has no agent of the requested id."""

    def __init__(self, agent_id: str, known: list[str]):
        self.agent_id = agent_id
        self.known = known
        super().__init__(f"agent_id: no agent '{agent_id}'; known agents: {', '.join(known)}")
