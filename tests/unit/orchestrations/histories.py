"""What an agent's own history keeps: its tool calls with their full results, which its
answer cites only in summary."""

from core.models import ToolCallRecord
from devhost.engine.engine import Engine
from orchestrations import names


async def tool_results(engine: Engine, workflow_id: str, agent: str) -> list[ToolCallRecord]:
    """The agent's tool calls of the workflow with their results, in the order they ended, as
    its history (`{workflow id}:{agent}`) shows them with `showHistoryOutput`."""
    state = await engine.get_status(
        f"{workflow_id}:{agent}", show_history=True, show_history_output=True
    )
    return [
        ToolCallRecord.model_validate(e["Result"])
        for e in state.history or []
        if e["EventType"] == "TaskCompleted" and e.get("FunctionName") == names.MCP_TOOL
    ]
