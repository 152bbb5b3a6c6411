"""A validated token's claims as a principal: which claims name the caller, and which are no
claim at all."""

from __future__ import annotations

from typing import Any

import pytest

from core.auth import AuthenticationError
from core.auth.claims import principal_from_claims, roles_of


def principal(**claims: Any):
    return principal_from_claims(claims)


def test_every_field_comes_from_its_claim() -> None:
    caller = principal(
        oid="o-1",
        sub="s-1",
        name="Ada",
        preferred_username="ada@contoso.example",
        roles=["Coordinator.Admin"],
        tid="t-1",
        azp="client-1",
    )
    assert (caller.oid, caller.name, caller.upn, caller.tenant_id, caller.app_id) == (
        "o-1",
        "Ada",
        "ada@contoso.example",
        "t-1",
        "client-1",
    )
    assert caller.roles == frozenset({"Coordinator.Admin"})
    assert (caller.authenticated, caller.source) == (True, "bearer")


@pytest.mark.parametrize("oid", [None, "", 7, ["o-1"]])
def test_without_a_usable_oid_the_subject_names_the_caller(oid: Any) -> None:
    assert principal(oid=oid, sub="s-1").oid == "s-1"


@pytest.mark.parametrize("sub", [None, "", 7])
def test_without_oid_or_sub_there_is_no_caller(sub: Any) -> None:
    with pytest.raises(AuthenticationError) as refused:
        principal(sub=sub, name="Ada")
    assert refused.value.description == "The token names no subject (oid or sub)."


@pytest.mark.parametrize(
    ("claims", "upn"),
    [
        ({"preferred_username": "p@x", "upn": "u@x", "unique_name": "n@x"}, "p@x"),
        ({"upn": "u@x", "unique_name": "n@x"}, "u@x"),
        ({"preferred_username": "", "unique_name": "n@x"}, "n@x"),
        ({}, None),
    ],
)
def test_the_user_name_comes_from_the_first_claim_that_has_one(claims, upn) -> None:
    assert principal(oid="o", **claims).upn == upn


def test_the_app_id_comes_from_azp_or_appid() -> None:
    assert principal(oid="o", appid="a-1").app_id == "a-1"
    assert principal(oid="o", azp="z-1", appid="a-1").app_id == "z-1"
    assert principal(oid="o").app_id is None


@pytest.mark.parametrize(
    ("value", "roles"),
    [
        (["A", 7, None, "B"], {"A", "B"}),
        ("A", set()),
        (None, set()),
        ({"A": 1}, set()),
    ],
)
def test_only_the_strings_of_a_roles_list_are_roles(value, roles) -> None:
    assert roles_of(value) == frozenset(roles)
