"""What every monitor route shares: its auth level and route templates, the runtime states
each action allows, who may use the page (`check_admin`) and the JSON API (`check_caller`,
then `run_access` per run)."""

from __future__ import annotations

import azure.durable_functions as df
import azure.functions as func

from core.auth import ADMIN, ALL_ROLES, Principal, authenticate, require_roles

MONITOR_AUTH_LEVEL = func.AuthLevel.ADMIN
"""Function-level protection of every monitor route (master key when keys are enforced);
the bearer token's roles and the run's owner decide on top."""

INSTANCES = "monitor/api/instances"
INSTANCE = INSTANCES + "/{id}"

Status = df.OrchestrationRuntimeStatus
ACTIVE = {Status.Running.value, Status.Pending.value, Status.Suspended.value, "ContinuedAsNew"}
FINISHED = {Status.Completed.value, Status.Failed.value, Status.Terminated.value, "Canceled"}
ALLOWED_ACTIONS: dict[str, set[str]] = {
    "terminate": ACTIVE,
    "suspend": {Status.Running.value, Status.Pending.value, "ContinuedAsNew"},
    "resume": {Status.Suspended.value},
    "rewind": {Status.Failed.value},
    "restart": FINISHED,
    "purge": FINISHED,
}


def check_admin(req: func.HttpRequest) -> Principal:
    """The one place the monitor decides who may use it: callers holding the Admin role.

    Wired to `core.auth`: with AUTH_ENABLED false (local development) everyone is the
    development principal and allowed; otherwise a validated bearer token, or the platform's
    principal when AUTH_TRUST_PLATFORM_PRINCIPAL is set, must carry `Coordinator.Admin`.
    Raises `AuthError` (401, 403, 500 or 503)."""
    return require_roles(authenticate(req.headers), ADMIN)


def check_caller(req: func.HttpRequest) -> Principal:
    """The caller of the JSON API, if it holds any of the app's roles: Operators then reach
    only their own runs, Approvers decide approvals, Admins do everything (`run_access`).
    Raises `AuthError` (401, 403, 500 or 503)."""
    return require_roles(authenticate(req.headers), *sorted(ALL_ROLES))
