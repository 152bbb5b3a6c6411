"""The start-up listing `func start` prints: each function with its URL or trigger type."""

from __future__ import annotations

from devhost.app_loader import FunctionIndex
from devhost.host.http_triggers import HttpFunction


def function_listing(index: FunctionIndex, http: list[HttpFunction], origin: str) -> str:
    """`Functions:` followed by `name: [METHODS] url` for HTTP triggers and `name: triggerType`
    for the rest, in the order the app registers them."""
    by_name = {h.function.name: h for h in http}
    lines = ["", "Functions:", ""]
    for function in index.functions:
        trigger = by_name.get(function.name)
        if trigger is None:
            lines.append(f"\t{function.name}: {function.trigger_type}")
        else:
            methods = (
                ",".join(sorted(trigger.methods))
                if trigger.methods
                else "GET,POST,PUT,DELETE,PATCH,HEAD,OPTIONS"
            )
            lines.append(f"\t{function.name}: [{methods}] {origin}{trigger.url_path}")
        lines.append("")
    return "\n".join(lines)
