"""Read `host.json` and `local.settings.json` the way `func start` does.

`local.settings.json` `Values` go into the environment (a variable already set wins, as in
Core Tools), then `host.json` values written as `%NAME%` are resolved from the environment.
A missing or partial `host.json` falls back to the host's defaults.

Both files are read as leniently as the host reads them (Json.NET's `JObject.Parse`):
comments, trailing commas, single-quoted strings and unquoted names are accepted; anything
after the top-level object (a second object, say) is refused.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import json5

logger = logging.getLogger("devhost.config")

DEFAULT_PORT = 7071
DEFAULT_HUB_NAME = "TestHubName"
DEFAULT_ROUTE_PREFIX = "api"
DEFAULT_CONNECTION_NAME = "Storage"
_SETTING = re.compile(r"%([^%]+)%")


class ConfigError(Exception):
    """Raised when `host.json` or `local.settings.json` cannot be parsed."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True)
class LocalSettings:
    """The parts of `local.settings.json` the host uses."""

    values: dict[str, str] = field(default_factory=dict)
    local_http_port: int | None = None
    cors_origins: tuple[str, ...] = ()
    cors_credentials: bool = False


@dataclass(frozen=True)
class HostSettings:
    """The parts of `host.json` the host uses, with `%NAME%` values resolved."""

    route_prefix: str = DEFAULT_ROUTE_PREFIX
    hub_name: str = DEFAULT_HUB_NAME
    connection_name: str = DEFAULT_CONNECTION_NAME
    storage_provider: str | None = None
    max_concurrent_activities: int = 10
    max_concurrent_orchestrations: int = 10
    max_concurrent_requests: int | None = None
    max_outstanding_requests: int | None = None
    default_version: str | None = None
    replace_running_instances: bool = True


def _str_or_none(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def read_config_json(path: Path) -> dict[str, Any]:
    """The top-level object of a host configuration file, read as the host reads it."""
    try:
        # Both files may carry a UTF-8 byte order mark when written by Visual Studio.
        data = json5.loads(path.read_text(encoding="utf-8-sig"))
    except ValueError as exc:
        raise ConfigError(path, f"invalid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(path, "the top level must be a JSON object")
    return data


def load_local_settings(app_dir: Path) -> LocalSettings:
    """Parse `<app_dir>/local.settings.json`; an absent file gives empty settings."""
    path = app_dir / "local.settings.json"
    if not path.is_file():
        return LocalSettings()
    data = read_config_json(path)
    values = {str(k): "" if v is None else str(v) for k, v in (data.get("Values") or {}).items()}
    host = data.get("Host") or {}
    port = host.get("LocalHttpPort")
    cors = str(host.get("CORS") or "")
    return LocalSettings(
        values=values,
        local_http_port=int(port) if port not in (None, "") else None,
        cors_origins=tuple(o.strip() for o in cors.split(",") if o.strip()),
        cors_credentials=bool(host.get("CORSCredentials", False)),
    )


def apply_values(settings: LocalSettings) -> list[str]:
    """Put `Values` into `os.environ` unless already set; return the names that were skipped."""
    skipped = []
    for name, value in settings.values.items():
        if name in os.environ:
            skipped.append(name)
        else:
            os.environ[name] = value
    return skipped


def resolve(value: Any) -> Any:
    """Replace each `%NAME%` in a string with the environment variable NAME (left as is if
    unset); other values pass through unchanged."""
    if not isinstance(value, str):
        return value
    return _SETTING.sub(lambda m: os.environ.get(m.group(1), m.group(0)), value)


def _lookup(data: dict[str, Any], *path: str) -> Any:
    """Walk nested objects ignoring key case, as the host's configuration binder does."""
    node: Any = data
    for key in path:
        if not isinstance(node, dict):
            return None
        node = next((v for k, v in node.items() if k.casefold() == key.casefold()), None)
    return resolve(node)


def _int_or_none(value: Any) -> int | None:
    if value in (None, ""):
        return None
    number = int(value)
    return None if number < 0 else number


def load_host_settings(app_dir: Path) -> HostSettings:
    """Parse `<app_dir>/host.json` after `Values` are in the environment; absent file, absent
    keys and unresolved `%NAME%` values fall back to the host's defaults."""
    path = app_dir / "host.json"
    data = read_config_json(path) if path.is_file() else {}
    durable = ("extensions", "durableTask")
    prefix = _lookup(data, "extensions", "http", "routePrefix")
    hub = _lookup(data, *durable, "hubName")
    if isinstance(hub, str) and _SETTING.search(hub):
        logger.warning("host.json hubName %s is not set; using %s", hub, DEFAULT_HUB_NAME)
        hub = None
    provider = _lookup(data, *durable, "storageProvider", "type")
    connection = _lookup(data, *durable, "storageProvider", "connectionName") or _lookup(
        data, *durable, "storageProvider", "connectionStringName"
    )
    return HostSettings(
        route_prefix=DEFAULT_ROUTE_PREFIX if prefix is None else str(prefix).strip("/"),
        hub_name=str(hub or DEFAULT_HUB_NAME),
        connection_name=str(connection or DEFAULT_CONNECTION_NAME),
        storage_provider=str(provider) if provider else None,
        max_concurrent_activities=int(
            _lookup(data, *durable, "maxConcurrentActivityFunctions") or 10
        ),
        max_concurrent_orchestrations=int(
            _lookup(data, *durable, "maxConcurrentOrchestratorFunctions") or 10
        ),
        max_concurrent_requests=_int_or_none(
            _lookup(data, "extensions", "http", "maxConcurrentRequests")
        ),
        max_outstanding_requests=_int_or_none(
            _lookup(data, "extensions", "http", "maxOutstandingRequests")
        ),
        default_version=_str_or_none(_lookup(data, *durable, "defaultVersion")),
        replace_running_instances=str(
            _lookup(data, *durable, "overridableExistingInstanceStates") or "AnyState"
        ).casefold()
        != "nonrunningstates",
    )
