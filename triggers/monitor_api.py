"""The Durable monitor's JSON API under `/api/monitor/api/`: list instances, read one with
its history and its sub-orchestrations' histories, and act on it (approve or deny, raise an
event, terminate, suspend, resume, rewind, restart, purge).

Everything goes through the Durable client binding and the extension's HTTP API behind it,
so the monitor works the same against devhost and against the app in Azure. Every route
asks `check_admin` first.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import aiohttp
import azure.durable_functions as df
import azure.functions as func
from pydantic import BaseModel, Field, ValidationError

from core.agent_logs import AuditKind, AuditRecord, get_agent_log_store
from core.auth import ADMIN, AuthError, Principal, auth_error_response, authenticate, require_roles
from core.models import ApprovalDecision, Plan
from orchestrations import names

bp = df.Blueprint()
log = logging.getLogger(__name__)

MONITOR_AUTH_LEVEL = func.AuthLevel.ADMIN
"""Function-level protection of every monitor route (master key when keys are enforced);
`check_admin` adds the Admin role on top."""

INSTANCES = "monitor/api/instances"
INSTANCE = INSTANCES + "/{id}"
MAX_SCAN = 2000
"""Most instances one listing reads (newest first after sorting); the rest is `truncated`."""
MAX_DESCENDANTS = 60
SCAN_PAGE = 500
CONTINUATION = "x-ms-continuation-token"
_NO_TOKEN = {"", "null", "bnVsbA=="}  # Azure Storage writes base64("null") for "no more".
_BAD_ID = re.compile(r"[/\\?#\x00-\x1f\x7f-\x9f]")
_TRANSPORT = (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError)

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


class MonitorError(Exception):
    """An answer other than success, with its HTTP status and the field it is about."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)


class NotFoundError(MonitorError):
    """No instance has the given id."""

    status_code = 404
    code = "not_found"


class ConflictError(MonitorError):
    """The instance is not in a state that allows the action."""

    status_code = 409
    code = "conflict"


class UnavailableError(MonitorError):
    """The Durable extension could not be reached or answered unexpectedly."""

    status_code = 503
    code = "durable_unavailable"


def json_answer(body: Any, status_code: int = 200) -> func.HttpResponse:
    """A JSON answer that is never cached."""
    return func.HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str),
        status_code=status_code,
        mimetype="application/json",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


Handler = Callable[..., Awaitable[func.HttpResponse]]


def monitor_endpoint(handler: Handler) -> Handler:
    """Check admin access, then run `handler` with the principal; errors become JSON answers.
    The wrapper keeps the handler's name but not its signature: the Functions indexer must
    see only the two bound parameters."""

    async def run(
        req: func.HttpRequest, client: df.DurableOrchestrationClient
    ) -> func.HttpResponse:
        try:
            principal = check_admin(req)
            return await handler(req, client, principal)
        except AuthError as exc:
            return auth_error_response(exc)
        except MonitorError as exc:
            body = {"error": exc.code, "message": exc.message, "field": exc.field}
            return json_answer(body, exc.status_code)
        except _TRANSPORT as exc:
            log.warning("Durable extension unreachable: %s", exc)
            message = "The Durable extension cannot be reached."
            return json_answer({"error": UnavailableError.code, "message": message}, 503)
        except Exception:
            log.exception("Monitor request failed: %s", handler.__name__)
            message = "The request failed unexpectedly; see the function logs."
            return json_answer({"error": "internal_error", "message": message}, 500)

    names_only = ("__module__", "__name__", "__qualname__", "__doc__")
    return functools.update_wrapper(run, handler, assigned=names_only, updated=())


def instance_id_of(req: func.HttpRequest) -> str:
    """The route's instance id, checked as the extension checks ids."""
    value = req.route_params.get("id", "")
    if not value or value.startswith("@") or _BAD_ID.search(value) or len(value) > 256:
        raise MonitorError(f"'{value[:80]}' is not a valid instance id", "id")
    return value


