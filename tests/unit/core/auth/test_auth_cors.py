"""CORS from CORS_ALLOWED_ORIGINS: preflight answers and headers on real answers."""

from __future__ import annotations

import azure.functions as func
import pytest

from core.auth import CorsPolicy, is_preflight, preflight_response, with_cors
from core.auth.cors import cors_policy
from core.settings import get_settings

LISTED = CorsPolicy.from_setting("https://app.contoso.example/, https://ops.contoso.example")
ANY = CorsPolicy.from_setting("*")
NONE = CorsPolicy.from_setting("")


def preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": method}


def test_preflight_is_recognised():
    assert is_preflight("options", preflight("https://a"))
    assert not is_preflight("OPTIONS", {"Origin": "https://a"})
    assert not is_preflight("POST", preflight("https://a"))


def test_preflight_from_a_listed_origin_is_allowed_with_credentials():
    response = preflight_response(preflight("https://APP.contoso.example"), LISTED)

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://APP.contoso.example"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize(
    ("policy", "headers"),
    [
        (LISTED, preflight("https://evil.example")),
        (NONE, preflight("https://app.contoso.example")),
        (LISTED, preflight("https://app.contoso.example", "TRACE")),
    ],
)
def test_preflight_from_an_unlisted_origin_or_for_another_method_is_refused(policy, headers):
    response = preflight_response(headers, policy)

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers


def test_wildcard_never_comes_with_credentials():
    response = with_cors({"Origin": "https://anyone.example"}, func.HttpResponse("ok"), ANY)

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_wildcard_listed_with_origins_still_drops_credentials():
    mixed = CorsPolicy.from_setting("https://app.contoso.example,*")
    response = preflight_response(preflight("https://app.contoso.example"), mixed)

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_answers_expose_the_durable_polling_headers():
    response = with_cors(
        {"origin": "https://ops.contoso.example"},
        func.HttpResponse("", status_code=202, headers={"Location": "/x", "Vary": "Accept"}),
        LISTED,
    )

    assert "Location" in response.headers["Access-Control-Expose-Headers"]
    assert response.headers["Vary"] == "Accept, Origin"


def test_answers_to_an_unlisted_origin_carry_no_allow_header():
    response = with_cors({"Origin": "https://evil.example"}, func.HttpResponse("ok"), LISTED)

    assert "Access-Control-Allow-Origin" not in response.headers
    assert response.headers["Vary"] == "Origin"


def test_a_listed_origin_matches_whatever_its_case_and_trailing_slash() -> None:
    policy = CorsPolicy.from_setting(" https://App.Example/ , https://other.example")
    assert policy.allows("https://app.example")
    assert policy.allows("HTTPS://OTHER.EXAMPLE")
    assert not policy.allows("https://third.example")
    assert not policy.allows(None)


def test_only_the_trailing_slash_is_dropped_from_a_listed_origin() -> None:
    policy = CorsPolicy.from_setting("https://APP.BOX/")
    assert policy.allows("https://app.box")
    assert not policy.allows("https://app.bo")


def test_a_preflight_answer_lists_methods_headers_and_how_long_to_keep_it() -> None:
    policy = CorsPolicy.from_setting("https://app.example")
    answer = preflight_response(
        {"Origin": "https://app.example", "Access-Control-Request-Method": "post"}, policy
    )
    assert answer.status_code == 204
    assert answer.headers["Access-Control-Allow-Methods"] == "GET, POST, PUT, DELETE, OPTIONS"
    assert answer.headers["Access-Control-Allow-Headers"] == (
        "Authorization, Content-Type, X-Requested-With, X-Functions-Key"
    )
    assert answer.headers["Access-Control-Max-Age"] == "600"
    assert answer.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"


def test_an_answer_exposes_the_polling_headers() -> None:
    headers = CorsPolicy.from_setting("https://app.example").headers_for("https://app.example")
    assert headers["Access-Control-Expose-Headers"] == "Location, Retry-After, WWW-Authenticate"


def test_any_origin_needs_no_vary_header() -> None:
    assert CorsPolicy.from_setting("*").headers_for("https://app.example") == {
        "Access-Control-Expose-Headers": "Location, Retry-After, WWW-Authenticate",
        "Access-Control-Allow-Origin": "*",
    }


def test_an_existing_vary_that_names_origin_in_any_case_is_kept() -> None:
    response = func.HttpResponse("x", headers={"Vary": "accept-encoding, origin"})
    with_cors(
        {"Origin": "https://app.example"}, response, CorsPolicy.from_setting("https://app.example")
    )
    assert response.headers["Vary"] == "accept-encoding, origin"


def test_the_policy_comes_from_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example")
    get_settings.cache_clear()
    try:
        assert cors_policy() == CorsPolicy(frozenset({"https://app.example"}), any_origin=False)
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
