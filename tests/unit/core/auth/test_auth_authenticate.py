"""`authenticate`, `require_roles` and their HTTP answers: 401 with a Bearer challenge for
who-are-you failures, 403 for missing roles, the platform principal only when trusted."""

from __future__ import annotations

import base64
import json
from typing import Any

import azure.functions as func
import pytest
from fake_entra import AUDIENCE, OTHER_TENANT, TENANT, claims, mint
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from core.auth import (
    ADMIN,
    ALL_ROLES,
    APPROVER,
    DEVELOPMENT_PRINCIPAL,
    OPERATOR,
    PLATFORM_PRINCIPAL_HEADER,
    AuthConfigurationError,
    AuthenticationError,
    AuthError,
    AuthorizationError,
    Principal,
    SigningKeysUnavailableError,
    auth_error_response,
    authenticate,
    bearer_token,
    require_roles,
    settings_token_validator,
)
from core.settings import Settings


def settings(**values: Any) -> Settings:
    base: dict[str, Any] = {
        "AUTH_ENABLED": True,
        "AUTH_TENANT_ID": TENANT,
        "AUTH_AUDIENCE": AUDIENCE,
        "AUTH_TRUST_PLATFORM_PRINCIPAL": False,
    }
    return Settings(**{**base, **values})


def platform_header(tenant: str = TENANT, auth_typ: str = "aad", roles=("Coordinator.Approver",)):
    principal = {
        "auth_typ": auth_typ,
        "name_typ": "name",
        "role_typ": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
        "claims": [
            {"typ": "http://schemas.microsoft.com/identity/claims/objectidentifier", "val": "o-1"},
            {"typ": "http://schemas.microsoft.com/identity/claims/tenantid", "val": tenant},
            {"typ": "name", "val": "Grace Hopper"},
            {"typ": "preferred_username", "val": "grace@contoso.example"},
            *(
                {"typ": "http://schemas.microsoft.com/ws/2008/06/identity/claims/role", "val": r}
                for r in roles
            ),
        ],
    }
    return base64.b64encode(json.dumps(principal).encode()).decode()


def answer(error: AuthError) -> tuple[int, dict[str, Any], func.HttpResponse]:
    response = auth_error_response(error)
    return response.status_code, json.loads(response.get_body()), response


def test_with_auth_disabled_every_caller_is_the_development_principal():
    principal = authenticate({}, settings=Settings(AUTH_ENABLED=False))

    assert principal.authenticated is False
    assert principal.source == "development"
    assert principal.roles == ALL_ROLES


def test_a_valid_bearer_token_authenticates(validator, signing_key):
    request = func.HttpRequest(
        "GET", "/api/x", headers={"authorization": f"bearer {mint(signing_key)}"}, body=b""
    )

    principal = authenticate(request.headers, settings=settings(), validator=validator)

    assert principal.authenticated
    assert principal.display_name == "Ada Lovelace"


def test_no_credentials_get_a_bare_bearer_challenge(validator):
    with pytest.raises(AuthenticationError) as caught:
        authenticate({}, settings=settings(), validator=validator)

    status, body, response = answer(caught.value)
    assert status == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert body == {"error": "unauthorized", "message": "A bearer token is required."}


def test_an_invalid_token_gets_an_invalid_token_challenge(validator, signing_key):
    expired = mint(signing_key, claims(exp=1_000_000))
    with pytest.raises(AuthenticationError) as caught:
        authenticate(
            {"Authorization": f"Bearer {expired}"}, settings=settings(), validator=validator
        )

    status, body, response = answer(caught.value)
    assert status == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer error="invalid_token", error_description="The token has expired."'
    )
    assert body["message"] == "The token has expired."
    assert response.headers["Cache-Control"] == "no-store"


def test_another_scheme_is_not_a_bearer_token(validator):
    with pytest.raises(AuthenticationError, match="not a bearer token"):
        authenticate(
            {"Authorization": "Basic dXNlcjpwdw=="}, settings=settings(), validator=validator
        )


