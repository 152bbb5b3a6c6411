"""The coordinator as an A2A agent on the A2A SDK (protocol 1.0, with 0.3 compatibility): its
agent card, the SDK's JSON-RPC and HTTP+JSON routes, and tasks that are coordinator
orchestrations."""

import azure.durable_functions as df

from triggers.a2a import endpoint

blueprints: list[df.Blueprint] = [endpoint.bp]
