"""CORS from CORS_ALLOWED_ORIGINS over real HTTP: devhost serves the app with authentication
on (a stand-in tenant's signing keys served over HTTPS on loopback) and one listed origin.
A browser's preflight is answered before any key or token is looked at, on every kind of
route; real answers (202 with Location, a status, errors, 401, a streamed events answer)
carry the headers the listed origin needs to read them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.apphost import AppHost, running_app
from tests.unit.core.auth.fake_entra import (
    AUDIENCE,
    TENANT,
    SigningKey,
    claims,
    mint,
    self_signed_certificate,
    serve_jwks,
)

LISTED = "http://app.example:5173"
UNLISTED = "http://evil.example"
KEY = SigningKey(kid="cors-tenant-key")
SELF_TEST = {"query": "deployment verification test", "query_type": "system_test"}


@pytest.fixture(scope="module")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    folder = tmp_path_factory.mktemp("cors")
    certificate = self_signed_certificate(folder)
    with serve_jwks(certificate, [KEY.jwk()]) as jwks:
        settings = {
            "CORS_ALLOWED_ORIGINS": f"{LISTED}, https://other.example",
            "AUTH_ENABLED": "true",
            "AUTH_TENANT_ID": TENANT,
            "AUTH_AUDIENCE": AUDIENCE,
            "AUTH_JWKS_URL": jwks.url,
            "SSL_CERT_FILE": str(certificate[0]),
            "ORCHESTRATE_WAIT_SECONDS": "0",
        }
        host = AppHost(folder / "host", enforce_keys=False, settings=settings)
        host.wait_ready()
        try:
            yield host
        finally:
            host.stop()


@pytest.fixture(scope="module")
def api(app_host: AppHost) -> Iterator[httpx.Client]:
    """A browser on the listed origin, signed in with every role."""
    token = mint(
        KEY, claims(roles=["Coordinator.Admin", "Coordinator.Operator", "Coordinator.Approver"])
    )
    headers = {"Origin": LISTED, "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=app_host.url + "/api/", headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def anonymous(app_host: AppHost) -> Iterator[httpx.Client]:
    """A client that sends no credentials, as a browser's preflight does."""
    with httpx.Client(base_url=app_host.url + "/api/", timeout=30) as client:
        yield client


def assert_readable_by_the_listed_origin(response: httpx.Response) -> None:
    assert response.headers["access-control-allow-origin"] == LISTED
    assert response.headers["access-control-allow-credentials"] == "true"
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"Location", "Retry-After"} <= exposed
    assert "Origin" in response.headers["vary"]


ROUTES = [
    ("orchestrators/coordinator", "POST"),
    ("coordinator/workflows/wf-1", "GET"),
    ("coordinator/workflows/wf-1/approval", "POST"),
    ("coordinator/workflows/wf-1/events", "GET"),
    ("monitor/api/instances", "GET"),
    ("a2a", "POST"),
    ("a2a/rest/v1/message:send", "POST"),
    ("health", "GET"),
]


