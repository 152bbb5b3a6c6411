"""The `durableClient` binding value and the management links the extension hands out."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

WEBHOOK_PATH = "/runtime/webhooks/durabletask"
RPC_PATH = "/durabletask/"
INSTANCE_ID_PLACEHOLDER = "INSTANCEID"


@dataclass(frozen=True)
class WebhookSettings:
    """What the links depend on: the public origin, the hub, its connection, the system key
    and the local RPC base URL the Python SDK calls."""

    origin: str
    hub_name: str
    connection_name: str
    system_key: str
    rpc_base_url: str

    @functools.cached_property
    def base_url(self) -> str:
        """`http://host:port/runtime/webhooks/durabletask`."""
        return self.origin.rstrip("/") + WEBHOOK_PATH

    @functools.cached_property
    def key_query(self) -> str:
        """The query string every webhook link carries (the system key)."""
        return f"code={quote(self.system_key, safe='')}"


def management_links(
    settings: WebhookSettings,
    instance_id: str,
    *,
    origin: str | None = None,
    task_hub: str | None = None,
    connection: str | None = None,
    return_internal_server_error_on_failure: bool = False,
) -> dict[str, str]:
    """The HttpManagementPayload for one instance, links rooted at `origin` when given (the
    request's origin, as the extension does) else at the host's own origin."""
    root = (origin or settings.origin).rstrip("/") + WEBHOOK_PATH
    prefix = f"{root}/instances/{quote(instance_id, safe='')}"
    hub = quote(task_hub or settings.hub_name, safe="")
    conn = quote(connection or settings.connection_name, safe="")
    suffix = f"taskHub={hub}&connection={conn}&{settings.key_query}"
    status_uri = f"{prefix}?{suffix}"
    if return_internal_server_error_on_failure:
        status_uri += "&returnInternalServerErrorOnFailure=true"
    return {
        "id": instance_id,
        "statusQueryGetUri": status_uri,
        "sendEventPostUri": f"{prefix}/raiseEvent/{{eventName}}?{suffix}",
        "terminatePostUri": f"{prefix}/terminate?reason={{text}}&{suffix}",
        "rewindPostUri": f"{prefix}/rewind?reason={{text}}&{suffix}",
        "purgeHistoryDeleteUri": f"{prefix}?{suffix}",
        "restartPostUri": f"{prefix}/restart?{suffix}",
        "suspendPostUri": f"{prefix}/suspend?reason={{text}}&{suffix}",
        "resumePostUri": f"{prefix}/resume?reason={{text}}&{suffix}",
    }


def client_binding(
    settings: WebhookSettings, binding: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON object the host passes for a `durableClient` binding (OrchestrationClientInputData),
    honouring the binding's own `taskHub` and `connectionName`."""
    binding = binding or {}
    task_hub = binding.get("taskHub") or None
    connection = binding.get("connectionName") or None
    instance_prefix = f"{settings.base_url}/orchestrators/{{functionName}}[/{{instanceId}}]"
    return {
        "taskHubName": task_hub or settings.hub_name,
        "connectionName": connection,
        "creationUrls": {
            "createNewInstancePostUri": f"{instance_prefix}?{settings.key_query}",
            "createAndWaitOnNewInstancePostUri": (
                f"{instance_prefix}?timeout={{timeoutInSeconds}}"
                f"&pollingInterval={{intervalInSeconds}}&{settings.key_query}"
            ),
        },
        "managementUrls": management_links(
            settings, INSTANCE_ID_PLACEHOLDER, task_hub=task_hub, connection=connection
        ),
        "baseUrl": settings.base_url,
        "requiredQueryStringParameters": settings.key_query,
        "rpcBaseUrl": settings.rpc_base_url,
        "httpBaseUrl": None,
    }


def client_binding_json(settings: WebhookSettings, binding: dict[str, Any] | None = None) -> str:
    """`client_binding` serialised, as the worker hands it to the function."""
    return json.dumps(client_binding(settings, binding))
