"""A remote A2A agent built with a2a-sdk's server, run under uvicorn on a loopback port in the
test process: a weather forecaster that answers at once, asks for input when the request
names no city, fails on a typhoon, or holds its task in `working` until the test releases it. It counts the
messages it received and the tasks it was asked to cancel."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import uvicorn
from a2a.helpers.proto_helpers import get_message_text, new_task, new_text_part
from a2a.server.agent_execution import AgentExecutor, RequestContext
from a2a.server.events.event_queue_v2 import EventQueue
from a2a.server.request_handlers import DefaultRequestHandler
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskUpdater
from a2a.types import AgentCapabilities, AgentCard, AgentInterface, AgentSkill, TaskState
from starlette.applications import Starlette

from tests.services import LOOPBACK, free_port

CITIES = {"Sapporo": "snow, -3 °C", "Naha": "sunny, 24 °C", "Sendai": "rain, 6 °C"}
HOLD_WORD = "weekly"
"""A request with this word stays `working` until `release(task_id)`."""
QUESTION = "Which city should the forecast be for?"
FAIL_WORD = "typhoon"
"""A request with this word ends its task failed, saying why."""
FAILURE = "The typhoon model is offline."


@dataclass
class ForecastExecutor(AgentExecutor):
    """The remote agent's logic; what it saw is kept for the tests to check."""

    messages: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    held: dict[str, str] = field(default_factory=dict)
    """Tasks waiting for `RemoteAgent.release`: task id -> the message that asked."""
    releases: dict[str, asyncio.Event] = field(default_factory=dict)

    async def execute(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Answer with the forecast of the city named, or ask which city is meant."""
        assert context.message is not None
        assert context.task_id
        assert context.context_id
        text = get_message_text(context.message)
        self.messages.append(text)
        if context.current_task is None:
            await event_queue.enqueue_event(
                new_task(context.task_id, context.context_id, TaskState.TASK_STATE_SUBMITTED)
            )
        updater = TaskUpdater(event_queue, context.task_id, context.context_id)
        await updater.start_work()
        if FAIL_WORD in text.casefold():
            await updater.failed(updater.new_agent_message([new_text_part(FAILURE)]))
            return
        city = next((c for c in CITIES if c.casefold() in text.casefold()), None)
        if city is None:
            await updater.requires_input(updater.new_agent_message([new_text_part(QUESTION)]))
            return
        if HOLD_WORD in text.casefold():
            release = self.releases.setdefault(context.task_id, asyncio.Event())
            self.held[context.task_id] = text
            await release.wait()
        forecast = f"Forecast for {city}: {CITIES[city]}."
        await updater.add_artifact([new_text_part(forecast)], name="forecast")
        await updater.complete()

    async def cancel(self, context: RequestContext, event_queue: EventQueue) -> None:
        """Note the cancelled task and end it as canceled."""
        assert context.task_id
        assert context.context_id
        self.cancelled.append(context.task_id)
        await TaskUpdater(event_queue, context.task_id, context.context_id).cancel()


@dataclass
class RemoteAgent:
    """The running server: its base URL and its executor."""

    url: str
    executor: ForecastExecutor
    loop: asyncio.AbstractEventLoop

    def release(self, task_id: str) -> None:
        """Let the held task `task_id` finish."""
        self.loop.call_soon_threadsafe(self.executor.releases[task_id].set)


def _card(url: str) -> AgentCard:
    return AgentCard(
        name="Forecaster",
        description="Weather forecasts of Japanese cities.",
        version="1.0.0",
        supported_interfaces=[
            AgentInterface(protocol_binding="JSONRPC", protocol_version="1.0", url=url)
        ],
        capabilities=AgentCapabilities(streaming=False),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        skills=[
            AgentSkill(
                id="forecast",
                name="Forecast",
                description="Tomorrow's weather of a city.",
                tags=["weather"],
            )
        ],
    )


@contextmanager
def remote_a2a_agent(timeout: float = 30.0) -> Iterator[RemoteAgent]:
    """The forecaster served on a free loopback port until the block ends."""
    port = free_port()
    url = f"http://{LOOPBACK}:{port}/"
    executor = ForecastExecutor()
    card = _card(url)
    handler = DefaultRequestHandler(
        agent_executor=executor, task_store=InMemoryTaskStore(), agent_card=card
    )
    app = Starlette(routes=[*create_agent_card_routes(card), *create_jsonrpc_routes(handler, "/")])
    server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=port, log_level="warning"))
    loops: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        loop = asyncio.new_event_loop()
        # Current in this thread, so gathering no pending tasks at the end still finds it.
        asyncio.set_event_loop(loop)
        loops.append(loop)
        try:
            loop.run_until_complete(server.serve())
            # Tasks still held end here, on their own loop: collected later on another
            # thread, their clean-up would block on the SDK's queues forever.
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the remote A2A agent did not start")
        time.sleep(0.05)
    try:
        yield RemoteAgent(url=url, executor=executor, loop=loops[0])
    finally:
        server.should_exit = True
        thread.join(timeout)
