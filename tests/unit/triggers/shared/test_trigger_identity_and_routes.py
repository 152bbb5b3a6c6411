"""Who the caller is, and the links the API builds from the request URL."""

import asyncio

import pytest

from core.auth import DEVELOPMENT_PRINCIPAL, AuthenticationError, Principal
from core.auth.roles import OPERATOR
from tests.unit.triggers.trigger_requests import http_request
from triggers.shared import routes
from triggers.shared.identity import authorize, caller_identity


def test_recorded_caller_is_the_verified_identity_else_the_claimed_name():
    verified = Principal(
        oid="oid-1", name="Bob", upn="bob@example.com", roles=frozenset(), tenant_id="t",
        app_id=None, authenticated=True, source="platform",
    )
    assert caller_identity(verified, "alice") == verified.display_name
    assert caller_identity(DEVELOPMENT_PRINCIPAL, "alice") == "alice"
    assert caller_identity(DEVELOPMENT_PRINCIPAL) is None


def test_api_base_drops_the_route_and_query():
    req = http_request(url="https://app.example.net/api/coordinator/orchestrate?code=k")
    assert routes.api_base(req, routes.ORCHESTRATE) == "https://app.example.net/api/"


def test_workflow_url_from_the_approval_route_keeps_colons_in_ids():
    req = http_request(
        url="http://localhost:7071/api/coordinator/workflows/sweep:T1:TCK-1/approval"
    )
    url = routes.workflow_url(req, routes.APPROVAL, "sweep:T1:TCK-1")
    assert url == "http://localhost:7071/api/coordinator/workflows/sweep:T1:TCK-1"


def test_no_route_begins_with_the_hosts_reserved_segments():
    templates = [value for name, value in vars(routes).items() if name.isupper()]
    assert routes.RESET in templates
    assert all(t.split("/")[0] not in ("admin", "runtime") for t in templates)


async def test_without_authentication_the_caller_is_the_development_principal_on_the_loop(
    settings_env, monkeypatch
):
    settings_env(AUTH_ENABLED="false")

    def no_thread(*args, **kwargs):
        raise AssertionError("nothing to validate, so nothing leaves the event loop")

    monkeypatch.setattr(asyncio, "to_thread", no_thread)
    assert await authorize(http_request(), OPERATOR) is DEVELOPMENT_PRINCIPAL


async def test_with_authentication_a_request_without_a_token_is_refused(settings_env):
    settings_env(AUTH_ENABLED="true", AUTH_TENANT_ID="tenant", AUTH_AUDIENCE="api://app")
    with pytest.raises(AuthenticationError):
        await authorize(http_request(), OPERATOR)