@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_a_preflight_from_a_listed_origin_is_allowed_without_credentials(
    anonymous: httpx.Client, path: str, method: str
):
    response = anonymous.options(
        path,
        headers={
            "Origin": LISTED,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )

    assert response.status_code == 204, response.text
    assert response.headers["access-control-allow-origin"] == LISTED
    assert response.headers["access-control-allow-credentials"] == "true"
    assert method in response.headers["access-control-allow-methods"]
    assert "Authorization" in response.headers["access-control-allow-headers"]
    assert int(response.headers["access-control-max-age"]) > 0


@pytest.mark.parametrize(("path", "method"), ROUTES)
def test_a_preflight_from_an_unlisted_origin_gets_no_allow_headers(
    anonymous: httpx.Client, path: str, method: str
):
    response = anonymous.options(
        path, headers={"Origin": UNLISTED, "Access-Control-Request-Method": method}
    )

    assert response.status_code == 403
    assert not [h for h in response.headers if h.startswith("access-control-")]


def test_an_options_request_that_is_no_preflight_finds_no_route(anonymous: httpx.Client):
    assert anonymous.options("orchestrators/coordinator").status_code == 404


def test_a_202_start_exposes_location_and_retry_after_and_its_status_is_readable(
    api: httpx.Client,
):
    started = api.post("orchestrators/coordinator", json=SELF_TEST)

    assert started.status_code == 202, started.text
    assert started.headers["location"]
    assert int(started.headers["retry-after"]) > 0
    assert_readable_by_the_listed_origin(started)
    status = api.get(f"coordinator/workflows/{started.json()['id']}")
    assert status.status_code == 200, status.text
    assert_readable_by_the_listed_origin(status)


def test_an_answer_to_an_unlisted_origin_carries_no_allow_header(api: httpx.Client):
    response = api.get("agents", headers={"Origin": UNLISTED})

    assert response.status_code == 200, response.text
    assert "access-control-allow-origin" not in response.headers
    assert response.headers["vary"] == "Origin"


def test_errors_are_readable_by_the_listed_origin(api: httpx.Client):
    decision = api.post(
        "coordinator/workflows/no-such-run/approval", json={"approved": True, "approver": "a"}
    )

    assert decision.status_code == 404, decision.text
    assert decision.json()["error"] == "not_found"
    assert_readable_by_the_listed_origin(decision)


def test_a_401_lets_the_browser_read_the_challenge(anonymous: httpx.Client):
    response = anonymous.get("agents", headers={"Origin": LISTED})

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert_readable_by_the_listed_origin(response)
    assert "WWW-Authenticate" in response.headers["access-control-expose-headers"]


def test_the_monitor_api_and_the_a2a_card_are_readable_by_the_listed_origin(api: httpx.Client):
    listing = api.get("monitor/api/instances")
    card = api.get(".well-known/agent-card.json")

    assert (listing.status_code, card.status_code) == (200, 200), (listing.text, card.text)
    assert_readable_by_the_listed_origin(listing)
    assert_readable_by_the_listed_origin(card)


def test_a_streamed_events_answer_carries_the_headers_when_it_starts(api: httpx.Client):
    started = api.post(
        "coordinator/orchestrate",
        json={"query": "Is SKU-10001 in stock?", "require_approval": True},
    )
    assert started.status_code == 202, started.text
    workflow_id = started.json()["workflow_id"]

    with api.stream("GET", f"coordinator/workflows/{workflow_id}/events") as events:
        assert events.status_code == 200
        assert events.headers["content-type"].startswith("text/event-stream")
        assert_readable_by_the_listed_origin(events)
        event = next(line for line in events.iter_lines() if line.startswith("event:"))
    assert event.removeprefix("event:").strip()


@pytest.fixture(scope="module")
def keyed_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app with function keys checked, as the host checks them in Azure."""
    settings = {"CORS_ALLOWED_ORIGINS": LISTED, "ORCHESTRATE_WAIT_SECONDS": "0"}
    with running_app(tmp_path_factory.mktemp("cors-keys"), settings=settings) as host:
        yield host


@pytest.mark.parametrize(("path", "method"), ROUTES[:3])
def test_a_preflight_needs_no_function_key_where_the_route_itself_does(
    keyed_host: AppHost, path: str, method: str
):
    with httpx.Client(base_url=keyed_host.url + "/api/", timeout=30) as browser:
        preflight = browser.options(
            path, headers={"Origin": LISTED, "Access-Control-Request-Method": method}
        )
        body: dict[str, str] | None = {} if method == "POST" else None
        without_key = browser.request(method, path, headers={"Origin": LISTED}, json=body)

    assert preflight.status_code == 204, preflight.text
    assert preflight.headers["access-control-allow-origin"] == LISTED
    assert without_key.status_code == 401
