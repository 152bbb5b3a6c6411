"""Host keys and the auth levels the Functions host applies with them.

Three keys exist: the master key (admin level, accepted everywhere), the default function key
(function level) and the `durabletask_extension` system key (the Durable webhook API).
Each comes from `local.settings.json` `Values` (`DEVHOST_MASTER_KEY`, `DEVHOST_FUNCTION_KEY`,
`DEVHOST_SYSTEM_KEY`) or is generated once and kept in `<hub-dir>/keys.json`.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

KEY_HEADER = "x-functions-key"
KEY_QUERY = "code"
SYSTEM_KEY_NAME = "durabletask_extension"
_SETTING_NAMES = {
    "master": "DEVHOST_MASTER_KEY",
    "function": "DEVHOST_FUNCTION_KEY",
    "system": "DEVHOST_SYSTEM_KEY",
}


class AuthLevel(StrEnum):
    """Who may call an endpoint: anyone, a holder of a function key, or of the master key;
    SYSTEM is the Durable webhook API, which takes the system key or the master key."""

    ANONYMOUS = "anonymous"
    FUNCTION = "function"
    ADMIN = "admin"
    SYSTEM = "system"

    @classmethod
    def parse(cls, value: str | None) -> AuthLevel:
        """The level named in a binding (`authLevel`), function level when absent."""
        return cls((value or "function").lower())


@dataclass(frozen=True)
class HostKeys:
    """The three keys the host accepts."""

    master: str
    function: str
    system: str


def _new_key() -> str:
    # Same shape as the host's generated keys: URL-safe base64 of 40 random bytes.
    return base64.urlsafe_b64encode(secrets.token_bytes(40)).decode().rstrip("=") + "=="


def load_keys(hub_dir: Path, values: Mapping[str, str]) -> HostKeys:
    """Keys from `values` where given, the rest from `<hub_dir>/keys.json`, generating and
    saving any that are missing there."""
    path = hub_dir / "keys.json"
    stored: dict[str, str] = json.loads(path.read_text()) if path.is_file() else {}
    changed = False
    for kind in _SETTING_NAMES:
        if not stored.get(kind):
            stored[kind] = _new_key()
            changed = True
    if changed:
        hub_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored, indent=2))
        os.chmod(path, 0o600)
    chosen = {kind: values.get(name) or stored[kind] for kind, name in _SETTING_NAMES.items()}
    return HostKeys(**chosen)


def read_saved_keys(hub_dir: Path) -> HostKeys | None:
    """The generated keys of a hub directory, if it has any (for the CLI)."""
    path = hub_dir / "keys.json"
    if not path.is_file():
        return None
    stored = json.loads(path.read_text())
    return HostKeys(**{kind: str(stored.get(kind, "")) for kind in _SETTING_NAMES})


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def key_allows(keys: HostKeys, level: AuthLevel, given: str | None) -> bool:
    """True when `given` grants `level`; the master key grants every level."""
    if level is AuthLevel.ANONYMOUS:
        return True
    if not given:
        return False
    if _same(given, keys.master):
        return True
    if level is AuthLevel.FUNCTION:
        return _same(given, keys.function)
    if level is AuthLevel.SYSTEM:
        return _same(given, keys.system)
    return False


def presented_key(headers: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The key a request carries: the `x-functions-key` header, else the `code` query value."""
    return headers.get(KEY_HEADER) or query.get(KEY_QUERY)
