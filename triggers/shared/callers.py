"""Who calls the coordinator from another agent (A2A or MCP) and what they may do: the
verified identity `core.auth` reads from the request headers, and the roles each action
needs."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from core.auth import ADMIN, APPROVER, OPERATOR, Principal, authenticate, require_roles

START_ROLES = (OPERATOR, ADMIN)
"""Start a coordinator run or cancel one."""

READ_ROLES = (OPERATOR, APPROVER, ADMIN)
"""Read runs and the agents' tools."""

DECIDE_ROLES = (APPROVER, ADMIN)
"""Approve or deny a plan."""


async def authorize(headers: Mapping[str, str], *roles: str) -> Principal:
    """The verified caller, if it holds one of `roles`; raises `AuthenticationError` (401) or
    `AuthorizationError` (403). With AUTH_ENABLED off, the local development principal. Key
    fetches may block, so validation runs off the event loop."""
    principal = await asyncio.to_thread(authenticate, dict(headers))
    return require_roles(principal, *roles)


def approver_name(principal: Principal, claimed: str | None) -> str | None:
    """The name an approval records: the verified identity when there is one, else (local
    development, no authentication) the name the caller `claimed`."""
    if principal.authenticated:
        return principal.display_name
    return (claimed or "").strip() or None