def test_a_caller_without_the_role_gets_403_not_401(validator, signing_key):
    headers = {"Authorization": f"Bearer {mint(signing_key)}"}
    principal = authenticate(headers, settings=settings(), validator=validator)

    with pytest.raises(AuthorizationError) as caught:
        require_roles(principal, ADMIN)

    status, body, response = answer(caught.value)
    assert status == 403
    assert body == {
        "error": "forbidden",
        "message": "One of these roles is required: Coordinator.Admin",
    }
    assert response.headers["WWW-Authenticate"].startswith('Bearer error="insufficient_scope"')


def test_a_caller_without_any_accepted_role_is_told_every_one_of_them(validator, signing_key):
    principal = validator.validate(mint(signing_key, claims(roles=[])))

    with pytest.raises(AuthorizationError) as caught:
        require_roles(principal, APPROVER, ADMIN)

    assert answer(caught.value)[1]["message"] == (
        "One of these roles is required: Coordinator.Admin, Coordinator.Approver"
    )


def test_any_one_of_the_listed_roles_is_enough(validator, signing_key):
    principal = validator.validate(mint(signing_key, claims(roles=[APPROVER])))

    assert require_roles(principal, ADMIN, APPROVER) is principal


def test_require_roles_needs_a_role():
    principal = authenticate({}, settings=Settings(AUTH_ENABLED=False))
    with pytest.raises(ValueError, match="at least one role"):
        require_roles(principal)


def test_role_names():
    assert (ADMIN, APPROVER, OPERATOR) == (
        "Coordinator.Admin",
        "Coordinator.Approver",
        "Coordinator.Operator",
    )


def test_platform_principal_is_ignored_unless_trusted(validator):
    headers = {PLATFORM_PRINCIPAL_HEADER: platform_header()}

    with pytest.raises(AuthenticationError, match="bearer token is required"):
        authenticate(headers, settings=settings(), validator=validator)


def test_platform_principal_is_used_when_trusted():
    headers = {"x-ms-client-principal": platform_header()}

    principal = authenticate(headers, settings=settings(AUTH_TRUST_PLATFORM_PRINCIPAL=True))

    assert principal == Principal(
        oid="o-1",
        name="Grace Hopper",
        upn="grace@contoso.example",
        roles=frozenset({APPROVER}),
        tenant_id=TENANT,
        app_id=None,
        authenticated=True,
        source="platform",
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (platform_header(tenant=OTHER_TENANT), "another tenant"),
        (platform_header(auth_typ="github"), "not from Entra ID"),
        ("%%%not-base64", "malformed"),
        (base64.b64encode(b'{"auth_typ": "aad"}').decode(), "no claims"),
    ],
)
def test_a_bad_platform_principal_is_rejected(header, message):
    trusted = settings(AUTH_TRUST_PLATFORM_PRINCIPAL=True)
    with pytest.raises(AuthenticationError, match=message):
        authenticate({PLATFORM_PRINCIPAL_HEADER: header}, settings=trusted)


def test_a_trusted_platform_without_the_header_falls_back_to_the_bearer_token(
    validator, signing_key
):
    trusted = settings(AUTH_TRUST_PLATFORM_PRINCIPAL=True)
    headers = {"Authorization": f"Bearer {mint(signing_key)}"}

    assert authenticate(headers, settings=trusted, validator=validator).source == "bearer"


@pytest.mark.parametrize("missing", ["AUTH_TENANT_ID", "AUTH_AUDIENCE"])
def test_enabled_auth_without_tenant_or_audience_fails_closed(missing, signing_key):
    incomplete = settings(**{missing: None})
    with pytest.raises(AuthConfigurationError) as caught:
        authenticate({"Authorization": f"Bearer {mint(signing_key)}"}, settings=incomplete)

    status, body, _ = answer(caught.value)
    assert status == 500
    assert body == {"error": "auth_unavailable", "message": "Authentication is unavailable."}


