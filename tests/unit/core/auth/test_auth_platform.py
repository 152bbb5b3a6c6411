"""The principal the platform forwards in X-MS-CLIENT-PRINCIPAL: how it is read, which claim
types name the caller, and exactly why one is refused."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fake_entra import TENANT

from core.auth import AuthenticationError
from core.auth.platform import MAX_HEADER_CHARS, platform_principal

OID = "http://schemas.microsoft.com/identity/claims/objectidentifier"
TID = "http://schemas.microsoft.com/identity/claims/tenantid"
ROLE = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role"


def encoded(claims: list[Any], **fields: Any) -> str:
    document = {"auth_typ": "aad", "claims": claims, **fields}
    return base64.b64encode(json.dumps(document).encode()).decode()


def claim(typ: str, val: Any) -> dict[str, Any]:
    return {"typ": typ, "val": val}


BASE = [claim(OID, "o-1"), claim(TID, TENANT), claim("name", "Grace")]


def refusal(header: str, tenant: str | None = TENANT) -> str:
    with pytest.raises(AuthenticationError) as refused:
        platform_principal(header, tenant)
    return refused.value.description


def test_a_header_without_base64_padding_is_read() -> None:
    for extra in ("", "x", "xy", "xyz"):
        header = encoded([*BASE, claim("azp", "client" + extra)]).rstrip("=")
        assert platform_principal(header, TENANT).app_id == "client" + extra


def test_a_header_with_characters_outside_base64_is_malformed() -> None:
    header = encoded(BASE)
    assert refusal(header[:8] + "*" + header[8:]) == "The platform principal is malformed."


def test_a_header_longer_than_the_limit_is_refused_before_it_is_read() -> None:
    assert refusal("A" * (MAX_HEADER_CHARS + 1)) == "The platform principal is too large."
    assert refusal("A" * MAX_HEADER_CHARS) == "The platform principal is malformed."


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            base64.b64encode(b'{"auth_typ": "aad"}').decode(),
            "The platform principal has no claims.",
        ),
        (base64.b64encode(b"[1]").decode(), "The platform principal has no claims."),
        (encoded(BASE, auth_typ="github"), "The platform principal is not from Entra ID."),
        (encoded(BASE[1:]), "The platform principal has no object id."),
        (encoded([claim(OID, "o-1")]), "The platform principal is from another tenant."),
    ],
)
def test_a_refused_principal_says_why(header: str, message: str) -> None:
    assert refusal(header) == message


def test_without_a_configured_tenant_any_entra_tenant_is_accepted() -> None:
    assert platform_principal(encoded([claim(OID, "o-1")]), None).tenant_id is None


def test_entries_that_are_no_claims_are_ignored() -> None:
    claims = ["junk", 7, {"typ": "name"}, claim("name", 5), *BASE]
    assert platform_principal(encoded(claims), TENANT).name == "Grace"


def test_the_name_and_role_claim_types_it_names_are_used() -> None:
    claims = [*BASE, claim("display", "Grace H."), claim("app-role", "Coordinator.Admin")]
    principal = platform_principal(encoded(claims, name_typ="display", role_typ="app-role"), TENANT)
    assert principal.name == "Grace H."
    assert principal.roles == frozenset({"Coordinator.Admin"})


def test_without_its_own_name_type_the_name_claim_names_the_caller() -> None:
    for fields in ({}, {"name_typ": 7}, {"name_typ": "display"}):
        assert platform_principal(encoded(BASE, **fields), TENANT).name == "Grace"


def test_the_standard_role_and_app_claims_are_read() -> None:
    claims = [
        *BASE,
        claim(ROLE, "Coordinator.Operator"),
        claim("roles", "Coordinator.Approver"),
        claim("appid", "app-1"),
    ]
    principal = platform_principal(encoded(claims), TENANT)
    assert principal.roles == frozenset({"Coordinator.Operator", "Coordinator.Approver"})
    assert principal.app_id == "app-1"
    assert (principal.oid, principal.tenant_id, principal.source) == ("o-1", TENANT, "platform")
