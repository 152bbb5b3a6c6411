"""Bearer tokens on the admin endpoints over real HTTP: devhost runs the app with
authentication on against a stand-in tenant whose signing keys are served over HTTPS on
loopback. A valid Admin token is let in; forged, expired, wrong-audience, wrong-tenant and
role-less tokens are refused with the right status and challenge."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.apphost import AppHost
from tests.unit.core.auth.fake_entra import (
    AUDIENCE,
    OTHER_TENANT,
    TENANT,
    JwksServer,
    SigningKey,
    claims,
    mint,
    self_signed_certificate,
    serve_jwks,
)

KEY = SigningKey(kid="tenant-key-1")


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[JwksServer, Path]]:
    folder = tmp_path_factory.mktemp("tenant")
    certificate = self_signed_certificate(folder)
    with serve_jwks(certificate, [KEY.jwk()]) as server:
        yield server, certificate[0]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, tenant: tuple[JwksServer, Path]) -> Iterator[httpx.Client]:
    server, cert = tenant
    settings = {
        "AUTH_ENABLED": "true",
        "AUTH_TENANT_ID": TENANT,
        "AUTH_AUDIENCE": AUDIENCE,
        "AUTH_JWKS_URL": server.url,
        # The stand-in tenant's certificate is the only one devhost's process trusts.
        "SSL_CERT_FILE": str(cert),
    }
    host = AppHost(tmp_path_factory.mktemp("bearer"), enforce_keys=False, settings=settings)
    host.wait_ready()
    with httpx.Client(base_url=host.url + "/api/", timeout=30) as client:
        yield client
    host.stop()


def call(api: httpx.Client, token: str) -> httpx.Response:
    return api.get("manage/audit", headers={"Authorization": f"Bearer {token}"})


def test_a_valid_admin_token_is_let_in(api: httpx.Client):
    assert call(api, mint(KEY, claims(roles=["Coordinator.Admin"]))).status_code == 200


@pytest.mark.parametrize(
    ("token", "why"),
    [
        (mint(SigningKey(kid="tenant-key-1"), claims(roles=["Coordinator.Admin"])), "forged signature"),
        (mint(KEY, claims(roles=["Coordinator.Admin"], exp=1_000_000, nbf=999_000, iat=999_000)), "expired"),
        (mint(KEY, claims(roles=["Coordinator.Admin"], aud="api://someone-else")), "wrong audience"),
        (
            mint(
                KEY,
                claims(
                    roles=["Coordinator.Admin"],
                    tid=OTHER_TENANT,
                    iss=f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0",
                ),
            ),
            "other tenant",
        ),
        ("not-a-token", "garbage"),
    ],
)
def test_bad_tokens_are_401_with_an_invalid_token_challenge(api: httpx.Client, token: str, why: str):
    response = call(api, token)
    assert response.status_code == 401, why
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"], why


def test_a_valid_token_without_the_admin_role_is_403(api: httpx.Client):
    response = call(api, mint(KEY, claims(roles=["Coordinator.Operator"])))
    assert response.status_code == 403
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    reset = api.post(
        "manage/reset-system",
        json={},
        headers={"Authorization": f"Bearer {mint(KEY, claims(roles=['Coordinator.Approver']))}"},
    )
    assert reset.status_code == 403
