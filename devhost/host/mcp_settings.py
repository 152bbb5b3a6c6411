"""The MCP extension's settings and key, read the way the host reads them.

`host.json` `extensions.mcp`: `serverName`, `serverVersion`, `instructions` (returned by
`initialize`), `system.webhookAuthorizationLevel` (`System`, the default, or `Anonymous`) and
`messageOptions.useAbsoluteUriForEndpoint` (legacy SSE). Keys are matched ignoring case and
`%NAME%` values come from the environment.

The webhook takes the `mcp_extension` system key (or the master key): `DEVHOST_MCP_KEY` from
`local.settings.json` `Values`, else one generated once and kept in `<hub-dir>/keys.json`
beside devhost's other keys.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devhost.config import read_config_json, resolve

logger = logging.getLogger("devhost.mcp")

MCP_KEY_NAME = "mcp_extension"
MCP_KEY_SETTING = "DEVHOST_MCP_KEY"
AUTH_LEVELS = ("system", "anonymous")


@dataclass(frozen=True)
class McpSettings:
    """`extensions.mcp` of host.json, with the extension's defaults."""

    server_name: str = "Azure Functions MCP server"
    server_version: str = "1.0.0"
    instructions: str | None = None
    anonymous: bool = False
    absolute_message_uri: bool = False


def _lookup(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = next((v for k, v in node.items() if k.casefold() == key.casefold()), None)
    return resolve(node)


def load_mcp_settings(app_dir: Path) -> McpSettings:
    """The MCP settings of `<app_dir>/host.json` (defaults when absent)."""
    path = app_dir / "host.json"
    data = read_config_json(path) if path.is_file() else {}
    mcp = _lookup(data, "extensions", "mcp") or {}
    level = str(_lookup(mcp, "system", "webhookAuthorizationLevel") or "System").casefold()
    if level not in AUTH_LEVELS:
        logger.warning(
            "extensions.mcp.system.webhookAuthorizationLevel %r is not System or Anonymous; "
            "using System",
            level,
        )
    absolute = _lookup(mcp, "messageOptions", "useAbsoluteUriForEndpoint")
    return McpSettings(
        server_name=str(_lookup(mcp, "serverName") or McpSettings.server_name),
        server_version=str(_lookup(mcp, "serverVersion") or McpSettings.server_version),
        instructions=_lookup(mcp, "instructions") or None,
        anonymous=level == "anonymous",
        absolute_message_uri=str(absolute).casefold() == "true",
    )


def _new_key() -> str:
    # The shape of the host's generated keys: URL-safe base64 of 40 random bytes.
    return base64.urlsafe_b64encode(secrets.token_bytes(40)).decode().rstrip("=") + "=="


def load_mcp_key(hub_dir: Path) -> str:
    """The `mcp_extension` system key: DEVHOST_MCP_KEY, else the one kept in keys.json
    (generated and saved there the first time)."""
    given = os.environ.get(MCP_KEY_SETTING)
    if given:
        return given
    path = hub_dir / "keys.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}
    if not stored.get(MCP_KEY_NAME):
        stored[MCP_KEY_NAME] = _new_key()
        hub_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        os.chmod(path, 0o600)
    return stored[MCP_KEY_NAME]
