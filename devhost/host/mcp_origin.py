"""Which browser origins and Host names the MCP endpoint answers, against DNS rebinding.

The MCP transport spec asks a server to validate `Origin` and answer an invalid one with
403. A page on a foreign site whose name resolves to 127.0.0.1 reaches a loopback server
with its own `Host` and `Origin`, so on a loopback bind both are checked:

- `Origin`, when present, must be a loopback origin (`localhost`, `127.0.0.1`, `[::1]`, any
  port), the host's own origin, or one of `local.settings.json` `Host.CORS` (`*` allows any);
- `Host`, on a loopback bind, must name a loopback address (any port).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from devhost.host.loopback import is_loopback


def _host_name(host_header: str) -> str | None:
    """The name of a `Host` header value without its port, None if malformed."""
    try:
        parts = urlsplit(f"//{host_header}")
        parts.port  # noqa: B018 - a malformed port raises here
    except ValueError:
        return None
    return parts.hostname


@dataclass(frozen=True)
class OriginPolicy:
    """The origins allowed besides loopback ones, the host's own origin, and whether the
    host listens on loopback only (then `Host` is checked too)."""

    allowed_origins: tuple[str, ...] = ()
    own_origin: str | None = None
    loopback_bind: bool = True

    def origin_allowed(self, origin: str) -> bool:
        """True when a request with this `Origin` may be served."""
        if "*" in self.allowed_origins:
            return True
        normalized = origin.rstrip("/").casefold()
        if normalized in (o.rstrip("/").casefold() for o in self.allowed_origins):
            return True
        if self.own_origin and normalized == self.own_origin.rstrip("/").casefold():
            return True
        try:
            parts = urlsplit(normalized)
            hostname = parts.hostname
            parts.port  # noqa: B018 - a malformed port raises here
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and hostname is not None and is_loopback(hostname)

    def host_allowed(self, host_header: str | None) -> bool:
        """True when the `Host` header fits the bind: any on a non-loopback bind, a loopback
        name on a loopback bind."""
        if not self.loopback_bind:
            return True
        if not host_header:
            return False
        name = _host_name(host_header)
        return name is not None and is_loopback(name)

    def refusal(self, origin: str | None, host_header: str | None) -> str | None:
        """Why a request is refused (403), None when it may be served."""
        if origin is not None and not self.origin_allowed(origin):
            return (
                "Forbidden: the Origin header names a site this server does not serve "
                "(allow it in local.settings.json Host.CORS)."
            )
        if not self.host_allowed(host_header):
            return "Forbidden: the Host header does not name this loopback server."
        return None
