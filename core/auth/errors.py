"""Errors of authentication and authorization: one base error, one subclass per HTTP answer.

Each carries the status code it maps to and, for 401/403, the `WWW-Authenticate` challenge
of RFC 6750. Descriptions never contain the token or any part of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar


def _quoted(text: str) -> str:
    """`text` as an RFC 7230 quoted-string body: no quotes, backslashes or control chars."""
    return "".join(c for c in text if c.isprintable() and c not in '"\\')


class AuthError(Exception):
    """Base error of the auth package."""

    status_code: ClassVar[int] = 500
    error: ClassVar[str] = "auth_error"

    def __init__(self, description: str) -> None:
        self.description = description
        super().__init__(description)

    def www_authenticate(self) -> str | None:
        """The `WWW-Authenticate` header value of the answer, if it has one."""
        return None


class AuthenticationError(AuthError):
    """Raised when the caller is not authenticated: no token, or a token that fails
    validation. Answered with 401 and a Bearer challenge."""

    status_code = 401
    error = "unauthorized"

    def __init__(self, description: str, *, error_code: str | None = "invalid_token") -> None:
        self.error_code = error_code
        super().__init__(description)

    def www_authenticate(self) -> str:
        """`Bearer error="invalid_token", error_description="..."`; a request that carried
        no credentials at all gets a bare `Bearer` challenge (RFC 6750 section 3.1)."""
        if self.error_code is None:
            return "Bearer"
        return f'Bearer error="{self.error_code}", error_description="{_quoted(self.description)}"'


class AuthorizationError(AuthError):
    """Raised when an authenticated caller lacks every role an operation accepts.
    Answered with 403."""

    status_code = 403
    error = "forbidden"

    def __init__(self, required_roles: Iterable[str]) -> None:
        self.required_roles = tuple(sorted(required_roles))
        super().__init__(f"One of these roles is required: {', '.join(self.required_roles)}")

    def www_authenticate(self) -> str:
        """`Bearer error="insufficient_scope", error_description="..."` (RFC 6750 section 3.1)."""
        return f'Bearer error="insufficient_scope", error_description="{_quoted(self.description)}"'


class AuthConfigurationError(AuthError):
    """Raised when authentication is enabled but cannot work as configured (a setting is
    missing or invalid). Answered with 500: failing closed, never open."""

    error = "auth_unavailable"


class SigningKeysUnavailableError(AuthError):
    """Raised when the tenant's signing keys cannot be fetched and none are cached.
    Answered with 503: the token may be fine, the check cannot run now."""

    status_code = 503
    error = "auth_unavailable"
