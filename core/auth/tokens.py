"""Validation of Entra ID bearer tokens: RS256 signature against the tenant's published keys,
issuer (v1 or v2 form of the one tenant), audience, expiry and not-before with a small skew.

Only RS256 is accepted, decided before any key is touched, so `alg: none` and HS256 signed
with the public key as an HMAC secret never reach a verifier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import jwt

from core.auth.claims import principal_from_claims
from core.auth.errors import AuthConfigurationError, AuthenticationError
from core.auth.jwks import JwksCache
from core.auth.principal import Principal

ALLOWED_ALGORITHMS = ("RS256",)
REQUIRED_CLAIMS = ("exp", "nbf", "iss", "aud")
DEFAULT_CLOCK_SKEW_SECONDS = 60.0
_TENANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

_REASONS: tuple[tuple[type[jwt.InvalidTokenError], str], ...] = (
    (jwt.ExpiredSignatureError, "The token has expired."),
    (jwt.ImmatureSignatureError, "The token is not valid yet."),
    (jwt.InvalidAudienceError, "The token's audience is not accepted."),
    (jwt.InvalidIssuerError, "The token's issuer is not accepted."),
    (jwt.InvalidSignatureError, "The token's signature is invalid."),
    (jwt.InvalidAlgorithmError, "The token's algorithm is not allowed."),
)


def entra_issuers(tenant_id: str) -> tuple[str, str]:
    """The v2.0 and v1.0 issuers of tokens from `tenant_id`."""
    return (
        f"https://login.microsoftonline.com/{tenant_id}/v2.0",
        f"https://sts.windows.net/{tenant_id}/",
    )


def _reason(exc: jwt.InvalidTokenError) -> str:
    if isinstance(exc, jwt.MissingRequiredClaimError):
        return f"The token has no '{exc.claim}' claim."
    return next((text for kind, text in _REASONS if isinstance(exc, kind)), "The token is invalid.")


class TokenValidator:
    """Validates access tokens issued by one Entra ID tenant (its GUID) for one of
    `audiences`."""

    def __init__(
        self,
        tenant_id: str,
        audiences: Sequence[str],
        keys: JwksCache,
        *,
        clock_skew_seconds: float = DEFAULT_CLOCK_SKEW_SECONDS,
    ) -> None:
        tenant_id = tenant_id.lower()
        # Issuers carry the tenant's GUID, so a domain name or "common" could never match.
        if not _TENANT_ID.match(tenant_id):
            raise AuthConfigurationError(f"tenant_id must be the tenant's GUID: {tenant_id!r}")
        if not audiences or not all(audiences):
            raise AuthConfigurationError("audiences must name at least one audience")
        if not 0 <= clock_skew_seconds <= 300:
            raise AuthConfigurationError("clock_skew_seconds must be between 0 and 300")
        self.tenant_id = tenant_id
        self._audiences = list(audiences)
        self._issuers = entra_issuers(tenant_id)
        self._keys = keys
        self._skew = clock_skew_seconds

    def validate(self, token: str) -> Principal:
        """The principal of a valid token; raises `AuthenticationError` naming what is
        wrong otherwise, or `SigningKeysUnavailableError` when keys cannot be had."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError("The token is malformed.") from exc
        if header.get("alg") not in ALLOWED_ALGORITHMS:
            raise AuthenticationError("The token's algorithm is not allowed.")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthenticationError("The token names no signing key (kid).")
        key = self._keys.signing_key(kid)
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=list(ALLOWED_ALGORITHMS),
                audience=self._audiences,
                issuer=self._issuers,
                leeway=self._skew,
                options={"require": list(REQUIRED_CLAIMS)},
            )
        except jwt.InvalidTokenError as exc:
            raise AuthenticationError(_reason(exc)) from exc
        if str(claims.get("tid", self.tenant_id)).lower() != self.tenant_id:
            raise AuthenticationError("The token is from another tenant.")
        return principal_from_claims(claims)
