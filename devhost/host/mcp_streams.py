"""Resumable streamable HTTP responses: the events of each response stream are kept for a
while, so a client whose connection dropped can `GET` the endpoint with `Last-Event-ID` and
receive what it missed (the reply of a long tool call included), as the MCP transport spec
describes.

An event id is `<stream id>.<sequence>`; the stream id is random, so an id names one stream
and cannot be guessed. Streams are kept in this process for KEEP_SECONDS after their last
event, at most MAX_STREAMS of them.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

KEEP_SECONDS = 300.0
MAX_STREAMS = 1000
RETRY_MILLISECONDS = 1000
"""The reconnection delay a stream's first event suggests (the SSE `retry` field)."""


def sse_event(event: str | None, data: str, event_id: str | None = None) -> bytes:
    """One server-sent event, with its id when given."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    if event is not None:
        head += f"event: {event}\n"
    lines = "".join(f"data: {line}\n" for line in data.split("\n"))
    return f"{head}{lines}\n".encode()


def priming_event(event_id: str) -> bytes:
    """The event that opens a stream: its first id and the reconnection delay, no data."""
    return f"id: {event_id}\nretry: {RETRY_MILLISECONDS}\ndata: \n\n".encode()


@dataclass
class ResponseStream:
    """One response stream: the events written to it so far, and whether it is complete."""

    stream_id: str
    events: list[bytes] = field(default_factory=list)
    complete: asyncio.Event = field(default_factory=asyncio.Event)
    touched: float = field(default_factory=time.monotonic)

    def next_id(self) -> str:
        """The id the next event of this stream gets."""
        return f"{self.stream_id}.{len(self.events)}"

    def add(self, event: bytes) -> bytes:
        """Keep an event (already carrying next_id()) and return it."""
        self.events.append(event)
        self.touched = time.monotonic()
        return event

    def close(self) -> None:
        """Mark the stream complete: resumed readers get what is left, then the end."""
        self.complete.set()
        self.touched = time.monotonic()

    async def events_after(self, sequence: int) -> AsyncIterator[bytes]:
        """The events after `sequence` until the stream completes (a stream carries its
        priming event and then the reply, so a reader waits only for the completion)."""
        await self.complete.wait()
        for event in self.events[sequence + 1 :]:
            yield event


class ResponseStreams:
    """The recent response streams of this process, by stream id."""

    def __init__(self) -> None:
        self._streams: OrderedDict[str, ResponseStream] = OrderedDict()

    def open(self) -> ResponseStream:
        """A new stream, registered for resumption."""
        self._prune()
        stream = ResponseStream(secrets.token_urlsafe(16))
        self._streams[stream.stream_id] = stream
        return stream

    def find(self, event_id: str) -> tuple[ResponseStream, int] | None:
        """The stream an event id belongs to and the event's sequence, None if unknown."""
        stream_id, _, sequence = event_id.strip().rpartition(".")
        stream = self._streams.get(stream_id)
        if stream is None or not sequence.isdecimal() or len(sequence) > 9:
            return None
        if int(sequence) >= len(stream.events):
            return None
        return stream, int(sequence)

    def close_all(self) -> None:
        """Complete every stream, so resumed readers end (host shutdown)."""
        for stream in self._streams.values():
            stream.close()

    def _prune(self) -> None:
        now = time.monotonic()
        for stream_id, stream in list(self._streams.items()):
            expired = stream.complete.is_set() and now - stream.touched > KEEP_SECONDS
            if expired or len(self._streams) >= MAX_STREAMS:
                del self._streams[stream_id]
