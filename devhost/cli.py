"""`devhost` command line: start the host, or manage orchestrations on a running one over its
HTTP API."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from devhost.app_loader import AppLoadError
from devhost.config import DEFAULT_PORT, ConfigError, load_local_settings
from devhost.engine.store import HubLockedError
from devhost.history_view import child_instance_ids, render_timeline
from devhost.host.api_client import DevhostClient, DevhostError
from devhost.host.keys import read_saved_keys
from devhost.host.server import SHUTDOWN_GRACE_SECONDS, DevHost, HostOptions
from devhost.host.tables import history_table, instances_table

FUNCTION_THREADS = ("func", "activity")
"""Name prefixes of the threads that run the app's functions (HTTP, timer, MCP; activities)."""


async def serve(options: HostOptions) -> None:
    """Run a host until SIGINT or SIGTERM, then shut it down gracefully."""
    host = DevHost(options)
    await host.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print(
        f"Shutting down: finishing work in progress (up to {options.shutdown_grace:g} s)...",
        flush=True,
    )
    await host.stop()
    print("Stopped.", flush=True)


def _exit_past_running_functions() -> None:
    """End the process now if function threads still run after the grace period: Python
    would otherwise wait for them at exit. Their work is checkpointed or runs again."""
    running = [t for t in threading.enumerate() if t.name.startswith(FUNCTION_THREADS)]
    for thread in running:
        thread.join(timeout=0.2)
    abandoned = sum(thread.is_alive() for thread in running)
    if abandoned:
        print(f"Abandoned {abandoned} function call(s) still running.", flush=True)
        sys.stderr.flush()
        os._exit(0)


def _start(args: argparse.Namespace) -> int:
    options = HostOptions(
        app_dir=Path(args.app_dir),
        host=args.host,
        port=args.port,
        hub_dir=Path(args.hub_dir) if args.hub_dir else None,
        enforce_keys=args.enforce_keys,
        shutdown_grace=args.shutdown_grace,
    )
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s")
    try:
        asyncio.run(serve(options))
    except (AppLoadError, ConfigError, HubLockedError, OSError) as exc:
        print(f"devhost: cannot start: {exc}", file=sys.stderr)
        return 1
    _exit_past_running_functions()
    return 0


