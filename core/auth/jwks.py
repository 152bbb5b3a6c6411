"""A cache of a tenant's signing keys: refreshed when its TTL runs out, and once more when a
token names a key id it does not hold (keys roll over), never more often than
`min_refresh_interval_seconds`, so a flood of tokens with made-up key ids cannot turn into a
flood of fetches."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from jwt import PyJWK
from jwt.exceptions import InvalidKeyError, PyJWKError

from core.auth.errors import AuthenticationError, SigningKeysUnavailableError
from core.auth.jwks_fetch import JwksFetcher

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
"""Monotonic seconds."""


def parse_signing_keys(document: Mapping[str, Any]) -> dict[str, PyJWK]:
    """The RSA signing keys of a key set by key id; other keys are skipped. Raises
    `SigningKeysUnavailableError` when none is usable."""
    keys: dict[str, PyJWK] = {}
    entries = document.get("keys")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or entry.get("use", "sig") != "sig":
            continue
        try:
            keys[kid] = PyJWK(entry, algorithm="RS256")
        except (PyJWKError, InvalidKeyError):
            # PyJWT reports a malformed RSA key (a bad modulus) as InvalidKeyError.
            logger.warning("Skipping unusable signing key %r", kid)
    if not keys:
        raise SigningKeysUnavailableError("Signing key set has no usable RSA signing key.")
    return keys


class JwksCache:
    """Signing keys by key id, fetched by `fetch`. Thread-safe."""

    def __init__(
        self,
        fetch: JwksFetcher,
        *,
        ttl_seconds: float = 3600.0,
        min_refresh_interval_seconds: float = 60.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be > 0")
        if min_refresh_interval_seconds < 0:
            raise ValueError("min_refresh_interval_seconds must be >= 0")
        self._fetch = fetch
        self._ttl = ttl_seconds
        self._min_interval = min_refresh_interval_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: dict[str, PyJWK] | None = None
        self._fetched_at = 0.0
        self._last_attempt: float | None = None

    def signing_key(self, kid: str) -> PyJWK:
        """The key `kid`, refreshing the set if it is stale or lacks `kid` (rate-limited).
        Raises `AuthenticationError` for a key id the tenant does not publish and
        `SigningKeysUnavailableError` when no key set could be fetched yet."""
        with self._lock:
            now = self._clock()
            if self._may_fetch(now) and (self._keys is None or now - self._fetched_at >= self._ttl):
                self._load(now)
            if self._keys is None:
                raise SigningKeysUnavailableError("Signing keys are not available yet.")
            key = self._keys.get(kid)
            if key is None and self._may_fetch(now):
                self._load(now)
                key = self._keys.get(kid)
            if key is None:
                raise AuthenticationError("The token's signing key is not known.")
            return key

    def _may_fetch(self, now: float) -> bool:
        return self._last_attempt is None or now - self._last_attempt >= self._min_interval

    def _load(self, now: float) -> None:
        self._last_attempt = now
        try:
            keys = parse_signing_keys(self._fetch())
        except SigningKeysUnavailableError:
            if self._keys is None:
                raise
            # Keys roll over slowly; stale keys beat rejecting every caller while the
            # endpoint is down.
            logger.warning("Signing key refresh failed; keeping the cached keys", exc_info=True)
            return
        self._keys = keys
        self._fetched_at = now
