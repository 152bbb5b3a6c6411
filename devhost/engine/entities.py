"""Durable entities: run a batch of operations on one entity and answer its callers.

Entities are addressed by scheduler id `@name@key`. Operation requests arrive as `op` events;
operations on one entity run one at a time, in arrival order, and the state persists in the
task hub between batches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import azure.functions as func

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.store import Batch, MessageRow


def is_entity_id(instance_id: str) -> bool:
    """True for an entity's scheduler id (`@name@key`)."""
    return instance_id.startswith("@") and instance_id.count("@") >= 2


def split_entity_id(entity_id: str) -> tuple[str, str]:
    """The (name, key) of a scheduler id `@name@key`."""
    name, _, key = entity_id[1:].partition("@")
    return name, key


def entity_scheduler_id(name: str, key: str) -> str:
    """The scheduler id of an entity, with the name lower-cased as the SDK does."""
    return f"@{name.lower()}@{key}"


@dataclass
class EntityEffects:
    """Messages sent to callers, for the engine to mirror in memory after commit."""

    consumed: list[int] = field(default_factory=list)
    new_messages: list[MessageRow] = field(default_factory=list)
    state: str | None = None
    exists: bool = False


def run_entity_batch(
    index: FunctionIndex,
    entity_id: str,
    state: str | None,
    exists: bool,
    messages: list[MessageRow],
    now: datetime,
    batch: Batch,
) -> EntityEffects:
    """Run the queued operations of one entity and add the writes to `batch`."""
    effects = EntityEffects(state=state, exists=exists)
    name, key = split_entity_id(entity_id)
    requests: list[dict[str, Any]] = []
    for message in messages:
        effects.consumed.append(message.id)
        text = message.event.get("Input")
        if not text:
            continue
        try:
            request = json.loads(text)
        except json.JSONDecodeError:
            continue
        # Anything but an operation request (a JSON object) is consumed without running.
        if isinstance(request, dict):
            requests.append(request)
    if not requests:
        return effects
    info = index.find("entityTrigger", name)
    if info is None:
        results = [
            {"isError": True, "result": json.dumps(f"The entity function '{name}' doesn't exist.")}
            for _ in requests
        ]
    else:
        context = {
            "self": {"name": name, "key": key},
            "state": state,
            "exists": exists,
            # The SDK decodes an operation's input twice: it expects a JSON string holding the
            # serialised input, as calls from orchestrations and the SDK's client produce.
            # A raw JSON value (a plain `curl -d 5`) is serialised first, so it works too.
            "batch": [
                {"name": r.get("op"), "input": json.dumps(_serialised(r.get("input")))}
                for r in requests
            ],
        }
        try:
            output = json.loads(info.func(func.EntityContext(json.dumps(context))))
        except Exception as exc:
            output = {
                "entityExists": exists,
                "entityState": state,
                "results": [{"isError": True, "result": json.dumps(str(exc))} for _ in requests],
            }
        results = output.get("results") or []
        effects.exists = bool(output.get("entityExists"))
        effects.state = output.get("entityState") if effects.exists else None
    if effects.exists:
        batch.entity_states[entity_id] = effects.state
    else:
        batch.entity_deletes.append(entity_id)
    for request, result in zip(requests, results, strict=False):
        parent = request.get("parent")
        if request.get("signal") or not parent:
            continue
        response: dict[str, Any] = {"result": result.get("result")}
        if result.get("isError"):
            response["exceptionType"] = "Exception"
        event = h.event_raised(now, str(request.get("id")), json.dumps(response))
        message = MessageRow(0, parent, event, now.timestamp())
        batch.add_messages.append(message)
        effects.new_messages.append(message)
    return effects


def _serialised(value: Any) -> str | None:
    """An operation input as serialised text: strings already are, other values are not yet."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)
