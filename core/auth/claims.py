"""Turning validated Entra ID token claims into a `Principal`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.auth.errors import AuthenticationError
from core.auth.principal import Principal


def _text(claims: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def roles_of(value: Any) -> frozenset[str]:
    """The string entries of a `roles` claim; anything else is no role."""
    if not isinstance(value, list):
        return frozenset()
    return frozenset(role for role in value if isinstance(role, str))


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """The principal a validated access token names. `oid` identifies it (`sub` for
    tokens without one); roles come from the `roles` claim only."""
    oid = _text(claims, "oid", "sub")
    if oid is None:
        raise AuthenticationError("The token names no subject (oid or sub).")
    return Principal(
        oid=oid,
        name=_text(claims, "name"),
        upn=_text(claims, "preferred_username", "upn", "unique_name"),
        roles=roles_of(claims.get("roles")),
        tenant_id=_text(claims, "tid"),
        app_id=_text(claims, "azp", "appid"),
        authenticated=True,
        source="bearer",
    )
