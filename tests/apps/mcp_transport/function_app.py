"""MCP tools for the transport tests (one that takes a while, one that leaves a trace), and an
orchestration that waits for an event, for the malformed-request tests."""

import json
import time
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


@app.orchestration_trigger(context_name="context")
def waits(context: df.DurableOrchestrationContext):
    event = yield context.wait_for_external_event("go")
    return event


@app.mcp_tool_trigger(arg_name="context", tool_name="slow", description="Answers after 2 s.")
def slow(context: str) -> str:
    time.sleep(2)
    return "done"


@app.mcp_tool_trigger(
    arg_name="context",
    tool_name="record",
    description="Writes a file at `path`.",
    tool_properties=json.dumps(
        [
            {
                "propertyName": "path",
                "propertyType": "string",
                "description": "Where to write.",
                "isRequired": True,
                "isArray": False,
            }
        ]
    ),
)
def record(context: str) -> str:
    Path(json.loads(context)["arguments"]["path"]).write_text("called")
    return "recorded"
