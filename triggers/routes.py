"""Route templates of the HTTP API (under the host's route prefix, `api`), shared by the
triggers, the links they hand out and the OpenAPI document."""

from __future__ import annotations

from urllib.parse import quote

import azure.functions as func

START = "orchestrators/{name}"
HEALTH = "health"
LIVENESS = "health/live"
ORCHESTRATE = "coordinator/orchestrate"
WORKFLOW = "coordinator/workflows/{id}"
APPROVAL = "coordinator/workflows/{id}/approval"
AGENT_STATUS = "agents/{agent}/status"
# The Functions host reserves routes that begin with `admin` (even under the route prefix)
# for its own API and refuses to index such a function, so the reset lives under `manage`.
RESET = "manage/reset-system"
AUDIT = "manage/audit"
OPENAPI = "openapi.json"
DOCS = "docs"


def api_base(req: func.HttpRequest, route: str) -> str:
    """The API root URL (ending in `/`) of a request that matched `route`."""
    path = req.url.split("?", 1)[0].rstrip("/")
    return path.rsplit("/", route.count("/") + 1)[0] + "/"


def workflow_url(req: func.HttpRequest, route: str, workflow_id: str) -> str:
    """The URL of `GET coordinator/workflows/{id}` for a request that matched `route`."""
    return api_base(req, route) + WORKFLOW.format(id=quote(workflow_id, safe=":"))
