"""Authentication and authorization of the HTTP API: Entra ID bearer tokens validated with
the tenant's published keys (or the platform's principal when trusted), app roles, the 401/403
answers, CORS, and redaction of secrets before anything is logged or recorded.

Typical HTTP trigger::

    try:
        principal = require_roles(authenticate(req.headers), roles.OPERATOR, roles.ADMIN)
    except AuthError as exc:
        return auth_error_response(exc)
"""

from core.auth import roles
from core.auth.authenticate import (
    authenticate,
    bearer_token,
    require_roles,
    settings_token_validator,
    tenant_token_validator,
)
from core.auth.cors import CorsPolicy, cors_policy, is_preflight, preflight_response, with_cors
from core.auth.errors import (
    AuthConfigurationError,
    AuthenticationError,
    AuthError,
    AuthorizationError,
    SigningKeysUnavailableError,
)
from core.auth.jwks import JwksCache
from core.auth.jwks_fetch import JwksFetcher, check_jwks_url, entra_jwks_url, https_jwks_fetcher
from core.auth.platform import PLATFORM_PRINCIPAL_HEADER, platform_principal
from core.auth.principal import DEVELOPMENT_PRINCIPAL, Principal, PrincipalSource
from core.auth.redaction import REDACTED, redact, scrub_text
from core.auth.responses import auth_error_response
from core.auth.roles import ADMIN, ALL_ROLES, APPROVER, OPERATOR
from core.auth.tokens import TokenValidator, entra_issuers

__all__ = [
    "ADMIN",
    "ALL_ROLES",
    "APPROVER",
    "DEVELOPMENT_PRINCIPAL",
    "OPERATOR",
    "PLATFORM_PRINCIPAL_HEADER",
    "REDACTED",
    "AuthConfigurationError",
    "AuthError",
    "AuthenticationError",
    "AuthorizationError",
    "CorsPolicy",
    "JwksCache",
    "JwksFetcher",
    "Principal",
    "PrincipalSource",
    "SigningKeysUnavailableError",
    "TokenValidator",
    "auth_error_response",
    "authenticate",
    "bearer_token",
    "check_jwks_url",
    "cors_policy",
    "entra_issuers",
    "entra_jwks_url",
    "https_jwks_fetcher",
    "is_preflight",
    "platform_principal",
    "preflight_response",
    "redact",
    "require_roles",
    "roles",
    "scrub_text",
    "settings_token_validator",
    "tenant_token_validator",
    "with_cors",
]
