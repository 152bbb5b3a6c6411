"""CORS for the HTTP API, from CORS_ALLOWED_ORIGINS (comma-separated; empty allows none).

Listed origins are echoed back with `Access-Control-Allow-Credentials: true` (the platform's
sign-in cookie needs it). `*` allows any origin but then never with credentials, as the
Fetch standard requires.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import azure.functions as func

from core.auth.headers import header_value
from core.settings import get_settings

ALLOWED_METHODS = ("GET", "POST", "PUT", "DELETE", "OPTIONS")
# X-Functions-Key: a browser app calls function-level routes with the key in this header.
ALLOWED_HEADERS = ("Authorization", "Content-Type", "X-Requested-With", "X-Functions-Key")
# The Durable 202 contract points at the status URL in Location and paces polls with
# Retry-After; a browser client must be able to read both.
EXPOSED_HEADERS = ("Location", "Retry-After", "WWW-Authenticate")
MAX_AGE_SECONDS = 600

# Header names, spelled once: lookups of request headers ignore their case.
ORIGIN = "Origin"
REQUEST_METHOD = "Access-Control-Request-Method"
ALLOW_ORIGIN = "Access-Control-Allow-Origin"
ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials"
EXPOSE = "Access-Control-Expose-Headers"
# What a preflight answer adds to an allowed origin's headers.
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": ", ".join(ALLOWED_METHODS),
    "Access-Control-Allow-Headers": ", ".join(ALLOWED_HEADERS),
    "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
}


@dataclass(frozen=True)
class CorsPolicy:
    """Which origins may call the API from a browser."""

    origins: frozenset[str]
    any_origin: bool

    @classmethod
    def from_setting(cls, value: str) -> CorsPolicy:
        """The policy a CORS_ALLOWED_ORIGINS value describes."""
        listed = {o.strip().rstrip("/").lower() for o in value.split(",") if o.strip()}
        return cls(origins=frozenset(listed), any_origin="*" in listed)

    @property
    def enabled(self) -> bool:
        """Whether any origin is listed (`*` included): with none, answers get no CORS
        headers and do not vary by origin."""
        return bool(self.origins)

    def allows(self, origin: str | None) -> bool:
        """Whether a request from `origin` may read the answer."""
        return origin is not None and (self.any_origin or origin.lower() in self.origins)

    def headers_for(self, origin: str | None) -> dict[str, str]:
        """The CORS headers of an answer to a request from `origin`. A disallowed origin
        gets only `Vary: Origin`: the answer differs by origin and caches must know."""
        headers = {} if self.any_origin else {"Vary": "Origin"}
        if origin is None or not self.allows(origin):
            return headers
        headers[EXPOSE] = ", ".join(EXPOSED_HEADERS)
        if self.any_origin:
            headers[ALLOW_ORIGIN] = "*"
        else:
            headers[ALLOW_ORIGIN] = origin
            headers[ALLOW_CREDENTIALS] = "true"
        return headers


@lru_cache(maxsize=4)
def _policy_of(value: str) -> CorsPolicy:
    return CorsPolicy.from_setting(value)


def cors_policy() -> CorsPolicy:
    """The policy of the current settings."""
    return _policy_of(get_settings().CORS_ALLOWED_ORIGINS)


def is_preflight(method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request is a CORS preflight (OPTIONS with Origin and a requested method)."""
    return (
        method.upper() == "OPTIONS"
        and header_value(headers, ORIGIN) is not None
        and header_value(headers, REQUEST_METHOD) is not None
    )


def preflight_response(
    headers: Mapping[str, str], policy: CorsPolicy | None = None
) -> func.HttpResponse:
    """204 with the allow headers for an allowed origin and method; 403 without any CORS
    header otherwise, so the browser blocks the real request."""
    policy = policy or cors_policy()
    origin = header_value(headers, ORIGIN)
    method = (header_value(headers, REQUEST_METHOD) or "").upper()
    if not policy.allows(origin) or method not in ALLOWED_METHODS:
        return func.HttpResponse(status_code=403)
    allowed = policy.headers_for(origin)
    del allowed[EXPOSE]
    return func.HttpResponse(status_code=204, headers={**allowed, **PREFLIGHT_HEADERS})


def with_cors(
    request_headers: Mapping[str, str],
    response: func.HttpResponse,
    policy: CorsPolicy | None = None,
) -> func.HttpResponse:
    """`response` with the CORS headers the request's Origin earns (none if not allowed)."""
    response.headers.update(cors_headers(request_headers, response.headers.get("Vary"), policy))
    return response


def cors_headers(
    request_headers: Mapping[str, str], vary: str | None, policy: CorsPolicy | None = None
) -> dict[str, str]:
    """The CORS headers to set on an answer whose own `Vary` header is `vary` (None if it
    has none), for a request with `request_headers`."""
    policy = policy or cors_policy()
    headers = policy.headers_for(header_value(request_headers, ORIGIN))
    origin_vary = headers.get("Vary")
    if origin_vary and vary:
        # Keep what the answer already varies by (Accept-Encoding, ...), Origin once.
        headers["Vary"] = vary if origin_vary.lower() in vary.lower() else f"{vary}, {origin_vary}"
    return headers
