"""The coordinator's input as the HTTP API builds it: the caller's request, validated, with
the operator's limits from the settings."""

from __future__ import annotations

from typing import Any

from core.catalogue import get_catalogue
from core.models import CoordinatorInput, CoordinatorRequest, QueryType, WorkflowLimits
from core.settings import get_settings
from triggers.endpoint import parse
from triggers.errors import RequestValidationError


def workflow_limits() -> WorkflowLimits:
    """The limits in force: DEFAULT_BUDGET_TOKENS, MAX_AGENT_STEPS, APPROVAL_TIMEOUT_SECONDS."""
    settings = get_settings()
    return WorkflowLimits(
        default_budget_tokens=settings.DEFAULT_BUDGET_TOKENS,
        max_steps=settings.MAX_AGENT_STEPS,
        approval_timeout_seconds=settings.APPROVAL_TIMEOUT_SECONDS,
    )


def check_query_length(request: CoordinatorRequest, field: str = "query") -> CoordinatorRequest:
    """`request` if its query is within MAX_QUERY_CHARS; else a RequestValidationError."""
    limit = get_settings().MAX_QUERY_CHARS
    if len(request.query) > limit:
        raise RequestValidationError.about(
            field, f"the query has {len(request.query)} characters; at most {limit} are accepted"
        )
    return request


def check_query_type(request: CoordinatorRequest, field: str = "query_type") -> CoordinatorRequest:
    """`request` if its query type is a built-in one or names a catalogue agent; else a
    RequestValidationError listing the accepted values."""
    catalogue = get_catalogue()
    if request.query_type in set(QueryType) or catalogue.for_query_type(request.query_type):
        return request
    accepted = ", ".join([*QueryType, *catalogue.ids])
    raise RequestValidationError.about(
        field, f"unknown query type '{request.query_type}'; expected one of: {accepted}"
    )


def coordinator_request_input(payload: Any) -> CoordinatorInput:
    """A bare CoordinatorRequest body, with the settings' limits."""
    request = check_query_type(check_query_length(parse(CoordinatorRequest, payload)))
    return CoordinatorInput(request=request, limits=workflow_limits())


def coordinator_input(payload: Any) -> CoordinatorInput:
    """A CoordinatorInput body (`{"request": ..., "limits": ...}`, limits as given) or a bare
    CoordinatorRequest body (the settings' limits)."""
    if isinstance(payload, dict) and "request" in payload:
        workflow_input = parse(CoordinatorInput, payload)
        check_query_length(workflow_input.request, "request.query")
        check_query_type(workflow_input.request, "request.query_type")
        return workflow_input
    return coordinator_request_input(payload)
