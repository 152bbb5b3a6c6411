"""Load a v2-model Functions app the way the Python worker indexes it.

The app directory goes on `sys.path`, `function_app.py` is imported, the single
`FunctionRegister` instance in it (a `func.FunctionApp` or `df.DFApp`) is found and its
functions are collected with their trigger and bindings.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import azure.functions as func

SCRIPT_FILE = "function_app.py"


class AppLoadError(Exception):
    """Raised when the app directory has no loadable function app."""


@dataclass(frozen=True)
class FunctionInfo:
    """One indexed function: its name, trigger binding, other bindings and the callable."""

    name: str
    trigger_type: str
    trigger: dict[str, Any]
    bindings: list[dict[str, Any]]
    func: Callable[..., Any]

    @property
    def trigger_param(self) -> str:
        """The parameter name the trigger value binds to."""
        return str(self.trigger["name"])

    @property
    def durable_name(self) -> str:
        """The name the Durable extension registers: the trigger's explicit name, else the
        function's name."""
        explicit = (
            self.trigger.get("orchestration")
            or self.trigger.get("activity")
            or self.trigger.get("entityName")
        )
        return str(explicit or self.name)


@dataclass
class FunctionIndex:
    """All functions of an app, with case-insensitive look-up by durable name per kind."""

    app_dir: Path
    functions: list[FunctionInfo] = field(default_factory=list)
    module: Any = None

    def of_type(self, trigger_type: str) -> list[FunctionInfo]:
        """Functions whose trigger has the given binding type, e.g. `httpTrigger`."""
        return [f for f in self.functions if f.trigger_type == trigger_type]

    def find(self, trigger_type: str, name: str) -> FunctionInfo | None:
        """The function of this trigger type known by `name`, ignoring case as the host does."""
        wanted = name.casefold()
        for f in self.of_type(trigger_type):
            if f.durable_name.casefold() == wanted or f.name.casefold() == wanted:
                return f
        return None

    def by_name(self, name: str) -> FunctionInfo | None:
        """The function whose Functions name is `name`, ignoring case."""
        wanted = name.casefold()
        return next((f for f in self.functions if f.name.casefold() == wanted), None)


def _plain(value: Any) -> Any:
    """Binding dictionaries hold enums; turn them into the strings function.json would hold."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _import_script(app_dir: Path) -> Any:
    script = app_dir / SCRIPT_FILE
    if not script.is_file():
        raise AppLoadError(f"No {SCRIPT_FILE} in {app_dir}")
    root = str(app_dir)
    if root not in sys.path:
        sys.path.insert(0, root)
    # The worker imports the script as the top-level module `function_app`.
    previous = sys.modules.get("function_app")
    if previous is not None and Path(getattr(previous, "__file__", "")).resolve() == script:
        return previous
    spec = importlib.util.spec_from_file_location("function_app", script)
    if spec is None or spec.loader is None:
        raise AppLoadError(f"Cannot import {script}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["function_app"] = module
    try:
        spec.loader.exec_module(module)
    # Like the worker, report what the script raised and load nothing.
    except Exception as exc:
        del sys.modules["function_app"]
        raise AppLoadError(f"{SCRIPT_FILE} failed to load: {exc}") from exc
    return module


def find_function_app(module: Any) -> func.FunctionRegister:
    """The one FunctionRegister instance a script defines, as the worker requires."""
    apps = [v for v in vars(module).values() if isinstance(v, func.FunctionRegister)]
    if not apps:
        raise AppLoadError(f"{SCRIPT_FILE} defines no FunctionApp or DFApp instance")
    if len(apps) > 1:
        raise AppLoadError(f"{SCRIPT_FILE} defines more than one function app instance")
    return apps[0]


_indexes: dict[int, FunctionIndex] = {}


def load_app(app_dir: str | Path) -> FunctionIndex:
    """Import `function_app.py` from `app_dir` and index every function it registers (an app
    already imported is indexed once: the SDK refuses to index the same app twice)."""
    directory = Path(app_dir).resolve()
    module = _import_script(directory)
    if id(module) in _indexes:
        return _indexes[id(module)]
    app = find_function_app(module)
    index = FunctionIndex(app_dir=directory, module=module)
    for function in app.get_functions():
        trigger = function.get_trigger()
        if trigger is None:
            raise AppLoadError(f"Function '{function.get_function_name()}' has no trigger")
        bindings = [_plain(b.get_dict_repr()) for b in function.get_bindings()]
        trigger_dict = next(b for b in bindings if b["name"] == trigger.name)
        index.functions.append(
            FunctionInfo(
                name=str(function.get_function_name()),
                trigger_type=str(trigger_dict["type"]),
                trigger=trigger_dict,
                bindings=bindings,
                func=function.get_user_function(),
            )
        )
    names = [f.name.casefold() for f in index.functions]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AppLoadError(f"Duplicate function names: {', '.join(duplicates)}")
    _indexes[id(module)] = index
    return index
