"""A fake tenant per test: a signing key, its key set served over local HTTPS, and a
validator that fetches from it through the real fetcher and cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_entra import (
    AUDIENCE,
    TENANT,
    JwksServer,
    SigningKey,
    self_signed_certificate,
    serve_jwks,
)

from core.auth import JwksCache, TokenValidator, https_jwks_fetcher


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def signing_key() -> SigningKey:
    return SigningKey(kid="key-1")


@pytest.fixture(scope="session")
def other_key() -> SigningKey:
    """A key the tenant never published."""
    return SigningKey(kid="key-1")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The local key server's self-signed certificate and key files."""
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def jwks_server(certificate: tuple[Path, Path], signing_key: SigningKey) -> Iterator[JwksServer]:
    with serve_jwks(certificate, [signing_key.jwk()]) as server:
        yield server


@pytest.fixture
def validator(jwks_server: JwksServer, clock: FakeClock) -> TokenValidator:
    fetch = https_jwks_fetcher(jwks_server.url, ssl_context=jwks_server.ssl_context)
    return TokenValidator(TENANT, [AUDIENCE], JwksCache(fetch, clock=clock))
