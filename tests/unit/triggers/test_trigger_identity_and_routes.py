"""Who the caller is, and the links the API builds from the request URL."""

from tests.unit.triggers.trigger_requests import http_request
from triggers import routes
from triggers.identity import PRINCIPAL_HEADER, caller_identity


def test_caller_is_the_claimed_name_when_the_platform_is_not_trusted(settings_env):
    req = http_request(headers={PRINCIPAL_HEADER: "mallory@example.com"})
    assert caller_identity(req, "alice") == "alice"
    assert caller_identity(req) is None


def test_trusted_platform_principal_wins_over_the_claimed_name(settings_env):
    settings_env(AUTH_TRUST_PLATFORM_PRINCIPAL="true")
    req = http_request(headers={PRINCIPAL_HEADER: "bob@example.com"})
    assert caller_identity(req, "alice") == "bob@example.com"
    assert caller_identity(http_request(), "alice") == "alice"


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
