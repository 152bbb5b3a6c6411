"""The MCP tool call bench measures what it says: the app's client opens one session per
server and reuses it, the per-call rows open one per call, and reuse is the faster."""

from bench import mcp_bench


async def test_reused_sessions_are_one_per_server_and_faster_than_one_per_call():
    results = await mcp_bench.run(quick=True, calls=20)

    for transport in ("in-process", "streamable-http"):
        reused, per_call = results[transport]["reused"], results[transport]["per_call"]
        assert reused["runs"] == per_call["runs"] == 20
        assert reused["sessions_opened"] == 1
        assert per_call["sessions_opened"] == 20 + mcp_bench.WARMUP
        assert reused["p50_ms"] < per_call["p50_ms"]
    assert "streamable-http" in mcp_bench.table(results)
