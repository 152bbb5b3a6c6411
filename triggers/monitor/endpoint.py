"""How a monitor route answers: `monitor_endpoint` checks the caller holds an app role, runs
the handler and turns every error into a JSON answer; `json_answer` writes one that is never
cached."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from core.auth import AuthError, auth_error_response
from triggers.monitor.common import check_caller
from triggers.shared.endpoint import json_text
from triggers.shared.errors import DURABLE_TRANSPORT_ERRORS, ApiError, DurableUnavailableError
from triggers.shared.http_streams import StreamedHandler, streamed

log = logging.getLogger(__name__)


def json_answer(body: Any, status_code: int = 200) -> func.HttpResponse:
    """A JSON answer that is never cached."""
    return func.HttpResponse(
        json_text(body),
        status_code=status_code,
        mimetype="application/json",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


Handler = Callable[..., Awaitable[func.HttpResponse]]


def monitor_endpoint(handler: Handler) -> StreamedHandler:
    """Check the caller holds an app role, then run `handler` with the principal (which
    checks the run's owner and the action's role); errors become JSON answers.
    The wrapper keeps the handler's name but not its signature: the Functions indexer must
    see only the two bound parameters."""

    async def run(
        req: func.HttpRequest, client: df.DurableOrchestrationClient
    ) -> func.HttpResponse:
        try:
            principal = check_caller(req)
            return await handler(req, client, principal)
        except AuthError as exc:
            return auth_error_response(exc)
        except ApiError as exc:
            # The page reads one problem: its message and the field it is about.
            problem = exc.detail[0]
            body = {"error": exc.code, "message": problem.message, "field": problem.field}
            return json_answer(body, exc.status_code)
        except DURABLE_TRANSPORT_ERRORS as exc:
            log.warning("Durable extension unreachable: %s", exc)
            message = "The Durable extension cannot be reached."
            return json_answer({"error": DurableUnavailableError.code, "message": message}, 503)
        except Exception:
            log.exception("Monitor request failed: %s", handler.__name__)
            message = "The request failed unexpectedly; see the function logs."
            return json_answer({"error": "internal_error", "message": message}, 500)

    names_only = ("__module__", "__name__", "__qualname__", "__doc__")
    return streamed(functools.update_wrapper(run, handler, assigned=names_only, updated=()))
