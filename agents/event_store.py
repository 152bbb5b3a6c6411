"""Resumable tool-server streams: the events of recent response streams, kept in memory so a
client whose connection dropped can reconnect with `Last-Event-ID` and get what it missed."""

from __future__ import annotations

import secrets
from collections import OrderedDict

from mcp.server.streamable_http import EventCallback, EventId, EventMessage, EventStore, StreamId
from mcp.types import JSONRPCMessage

MAX_EVENTS = 10_000


class MemoryEventStore(EventStore):
    """The last `max_events` events of this process, in the order they were sent. Event ids
    are random, so one cannot be guessed from another."""

    def __init__(self, max_events: int = MAX_EVENTS) -> None:
        self._max_events = max_events
        self._events: OrderedDict[EventId, tuple[StreamId, JSONRPCMessage | None]] = OrderedDict()

    async def store_event(self, stream_id: StreamId, message: JSONRPCMessage | None) -> EventId:
        """Keep an event (None: a stream's priming event) and return its new id."""
        event_id = secrets.token_urlsafe(12)
        self._events[event_id] = (stream_id, message)
        while len(self._events) > self._max_events:
            self._events.popitem(last=False)
        return event_id

    async def replay_events_after(
        self, last_event_id: EventId, send_callback: EventCallback
    ) -> StreamId | None:
        """Send the messages of `last_event_id`'s stream that came after it; that stream's
        id, or None when the event is unknown (or already dropped)."""
        if last_event_id not in self._events:
            return None
        stream_id = self._events[last_event_id][0]
        after = False
        for event_id, (event_stream, message) in list(self._events.items()):
            if after and event_stream == stream_id and message is not None:
                await send_callback(EventMessage(message, event_id))
            after = after or event_id == last_event_id
        return stream_id
