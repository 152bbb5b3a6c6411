"""Run inputs as the app builds them: the caller's request, validated against the public
request model only, with the operator's limits from the settings and the verified starter as
owner. Nothing a caller sends can set limits or ownership."""

from __future__ import annotations

from typing import Any

from core.auth import Principal
from core.catalogue import get_catalogue
from core.models import (
    CoordinatorInput,
    CoordinatorRequest,
    QueryType,
    RunOwner,
    SweepInput,
    SweepRequest,
    WorkflowLimits,
)
from core.settings import get_settings
from triggers.shared.endpoint import parse
from triggers.shared.errors import RequestValidationError


def workflow_limits() -> WorkflowLimits:
    """The limits in force: DEFAULT_BUDGET_TOKENS, MAX_AGENT_STEPS, APPROVAL_TIMEOUT_SECONDS."""
    settings = get_settings()
    return WorkflowLimits(
        default_budget_tokens=settings.DEFAULT_BUDGET_TOKENS,
        max_steps=settings.MAX_AGENT_STEPS,
        approval_timeout_seconds=settings.APPROVAL_TIMEOUT_SECONDS,
    )


def run_owner(principal: Principal) -> RunOwner:
    """The owner a run started by `principal` records."""
    return RunOwner(oid=principal.oid, name=principal.display_name)


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


def coordinator_input(payload: Any, principal: Principal) -> CoordinatorInput:
    """A CoordinatorRequest body as the coordinator's input: the settings' limits, the caller
    as owner. Any other field (`limits`, `owner`, `request`) is a RequestValidationError."""
    request = check_query_type(check_query_length(parse(CoordinatorRequest, payload)))
    return CoordinatorInput(request=request, limits=workflow_limits(), owner=run_owner(principal))


def sweep_input(payload: Any, principal: Principal | None) -> SweepInput:
    """A SweepRequest body as the batch sweep's input: BATCH_SWEEP_MAX_PARALLEL, the settings'
    limits and the caller (None for the timer) as owner."""
    request = parse(SweepRequest, payload)
    return SweepInput(
        slot=request.slot,
        limit=request.limit,
        max_parallel=get_settings().BATCH_SWEEP_MAX_PARALLEL,
        limits=workflow_limits(),
        owner=run_owner(principal) if principal else None,
    )