def _seconds(text: str) -> float:
    """A non-negative number of seconds (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds >= 0")
    return value


def _client(args: argparse.Namespace) -> DevhostClient:
    app_dir = Path(args.app_dir)
    values = load_local_settings(app_dir).values
    port = load_local_settings(app_dir).local_http_port or DEFAULT_PORT
    saved = read_saved_keys(Path(args.hub_dir) if args.hub_dir else app_dir / ".devhost")
    key = (
        args.key
        or os.environ.get("DEVHOST_KEY")
        or values.get("DEVHOST_MASTER_KEY")
        or (saved.master if saved else None)
    )
    return DevhostClient(args.url or f"http://localhost:{port}", key)


def _filters(args: argparse.Namespace) -> dict[str, str]:
    params = {}
    if getattr(args, "status", None):
        params["runtimeStatus"] = ",".join(args.status)
    if getattr(args, "prefix", None):
        params["instanceIdPrefix"] = args.prefix
    if getattr(args, "created_from", None):
        params["createdTimeFrom"] = args.created_from
    if getattr(args, "created_to", None):
        params["createdTimeTo"] = args.created_to
    return params


def _list(client: DevhostClient, args: argparse.Namespace) -> str:
    instances = client.list_instances(_filters(args), args.top)
    return json.dumps(instances, indent=2) if args.json else instances_table(instances)


def _status(client: DevhostClient, args: argparse.Namespace) -> str:
    return json.dumps(client.status(args.instance_id), indent=2)


def _history(client: DevhostClient, args: argparse.Namespace) -> str:
    status = client.status(args.instance_id, history=True)
    events = status.get("historyEvents") or []
    if args.json:
        return json.dumps(events, indent=2)
    summary = f"{status['instanceId']}  {status['name']}  {status['runtimeStatus']}"
    children = {
        child: client.status(child, history=True).get("historyEvents") or []
        for child in child_instance_ids(events)
    }
    timeline = render_timeline(
        events, children, width=shutil.get_terminal_size().columns, ascii_only=args.ascii
    )
    return "\n\n".join([summary, timeline, history_table(events)])


def _raise(client: DevhostClient, args: argparse.Namespace) -> str:
    try:
        json.loads(args.data)
        data = args.data
    except json.JSONDecodeError:
        data = json.dumps(args.data)
    client.raise_event(args.instance_id, args.event, data)
    return f"Raised '{args.event}' on {args.instance_id}."


def _operation(name: str) -> Callable[[DevhostClient, argparse.Namespace], str]:
    def run(client: DevhostClient, args: argparse.Namespace) -> str:
        client.operate(args.instance_id, name, args.reason)
        return f"{name.capitalize()} requested for {args.instance_id}."

    return run


def _restart(client: DevhostClient, args: argparse.Namespace) -> str:
    return f"Restarted as {client.restart(args.instance_id, not args.same_id)}."


def _purge(client: DevhostClient, args: argparse.Namespace) -> str:
    if args.instance_id:
        deleted = client.purge(args.instance_id)
    elif args.created_from:
        deleted = client.purge_by(_filters(args))
    else:
        raise SystemExit("purge needs an instance id or --from")
    return f"Purged {deleted} instance(s)."


def _add_filters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", action="append", help="runtime status (repeatable)")
    parser.add_argument("--from", dest="created_from", help="created at or after (ISO 8601)")
    parser.add_argument("--to", dest="created_to", help="created at or before (ISO 8601)")


def build_parser() -> argparse.ArgumentParser:
    """The `devhost` argument parser."""
    parser = argparse.ArgumentParser(prog="devhost", description=__doc__)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--app-dir", default=".", help="the Functions app directory (default: .)")
    common.add_argument("--hub-dir", help="task hub directory (default: <app-dir>/.devhost)")
    client = argparse.ArgumentParser(add_help=False, parents=[common])
    client.add_argument("--url", help="devhost base URL (default: http://localhost:<port>)")
    client.add_argument("--key", help="master or system key (default: the hub's saved key)")
    commands = parser.add_subparsers(dest="command", required=True)

    start = commands.add_parser("start", parents=[common], help="serve the app")
    start.add_argument("--port", type=int, help="HTTP port (default: Host.LocalHttpPort or 7071)")
    start.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    start.add_argument(
        "--enforce-keys",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="demand function/admin keys (default: only when not bound to loopback)",
    )
    start.add_argument(
        "--shutdown-grace",
        type=_seconds,
        default=SHUTDOWN_GRACE_SECONDS,
        metavar="SECONDS",
        help="after SIGTERM/SIGINT, how long running functions get to finish (default: %(default)g)",
    )
    start.set_defaults(handler=None)

    listing = commands.add_parser("list", parents=[client], help="list instances")
    _add_filters(listing)
    listing.add_argument("--prefix", help="instance id prefix")
    listing.add_argument("--top", type=int, help="at most this many")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    for name, handler, text in (
        ("status", _status, "show an instance's status as JSON"),
        ("history", _history, "show an instance's history as a table"),
    ):
        sub = commands.add_parser(name, parents=[client], help=text)
        sub.add_argument("instance_id")
        if name == "history":
            sub.add_argument("--json", action="store_true", help="print the raw events")
            sub.add_argument("--ascii", action="store_true", help="draw the timeline in ASCII")
        sub.set_defaults(handler=handler)

    raise_ = commands.add_parser("raise", parents=[client], help="raise an external event")
    raise_.add_argument("instance_id")
    raise_.add_argument("event")
    raise_.add_argument(
        "data", nargs="?", default="null", help="JSON (plain text is sent as a string)"
    )
    raise_.set_defaults(handler=_raise)

    for name in ("terminate", "suspend", "resume", "rewind"):
        sub = commands.add_parser(name, parents=[client], help=f"{name} an instance")
        sub.add_argument("instance_id")
        sub.add_argument("--reason", default=f"{name} from devhost CLI")
        sub.set_defaults(handler=_operation(name))

    restart = commands.add_parser("restart", parents=[client], help="restart an instance")
    restart.add_argument("instance_id")
    restart.add_argument("--same-id", action="store_true", help="reuse the instance id")
    restart.set_defaults(handler=_restart)

    purge = commands.add_parser("purge", parents=[client], help="delete instance history")
    purge.add_argument("instance_id", nargs="?")
    _add_filters(purge)
    purge.set_defaults(handler=_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "start":
        return _start(args)
    client = _client(args)
    try:
        print(args.handler(client, args))
    except DevhostError as exc:
        print(f"devhost: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"devhost: cannot reach devhost ({exc})", file=sys.stderr)
        return 2
    finally:
        client.close()
    return 0
