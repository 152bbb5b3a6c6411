"""`GET /api/manage/audit`: the append-only audit log (approvals, admin actions), for admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import azure.durable_functions as df
import azure.functions as func

from core.agent_logs import get_agent_log_store
from core.auth import ADMIN
from triggers.shared import routes
from triggers.shared.api_models import AuditLog
from triggers.shared.endpoint import api_endpoint, json_response
from triggers.shared.errors import RequestValidationError
from triggers.shared.identity import authorize

bp = df.Blueprint()

DEFAULT_WINDOW = timedelta(days=7)
MAX_RECORDS = 500


def audit_query(params: dict[str, str]) -> tuple[datetime, int]:
    """The `since` (ISO 8601, default a week ago) and `limit` (1-500, default 100) of a query."""
    since = datetime.now(UTC) - DEFAULT_WINDOW
    if params.get("since"):
        try:
            since = datetime.fromisoformat(params["since"].replace("Z", "+00:00"))
        except ValueError:
            raise RequestValidationError.about("since", "an ISO 8601 time is expected") from None
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
    try:
        limit = int(params.get("limit") or 100)
    except ValueError:
        raise RequestValidationError.about("limit", "an integer is expected") from None
    if not 1 <= limit <= MAX_RECORDS:
        raise RequestValidationError.about("limit", f"must be between 1 and {MAX_RECORDS}")
    return since, limit


@bp.route(route=routes.AUDIT, methods=["GET"], auth_level=func.AuthLevel.ADMIN)
@api_endpoint
async def audit_log(req: func.HttpRequest) -> func.HttpResponse:
    """200 with the audit records since `since` (oldest first, at most `limit`)."""
    await authorize(req, ADMIN)
    since, limit = audit_query(dict(req.params))
    records = await get_agent_log_store().list_audit(since, limit)
    return json_response(AuditLog(since=since, records=records))
