"""The coordinator as an A2A agent (protocol 1.0, with 0.3 compatibility): its agent card,
the JSON-RPC and HTTP+JSON bindings, and tasks that are coordinator orchestrations."""

import azure.durable_functions as df

from triggers.a2a import card, jsonrpc, rest

blueprints: list[df.Blueprint] = [card.bp, jsonrpc.bp, rest.bp]
