"""A test catalogue of two third-party MCP servers nobody in this project wrote:
mcp-server-time (PyPI, over stdio, from `make mcp-servers`) and
@modelcontextprotocol/server-everything (npm, over streamable HTTP, from `make node`)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TIME_SERVER = REPO / ".venv-mcp-servers" / "bin" / "mcp-server-time"


def third_party_catalogue(path: Path, everything_url: str, *, extra: str = "") -> Path:
    """Write a catalogue of a `time` agent (stdio) and an `everything` agent (streamable
    HTTP at `everything_url`, with a header from the EVERYTHING_CLIENT setting) to `path`."""
    if not TIME_SERVER.exists():
        raise RuntimeError(f"{TIME_SERVER} is missing; run `make mcp-servers`")
    path.write_text(
        f"""\
agents:
  - id: time
    description: The current time in any IANA time zone, and conversions between zones.
    instructions: Answer with the time your tools give, naming the time zone.
    keywords: [time, timezone, clock]
    mcp:
      transport: stdio
      command: {TIME_SERVER}
      args: [--local-timezone, UTC]
  - id: everything
    description: The MCP reference server's tools (echo, sums, structured content).
    instructions: Use the echo tool to repeat what you are asked to repeat.
    keywords: [echo, repeat]
    tools:
      allow: [echo, get-sum]
    mcp:
      transport: streamable-http
      url: {everything_url}
      headers:
        X-Client: ${{EVERYTHING_CLIENT}}
{extra}""",
        encoding="utf-8",
    )
    return path
