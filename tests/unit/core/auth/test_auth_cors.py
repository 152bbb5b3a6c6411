"""CORS from CORS_ALLOWED_ORIGINS: preflight answers and headers on real answers."""

from __future__ import annotations

import azure.functions as func
import pytest

from core.auth import CorsPolicy, is_preflight, preflight_response, with_cors

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
