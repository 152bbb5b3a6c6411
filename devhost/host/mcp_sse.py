"""Legacy SSE sessions of the MCP extension: `GET .../sse` opens an event stream whose first
event names the message endpoint; requests POSTed there are answered on that stream.

A session is known only to the process that opened it, so a message for a session of an
earlier devhost run is refused. The stream carries a `ping` request every 25 seconds, as the
extension's does. Each event has an id (`<client id>.<sequence>`) and each connection starts
with a `retry` delay; when the stream drops, the session waits RESUME_SECONDS for the client
to reconnect with `Last-Event-ID`, then gets the events it missed and those queued meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import string
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from devhost.host.mcp_protocol import McpSession
from devhost.host.mcp_streams import RETRY_MILLISECONDS, sse_event

PING_SECONDS = 25.0
RESUME_SECONDS = 60.0
CHECK_SECONDS = 0.25
"""How often a quiet stream checks that its client is still connected."""
HISTORY_EVENTS = 100
"""How many of its latest events a session keeps to replay on resumption."""
RETRY = f"retry: {RETRY_MILLISECONDS}\n\n".encode()
"""The block that starts each connection: the reconnection delay, no event."""
_ID_CHARS = string.ascii_lowercase + string.digits


def new_client_id() -> str:
    """A 16-character client id like the extension's."""
    return "".join(secrets.choice(_ID_CHARS) for _ in range(16))


@dataclass
class SseSession:
    """One session: its MCP session, the request headers it was opened with (what a tool call
    sees), the messages waiting to be written to its stream, and its latest events."""

    client_id: str
    session: McpSession
    headers: dict[str, str]
    outbox: asyncio.Queue[dict[str, Any] | None] = field(default_factory=asyncio.Queue)
    history: deque[tuple[int, bytes]] = field(default_factory=lambda: deque(maxlen=HISTORY_EVENTS))
    detached_at: float | None = None
    _pings: int = 0
    _sent: int = 0

    def event(self, event: str, data: str) -> bytes:
        """The next event of this session, numbered and kept for resumption."""
        self._sent += 1
        encoded = sse_event(event, data, f"{self.client_id}.{self._sent}")
        self.history.append((self._sent, encoded))
        return encoded

    def events_after(self, sequence: int) -> list[bytes]:
        """The kept events after `sequence`."""
        return [encoded for number, encoded in self.history if number > sequence]

    def send(self, message: dict[str, Any]) -> None:
        """Queue a message for the stream."""
        self.outbox.put_nowait(message)

    def close(self) -> None:
        """End the stream after what is queued."""
        self.outbox.put_nowait(None)

    async def next_event(self, connected: Callable[[], bool]) -> bytes | None:
        """The next event to write: a queued message, a ping when the stream was quiet for
        PING_SECONDS, or None once the session is closed. Raises ConnectionResetError soon
        after `connected()` turns false, so a dropped stream is detached before its client
        reconnects (the `retry` delay is longer than the check interval)."""
        quiet = 0.0
        while True:
            try:
                message = await asyncio.wait_for(self.outbox.get(), CHECK_SECONDS)
                break
            except TimeoutError:
                if not connected():
                    raise ConnectionResetError("the client closed the stream") from None
                quiet += CHECK_SECONDS
                if quiet >= PING_SECONDS:
                    self._pings += 1
                    message = {"jsonrpc": "2.0", "id": f"ping-{self._pings}", "method": "ping"}
                    break
        return None if message is None else self.event("message", json.dumps(message))


class SseSessions:
    """The legacy SSE sessions of this process, by client id."""

    def __init__(self) -> None:
        self._sessions: dict[str, SseSession] = {}

    def open(self, headers: dict[str, str]) -> SseSession:
        """Register a new session."""
        self._prune()
        client_id = new_client_id()
        session = SseSession(client_id, McpSession("http-sse", session_id=client_id), headers)
        self._sessions[client_id] = session
        return session

    def get(self, client_id: str) -> SseSession | None:
        """The session of `client_id` (its stream open or awaiting resumption), if any."""
        return self._sessions.get(client_id)

    def resume(self, last_event_id: str) -> tuple[SseSession, int] | None:
        """The detached session `last_event_id` belongs to, reattached, and the event's
        sequence; None when there is no such session to resume."""
        self._prune()
        client_id, _, sequence = last_event_id.strip().rpartition(".")
        session = self._sessions.get(client_id)
        if session is None or session.detached_at is None or not sequence.isdecimal():
            return None
        session.detached_at = None
        return session, int(sequence[:9])

    def detach(self, client_id: str) -> None:
        """Keep a session whose stream dropped for RESUME_SECONDS."""
        session = self._sessions.get(client_id)
        if session is not None:
            session.detached_at = time.monotonic()

    def remove(self, client_id: str) -> None:
        """Forget a session whose stream ended."""
        self._sessions.pop(client_id, None)

    def close_all(self) -> None:
        """End every stream (host shutdown)."""
        for session in list(self._sessions.values()):
            session.close()
        self._sessions.clear()

    def _prune(self) -> None:
        now = time.monotonic()
        for client_id, session in list(self._sessions.items()):
            if session.detached_at is not None and now - session.detached_at > RESUME_SECONDS:
                del self._sessions[client_id]
