"""MCP tools for the transport tests: one that takes a while, one that leaves a trace."""

import json
import time
from pathlib import Path

import azure.functions as func

app = func.FunctionApp()


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
