"""Bearer token validation against a fake tenant's key set served over local HTTPS."""

from __future__ import annotations

import time

import pytest
from fake_entra import (
    ISSUER_V1,
    OTHER_TENANT,
    TENANT,
    JwksServer,
    SigningKey,
    claims,
    mint,
    mint_unsafe,
)

from core.auth import (
    AuthConfigurationError,
    AuthenticationError,
    JwksCache,
    TokenValidator,
    https_jwks_fetcher,
)


def rejected(validator: TokenValidator, token: str) -> str:
    with pytest.raises(AuthenticationError) as caught:
        validator.validate(token)
    return caught.value.description


def test_valid_token_yields_the_principal_and_its_roles(validator, signing_key):
    principal = validator.validate(mint(signing_key))

    assert principal.oid == "00000000-0000-0000-0000-0000000000aa"
    assert principal.name == "Ada Lovelace"
    assert principal.upn == "ada@contoso.example"
    assert principal.roles == frozenset({"Coordinator.Operator"})
    assert principal.tenant_id == TENANT
    assert principal.app_id == "client-app"
    assert principal.authenticated
    assert principal.source == "bearer"


def test_v1_issuer_of_the_same_tenant_is_accepted(validator, signing_key):
    principal = validator.validate(mint(signing_key, claims(iss=ISSUER_V1)))

    assert principal.authenticated


def test_expired_token_is_rejected(validator, signing_key):
    token = mint(signing_key, claims(exp=int(time.time()) - 3600))

    assert rejected(validator, token) == "The token has expired."


def test_expiry_within_the_clock_skew_is_tolerated(validator, signing_key):
    token = mint(signing_key, claims(exp=int(time.time()) - 20))

    assert validator.validate(token).authenticated


def test_token_not_valid_yet_is_rejected(validator, signing_key):
    token = mint(signing_key, claims(nbf=int(time.time()) + 600))

    assert rejected(validator, token) == "The token is not valid yet."


def test_token_for_another_audience_is_rejected(validator, signing_key):
    token = mint(signing_key, claims(aud="api://some-other-app"))

    assert rejected(validator, token) == "The token's audience is not accepted."


def test_token_from_a_foreign_issuer_is_rejected(validator, signing_key):
    token = mint(signing_key, claims(iss="https://evil.example/v2.0"))

    assert rejected(validator, token) == "The token's issuer is not accepted."


def test_token_of_another_tenant_is_rejected(validator, signing_key):
    other_issuer = f"https://login.microsoftonline.com/{OTHER_TENANT}/v2.0"
    token = mint(signing_key, claims(iss=other_issuer, tid=OTHER_TENANT))

    assert rejected(validator, token) == "The token's issuer is not accepted."


def test_tenant_claim_must_match_even_under_the_right_issuer(validator, signing_key):
    token = mint(signing_key, claims(tid=OTHER_TENANT))

    assert rejected(validator, token) == "The token is from another tenant."


def test_signature_of_another_key_under_a_published_kid_is_rejected(validator, other_key):
    assert rejected(validator, mint(other_key)) == "The token's signature is invalid."


def test_alg_none_is_rejected_before_any_key_is_fetched(validator, signing_key, jwks_server):
    token = mint_unsafe("none", claims(), b"", signing_key.kid)

    assert rejected(validator, token) == "The token's algorithm is not allowed."
    assert jwks_server.fetches == 0


def test_hs256_signed_with_the_public_key_is_rejected(validator, signing_key, jwks_server):
    token = mint_unsafe("HS256", claims(), signing_key.public_pem(), signing_key.kid)

    assert rejected(validator, token) == "The token's algorithm is not allowed."
    assert jwks_server.fetches == 0


def test_token_without_kid_is_rejected(validator, signing_key):
    token = mint(signing_key, kid=None)

    assert rejected(validator, token) == "The token names no signing key (kid)."


def test_required_claims_must_be_present(validator, signing_key):
    token = mint(signing_key, claims(nbf=None))

    assert rejected(validator, token) == "The token has no 'nbf' claim."


def test_malformed_token_is_rejected(validator):
    assert rejected(validator, "not-a-jwt") == "The token is malformed."


