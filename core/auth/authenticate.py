"""Who is calling and may they: `authenticate(headers)` and `require_roles(principal, ...)`."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from core.auth.errors import AuthConfigurationError, AuthenticationError, AuthorizationError
from core.auth.headers import header_value
from core.auth.jwks import JwksCache
from core.auth.jwks_fetch import entra_jwks_url, https_jwks_fetcher
from core.auth.platform import PLATFORM_PRINCIPAL_HEADER, platform_principal
from core.auth.principal import DEVELOPMENT_PRINCIPAL, Principal
from core.auth.tokens import TokenValidator
from core.settings import Settings, get_settings


@lru_cache(maxsize=4)
def tenant_token_validator(
    tenant_id: str, audiences: tuple[str, ...], jwks_url: str | None = None
) -> TokenValidator:
    """The process-wide validator of one tenant and audience set; its key cache is shared
    by every request. The keys come from the tenant's Entra ID endpoint unless `jwks_url`
    (HTTPS only) names another."""
    keys = JwksCache(https_jwks_fetcher(jwks_url or entra_jwks_url(tenant_id)))
    return TokenValidator(tenant_id, audiences, keys)


def settings_token_validator(settings: Settings) -> TokenValidator:
    """The validator AUTH_TENANT_ID and AUTH_AUDIENCE (comma-separated) configure."""
    audiences = tuple(a.strip() for a in (settings.AUTH_AUDIENCE or "").split(",") if a.strip())
    if not settings.AUTH_TENANT_ID or not audiences:
        raise AuthConfigurationError(
            "AUTH_TENANT_ID and AUTH_AUDIENCE must be set when AUTH_ENABLED is true"
        )
    return tenant_token_validator(settings.AUTH_TENANT_ID, audiences, settings.AUTH_JWKS_URL)


def bearer_token(headers: Mapping[str, str]) -> str:
    """The token of the `Authorization: Bearer ...` header."""
    value = header_value(headers, "Authorization")
    if not value:
        raise AuthenticationError("A bearer token is required.", error_code=None)
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("The Authorization header is not a bearer token.")
    return token.strip()


def authenticate(
    headers: Mapping[str, str],
    *,
    settings: Settings | None = None,
    validator: TokenValidator | None = None,
) -> Principal:
    """The caller's principal.

    AUTH_ENABLED false: the development principal (all roles, `authenticated=False`).
    Otherwise the platform's X-MS-CLIENT-PRINCIPAL when AUTH_TRUST_PLATFORM_PRINCIPAL is true
    and the header is present, else a validated bearer token. Raises `AuthenticationError`
    (401), `AuthConfigurationError` (500) or `SigningKeysUnavailableError` (503).
    """
    settings = settings or get_settings()
    if not settings.AUTH_ENABLED:
        return DEVELOPMENT_PRINCIPAL
    if settings.AUTH_TRUST_PLATFORM_PRINCIPAL:
        encoded = header_value(headers, PLATFORM_PRINCIPAL_HEADER)
        if encoded:
            return platform_principal(encoded, settings.AUTH_TENANT_ID)
    token = bearer_token(headers)
    return (validator or settings_token_validator(settings)).validate(token)


def require_roles(principal: Principal, *roles: str) -> Principal:
    """`principal` if it holds at least one of `roles`; raises `AuthorizationError` (403)
    otherwise. Admin is not implied: list it where admins may act too."""
    if not roles:
        raise ValueError("require_roles needs at least one role")
    if principal.roles.isdisjoint(roles):
        raise AuthorizationError(roles)
    return principal
