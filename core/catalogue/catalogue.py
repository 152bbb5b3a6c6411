"""The loaded catalogue: the agents by id, in the file's order."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from core.catalogue.errors import UnknownAgentError
from core.catalogue.loader import catalogue_path, load_catalogue_file
from core.catalogue.model import AgentSpec
from core.settings import get_settings


class Catalogue:
    """The specialist agents the coordinator can ask, keyed by id in the file's order."""

    def __init__(self, agents: tuple[AgentSpec, ...], source: str):
        self.source = source
        self._agents = {agent.id: agent for agent in agents}

    def __iter__(self) -> Iterator[AgentSpec]:
        return iter(self._agents.values())

    def __contains__(self, agent_id: object) -> bool:
        return agent_id in self._agents

    def __len__(self) -> int:
        return len(self._agents)

    @property
    def ids(self) -> list[str]:
        """The agent ids, in the file's order."""
        return list(self._agents)

    def get(self, agent_id: str) -> AgentSpec:
        """The agent of `agent_id`; UnknownAgentError naming the known ids if none."""
        try:
            return self._agents[agent_id]
        except KeyError:
            raise UnknownAgentError(agent_id, self.ids) from None

    def for_query_type(self, query_type: str) -> AgentSpec | None:
        """The agent a query type names (its id, or the id with `_` for `-`), if any."""
        return self._agents.get(query_type.replace("_", "-"))


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """The process-wide catalogue, read from AGENTS_FILE (or agents.yaml) on first use.
    Raises CatalogueError naming the file, the agent and the field."""
    path = catalogue_path(get_settings().AGENTS_FILE)
    return Catalogue(load_catalogue_file(path), str(path))