def test_token_without_subject_is_rejected(validator, signing_key):
    token = mint(signing_key, claims(oid=None))

    assert rejected(validator, token) == "The token names no subject (oid or sub)."


def test_non_string_roles_are_ignored(validator, signing_key):
    token = mint(signing_key, claims(roles=["Coordinator.Admin", 7, {"x": 1}]))

    assert validator.validate(token).roles == frozenset({"Coordinator.Admin"})


def test_unknown_kid_refreshes_the_key_set_once(validator, jwks_server, signing_key, clock):
    validator.validate(mint(signing_key))
    rolled = SigningKey(kid="key-2")
    jwks_server.keys.append(rolled.jwk())
    clock.now += 61

    assert validator.validate(mint(rolled)).authenticated
    assert jwks_server.fetches == 2


def test_unknown_kid_refresh_is_rate_limited(validator, jwks_server, signing_key, clock):
    validator.validate(mint(signing_key))
    stranger = SigningKey(kid="made-up")

    for _ in range(5):
        assert rejected(validator, mint(stranger)) == "The token's signing key is not known."
    assert jwks_server.fetches == 1
    clock.now += 61
    for _ in range(5):
        rejected(validator, mint(stranger))
    assert jwks_server.fetches == 2


def test_keys_are_cached_until_the_ttl_runs_out(validator, jwks_server, signing_key, clock):
    for _ in range(3):
        validator.validate(mint(signing_key))
    clock.now += 3601
    validator.validate(mint(signing_key))

    assert jwks_server.fetches == 2


@pytest.mark.parametrize(
    ("tenant", "audiences", "skew"),
    [
        ("contoso.onmicrosoft.com", ["a"], 60),
        ("common", ["a"], 60),
        (TENANT, [], 60),
        (TENANT, ["a"], 900),
    ],
)
def test_validator_rejects_a_configuration_that_could_never_work(tenant, audiences, skew):
    keys = JwksCache(lambda: {"keys": []})
    with pytest.raises(AuthConfigurationError):
        TokenValidator(tenant, audiences, keys, clock_skew_seconds=skew)


def test_validator_fetches_through_the_https_fetcher(jwks_server: JwksServer, signing_key):
    fetch = https_jwks_fetcher(jwks_server.url, ssl_context=jwks_server.ssl_context)
    validator = TokenValidator(TENANT.upper(), ["api://coordinator"], JwksCache(fetch))

    assert validator.validate(mint(signing_key)).tenant_id == TENANT


@pytest.mark.parametrize(
    ("tenant", "audiences", "skew", "message"),
    [
        ("common", ["a"], 60, "tenant_id must be the tenant's GUID: 'common'"),
        (TENANT, [], 60, "audiences must name at least one audience"),
        (TENANT, ["a", ""], 60, "audiences must name at least one audience"),
        (TENANT, ["a"], -1, "clock_skew_seconds must be between 0 and 300"),
        (TENANT, ["a"], 300.5, "clock_skew_seconds must be between 0 and 300"),
    ],
)
def test_a_configuration_error_says_what_to_fix(tenant, audiences, skew, message):
    keys = JwksCache(lambda: {"keys": []})
    with pytest.raises(AuthConfigurationError) as refused:
        TokenValidator(tenant, audiences, keys, clock_skew_seconds=skew)
    assert str(refused.value) == message


@pytest.mark.parametrize("skew", [0, 0.5, 300])
def test_a_clock_skew_from_none_to_five_minutes_is_allowed(skew):
    assert TokenValidator(TENANT, ["a"], JwksCache(lambda: {"keys": []}), clock_skew_seconds=skew)


def test_a_token_with_an_empty_kid_is_rejected(validator, signing_key):
    assert rejected(validator, mint(signing_key, kid="")) == "The token names no signing key (kid)."


def test_a_token_with_an_unreadable_expiry_is_invalid(validator, signing_key):
    token = mint(signing_key, claims(exp="tomorrow"))

    assert rejected(validator, token) == "The token is invalid."


def test_a_token_without_a_tenant_claim_is_judged_by_its_issuer(validator, signing_key):
    assert validator.validate(mint(signing_key, claims(tid=None))).authenticated
