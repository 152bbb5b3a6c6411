"""Who is calling: the `Principal` every protected endpoint gets from `authenticate`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.auth.roles import ALL_ROLES

PrincipalSource = Literal["bearer", "platform", "development"]
"""Where the identity came from: a validated bearer token, the platform's
X-MS-CLIENT-PRINCIPAL header, or the local development stand-in."""


@dataclass(frozen=True)
class Principal:
    """An identity and its app roles.

    `authenticated` is False only for the development principal used when AUTH_ENABLED is
    false, so callers can log or refuse it; its roles are then not proof of anything.
    """

    oid: str
    name: str | None
    upn: str | None
    roles: frozenset[str]
    tenant_id: str | None
    app_id: str | None
    authenticated: bool
    source: PrincipalSource

    @property
    def display_name(self) -> str:
        """The best human-readable name: name, else UPN, else object id."""
        return self.name or self.upn or self.oid

    def has_role(self, role: str) -> bool:
        """Whether the principal holds `role`."""
        return role in self.roles


DEVELOPMENT_PRINCIPAL = Principal(
    oid="local-development",
    name="Local developer (authentication disabled)",
    upn=None,
    roles=ALL_ROLES,
    tenant_id=None,
    app_id=None,
    authenticated=False,
    source="development",
)
"""The principal of every request while AUTH_ENABLED is false: all roles, not authenticated."""
