"""The OpenAPI 3.1 document of the HTTP API, generated from the pydantic models of its
bodies (their JSON schemas become `components/schemas`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from core.catalogue import get_catalogue
from core.models import CoordinatorRequest, SweepRequest
from orchestrations import names
from triggers.shared import routes
from triggers.shared.api_models import (
    API_VERSION,
    AgentsListing,
    AgentStatusReport,
    ApprovalAccepted,
    ApprovalRequest,
    AuditLog,
    ErrorBody,
    HealthReport,
    InstanceStatus,
    Liveness,
    OrchestrateResponse,
    PurgeReport,
    ResetReport,
    ResetRequest,
    StatusLinks,
    TerminationReport,
    ThreadDeleted,
    ThreadView,
    WorkflowStatus,
)
from triggers.shared.endpoint import MAX_BODY_BYTES
from triggers.shared.instance_ids import PATTERN_TEXT

Mode = Literal["validation", "serialization"]
Schema = dict[str, Any]

REQUESTS: list[type[BaseModel]] = [
    CoordinatorRequest,
    SweepRequest,
    ApprovalRequest,
    ResetRequest,
]
RESPONSES: list[type[BaseModel]] = [
    ErrorBody,
    StatusLinks,
    OrchestrateResponse,
    WorkflowStatus,
    ApprovalAccepted,
    HealthReport,
    Liveness,
    AgentsListing,
    AgentStatusReport,
    ResetReport,
    AuditLog,
    InstanceStatus,
    TerminationReport,
    PurgeReport,
    ThreadView,
    ThreadDeleted,
]
ERRORS = {
    400: "The body is not JSON (`invalid_json`) or a field is wrong (`validation_error`).",
    403: "The caller may not do this (`forbidden`): the `thread_id` names another caller's "
    "thread.",
    404: "No such resource (`not_found`); the detail names it and what exists.",
    409: "The target's state does not allow this now (`conflict`).",
    413: f"The body is larger than {MAX_BODY_BYTES} bytes (`payload_too_large`).",
    503: "The Durable backend did not answer (`durable_unavailable`).",
}


def _schemas() -> tuple[dict[type[BaseModel], Schema], dict[str, Schema]]:
    """A `$ref` per model and the component schemas they point to."""
    pairs: list[tuple[type[BaseModel], Mode]] = [(m, "validation") for m in REQUESTS]
    pairs += [(m, "serialization") for m in RESPONSES]
    refs, top = models_json_schema(pairs, ref_template="#/components/schemas/{model}")
    return {model: refs[(model, mode)] for model, mode in pairs}, top.get("$defs", {})


def _json(schema: Schema) -> Schema:
    return {"application/json": {"schema": schema}}


def _answer(description: str, schema: Schema | None = None, **headers: str) -> Schema:
    answer: Schema = {"description": description}
    if schema is not None:
        answer["content"] = _json(schema)
    if headers:
        answer["headers"] = {
            name.replace("_", "-"): {"description": text, "schema": {"type": "string"}}
            for name, text in headers.items()
        }
    return answer


def _path_parameter(name: str, description: str, enum: list[str] | None = None) -> Schema:
    schema: Schema = {"type": "string"}
    if enum:
        schema["enum"] = enum
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def _operations(ref: dict[type[BaseModel], Schema]) -> dict[str, Schema]:
    error = ref[ErrorBody]

    def errors(*codes: int) -> dict[str, Schema]:
        # The host itself refuses a missing or wrong key, before the function runs.
        refused = {"401": _answer("No valid key (answered by the host, without a body).")}
        return refused | {str(code): _answer(ERRORS[code], error) for code in codes}

    anonymous: list[Schema] = []
    workflow_id = _path_parameter("id", "The workflow id (the coordinator's instance id).")
    instance_id = _path_parameter("id", f"An instance id the caller may act on: {PATTERN_TEXT}.")
    thread_id = _path_parameter("id", "The thread id (`thread_id` of its requests).")
    thread_query: Schema = {
        "name": "thread_id",
        "in": "query",
        "required": False,
        "description": "The conversation the request continues, as `thread_id` in the body "
        "(a body naming another thread is a 400).",
        "schema": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._-]*$", "maxLength": 128},
    }
    return {
        "/" + routes.START: {
            "post": {
                "operationId": "startOrchestrator",
                "summary": "Start a public orchestration",
                "description": "The body is the orchestration's public request: for "
                "`coordinator` a CoordinatorRequest, for `batch_sweep` a SweepRequest. Limits "
                "come from the settings and the caller is recorded as the run's owner. The "
                "links point to this API's `instances/{id}` routes. The name is matched "
                "case-insensitively.",
                "parameters": [
                    _path_parameter(
                        "name", "Orchestrator name.", sorted(names.PUBLIC_ORCHESTRATORS)
                    ),
                    thread_query,
                ],
                "requestBody": {
                    "required": True,
                    "content": _json({"oneOf": [ref[CoordinatorRequest], ref[SweepRequest]]}),
                },
                "responses": {
                    "202": _answer(
                        "Started; follow `statusQueryGetUri`.",
                        ref[StatusLinks],
                        Location="statusQueryGetUri",
                        Retry_After="Seconds to wait.",
                    ),
                    **errors(400, 403, 404, 413, 503),
                },
            }
        },
        "/" + routes.HEALTH: {
            "get": {
                "operationId": "health",
                "summary": "Health of the app and its dependencies",
                "description": "Anonymous. Checks the Durable backend, the agent log, the model "
                "configuration (without calling it) and every agent's tool server.",
                "security": anonymous,
                "responses": {
                    "200": _answer("Every check passed.", ref[HealthReport]),
                    "503": _answer("At least one check failed.", ref[HealthReport]),
                },
            }
        },
        "/" + routes.LIVENESS: {
            "get": {
                "operationId": "liveness",
                "summary": "The app runs (for liveness probes; dependencies are not checked)",
                "security": anonymous,
                "responses": {"200": _answer("Alive.", ref[Liveness])},
            }
        },
        "/" + routes.ORCHESTRATE: {
            "post": {
                "operationId": "orchestrate",
                "summary": "Ask the coordinator",
                "description": "Starts the coordinator and waits up to ORCHESTRATE_WAIT_SECONDS. "
                "A request that changes data (or sets `require_approval`) waits for a decision "
                "at `POST /coordinator/workflows/{id}/approval`. With a `thread_id` the plan and "
                "the agents see a summary of the thread's earlier turns (questions, answers, "
                "agents, tools and the items results listed), so a follow-up can refer to them.",
                "parameters": [thread_query],
                "requestBody": {"required": True, "content": _json(ref[CoordinatorRequest])},
                "responses": {
                    "200": _answer(
                        "The workflow finished: `result` (or `error`).", ref[OrchestrateResponse]
                    ),
                    "202": _answer(
                        "Still running: follow `workflow_url` or `status_urls`.",
                        ref[OrchestrateResponse],
                        Location="statusQueryGetUri",
                        Retry_After="Seconds to wait.",
                    ),
                    **errors(400, 403, 413, 503),
                },
            }
        },
        "/" + routes.THREAD: {
            "get": {
                "operationId": "getThread",
                "summary": "A conversation thread: each turn with its workflow id and answer",
                "description": "Turns oldest first: workflow id, question, status, answer, "
                "agents, tools, result items, started and finished times; a turn whose run "
                "failed or was terminated before it answered shows `ended_without_answer`. "
                "Operators read their own threads, Approvers and Admins any.",
                "parameters": [thread_id],
                "responses": {
                    "200": _answer("The thread.", ref[ThreadView]),
                    **errors(404),
                },
            },
            "delete": {
                "operationId": "deleteThread",
                "summary": "Delete a conversation thread",
                "description": "Removes its turns (the workflows stay until retention purges "
                "them). Operators delete their own threads, Admins any.",
                "parameters": [thread_id],
                "responses": {
                    "200": _answer("Deleted.", ref[ThreadDeleted]),
                    **errors(404),
                },
            },
        },
        "/" + routes.WORKFLOW: {
            "get": {
                "operationId": "getWorkflow",
                "summary": "A coordinator workflow's status, progress and result",
                "parameters": [workflow_id],
                "responses": {
                    "200": _answer("The workflow.", ref[WorkflowStatus]),
                    **errors(404, 503),
                },
            }
        },
        "/" + routes.WORKFLOW_EVENTS: {
            "get": {
                "operationId": "getWorkflowEvents",
                "summary": "A workflow's progress as Server-Sent Events",
                "description": "Events: `workflow_started`, `plan`, `approval_requested`, "
                "`approval_decided`, `agent_started`, `model_step`, `tool_call`, "
                "`agent_finished`, `answer`, `workflow_ended` (and `activity`, `event_raised`, "
                "`step_started`, `step_ended` for other steps), each with its position as `id`. "
                "An answer holds the events past `Last-Event-ID` as soon as there is one (or "
                "after EVENT_STREAM_SECONDS), then closes with a `retry:` hint: reconnect "
                "with the last id to go on, with no gap and no repeat.",
                "parameters": [
                    workflow_id,
                    {
                        "name": "Last-Event-ID",
                        "in": "header",
                        "required": False,
                        "description": "The id of the last event received.",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "The events past `Last-Event-ID`.",
                        "content": {"text/event-stream": {"schema": {"type": "string"}}},
                    },
                    "204": _answer("The workflow has ended and every event was delivered."),
                    **errors(400, 404, 503),
                },
            }
        },
        "/" + routes.APPROVAL: {
            "post": {
                "operationId": "decideApproval",
                "summary": "Approve or deny a plan or tool call a workflow awaits a decision on",
                "description": "Decides the approval `approval_id` names, else the oldest "
                "waiting (`progress.pending_approvals`); with `digest`, the decision counts only "
                "if it is the digest of what waits. Needs the Approver or Admin role.",
                "parameters": [workflow_id],
                "requestBody": {"required": True, "content": _json(ref[ApprovalRequest])},
                "responses": {
                    "202": _answer(
                        "Sent; the workflow applies it.",
                        ref[ApprovalAccepted],
                        Location="The workflow's URL.",
                    ),
                    **errors(400, 404, 409, 413, 503),
                },
            }
        },
        "/" + routes.INSTANCE: {
            "get": {
                "operationId": "getInstance",
                "summary": "An instance's status (where `statusQueryGetUri` points)",
                "description": "Operators read their own runs, Approvers and Admins any.",
                "parameters": [instance_id],
                "responses": {
                    "200": _answer("The instance finished.", ref[InstanceStatus]),
                    "202": _answer(
                        "The instance is still active.",
                        ref[InstanceStatus],
                        Location="This URL.",
                        Retry_After="Seconds to wait.",
                    ),
                    **errors(400, 404, 503),
                },
            },
            "delete": {
                "operationId": "purgeInstance",
                "summary": "Purge a finished run's history and its sub-orchestrations' (Admin)",
                "parameters": [instance_id],
                "responses": {
                    "200": _answer("Purged.", ref[PurgeReport]),
                    **errors(400, 404, 409, 503),
                },
            },
        },
        "/" + routes.INSTANCE_TERMINATE: {
            "post": {
                "operationId": "terminateInstance",
                "summary": "Terminate a run and its running sub-orchestrations",
                "description": "Operators terminate their own runs, Admins any. Query "
                "parameter `reason` (at most 1000 characters).",
                "parameters": [instance_id],
                "responses": {
                    "202": _answer("Terminated.", ref[TerminationReport]),
                    **errors(400, 404, 409, 503),
                },
            }
        },
        "/" + routes.INSTANCE_EVENT: {
            "post": {
                "operationId": "raiseInstanceEvent",
                "summary": "Raise an external event on an active instance (Admin)",
                "description": "The JSON body is the event's data. A raised `approval` event "
                "is not an approval: decide at `coordinator/workflows/{id}/approval`.",
                "parameters": [instance_id, _path_parameter("event", "The event's name.")],
                "responses": {"202": _answer("Raised."), **errors(400, 404, 409, 413, 503)},
            }
        },
        "/" + routes.AGENTS: {
            "get": {
                "operationId": "listAgents",
                "summary": "The agent catalogue: each agent's tool source, tools with their risk, "
                "and health",
                "responses": {
                    "200": _answer("The catalogue's agents.", ref[AgentsListing]),
                    **errors(),
                },
            }
        },
        "/" + routes.AGENT_STATUS: {
            "get": {
                "operationId": "agentStatus",
                "summary": "An agent's readiness, tools and last hour of activity",
                "parameters": [
                    _path_parameter("agent", "Agent id.", [*get_catalogue().ids, "coordinator"])
                ],
                "responses": {
                    "200": _answer("The agent's status.", ref[AgentStatusReport]),
                    **errors(404),
                },
            }
        },
        "/" + routes.RESET: {
            "post": {
                "operationId": "resetSystem",
                "summary": "Reset the system (master key)",
                "description": "Refused while any workflow is active. Purges the history of "
                "finished workflows, resets the in-process tool servers to their shipped data and "
                "writes an audit record.",
                "requestBody": {"required": False, "content": _json(ref[ResetRequest])},
                "responses": {
                    "200": _answer("Reset done.", ref[ResetReport]),
                    **errors(400, 409, 413, 503),
                },
            }
        },
        "/" + routes.AUDIT: {
            "get": {
                "operationId": "auditLog",
                "summary": "The append-only audit log (master key, Admin role)",
                "description": "Approvals (with approver, plan digest and outcome) and admin "
                "actions, oldest first.",
                "parameters": [
                    {
                        "name": "since",
                        "in": "query",
                        "required": False,
                        "description": "ISO 8601 time; default a week ago.",
                        "schema": {"type": "string", "format": "date-time"},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "description": "At most this many records (1-500, default 100).",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                    },
                ],
                "responses": {"200": _answer("Audit records.", ref[AuditLog]), **errors(400)},
            }
        },
        "/" + routes.OPENAPI: {
            "get": {
                "operationId": "openapi",
                "summary": "This document",
                "security": anonymous,
                "responses": {"200": _answer("OpenAPI 3.1 JSON.", {"type": "object"})},
            }
        },
        "/" + routes.DOCS: {
            "get": {
                "operationId": "docs",
                "summary": "A readable page of this document, with a form to try orchestrate",
                "security": anonymous,
                "responses": {
                    "200": {
                        "description": "HTML.",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
    }


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The API's OpenAPI 3.1 document (paths relative to the `/api` server)."""
    ref, components = _schemas()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Durable multi-agent coordinator",
            "version": API_VERSION,
            "description": "A reasoning coordinator on Azure Durable Functions that plans, asks "
            "the specialist agents of its catalogue and their MCP tools, "
            "and synthesises their answers. Every error answer is an ErrorBody.",
        },
        "servers": [{"url": "/api"}],
        "security": [{"functionKey": []}, {"functionKeyQuery": []}],
        "paths": _operations(ref),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "functionKey": {"type": "apiKey", "in": "header", "name": "x-functions-key"},
                "functionKeyQuery": {"type": "apiKey", "in": "query", "name": "code"},
            },
        },
    }
