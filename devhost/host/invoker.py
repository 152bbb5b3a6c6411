"""Call a user function the way the Python worker does.

Async functions run on the event loop, sync ones on a thread pool (sized by
`PYTHON_THREADPOOL_THREAD_COUNT` like the worker). Parameters are bound by name: the trigger
value, the `durableClient` JSON, `func.Out` holders for output bindings and, when the function
declares it, a `context` parameter with the invocation id.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import azure.functions as func

from devhost.app_loader import FunctionInfo
from devhost.host.durable_client import WebhookSettings, client_binding_json
from devhost.invocation_context import InvocationContext

RETURN_BINDING = "$return"
_OUT = 1  # BindingDirection.OUT in the binding dictionaries


@dataclass
class OutValue(func.Out[Any]):
    """A holder for an output binding's value."""

    value: Any = None

    def set(self, val: Any) -> None:
        """Store the output value."""
        self.value = val

    def get(self) -> Any:
        """The stored output value."""
        return self.value


@dataclass
class Invocation:
    """The outcome of one call: the return value and what output bindings were set to."""

    result: Any
    outputs: dict[str, Any] = field(default_factory=dict)

    def output(self, binding_type: str, function: FunctionInfo) -> Any:
        """The value of the function's first output binding of this type (`$return` or a
        `func.Out` parameter)."""
        for binding in function.bindings:
            if binding.get("type") != binding_type or binding.get("direction") != _OUT:
                continue
            name = binding["name"]
            return self.result if name == RETURN_BINDING else self.outputs.get(name)
        return self.result


def worker_thread_count() -> int | None:
    """PYTHON_THREADPOOL_THREAD_COUNT, the Python worker's pool for sync functions; None when
    unset (the pool's own default)."""
    value = os.environ.get("PYTHON_THREADPOOL_THREAD_COUNT", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


class Invoker:
    """Runs user functions with their bindings filled in."""

    def __init__(self, webhooks: WebhookSettings, app_dir: str) -> None:
        self._webhooks = webhooks
        self._app_dir = app_dir
        self._pool = ThreadPoolExecutor(max_workers=worker_thread_count(), thread_name_prefix="func")

    def _arguments(
        self, function: FunctionInfo, trigger_value: Any
    ) -> tuple[dict[str, Any], dict[str, OutValue]]:
        parameters = inspect.signature(function.func).parameters
        kwargs: dict[str, Any] = {}
        outs: dict[str, OutValue] = {}
        for binding in function.bindings:
            name = binding["name"]
            if binding is function.trigger or name == function.trigger_param:
                kwargs[name] = trigger_value
            elif binding.get("type") == "durableClient":
                kwargs[name] = client_binding_json(self._webhooks, binding)
            elif binding.get("direction") == _OUT and name != RETURN_BINDING:
                outs[name] = kwargs[name] = OutValue()
            elif name in parameters:
                kwargs[name] = None
        if "context" in parameters and "context" not in kwargs:
            kwargs["context"] = InvocationContext(function.name, self._app_dir)
        return kwargs, outs

    async def invoke(self, function: FunctionInfo, trigger_value: Any) -> Invocation:
        """Call `function` with `trigger_value` bound to its trigger parameter."""
        kwargs, outs = self._arguments(function, trigger_value)
        if inspect.iscoroutinefunction(function.func):
            result = await function.func(**kwargs)
        else:
            loop = asyncio.get_running_loop()
            result = await loop.run_in_executor(
                self._pool, functools.partial(function.func, **kwargs)
            )
        return Invocation(result, {name: out.value for name, out in outs.items()})

    def close(self) -> None:
        """Release the thread pool; sync calls still running are not waited for."""
        self._pool.shutdown(wait=False, cancel_futures=True)
