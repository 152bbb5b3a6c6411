"""Fetching a JSON Web Key Set over HTTPS, and only HTTPS.

Plain HTTP is accepted for a loopback host only when the caller asks for it explicitly
(local test servers). Redirects are refused: a key set is served from the URL configured,
never from wherever a response points.
"""

from __future__ import annotations

import json
import ssl
import urllib.request
from collections.abc import Callable, Mapping
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urlsplit

from core.auth.errors import AuthConfigurationError, SigningKeysUnavailableError
from core.loopback import is_loopback

JwksFetcher = Callable[[], Mapping[str, Any]]
"""Returns the current key set document (`{"keys": [...]}`) or raises
`SigningKeysUnavailableError`."""

MAX_JWKS_BYTES = 1_000_000


def entra_jwks_url(tenant_id: str) -> str:
    """The v2.0 signing-key endpoint of an Entra ID tenant."""
    return f"https://login.microsoftonline.com/{tenant_id}/discovery/v2.0/keys"


def check_jwks_url(url: str, *, allow_insecure_loopback: bool = False) -> str:
    """`url` if keys may be fetched from it: https, or http on loopback when allowed."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and allow_insecure_loopback and is_loopback(parts.hostname):
        return url
    raise AuthConfigurationError(f"JWKS URL must be https: {url!r}")


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        raise SigningKeysUnavailableError(
            f"Signing keys could not be fetched: the key server answered {code} (a redirect), "
            "and key sets are read only from the configured URL."
        )


def https_jwks_fetcher(
    url: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout_seconds: float = 10.0,
    allow_insecure_loopback: bool = False,
) -> JwksFetcher:
    """A fetcher of the key set at `url`, checked by `check_jwks_url` now. `ssl_context`
    replaces the system trust store (tests trust their own certificate this way)."""
    check_jwks_url(url, allow_insecure_loopback=allow_insecure_loopback)
    context = ssl_context or ssl.create_default_context()
    opener = urllib.request.build_opener(
        urllib.request.HTTPSHandler(context=context), _RefuseRedirects()
    )

    def fetch() -> Mapping[str, Any]:
        # urllib capitalises header names itself: their letter case cannot change the request.
        accept = {"Accept": "application/json"}  # pragma: no mutate
        request = urllib.request.Request(url, headers=accept)
        try:
            with opener.open(request, timeout=timeout_seconds) as response:
                # One byte over the limit is enough to refuse, without waiting for the rest.
                body = response.read(MAX_JWKS_BYTES + 1)
        except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts, TLS failures
            raise SigningKeysUnavailableError(f"Signing keys could not be fetched: {exc}") from exc
        if len(body) > MAX_JWKS_BYTES:
            raise SigningKeysUnavailableError("Signing key set is larger than allowed.")
        try:
            document = json.loads(body)
        except ValueError as exc:
            raise SigningKeysUnavailableError("Signing key set is not JSON.") from exc
        if not isinstance(document, dict):
            raise SigningKeysUnavailableError("Signing key set is not a JSON object.")
        return document

    return fetch
