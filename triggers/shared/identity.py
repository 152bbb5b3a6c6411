"""Who is calling and what they may do: verified identities and roles from `core.auth`."""

from __future__ import annotations

import asyncio

import azure.functions as func

from core.auth import DEVELOPMENT_PRINCIPAL, Principal, authenticate, require_roles
from core.settings import get_settings


async def authorize(req: func.HttpRequest, *roles: str) -> Principal:
    """The verified caller, if it holds one of `roles`. Raises `AuthenticationError` (401)
    or `AuthorizationError` (403); with AUTH_ENABLED off, the local development principal.
    Key fetches may block, so token validation runs off the event loop; without
    authentication there is nothing to validate, and the request stays on the loop."""
    if not get_settings().AUTH_ENABLED:
        return require_roles(DEVELOPMENT_PRINCIPAL, *roles)
    principal = await asyncio.to_thread(authenticate, req.headers)
    return require_roles(principal, *roles)


def caller_identity(principal: Principal, claimed: str | None = None) -> str | None:
    """The name to record for an action: the verified identity when there is one, else (in
    local development, without authentication) the name the request `claimed`."""
    if principal.authenticated:
        return principal.display_name
    return claimed
