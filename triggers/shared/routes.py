"""Route templates of the HTTP API (under the host's route prefix, `api`), shared by the
triggers, the links they hand out and the OpenAPI document."""

from __future__ import annotations

import azure.functions as func

from triggers.shared.api_models import StatusLinks
from triggers.shared.instance_ids import url_segment

START = "orchestrators/{name}"
HEALTH = "health"
LIVENESS = "health/live"
ORCHESTRATE = "coordinator/orchestrate"
WORKFLOW = "coordinator/workflows/{id}"
WORKFLOW_EVENTS = "coordinator/workflows/{id}/events"
APPROVAL = "coordinator/workflows/{id}/approval"
THREAD = "coordinator/threads/{id}"
AGENTS = "agents"
AGENT_STATUS = "agents/{agent}/status"
INSTANCE = "instances/{id}"
INSTANCE_TERMINATE = "instances/{id}/terminate"
INSTANCE_EVENT = "instances/{id}/raiseEvent/{event}"
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
    return api_base(req, route) + WORKFLOW.format(id=url_segment(workflow_id))


def status_url(req: func.HttpRequest, route: str, instance_id: str) -> str:
    """The app's own `GET instances/{id}` URL of an instance, for a request that matched
    `route` (where every link of `status_links` points)."""
    return api_base(req, route) + INSTANCE.format(id=url_segment(instance_id))


def status_links(req: func.HttpRequest, route: str, instance_id: str) -> StatusLinks:
    """The Durable check-status payload of an instance, for a request that matched `route`,
    pointing to the app's own role-checked `instances/{id}` routes: no link carries a key."""
    instance = status_url(req, route, instance_id)
    return StatusLinks(
        id=instance_id,
        statusQueryGetUri=instance,
        sendEventPostUri=instance + "/raiseEvent/{eventName}",
        terminatePostUri=instance + "/terminate?reason={text}",
        purgeHistoryDeleteUri=instance,
    )
