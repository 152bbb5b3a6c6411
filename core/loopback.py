"""Whether a host name or address is the loopback interface."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_loopback(host: str | None) -> bool:
    """True for `localhost` and loopback IP addresses (IPv6 with or without brackets)."""
    name = (host or "").strip("[]").casefold()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_loopback_authority(authority: str) -> bool:
    """True when the host of `authority` (a `Host` header: host and optional port) is
    loopback."""
    try:
        return is_loopback(urlsplit("//" + authority).hostname)
    except ValueError:
        return False
