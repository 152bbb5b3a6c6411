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
from devhost.host.client_speedups import install as install_client_speedups
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


MAX_WORKER_PROCESSES = 10


def worker_thread_count() -> int | None:
    """PYTHON_THREADPOOL_THREAD_COUNT, the Python worker's pool for sync functions; None when
    unset (the pool's own default)."""
    value = os.environ.get("PYTHON_THREADPOOL_THREAD_COUNT", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def worker_process_count() -> int:
    """FUNCTIONS_WORKER_PROCESS_COUNT, how many language worker processes the host runs
    (1 to 10, as the Functions host accepts; 1 when unset or out of range)."""
    value = os.environ.get("FUNCTIONS_WORKER_PROCESS_COUNT", "")
    return int(value) if value.isdigit() and 1 <= int(value) <= MAX_WORKER_PROCESSES else 1


_TRIGGER, _FIXED, _HOLDER = range(3)


@dataclass(frozen=True)
class _Plan:
    """How one function's parameters are filled, worked out once per function: each bound
    parameter takes the trigger value, a fixed value (the `durableClient` JSON, None for
    other inputs) or a fresh `func.Out` holder; `context` when the function declares it."""

    function: FunctionInfo
    parameters: tuple[tuple[str, int, Any], ...]
    context: bool
    is_async: bool


class Invoker:
    """Runs user functions with their bindings filled in."""

    def __init__(self, webhooks: WebhookSettings, app_dir: str) -> None:
        self._webhooks = webhooks
        self._app_dir = app_dir
        install_client_speedups()
        self._pool = ThreadPoolExecutor(
            max_workers=worker_thread_count(), thread_name_prefix="func"
        )
        self._plans: dict[str, _Plan] = {}

    def _plan(self, function: FunctionInfo) -> _Plan:
        plan = self._plans.get(function.name)
        if plan is not None and plan.function is function:
            return plan
        declared = inspect.signature(function.func).parameters
        bound: dict[str, tuple[int, Any]] = {}
        for binding in function.bindings:
            name = binding["name"]
            if binding is function.trigger or name == function.trigger_param:
                bound[name] = (_TRIGGER, None)
            elif binding.get("type") == "durableClient":
                bound[name] = (_FIXED, client_binding_json(self._webhooks, binding))
            elif binding.get("direction") == _OUT and name != RETURN_BINDING:
                bound[name] = (_HOLDER, None)
            elif name in declared:
                bound[name] = (_FIXED, None)
        plan = _Plan(
            function=function,
            parameters=tuple((name, kind, value) for name, (kind, value) in bound.items()),
            context="context" in declared and "context" not in bound,
            is_async=inspect.iscoroutinefunction(function.func),
        )
        self._plans[function.name] = plan
        return plan

    def _arguments(
        self, plan: _Plan, trigger_value: Any
    ) -> tuple[dict[str, Any], dict[str, OutValue]]:
        kwargs: dict[str, Any] = {}
        outs: dict[str, OutValue] = {}
        for name, kind, value in plan.parameters:
            if kind == _TRIGGER:
                kwargs[name] = trigger_value
            elif kind == _HOLDER:
                outs[name] = kwargs[name] = OutValue()
            else:
                kwargs[name] = value
        if plan.context:
            kwargs["context"] = InvocationContext(plan.function.name, self._app_dir)
        return kwargs, outs

    async def invoke(self, function: FunctionInfo, trigger_value: Any) -> Invocation:
        """Call `function` with `trigger_value` bound to its trigger parameter."""
        plan = self._plan(function)
        kwargs, outs = self._arguments(plan, trigger_value)
        if plan.is_async:
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
