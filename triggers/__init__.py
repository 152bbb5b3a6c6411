"""Client functions: the HTTP API, timer triggers and the monitor API. They start and query
orchestrations and hold no business logic."""

import azure.durable_functions as df

blueprints: list[df.Blueprint] = []
