"""A scripted OpenAI-compatible HTTP server on a free loopback port, for tests that run the
real `openai` SDK: Azure OpenAI's deployment route and the OpenAI API's `/v1` route (whose
`deployment` is the body's model). Each request takes the next scripted reply and is
recorded."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CHAT_ROUTE = "/openai/deployments/{deployment}/chat/completions"
OPENAI_CHAT_ROUTE = "/v1/chat/completions"


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status, a JSON body (or raw text), headers and a delay."""

    status: int = 200
    body: dict[str, Any] | str = field(default_factory=lambda: completion("ok"))
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


@dataclass(frozen=True)
class ReceivedRequest:
    """A request the server got, with the monotonic time it arrived."""

    deployment: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]
    arrived_at: float


def completion(
    content: str | None = None,
    *,
    tool_calls: list[dict[str, Any]] | None = None,
    finish_reason: str = "stop",
    refusal: str | None = None,
    usage: tuple[int, int] = (11, 7),
    model: str = "gpt-4o-2024-11-20",
) -> dict[str, Any]:
    """A chat.completion body with one choice and the given (prompt, completion) usage."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
        },
    }


def function_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    """A tool call in a chat.completion message; `arguments` is the raw JSON text."""
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def error_body(message: str, code: str) -> dict[str, Any]:
    """An error body the way Azure OpenAI spells one."""
    return {"error": {"message": message, "type": "error", "code": code}}


class OpenAICompatibleServer:
    """Serves POST `CHAT_ROUTE` from a script of replies; a default "ok" completion when
    the script is empty."""

    def __init__(self) -> None:
        self.requests: list[ReceivedRequest] = []
        self._replies: deque[Reply] = deque()
        self._runner: web.AppRunner | None = None
        self.endpoint = ""

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order."""
        self._replies.extend(replies)

    async def start(self) -> None:
        """Listen on a free loopback port; `endpoint` is then the base URL."""
        app = web.Application()
        app.router.add_post(CHAT_ROUTE, self._chat)
        app.router.add_post(OPENAI_CHAT_ROUTE, self._chat)
        # Cancel a handler whose client hung up, so a timed-out request does not
        # hold up shutdown.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        await web.SockSite(self._runner, sock).start()
        self.endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(
            ReceivedRequest(
                deployment=request.match_info.get("deployment") or str(body.get("model")),
                query=dict(request.query),
                headers={k.lower(): v for k, v in request.headers.items()},
                body=body,
                arrived_at=time.monotonic(),
            )
        )
        reply = self._replies.popleft() if self._replies else Reply()
        if reply.delay_seconds:
            await asyncio.sleep(reply.delay_seconds)
        text = reply.body if isinstance(reply.body, str) else json.dumps(reply.body)
        return web.Response(
            status=reply.status, text=text, content_type="application/json", headers=reply.headers
        )


@asynccontextmanager
async def serving() -> AsyncIterator[OpenAICompatibleServer]:
    """A started server, stopped on exit."""
    server = OpenAICompatibleServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
