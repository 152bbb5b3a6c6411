"""The devhost process: load the app, start the engine, serve HTTP on the public port and the
SDK's RPC endpoint on a loopback port, run timers; stop gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from devhost.app_loader import FunctionIndex
from devhost.config import (
    DEFAULT_PORT,
    HostSettings,
    LocalSettings,
    apply_values,
    load_host_settings,
    load_local_settings,
)
from devhost.engine.config import EngineConfig
from devhost.host.admin_api import AdminApi
from devhost.host.banner import function_listing
from devhost.host.cors import Handler, cors_middleware
from devhost.host.durable_client import RPC_PATH, WEBHOOK_PATH, WebhookSettings
from devhost.host.engine_port import DurableEngine
from devhost.host.entity_api import EntityApi
from devhost.host.header_limits import (
    PARSER_LINE_LIMIT,
    header_size_limit,
    redact_parser_errors,
)
from devhost.host.http_triggers import HttpTriggerDispatcher, RouteTable, http_functions
from devhost.host.invoker import Invoker, worker_process_count, worker_thread_count
from devhost.host.keys import AuthLevel, HostKeys, key_allows, load_keys, presented_key
from devhost.host.loading import load_function_app
from devhost.host.loopback import is_loopback
from devhost.host.management_api import ManagementApi
from devhost.host.mcp_extension import McpExtension
from devhost.host.mcp_origin import OriginPolicy
from devhost.host.timers import TimerService

logger = logging.getLogger("devhost")
MAX_REQUEST_BODY = 100 * 1024 * 1024
SHUTDOWN_GRACE_SECONDS = 30.0
"""How long running functions get to finish after SIGTERM, by default: the 30 s that the
host's ASP.NET Core generic host (`HostOptions.ShutdownTimeout`) and Container Apps'
termination grace period give."""

EngineFactory = Callable[[FunctionIndex, EngineConfig], DurableEngine]


@dataclass(frozen=True)
class HostOptions:
    """How `devhost start` was asked to run; `enforce_keys=None` means: enforce unless the
    host address is loopback."""

    app_dir: Path
    host: str = "127.0.0.1"
    port: int | None = None
    hub_dir: Path | None = None
    enforce_keys: bool | None = None
    shutdown_grace: float = SHUTDOWN_GRACE_SECONDS


def public_origin(host: str, port: int) -> str:
    """The origin links are built on: `localhost` for loopback and wildcard binds."""
    name = "localhost" if is_loopback(host) or host in ("0.0.0.0", "::", "") else host
    return f"http://{name}:{port}"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket bound to `host:port` (port 0 picks a free one)."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def default_engine(index: FunctionIndex, config: EngineConfig) -> DurableEngine:
    """The SQLite-backed durable engine."""
    from devhost.engine.engine import Engine

    engine: DurableEngine = Engine(index, config)
    return engine


class DevHost:
    """One running host; `start` then `stop`."""

    def __init__(
        self, options: HostOptions, engine_factory: EngineFactory = default_engine
    ) -> None:
        self.options = options
        self.app_dir = options.app_dir.resolve()
        self.hub_dir = (options.hub_dir or self.app_dir / ".devhost").resolve()
        self._engine_factory = engine_factory
        self.local: LocalSettings = load_local_settings(self.app_dir)
        self.enforce_keys = (
            options.enforce_keys
            if options.enforce_keys is not None
            else not is_loopback(options.host)
        )
        self._runners: list[web.AppRunner] = []
        self.port = 0

    def _engine_config(self, settings: HostSettings) -> EngineConfig:
        return EngineConfig(
            hub_path=self.hub_dir / f"{settings.hub_name}.sqlite3",
            hub_name=settings.hub_name,
            max_concurrent_activities=settings.max_concurrent_activities,
            max_concurrent_orchestrations=settings.max_concurrent_orchestrations,
            sync_activity_threads=worker_thread_count(),
            worker_processes=worker_process_count(),
            default_version=settings.default_version,
            replace_running_instances=settings.replace_running_instances,
        )

    async def start(self) -> None:
        """Load everything and begin serving."""
        for name in apply_values(self.local):
            logger.warning(
                "Skipping '%s' from local.settings.json: already set in the environment", name
            )
        self.settings = load_host_settings(self.app_dir)
        if self.settings.storage_provider:
            logger.warning(
                "host.json names the '%s' storage provider; devhost keeps the task hub in SQLite",
                self.settings.storage_provider,
            )
        redact_parser_errors()
        self.index = load_function_app(self.app_dir)
        self.keys: HostKeys = load_keys(self.hub_dir, self.local.values)
        port = self.options.port
        if port is None:
            port = self.local.local_http_port or DEFAULT_PORT
        public_socket = bind_socket(self.options.host, port)
        rpc_socket = bind_socket("127.0.0.1", 0)
        self.port = public_socket.getsockname()[1]
        self.webhooks = WebhookSettings(
            origin=public_origin(self.options.host, self.port),
            hub_name=self.settings.hub_name,
            connection_name=self.settings.connection_name,
            system_key=self.keys.system,
            rpc_base_url=f"http://127.0.0.1:{rpc_socket.getsockname()[1]}{RPC_PATH}",
        )
        self.engine = self._engine_factory(self.index, self._engine_config(self.settings))
        await self.engine.start()
        self.invoker = Invoker(self.webhooks, str(self.app_dir))
        self.timers = TimerService(self.index, self.invoker, self.hub_dir / "timers")
        self.admin = AdminApi(self.index, self.invoker, self.timers)
        self.mcp = McpExtension.create(
            self.app_dir,
            self.hub_dir,
            self.index,
            self.invoker,
            self.keys,
            enforce_keys=self.enforce_keys,
            origins=OriginPolicy(
                allowed_origins=self.local.cors_origins,
                own_origin=self.webhooks.origin,
                loopback_bind=is_loopback(self.options.host),
            ),
        )
        rpc_app = web.Application(client_max_size=MAX_REQUEST_BODY)
        cors, cors_headers = cors_middleware(self.local.cors_origins, self.local.cors_credentials)
        public = web.Application(
            client_max_size=MAX_REQUEST_BODY,
            middlewares=[header_size_limit, cors, self._auth],
        )
        public.on_response_prepare.append(cors_headers)
        self._add_routes(rpc_app, public)
        await self._serve(rpc_app, rpc_socket)
        await self._serve(public, public_socket)
        self.timers.start()
        print(function_listing(self.index, self.http, self.webhooks.origin), flush=True)
        if self.mcp.server.tools:
            print(self.mcp.announcement(self.webhooks.origin), flush=True)
        self._announce_keys()

    def _add_routes(self, rpc_app: web.Application, public: web.Application) -> None:
        settings = self.settings
        self.http = http_functions(self.index, settings.route_prefix)
        self._routes = RouteTable(self.http)
        self._dispatcher = HttpTriggerDispatcher(
            self.invoker, settings.max_concurrent_requests, settings.max_outstanding_requests
        )
        rpc_prefix = RPC_PATH.rstrip("/")
        rpc_app.router.add_routes(
            ManagementApi(self.engine, self.webhooks, public=False).routes(rpc_prefix)
        )
        rpc_app.router.add_routes(EntityApi(self.engine).routes(rpc_prefix))
        public.router.add_routes(
            ManagementApi(self.engine, self.webhooks, public=True).routes(WEBHOOK_PATH)
        )
        public.router.add_routes(EntityApi(self.engine).routes(WEBHOOK_PATH))
        public.router.add_routes(self.admin.routes())
        public.router.add_routes(self.mcp.routes())
        # [\s\S]: a path may hold any character, a decoded newline included.
        public.router.add_route("*", "/{tail:[\\s\\S]*}", self._http_trigger)

    async def _serve(self, app: web.Application, sock: socket.socket) -> None:
        runner = web.AppRunner(
            app,
            access_log=None,
            shutdown_timeout=self.options.shutdown_grace,
            max_line_size=PARSER_LINE_LIMIT,
            max_field_size=PARSER_LINE_LIMIT,
        )
        await runner.setup()
        await web.SockSite(runner, sock).start()
        self._runners.append(runner)

    def _announce_keys(self) -> None:
        if self.enforce_keys:
            print(
                f"Keys are enforced (listening on {self.options.host}). Function key and master "
                f"key are in {self.hub_dir / 'keys.json'} or local.settings.json Values "
                "DEVHOST_FUNCTION_KEY / DEVHOST_MASTER_KEY. "
                "Start with --no-enforce-keys to turn this off.",
                flush=True,
            )
        else:
            print("Keys are not enforced, as with func start (use --enforce-keys).", flush=True)
        print(f"Listening on {self.webhooks.origin}", flush=True)

    def _allowed(self, request: web.Request, level: AuthLevel) -> bool:
        if not self.enforce_keys:
            return True
        return key_allows(self.keys, level, presented_key(request.headers, request.query))

    @web.middleware
    async def _auth(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        level = None
        if path.startswith(WEBHOOK_PATH + "/") or path == WEBHOOK_PATH:
            level = AuthLevel.SYSTEM
        elif path.startswith("/admin/"):
            level = AuthLevel.ADMIN
        if level is not None and not self._allowed(request, level):
            return web.Response(status=401)
        return await handler(request)

    async def _http_trigger(self, request: web.Request) -> web.StreamResponse:
        found = self._routes.match(request.raw_path.split("?", 1)[0].lstrip("/"), request.method)
        if found is None:
            return web.Response(status=404)
        target, values = found
        if not self._allowed(request, target.auth_level):
            return web.Response(status=401)
        return await self._dispatcher.dispatch(request, target, values)

    async def stop(self) -> None:
        """Stop taking requests; give running HTTP calls, timer and admin runs and activities
        the grace period to finish (activity results are checkpointed), then stop the engine.
        Work still running when the grace period ends is abandoned, not lost: an unfinished
        activity runs again on the next start."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.options.shutdown_grace
        rpc, public = self._runners
        await self.mcp.close()
        await public.cleanup()
        for waiting in (self.timers.stop(), self.admin.drain()):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiting, max(0.0, deadline - loop.time()))
        await rpc.cleanup()
        self._runners = []
        await self.engine.stop(grace_seconds=max(0.0, deadline - loop.time()))
        self.invoker.close()
