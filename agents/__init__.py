"""The specialist agents: definitions, role prompts and each domain's MCP tool server."""