def test_unavailable_signing_keys_answer_503():
    status, body, response = answer(SigningKeysUnavailableError("endpoint down"))

    assert status == 503
    assert body["message"] == "Authentication is unavailable."
    assert "WWW-Authenticate" not in response.headers


def test_audience_setting_may_list_several_audiences():
    validator = settings_token_validator(settings(AUTH_AUDIENCE=f"{AUDIENCE}, 0000-client-id"))

    assert validator is settings_token_validator(
        settings(AUTH_AUDIENCE=f"{AUDIENCE},0000-client-id")
    )


ROLE_SETS = st.frozensets(st.sampled_from(sorted(ALL_ROLES)))


@examples(deadline=None)
@given(held=ROLE_SETS, required=ROLE_SETS.filter(bool))
def test_a_caller_holding_none_of_the_required_roles_is_refused(held, required):
    caller = Principal(
        oid="o",
        name=None,
        upn=None,
        roles=held,
        tenant_id=TENANT,
        app_id=None,
        authenticated=True,
        source="bearer",
    )
    if held & required:
        assert require_roles(caller, *required) is caller
    else:
        with pytest.raises(AuthorizationError) as refused:
            require_roles(caller, *required)
        assert refused.value.required_roles == tuple(sorted(required))


@pytest.mark.parametrize(
    ("value", "token"), [("Bearer abc", "abc"), ("bearer  abc ", "abc"), (" BEARER abc", "abc")]
)
def test_the_bearer_token_is_read_whatever_the_spacing_and_case(value, token):
    assert bearer_token({"authorization": value}) == token


@pytest.mark.parametrize("value", ["Basic abc", "Bearer", "Bearer   ", "Token abc"])
def test_a_header_that_is_no_bearer_token_says_so(value):
    with pytest.raises(AuthenticationError) as refused:
        bearer_token({"Authorization": value})
    assert refused.value.description == "The Authorization header is not a bearer token."


def test_missing_tenant_or_audience_settings_say_which_to_set():
    for incomplete in (settings(AUTH_TENANT_ID=None), settings(AUTH_AUDIENCE=" , ")):
        with pytest.raises(AuthConfigurationError) as refused:
            settings_token_validator(incomplete)
        assert str(refused.value) == (
            "AUTH_TENANT_ID and AUTH_AUDIENCE must be set when AUTH_ENABLED is true"
        )


def test_a_configured_key_url_is_used_and_must_be_https():
    with pytest.raises(AuthConfigurationError, match="JWKS URL must be https"):
        settings_token_validator(settings(AUTH_JWKS_URL="http://keys.example/keys"))


def test_require_roles_says_it_needs_a_role():
    with pytest.raises(ValueError, match=r"^require_roles needs at least one role$"):
        require_roles(DEVELOPMENT_PRINCIPAL)


@examples(deadline=None)
@given(held=ROLE_SETS, role=st.sampled_from(sorted(ALL_ROLES)))
def test_a_principal_has_exactly_the_roles_it_holds(held, role):
    caller = Principal(
        oid="o",
        name=None,
        upn="u@example.test",
        roles=held,
        tenant_id=None,
        app_id=None,
        authenticated=True,
        source="platform",
    )
    assert caller.has_role(role) == (role in held)
    assert caller.display_name == "u@example.test"


def test_a_server_side_auth_failure_is_logged_with_its_detail_and_hidden_from_the_caller(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("ERROR", logger="core.auth.responses"):
        response = auth_error_response(SigningKeysUnavailableError("key endpoint down"))
    assert [r.getMessage() for r in caplog.records] == [
        "Authentication failed on the server side: key endpoint down"
    ]
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(response.get_body()) == {
        "error": SigningKeysUnavailableError.error,
        "message": "Authentication is unavailable.",
    }