async def sdk_call(call: Awaitable[Any]) -> Any:
    """Await a Durable client call; its bare `Exception`s become 404 or 409 answers."""
    try:
        return await call
    except _TRANSPORT:
        raise
    except Exception as exc:
        if type(exc) is not Exception:
            raise
        if "No instance" in str(exc):
            raise NotFoundError(str(exc), "id") from exc
        raise ConflictError(str(exc)) from exc


async def read_status(
    client: df.DurableOrchestrationClient, instance_id: str, history: bool = False
) -> dict[str, Any]:
    """The instance's status JSON (with input, and history with outputs when asked)."""
    status = await sdk_call(client.get_status(instance_id, history, history, show_input=True))
    if not status:
        raise NotFoundError(f"No instance with id '{instance_id}'", "id")
    body = {
        "instanceId": status.instance_id,
        "name": status.name,
        "runtimeStatus": status.runtime_status.value if status.runtime_status else "Unknown",
        "createdTime": _iso(status.created_time),
        "lastUpdatedTime": _iso(status.last_updated_time),
        "input": status.input_,
        "output": status.output,
        "customStatus": status.custom_status,
    }
    body["durationSeconds"] = duration_seconds(body)
    if history:
        body["history"] = list(getattr(status, "historyEvents", None) or status.history or [])
    return body


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _parse_time(text: str | None, field: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise MonitorError(f"'{text}' is not an ISO 8601 time", field) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def duration_seconds(status: dict[str, Any]) -> float | None:
    """Created to last update for a finished instance, created to now for one still active."""
    created = _parse_time(status.get("createdTime"), "createdTime")
    if created is None:
        return None
    end = _parse_time(status.get("lastUpdatedTime"), "lastUpdatedTime")
    if status.get("runtimeStatus") in ACTIVE or end is None:
        end = datetime.now(UTC)
    return max(0.0, (end - created).total_seconds())


async def scan_instances(
    client: df.DurableOrchestrationClient, query: dict[str, str], limit: int = MAX_SCAN
) -> tuple[list[dict[str, Any]], bool]:
    """Instances matching the extension's list `query`, following continuation tokens, at
    most `limit`; also whether more were left. The SDK's `get_status_by` reads only the
    first page, so this calls the same endpoint (`rpcBaseUrl`) with the token itself."""
    base = client._orchestration_bindings.rpc_base_url
    if not base:
        raise UnavailableError("The Durable client binding has no rpcBaseUrl")
    found: list[dict[str, Any]] = []
    token, seen = "", set()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while len(found) < limit:
            params = {**query, "showInput": "false", "top": str(min(SCAN_PAGE, limit))}
            headers = {CONTINUATION: token} if token else {}
            async with session.get(f"{base}instances", params=params, headers=headers) as answer:
                if answer.status != 200:
                    raise UnavailableError(f"Listing instances answered {answer.status}")
                page = await answer.json(content_type=None) or []
                token = answer.headers.get(CONTINUATION, "")
            found.extend(page)
            if token in _NO_TOKEN or token in seen:
                return found[:limit], len(found) > limit
            seen.add(token)
    return found[:limit], True


class ListQuery(BaseModel):
    """The list's filters, from the query string."""

    status: list[str] = Field(default_factory=list)
    name: str = ""
    created_from: datetime | None = None
    created_to: datetime | None = None
    prefix: str = ""
    children: bool = False
    top: int = Field(25, ge=1, le=200)
    skip: int = Field(0, ge=0)

    @classmethod
    def from_request(cls, req: func.HttpRequest) -> ListQuery:
        """Read and check the query string; 400 names the bad parameter."""
        params = req.params
        statuses = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
        known = {s.value.lower(): s.value for s in Status}
        for status in statuses:
            if status.lower() not in known:
                raise MonitorError(f"unknown runtime status '{status}'", "status")
        try:
            return cls(
                status=[known[s.lower()] for s in statuses],
                name=params.get("name", "").strip(),
                created_from=_parse_time(params.get("from"), "from"),
                created_to=_parse_time(params.get("to"), "to"),
                prefix=params.get("prefix", "").strip(),
                children=params.get("children", "").lower() in ("1", "true", "yes"),
                top=params.get("top") or 25,
                skip=params.get("skip") or 0,
            )
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            raise MonitorError(error["msg"], str(error["loc"][0])) from exc

    def extension_query(self) -> dict[str, str]:
        """The filters the extension's list API applies itself."""
        query: dict[str, str] = {}
        if self.status:
            query["runtimeStatus"] = ",".join(self.status)
        if self.prefix:
            query["instanceIdPrefix"] = self.prefix
        for key, moment in (
            ("createdTimeFrom", self.created_from),
            ("createdTimeTo", self.created_to),
        ):
            if moment is not None:
                query[key] = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return query

    def keeps(self, status: dict[str, Any]) -> bool:
        """The filters applied here: orchestrations only, name (part of it, any case) and
        sub-orchestrations (this app runs them as `{parent id}:{part}`)."""
        if str(status.get("instanceId", "")).startswith("@"):
            return False  # an entity, which the list API may return alongside orchestrations
        if self.name and self.name.lower() not in str(status.get("name", "")).lower():
            return False
        return self.children or ":" not in str(status.get("instanceId", ""))


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
    """A page of instances, newest first, with the total that matched."""
    query = ListQuery.from_request(req)
    scanned, truncated = await scan_instances(client, query.extension_query())
    kept = [list_row(s) for s in scanned if query.keeps(s)]
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


async def descendants(
    client: df.DurableOrchestrationClient, root: dict[str, Any]
) -> tuple[list[dict[str, Any]], bool]:
    """The instance's sub-orchestrations (and theirs), each with its history and `parentId`:
    those its history names, and those whose id starts with `{id}:` (which also finds the
    ones still running, whose completion is not in the history yet)."""
    root_id = str(root["instanceId"])
    listed, truncated = await scan_instances(
        client, {"instanceIdPrefix": f"{root_id}:"}, MAX_DESCENDANTS
    )
    ids = [str(s["instanceId"]) for s in listed]
    named = [str(e["InstanceId"]) for e in root["history"] if e.get("InstanceId")]
    ids += [i for i in named if i not in ids and i != root_id]
    gate = asyncio.Semaphore(8)

    async def load(instance_id: str) -> dict[str, Any] | None:
        async with gate:
            try:
                return await read_status(client, instance_id, history=True)
            except NotFoundError:
                return None

    found = [s for s in await asyncio.gather(*(load(i) for i in ids)) if s is not None]
    known = {root_id, *(str(s["instanceId"]) for s in found)}
    for status in found:
        own = str(status["instanceId"])
        parents = [p for p in known if p != own and own.startswith(p + ":")]
        status["parentId"] = max(parents, key=len) if parents else root_id
    return found, truncated


def approval_of(status: dict[str, Any], family: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The approval waiting on this instance, if any: its instance, plan and digest."""
    if status["name"] == names.APPROVAL:
        target: dict[str, Any] | None = status
    else:
        wanted = f"{status['instanceId']}:approval"
        target = next((s for s in family if s["instanceId"] == wanted), None)
    if target is None or target["runtimeStatus"] not in ACTIVE:
        return None
    raw = target.get("input")
    data = json.loads(raw) if isinstance(raw, str) else raw
    try:
        plan = Plan.model_validate((data or {}).get("plan"))
    except (ValidationError, AttributeError):
        return None
    return {
        "instanceId": target["instanceId"],
        "plan": plan.model_dump(mode="json"),
        "digest": plan.digest(),
        "timeoutSeconds": (data or {}).get("timeout_seconds"),
        "createdTime": target["createdTime"],
    }


@bp.route(route=INSTANCE, methods=["GET"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_instance(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """The instance with its history, its sub-orchestrations' histories, the approval it
    waits for and the actions its state allows."""
    status = await read_status(client, instance_id_of(req), history=True)
    family, truncated = await descendants(client, status)
    state = status["runtimeStatus"]
    return json_answer(
        {
            "instance": status,
            "children": family,
            "childrenTruncated": truncated,
            "approval": approval_of(status, family),
            "actions": sorted(a for a, states in ALLOWED_ACTIONS.items() if state in states),
            "viewer": {"name": principal.display_name, "authenticated": principal.authenticated},
        }
    )


def read_body(req: func.HttpRequest) -> dict[str, Any]:
    """The JSON object of the body; an empty body is `{}`."""
    raw = req.get_body() or b""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise MonitorError("the body is not JSON", "body") from exc
    if not isinstance(body, dict):
        raise MonitorError("the body must be a JSON object", "body")
    return body


async def audit(principal: Principal, action: str, target: str, detail: dict[str, Any]) -> None:
    """Record an admin action in the audit log; a failure to record is logged, not raised,
    because the action has already happened."""
    record = AuditRecord(
        id=f"monitor:{action}:{uuid.uuid4().hex}",
        kind=AuditKind.ADMIN_ACTION,
        actor=principal.upn or principal.oid,
        action=f"monitor-{action}",
        target=target,
        detail=detail,
    )
    try:
        await get_agent_log_store().append_audit(record)
    except Exception:
        log.exception("Could not record the monitor action %s on %s", action, target)


class ApprovalBody(BaseModel):
    """What the page sends to approve or deny: the decision on the digest it showed."""

    approved: bool
    digest: str
    comment: str = ""
    approver: str = ""


@bp.route(route=INSTANCE + "/approval", methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_approval(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Approve or deny the plan a workflow waits on: raise `approval` on its approval
    sub-orchestration. The approver is the signed-in admin (the body's name only when
    authentication is off); 409 when nothing waits or the digest is not the plan's."""
    status = await read_status(client, instance_id_of(req))
    try:
        body = ApprovalBody.model_validate(read_body(req))
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise MonitorError(error["msg"], str(error["loc"][0])) from exc
    family = [status]
    if status["name"] != names.APPROVAL:
        with contextlib.suppress(NotFoundError):
            family.append(await read_status(client, f"{status['instanceId']}:approval"))
    waiting = approval_of(status, family)
    if waiting is None:
        raise ConflictError(f"No approval is waiting on '{status['instanceId']}'", "id")
    if body.digest != waiting["digest"]:
        raise ConflictError("The digest is not the one of the plan awaiting approval", "digest")
    approver = principal.display_name if principal.authenticated else body.approver.strip()
    try:
        decision = ApprovalDecision(
            approved=body.approved, approver=approver, digest=body.digest, comment=body.comment
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise MonitorError(error["msg"], str(error["loc"][0])) from exc
    target = waiting["instanceId"]
    await sdk_call(
        client.raise_event(target, names.APPROVAL_EVENT, decision.model_dump(mode="json"))
    )
    verdict = "approved" if body.approved else "denied"
    return json_answer(
        {
            "instanceId": status["instanceId"],
            "approvalInstanceId": target,
            "result": verdict,
            "approver": approver,
            "message": f"The plan was {verdict} by {approver}.",
        },
        202,
    )


@bp.route(route=INSTANCE + "/events/{event}", methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_raise_event(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Raise any external event with the body's `data`; 409 once the instance finished."""
    status = await read_status(client, instance_id_of(req))
    event = req.route_params.get("event", "").strip()
    if not event:
        raise MonitorError("name the event", "event")
    data = read_body(req).get("data")
    if status["runtimeStatus"] not in ACTIVE:
        raise ConflictError(f"'{status['instanceId']}' is {status['runtimeStatus']}", "id")
    await sdk_call(client.raise_event(status["instanceId"], event, data))
    await audit(principal, "raise-event", status["instanceId"], {"event": event})
    message = f"Raised '{event}' on {status['instanceId']}."
    return json_answer({"instanceId": status["instanceId"], "message": message}, 202)


async def cascade(
    client: df.DurableOrchestrationClient, status: dict[str, Any], states: set[str]
) -> list[str]:
    """The ids of the instance's descendants (deepest first) whose state is in `states`."""
    family, _ = await descendants(client, {**status, "history": status.get("history", [])})
    chosen = [s for s in family if s["runtimeStatus"] in states]
    chosen.sort(key=lambda s: str(s["instanceId"]).count(":"), reverse=True)
    return [str(s["instanceId"]) for s in chosen]


async def run_action(
    client: df.DurableOrchestrationClient, action: str, status: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """Carry out one action on an instance whose state allows it; terminate and purge also
    reach the sub-orchestrations, which the extension would leave behind."""
    instance_id = str(status["instanceId"])
    reason = str(body.get("reason") or f"{action} from the Durable monitor")[:1000]
    if action == "restart":
        new_id = bool(body.get("newInstanceId", True))
        answer = await sdk_call(client.restart(instance_id, new_id))
        started = answer.get("id") if isinstance(answer, dict) else answer
        started = str(started or instance_id)
        return {"newInstanceId": started, "message": f"Restarted as {started}."}
    if action == "purge":
        ids = [*await cascade(client, status, FINISHED), instance_id]
        results = [await sdk_call(client.purge_instance_history(i)) for i in ids]
        deleted = sum(r.instances_deleted for r in results)
        return {"instancesDeleted": deleted, "message": f"Purged {deleted} instance(s)."}
    if action == "terminate":
        # The parent first, so it never sees a child's termination as a failure to handle.
        others = await cascade(client, status, ACTIVE)
        await sdk_call(client.terminate(instance_id, reason))
        for other in reversed(others):
            await sdk_call(client.terminate(other, reason))
        return {"terminated": [instance_id, *others], "message": f"Terminated {instance_id}."}
    if action == "rewind":
        # The SDK puts the reason into the URL as it is.
        await sdk_call(client.rewind(instance_id, quote(reason)))
    else:
        await sdk_call(getattr(client, action)(instance_id, reason))
    return {"message": f"{action.capitalize()} requested for {instance_id}."}


@bp.route(route=INSTANCE + "/{action}", methods=["POST"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_action(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """terminate, suspend, resume, rewind or restart; body `{reason}` or `{newInstanceId}`."""
    action = req.route_params.get("action", "").lower()
    if action not in ALLOWED_ACTIONS or action == "purge":
        raise NotFoundError(f"Unknown action '{action[:40]}'", "action")
    return await act(client, principal, req, action)


@bp.route(route=INSTANCE, methods=["DELETE"], auth_level=MONITOR_AUTH_LEVEL)
@bp.durable_client_input(client_name="client")
@monitor_endpoint
async def monitor_purge(
    req: func.HttpRequest, client: df.DurableOrchestrationClient, principal: Principal
) -> func.HttpResponse:
    """Purge a finished instance's history and its sub-orchestrations'."""
    return await act(client, principal, req, "purge")


async def act(
    client: df.DurableOrchestrationClient, principal: Principal, req: func.HttpRequest, action: str
) -> func.HttpResponse:
    """Check the state allows `action`, run it, audit it; 202 (200 for purge)."""
    body = read_body(req)
    needs_history = action in ("purge", "terminate")
    status = await read_status(client, instance_id_of(req), history=needs_history)
    if status["runtimeStatus"] not in ALLOWED_ACTIONS[action]:
        allowed = ", ".join(sorted(ALLOWED_ACTIONS[action]))
        raise ConflictError(
            f"Cannot {action} '{status['instanceId']}': it is {status['runtimeStatus']} "
            f"(allowed when {allowed})",
            "id",
        )
    result = await run_action(client, action, status, body)
    detail = {k: v for k, v in result.items() if k != "message"}
    await audit(principal, action, str(status["instanceId"]), detail)
    result = {"instanceId": status["instanceId"], "action": action, **result}
    return json_answer(result, 200 if action == "purge" else 202)
