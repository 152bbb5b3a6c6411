"""`OPTIONS /api/{anything}`: how CORS preflights reach the app. The host delivers a request
only to a function whose methods list its method, and checks the function's key first; a
browser's preflight carries no key, so every route's preflight comes here, anonymous, and the
HTTP adapter (`triggers/shared/http_streams.py`) answers it from CORS_ALLOWED_ORIGINS before
this function runs."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from triggers.shared.http_streams import streamed

bp = df.Blueprint()

PREFLIGHT = "{*path}"


@bp.route(route=PREFLIGHT, methods=["OPTIONS"], auth_level=func.AuthLevel.ANONYMOUS)
@streamed
async def preflight(req: func.HttpRequest) -> func.HttpResponse:
    """404 for an OPTIONS that is not a preflight (no Origin or requested method), as if no
    function took OPTIONS."""
    return func.HttpResponse(status_code=404)
