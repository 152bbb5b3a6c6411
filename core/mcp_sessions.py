"""Open MCP sessions, one per tool server per event loop (a worker), reused by every tool
call and tool listing until it fails; then it is closed and the next call opens a new one.
Each session reports the server's tool-list changes: `notifications/tools/list_changed` on
protocol versions before 2026-07-28, a `subscriptions/listen` stream from then on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from weakref import WeakKeyDictionary

import mcp_types as types
from mcp import Client, MCPError
from mcp.client.subscriptions import ListenNotSupportedError, SubscriptionLost

from core.catalogue import AgentSpec
from core.mcp_result_validation import validate_quickly
from core.mcp_transports import open_client, session_target

SessionKey = tuple[str, str]
"""(agent id, target): a server moved to another URL gets a session of its own."""

ToolsChanged = Callable[[SessionKey], None]

logger = logging.getLogger(__name__)
RELISTEN_SECONDS = 0.5
MAX_RELISTEN_SECONDS = 30.0


class _HeldSession:
    """A session held open by a task of its own, so that the transport's task group is
    entered and left by one task, whichever callers use it in between."""

    def __init__(self, agent: AgentSpec, key: SessionKey, on_tools_changed: ToolsChanged):
        self.key = key
        self.client: Client | None = None
        self._agent = agent
        self._on_tools_changed = on_tools_changed
        self._ready = asyncio.Event()
        self._closing = asyncio.Event()
        self._failure: BaseException | None = None
        self._task: asyncio.Task[None] | None = None

    async def open(self, timeout: float) -> Client:
        """Start holding the session; the client once initialised, or what prevented it."""
        self._task = asyncio.create_task(self._hold(timeout), name=f"mcp-session:{self.key[0]}")
        await self._ready.wait()
        if self.client is None:
            assert self._failure is not None
            raise self._failure
        return self.client

    @property
    def alive(self) -> bool:
        """True while the session is open and its holder has not ended."""
        return self.client is not None and self._task is not None and not self._task.done()

    def abandon(self) -> None:
        """Ask the holder to close the session as soon as it is open (for a caller that
        stopped waiting, say on a timeout), without waiting for it."""
        self._closing.set()

    async def close(self) -> None:
        """Close the session and wait for its holder to end."""
        self._closing.set()
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _hold(self, timeout: float) -> None:
        try:
            async with asyncio.timeout(timeout):
                opening = open_client(self._agent, timeout, self._on_message)
                client = await opening.__aenter__()
        except BaseException as exc:
            self._failure = exc
            self._ready.set()
            return
        validate_quickly(client.session)
        self.client = client
        self._ready.set()
        listening = asyncio.create_task(self._listen(client), name=f"mcp-listen:{self.key[0]}")
        try:
            await self._closing.wait()
        finally:
            self.client = None
            listening.cancel()
            await asyncio.gather(listening, return_exceptions=True)
            # The server may already be gone; closing what is left is all that matters.
            with contextlib.suppress(Exception):
                await opening.__aexit__(None, None, None)

    async def _listen(self, client: Client) -> None:
        """Report each tool-list change a 2026-07-28 server publishes, listening again
        whenever the stream drops (an idle read timeout, say); an earlier server sends its
        notifications to `_on_message` instead."""
        pause = RELISTEN_SECONDS
        while True:
            try:
                async with client.listen(tools_list_changed=True) as changes:
                    pause = RELISTEN_SECONDS
                    async for _ in changes:
                        self._on_tools_changed(self.key)
            except ListenNotSupportedError:
                return
            except (SubscriptionLost, MCPError, TimeoutError) as exc:
                logger.debug("tool-list stream of %s ended: %s", self.key[0], exc)
            # A new stream replays nothing: what changed in between is fetched again.
            self._on_tools_changed(self.key)
            await asyncio.sleep(pause)
            pause = min(2 * pause, MAX_RELISTEN_SECONDS)

    async def _on_message(self, message: object) -> None:
        if isinstance(message, types.ToolListChangedNotification):
            self._on_tools_changed(self.key)


class SessionPool:
    """The open sessions of one process, per event loop and server."""

    def __init__(self, on_tools_changed: ToolsChanged):
        self._on_tools_changed = on_tools_changed
        self._loops: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[SessionKey, _HeldSession]]
        self._loops = WeakKeyDictionary()
        self._locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            WeakKeyDictionary()
        )
        self.opened = 0

    @staticmethod
    def key_of(agent: AgentSpec) -> SessionKey:
        """The pool's key of the agent's server."""
        return (agent.id, session_target(agent))

    async def client(self, agent: AgentSpec, timeout: float) -> tuple[Client, bool]:
        """The open session with the agent's server, opened now if there is none alive, and
        whether it was already open (reused)."""
        loop = asyncio.get_running_loop()
        sessions = self._loops.setdefault(loop, {})
        key = self.key_of(agent)
        held = sessions.get(key)
        if held is not None and held.alive and held.client is not None:
            return held.client, True
        lock = self._locks.setdefault(loop, asyncio.Lock())
        async with lock:
            held = sessions.get(key)
            if held is not None and held.alive and held.client is not None:
                return held.client, True
            # A session of the agent's previous server (reset, or moved) is of no more use.
            stale = [k for k in sessions if k[0] == agent.id]
            await asyncio.gather(*(sessions.pop(k).close() for k in stale))
            fresh = _HeldSession(agent, key, self._on_tools_changed)
            sessions[key] = fresh
            try:
                client = await fresh.open(timeout)
            except BaseException:
                # A caller cancelled mid-open must not leave a session (a child process)
                # held open that no one will use.
                sessions.pop(key, None)
                fresh.abandon()
                raise
            self.opened += 1
            return client, False

    async def discard(self, agent: AgentSpec) -> None:
        """Close the agent's session on this loop (after a failure); the next call reopens."""
        sessions = self._loops.get(asyncio.get_running_loop(), {})
        held = sessions.pop(self.key_of(agent), None)
        if held is not None:
            await held.close()

    async def close_all(self) -> None:
        """Close every session of this loop."""
        sessions = self._loops.pop(asyncio.get_running_loop(), {})
        await asyncio.gather(*(held.close() for held in sessions.values()))
