"""Durable entities, one batch at a time: operations run in arrival order, the state is saved
with the batch, and every caller (never a signaller) hears its own operation's result."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from devhost.app_loader import FunctionIndex
from devhost.engine import history as h
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine
from devhost.engine.entities import (
    entity_scheduler_id,
    is_entity_id,
    run_entity_batch,
    split_entity_id,
)
from devhost.engine.history import EventType
from devhost.engine.inputs import client_input
from devhost.engine.store import Batch, MessageRow, TaskHubStore

T0 = datetime(2026, 1, 1, tzinfo=UTC)
COUNTER = "@counter@k"
names = st.text(st.characters(blacklist_characters="@"), min_size=1)


def operation(
    message_id: int, op: str, value: object = None, *, caller: str | None = "caller"
) -> MessageRow:
    """An operation request as orchestrations send it: the input is SDK-serialised text."""
    request = {
        "op": op,
        "signal": caller is None,
        "input": None if value is None else json.dumps(value),
        "id": f"request-{message_id}",
        "parent": caller,
    }
    return MessageRow(message_id, COUNTER, h.event_raised(T0, "op", json.dumps(request)), 0.0)


def responses(batch: Batch) -> list[tuple[str, str, dict]]:
    return [
        (m.instance_id, m.event["Name"], json.loads(m.event["Input"])) for m in batch.add_messages
    ]


@settings(deadline=None)
@given(name=names, key=st.text())
def test_a_scheduler_id_names_its_entity_and_key(name: str, key: str):
    entity_id = entity_scheduler_id(name, key)
    assert is_entity_id(entity_id)
    assert split_entity_id(entity_id) == (name.lower(), key)


def test_only_ids_of_the_form_at_name_at_key_are_entities():
    assert is_entity_id("@counter@")
    assert is_entity_id("@counter@a@b")
    assert not is_entity_id("@counter")
    assert not is_entity_id("counter@a@b")
    assert not is_entity_id("orchestration-1")


def test_operations_run_in_arrival_order_and_each_caller_hears_its_result(
    feature_index: FunctionIndex,
):
    batch = Batch()
    messages = [
        operation(1, "add", 2),
        operation(2, "add", 3, caller=None),
        operation(3, "explode"),
        operation(4, "get", caller="other"),
    ]
    effects = run_entity_batch(feature_index, COUNTER, None, False, messages, T0, batch)
    assert effects.consumed == [1, 2, 3, 4]
    assert (effects.state, effects.exists) == ("5", True)
    assert batch.entity_states == {COUNTER: "5"}
    assert batch.entity_deletes == []
    assert responses(batch) == [
        ("caller", "request-1", {"result": "2"}),
        ("caller", "request-3", {"result": '"entity exploded"', "exceptionType": "Exception"}),
        ("other", "request-4", {"result": "5"}),
    ]
    assert effects.new_messages == batch.add_messages
    assert all(m.event["EventType"] == EventType.EVENT_RAISED for m in batch.add_messages)
    assert {m.visible_at for m in batch.add_messages} == {T0.timestamp()}
    assert {m.id for m in batch.add_messages} == {0}  # the hub numbers them when it saves them


def test_a_signal_gets_no_answer_even_when_it_names_a_caller(feature_index: FunctionIndex):
    request = {"op": "add", "signal": True, "input": "2", "id": "s", "parent": "caller"}
    message = MessageRow(1, COUNTER, h.event_raised(T0, "op", json.dumps(request)), 0.0)
    batch = Batch()
    run_entity_batch(feature_index, COUNTER, "1", True, [message], T0, batch)
    assert batch.entity_states == {COUNTER: "3"}
    assert batch.add_messages == []


def test_the_stored_state_is_where_the_next_batch_starts(feature_index: FunctionIndex):
    batch = Batch()
    effects = run_entity_batch(
        feature_index, COUNTER, "40", True, [operation(1, "add", 2)], T0, batch
    )
    assert effects.state == "42"
    assert responses(batch) == [("caller", "request-1", {"result": "42"})]


def test_a_raw_json_input_is_taken_as_the_value(feature_index: FunctionIndex):
    request = {"op": "add", "signal": False, "input": 5, "id": "raw", "parent": "caller"}
    message = MessageRow(1, COUNTER, h.event_raised(T0, "op", json.dumps(request)), 0.0)
    batch = Batch()
    run_entity_batch(feature_index, COUNTER, "1", True, [message], T0, batch)
    assert batch.entity_states == {COUNTER: "6"}


def test_unreadable_requests_are_consumed_without_running(feature_index: FunctionIndex):
    garbled = MessageRow(1, COUNTER, h.event_raised(T0, "op", "{not json"), 0.0)
    not_an_operation = MessageRow(2, COUNTER, h.event_raised(T0, "op", "7"), 0.0)
    empty = MessageRow(3, COUNTER, h.event_raised(T0, "op", None), 0.0)
    for unreadable in ([empty], [garbled], [not_an_operation]):
        batch = Batch()
        effects = run_entity_batch(feature_index, COUNTER, "3", True, unreadable, T0, batch)
        assert effects.consumed == [unreadable[0].id]
        assert (effects.state, effects.exists) == ("3", True)
        assert batch.is_empty()
    messages = [empty, garbled, not_an_operation, operation(4, "add", 2)]
    effects = run_entity_batch(feature_index, COUNTER, "3", True, messages, T0, Batch())
    assert effects.consumed == [3, 1, 2, 4]
    assert effects.state == "5"


def test_calls_to_a_missing_entity_function_fail_and_keep_the_state(
    feature_index: FunctionIndex,
):
    batch = Batch()
    messages = [operation(1, "add", 1), operation(2, "add", 1, caller=None)]
    effects = run_entity_batch(feature_index, "@nothing@k", "5", True, messages, T0, batch)
    reason = json.dumps("The entity function 'nothing' doesn't exist.")
    assert responses(batch) == [
        ("caller", "request-1", {"result": reason, "exceptionType": "Exception"})
    ]
    assert batch.entity_states == {"@nothing@k": "5"}
    assert (effects.state, effects.exists) == ("5", True)


def test_an_entity_that_never_existed_is_not_saved(feature_index: FunctionIndex):
    batch = Batch()
    effects = run_entity_batch(
        feature_index, "@nothing@k", None, False, [operation(1, "get")], T0, batch
    )
    assert batch.entity_states == {}
    assert batch.entity_deletes == ["@nothing@k"]
    assert not effects.exists


def test_a_request_naming_no_operation_fails_its_caller_and_keeps_the_state(
    feature_index: FunctionIndex,
):
    nameless = {"id": "request-1", "parent": "caller"}
    message = MessageRow(1, COUNTER, h.event_raised(T0, "op", json.dumps(nameless)), 0.0)
    batch = Batch()
    effects = run_entity_batch(feature_index, COUNTER, "3", True, [message], T0, batch)
    ((caller, name, response),) = responses(batch)
    assert (caller, name, response["exceptionType"]) == ("caller", "request-1", "Exception")
    assert "missing a name field" in json.loads(response["result"])
    assert (effects.state, effects.exists) == ("3", True)
    assert batch.entity_states == {COUNTER: "3"}


def test_an_entity_that_deletes_itself_forgets_its_state(feature_index: FunctionIndex):
    batch = Batch()
    effects = run_entity_batch(
        feature_index, COUNTER, "3", True, [operation(1, "delete")], T0, batch
    )
    assert (effects.state, effects.exists) == (None, False)
    assert batch.entity_deletes == [COUNTER]
    assert batch.entity_states == {}
    again = run_entity_batch(
        feature_index, COUNTER, None, False, [operation(2, "get")], T0, Batch()
    )
    assert again.new_messages[0].event["Input"] == json.dumps({"result": "0"})


async def test_a_stored_request_that_is_not_an_operation_does_not_block_the_entity(
    feature_index: FunctionIndex, tmp_path: Path
):
    hub = tmp_path / "hub.sqlite3"
    store = TaskHubStore(hub)
    store.commit(Batch(add_messages=[MessageRow(0, COUNTER, h.event_raised(T0, "op", "7"), 0.0)]))
    store.close()
    engine = Engine(feature_index, EngineConfig(hub_path=hub))
    await engine.start()
    try:
        await engine.signal_entity(COUNTER, "add", client_input(4))
        for _ in range(200):
            entity = await engine.read_entity_state(COUNTER)
            if entity is not None:
                break
            await asyncio.sleep(0.01)
        assert entity is not None
        assert json.loads(entity.state) == 4
        assert engine.store.messages() == []
    finally:
        await engine.stop()
