"""Invoke the app's durable functions the way the Python worker does.

Orchestrators get the context JSON the extension sends and return the SDK's state JSON; activity
inputs and outputs go through the `azure.functions` activity-trigger converter, so custom
classes travel in the SDK's `__class__`/`__module__`/`__data__` envelope exactly as in Azure.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import traceback
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import azure.functions as func
from azure.functions import meta
from azure.functions.durable_functions import ActivityTriggerConverter

from devhost.app_loader import FunctionInfo
from devhost.invocation_context import InvocationContext

OUT_OF_PROC_MARKER = "\n\n$OutOfProcData$:"


@dataclass
class OrchestratorResult:
    """The SDK's answer for one episode: its state JSON, or the error it raised."""

    state: dict[str, Any]
    error: str | None = None
    stack: str | None = None


def run_orchestrator(info: FunctionInfo, context_json: str) -> OrchestratorResult:
    """Run one orchestrator episode through the SDK and return the state it reports."""
    try:
        returned = info.func(func.OrchestrationContext(context_json))
    except Exception as exc:
        message = str(exc)
        stack = "".join(traceback.format_exception(exc.__cause__ or exc))
        if OUT_OF_PROC_MARKER in message:
            error_text, _, state_text = message.partition(OUT_OF_PROC_MARKER)
            state = json.loads(state_text)
            return OrchestratorResult(state, error=state.get("error") or error_text, stack=stack)
        return OrchestratorResult(
            {"isDone": False, "actions": []}, error=message or type(exc).__name__, stack=stack
        )
    state = json.loads(returned) if isinstance(returned, str) else dict(returned or {})
    return OrchestratorResult(state)


@dataclass
class ActivityOutcome:
    """What one activity execution produced: its result JSON, or its failure."""

    result: str | None = None
    failed: bool = False
    reason: str = ""
    details: str | None = None


def decode_activity_input(input_json: str | None) -> Any:
    """The activity's argument, decoded from JSON as the worker's converter does."""
    if input_json is None:
        return None
    return ActivityTriggerConverter.decode(
        meta.Datum(type="json", value=input_json), trigger_metadata=None
    )


def encode_activity_output(value: Any) -> str:
    """The activity's return value as the JSON text the worker sends back."""
    return str(ActivityTriggerConverter.encode(value, expected_type=None).value)


@lru_cache(maxsize=1024)
def _takes_context(target: Callable[..., Any], trigger_param: str) -> bool:
    """Whether the function also asks for the invocation context (read once per function:
    every activity asks, and reading a signature costs more than the rest of the call)."""
    return "context" in inspect.signature(target).parameters and trigger_param != "context"


def _call_args(info: FunctionInfo, argument: Any, app_dir: Path) -> dict[str, Any]:
    kwargs: dict[str, Any] = {info.trigger_param: argument}
    if _takes_context(info.func, info.trigger_param):
        kwargs["context"] = InvocationContext(info.name, str(app_dir))
    return kwargs


def _failure(name: str, exc: BaseException) -> ActivityOutcome:
    reason = f"Activity function '{name}' failed: {type(exc).__name__}: {exc}"
    details = "".join(traceback.format_exception(exc))
    return ActivityOutcome(failed=True, reason=reason, details=details)


async def run_activity(
    info: FunctionInfo, input_json: str | None, executor: Executor, app_dir: Path
) -> ActivityOutcome:
    """Run one activity: `async def` functions on the loop, others on the thread pool."""
    try:
        kwargs = _call_args(info, decode_activity_input(input_json), app_dir)
        target: Callable[..., Any] = info.func
        if inspect.iscoroutinefunction(target):
            value = await target(**kwargs)
        else:
            loop = asyncio.get_running_loop()
            value = await loop.run_in_executor(executor, partial(target, **kwargs))
        return ActivityOutcome(result=encode_activity_output(value))
    except Exception as exc:
        return _failure(info.durable_name, exc)
