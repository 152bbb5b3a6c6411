"""HTTP answers of auth errors: JSON bodies with the status and challenge each error names."""

from __future__ import annotations

import json
import logging

import azure.functions as func

from core.auth.errors import AuthError

logger = logging.getLogger(__name__)


def auth_error_response(error: AuthError) -> func.HttpResponse:
    """401/403 with `WWW-Authenticate` and `{"error", "message"}`; 500/503 say only that
    authentication is unavailable (the detail is logged, not shown to the caller)."""
    if error.status_code >= 500:
        logger.error("Authentication failed on the server side: %s", error.description)
        message = "Authentication is unavailable."
    else:
        message = error.description
    headers = {"Cache-Control": "no-store"}
    challenge = error.www_authenticate()
    if challenge:
        headers["WWW-Authenticate"] = challenge
    return func.HttpResponse(
        json.dumps({"error": error.error, "message": message}),
        status_code=error.status_code,
        mimetype="application/json",
        headers=headers,
    )
