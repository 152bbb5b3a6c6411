"""Reading and checking the catalogue file: every error names the file, the agent and the
field, and the app refuses to start on the first one."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.catalogue.errors import CatalogueError
from core.catalogue.model import (
    SETTING_NAME,
    AgentSpec,
    CatalogueFile,
    HttpServer,
    InProcessServer,
    StdioServer,
)
from core.catalogue.settings_refs import setting_names

APP_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FILE = "agents.yaml"


def catalogue_path(setting: str | None) -> Path:
    """The catalogue file: `setting` (AGENTS_FILE) relative to the app root, or agents.yaml."""
    path = Path(setting or DEFAULT_FILE)
    return path if path.is_absolute() else APP_ROOT / path


def load_catalogue_file(
    path: Path, environ: Mapping[str, str] | None = None
) -> tuple[AgentSpec, ...]:
    """The agents `path` declares, checked: schema, unique ids, `${NAME}` settings that
    exist, in-process factories that import. Raises CatalogueError."""
    source = os.environ if environ is None else environ
    name = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(name, None, "file", f"cannot read it: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(name, None, "file", f"not valid YAML: {exc}") from exc
    try:
        agents = CatalogueFile.model_validate(raw).agents
    except ValidationError as exc:
        raise _first_error(name, raw, exc) from None
    seen: dict[str, int] = {}
    for index, agent in enumerate(agents):
        if agent.id in seen:
            raise CatalogueError(
                name, agent.id, "id", f"duplicate id (agents[{seen[agent.id]}] has it too)"
            )
        seen[agent.id] = index
        _check_source(name, agent)
        _check_settings(name, agent, source)
        if isinstance(agent.mcp, InProcessServer):
            _check_factory(name, agent, agent.mcp.module)
    return tuple(agents)


def import_factory(reference: str) -> Callable[[], Any]:
    """The callable `package.module:name` refers to; ImportError or AttributeError if none."""
    module_name, _, attribute = reference.partition(":")
    factory = getattr(importlib.import_module(module_name), attribute)
    if not callable(factory):
        raise AttributeError(f"{reference} is not callable")
    return factory


def _first_error(path: str, raw: Any, exc: ValidationError) -> CatalogueError:
    error = exc.errors()[0]
    location = list(error["loc"])
    agent: str | None = None
    if len(location) >= 2 and location[0] == "agents" and isinstance(location[1], int):
        index = location[1]
        agent = _raw_id(raw, index) or f"agents[{index}]"
        location = location[2:]
    # A discriminated union puts the tag it chose in the location; the field is below it.
    if location[:1] == ["mcp"] and location[1:2] and location[1] in _TRANSPORT_TAGS:
        location = ["mcp", *location[2:]]
    message = error["msg"]
    if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
        location = [*location, "transport"]
        message = f"unknown transport; expected one of: {', '.join(_TRANSPORT_TAGS)}"
    field = ".".join(str(part) for part in location) or "agents"
    return CatalogueError(path, agent, field, message)


_TRANSPORT_TAGS = ("in-process", "stdio", "streamable-http")


def _raw_id(raw: Any, index: int) -> str | None:
    try:
        value = raw["agents"][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return value if isinstance(value, str) else None


def _check_source(path: str, agent: AgentSpec) -> None:
    """Exactly one of `mcp` and `a2a`; a remote A2A agent has no tools to self-test or sweep."""
    if (agent.mcp is None) == (agent.a2a is None):
        raise CatalogueError(path, agent.id, "mcp", "needs exactly one source: mcp or a2a")
    if agent.a2a is not None:
        for field in ("self_test", "sweep", "tools"):
            if field in agent.model_fields_set:
                raise CatalogueError(
                    path, agent.id, field, "a remote A2A agent has no tools of ours to name"
                )


def _references(agent: AgentSpec) -> Iterator[tuple[str, str]]:
    """(field, value) of every catalogue value that may name settings."""
    server = agent.mcp
    endpoint, prefix = (server, "mcp") if isinstance(server, HttpServer) else (agent.a2a, "a2a")
    if endpoint is not None:
        yield f"{prefix}.url", endpoint.url
        for header, value in endpoint.headers.items():
            yield f"{prefix}.headers.{header}", value
    if isinstance(server, StdioServer):
        yield "mcp.command", server.command
        for position, arg in enumerate(server.args):
            yield f"mcp.args[{position}]", arg
        for variable, value in server.env.items():
            yield f"mcp.env.{variable}", value


def _check_settings(path: str, agent: AgentSpec, environ: Mapping[str, str]) -> None:
    for field, value in _references(agent):
        for setting in setting_names(value):
            if not SETTING_NAME.match(setting):
                raise CatalogueError(path, agent.id, field, f"'${{{setting}}}' is no setting name")
            if setting not in environ:
                raise CatalogueError(
                    path, agent.id, field, f"unknown setting '{setting}' in '${{{setting}}}'"
                )


def _check_factory(path: str, agent: AgentSpec, reference: str) -> None:
    try:
        import_factory(reference)
    except (ImportError, AttributeError) as exc:
        raise CatalogueError(
            path, agent.id, "mcp.module", f"cannot load '{reference}': {exc}"
        ) from exc
