"""How the planner's and the agents' prompts show the earlier turns of a thread."""

from __future__ import annotations

from core.models import ThreadContext


def describe_thread(thread: ThreadContext) -> str:
    """The earlier turns as text for a prompt, oldest first: each question, the agents and
    tools that answered it, the numbered items its results listed, and the answer."""
    lines = ["Earlier turns of this conversation (oldest first); resolve references to them:"]
    if thread.omitted:
        lines.append(f"({thread.omitted} older turns left out)")
    for number, turn in enumerate(thread.turns, start=1):
        lines.append(f"Turn {number} (workflow {turn.workflow_id}): {turn.query}")
        if turn.agents:
            lines.append(f"  Agents: {', '.join(turn.agents)}")
        if turn.tools:
            lines.append(f"  Tools: {', '.join(turn.tools)}")
        if turn.items:
            lines.append("  Result items, in order:")
            lines.extend(f"    {index}. {item}" for index, item in enumerate(turn.items, 1))
        if turn.answer:
            lines.append("  Answer: " + turn.answer.replace("\n", "\n  "))
    return "\n".join(lines)
