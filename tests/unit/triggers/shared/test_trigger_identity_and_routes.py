"""Who the caller is, and the links the API builds from the request URL."""

from core.auth import DEVELOPMENT_PRINCIPAL, Principal
from tests.unit.triggers.trigger_requests import http_request
from triggers.shared import routes
from triggers.shared.identity import caller_identity


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
