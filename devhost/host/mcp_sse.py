"""Legacy SSE sessions of the MCP extension: `GET .../sse` opens an event stream whose first
event names the message endpoint; requests POSTed there are answered on that stream.

A session lives as long as its stream and is known only to the process that opened it, so a
message for a session of an earlier devhost run is refused. The stream carries a `ping`
request every 25 seconds, as the extension's does. Each event has an id (its sequence in the
session) and the first one a `retry` delay.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from devhost.host.mcp_protocol import McpSession
from devhost.host.mcp_streams import RETRY_MILLISECONDS, sse_event

PING_SECONDS = 25.0
_ID_CHARS = string.ascii_lowercase + string.digits


def new_client_id() -> str:
    """A 16-character client id like the extension's."""
    return "".join(secrets.choice(_ID_CHARS) for _ in range(16))


@dataclass
class SseSession:
    """One open stream: its MCP session, the request headers it was opened with (what a tool
    call sees), and the messages waiting to be written to it."""

    client_id: str
    session: McpSession
    headers: dict[str, str]
    outbox: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    _pings: int = 0
    _sent: int = 0

    def event(self, event: str, data: str) -> bytes:
        """The next event of this stream, numbered; the first also carries the retry delay."""
        self._sent += 1
        encoded = sse_event(event, data, str(self._sent))
        return f"retry: {RETRY_MILLISECONDS}\n".encode() + encoded if self._sent == 1 else encoded

    def send(self, message: dict[str, Any]) -> None:
        """Queue a message for the stream."""
        self.outbox.put_nowait(message)

    def close(self) -> None:
        """End the stream after what is queued."""
        self.outbox.put_nowait(None)

    async def next_event(self) -> bytes | None:
        """The next event to write: a queued message, a ping when the stream was quiet for
        PING_SECONDS, or None once the session is closed."""
        try:
            message = await asyncio.wait_for(self.outbox.get(), PING_SECONDS)
        except TimeoutError:
            self._pings += 1
            message = {"jsonrpc": "2.0", "id": f"ping-{self._pings}", "method": "ping"}
        return None if message is None else self.event("message", json.dumps(message))


class SseSessions:
    """The open legacy SSE sessions of this process, by client id."""

    def __init__(self) -> None:
        self._sessions: dict[str, SseSession] = {}

    def open(self, headers: dict[str, str]) -> SseSession:
        """Register a new session."""
        client_id = new_client_id()
        session = SseSession(client_id, McpSession("http-sse", session_id=client_id), headers)
        self._sessions[client_id] = session
        return session

    def get(self, client_id: str) -> SseSession | None:
        """The open session of `client_id`, if any."""
        return self._sessions.get(client_id)

    def remove(self, client_id: str) -> None:
        """Forget a session whose stream ended."""
        self._sessions.pop(client_id, None)

    def close_all(self) -> None:
        """End every open stream (host shutdown)."""
        for session in list(self._sessions.values()):
            session.close()
