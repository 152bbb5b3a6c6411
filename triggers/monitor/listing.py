"""`GET /api/monitor/api/instances`: a page of instances, newest first, filtered by
`ListQuery`, with the total that matched."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df
import azure.functions as func

from core.auth import ADMIN, Principal
from triggers.monitor.access import visible_rows
from triggers.monitor.common import INSTANCES, MONITOR_AUTH_LEVEL
from triggers.monitor.endpoint import json_answer, monitor_endpoint
from triggers.monitor.query import ListQuery
from triggers.monitor.times import duration_seconds
from triggers.shared.instance_scan import scan_instances

bp = df.Blueprint()


def list_row(status: dict[str, Any]) -> dict[str, Any]:
    """One instance of the list, with its phase when the custom status names one."""
    custom = status.get("customStatus")
    return {
        "instanceId": status.get("instanceId"),
        "name": status.get("name"),
        "runtimeStatus": status.get("runtimeStatus"),
        "createdTime": status.get("createdTime"),
        "lastUpdatedTime": status.get("lastUpdatedTime"),
        "durationSeconds": duration_seconds(status),
        "phase": custom.get("phase") if isinstance(custom, dict) else None,
    }


@bp.route(route=INSTANCES, methods=["GET"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_list(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """A page of the instances the caller may read, newest first, with the total."""
    query = ListQuery.from_request(req)
    admin = principal.has_role(ADMIN)
    scanned, truncated = await scan_instances(
        client, query.extension_query(), show_input=not admin
    )
    readable = scanned if admin else visible_rows(principal, scanned)
    kept = [list_row(s) for s in readable if query.keeps(s)]
    kept.sort(key=lambda r: (r["createdTime"] or "", r["instanceId"] or ""), reverse=True)
    return json_answer(
        {
            "instances": kept[query.skip : query.skip + query.top],
            "total": len(kept),
            "skip": query.skip,
            "top": query.top,
            "truncated": truncated,
            "names": sorted({str(r["name"]) for r in kept if r["name"]}),
        }
    )
