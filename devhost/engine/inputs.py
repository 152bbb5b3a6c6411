"""Orchestration inputs as the Durable extension stores them.

The SDK's client posts a JSON string holding the serialised input, and the extension hands the
orchestrator that JSON value. `client_input` produces the same stored form for callers of the
engine API.
"""

import json
from typing import Any

from azure.functions._durable_functions import df_dumps


def client_input(value: Any) -> str:
    """The stored input for `value`, exactly as `DurableOrchestrationClient.start_new` sends it."""
    return json.dumps(df_dumps(value))
