"""Speed up the Durable client that HTTP-triggered functions get, without changing what it
does.

The SDK's `durable_client_input` builds a `DurableOrchestrationClient` on every call, and
with it parses the binding's JSON text (about 2 KB: the hub, its management links, the RPC
base URL) anew. devhost hands every call of a function the same text, so the bindings read
from it are kept by text and shared: the client only reads them (it copies the links before
filling one in). Only the host process is changed, never the app.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

bindings_module: Any = importlib.import_module(
    "azure.durable_functions.models.DurableOrchestrationBindings"
)
Bindings = bindings_module.DurableOrchestrationBindings
sdk_from_json = Bindings.from_json


@lru_cache(maxsize=64)
def _remembered(json_string: str) -> Any:
    return sdk_from_json(json_string)


def bindings_from_json(cls: type, json_string: Any) -> Any:
    """The SDK's bindings of `json_string`, read once per distinct text."""
    if cls is Bindings and isinstance(json_string, str):
        return _remembered(json_string)
    return sdk_from_json.__func__(cls, json_string)


def install() -> None:
    """Route the SDK's binding parsing through `bindings_from_json`."""
    Bindings.from_json = classmethod(bindings_from_json)
