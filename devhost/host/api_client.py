"""A small client for a running devhost's Durable HTTP API, used by the CLI."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from devhost.host.durable_client import WEBHOOK_PATH


class DevhostError(Exception):
    """Raised when devhost answers with an unexpected status."""

    def __init__(self, status: int, body: str) -> None:
        self.status = status
        self.body = body
        super().__init__(f"HTTP {status}: {body or '(no body)'}")


class DevhostClient:
    """Calls `/runtime/webhooks/durabletask/...` on `base_url` with the given key."""

    def __init__(self, base_url: str, key: str | None = None, timeout: float = 30.0) -> None:
        self._base = base_url.rstrip("/") + WEBHOOK_PATH
        headers = {"x-functions-key": key} if key else {}
        self._http = httpx.Client(headers=headers, timeout=timeout)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _instance(self, instance_id: str, suffix: str = "") -> str:
        return f"{self._base}/instances/{quote(instance_id, safe='')}{suffix}"

    def _call(self, method: str, url: str, ok: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        response = self._http.request(method, url, **kwargs)
        if response.status_code not in ok:
            raise DevhostError(response.status_code, response.text)
        return response

    def list_instances(
        self, params: dict[str, str], top: int | None = None
    ) -> list[dict[str, Any]]:
        """Every instance matching `params`, following continuation tokens (at most `top`)."""
        found: list[dict[str, Any]] = []
        token = ""
        while True:
            headers = {"x-ms-continuation-token": token} if token else {}
            response = self._call(
                "GET", f"{self._base}/instances", (200,), params=params, headers=headers
            )
            found.extend(response.json())
            token = response.headers.get("x-ms-continuation-token", "")
            if not token or (top is not None and len(found) >= top):
                return found[:top] if top is not None else found

    def status(self, instance_id: str, history: bool = False) -> dict[str, Any]:
        """The instance's status (with history and its outputs when asked)."""
        params = {"showHistory": "true", "showHistoryOutput": "true"} if history else {}
        result: dict[str, Any] = self._call(
            "GET", self._instance(instance_id), (200, 202), params=params
        ).json()
        return result

    def raise_event(self, instance_id: str, event: str, data_json: str) -> None:
        """Send an external event with a JSON payload."""
        url = self._instance(instance_id, f"/raiseEvent/{quote(event, safe='')}")
        headers = {"Content-Type": "application/json"}
        self._call("POST", url, (202,), content=data_json.encode(), headers=headers)

    def operate(self, instance_id: str, operation: str, reason: str) -> None:
        """terminate, suspend, resume or rewind an instance."""
        url = self._instance(instance_id, f"/{operation}")
        self._call("POST", url, (202,), params={"reason": reason})

    def restart(self, instance_id: str, new_instance_id: bool) -> str:
        """Restart an instance; returns the id it runs under."""
        url = self._instance(instance_id, "/restart")
        params = {"restartWithNewInstanceId": str(new_instance_id).lower()}
        return str(self._call("POST", url, (202,), params=params).json()["id"])

    def purge(self, instance_id: str) -> int:
        """Delete one instance's history; 0 when it did not exist."""
        response = self._call("DELETE", self._instance(instance_id), (200, 404))
        return int(response.json()["instancesDeleted"]) if response.status_code == 200 else 0

    def purge_by(self, params: dict[str, str]) -> int:
        """Delete the history of every instance matching the filter."""
        response = self._call("DELETE", f"{self._base}/instances", (200, 404), params=params)
        return int(response.json()["instancesDeleted"]) if response.status_code == 200 else 0
