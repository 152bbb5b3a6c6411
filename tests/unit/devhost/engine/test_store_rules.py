"""The SQLite task hub: one batch is one transaction, and one process owns a hub."""

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from devhost.engine import history as h
from devhost.engine.history import utc_now
from devhost.engine.store import (
    ActivityRow,
    Batch,
    HubLockedError,
    InstanceRow,
    MessageRow,
    TaskHubStore,
)


def row(instance_id: str, status: str = "Running") -> InstanceRow:
    return InstanceRow(
        instance_id, "e1", "chain", None, status, None, None, None, 1.0, 1.0, None, None, None
    )


def message(instance_id: str, name: str = "go") -> MessageRow:
    return MessageRow(0, instance_id, h.event_raised(utc_now(), name, None), 0.0)


def work(instance_id: str, task_id: int) -> ActivityRow:
    return ActivityRow(0, instance_id, "e1", task_id, "double", "1", 0, None)


def snapshot(store: TaskHubStore) -> dict:
    tables = ("instances", "history", "messages", "activities", "entities")
    return {t: store.db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}


@pytest.fixture
def store(tmp_path: Path):
    hub = TaskHubStore(tmp_path / "hub.sqlite3")
    hub.commit(
        Batch(
            upsert_instances=[row("a")],
            append_history=[("a", 0, json.dumps(h.orchestrator_started(utc_now())))],
            add_messages=[message("a")],
            add_activities=[work("a", 0)],
            entity_states={"@counter@x": "1"},
        )
    )
    yield hub
    with contextlib.suppress(ValueError):  # tests that reopen the hub close this one early
        hub.close()


def failing_batch(step: int) -> Batch:
    """A batch whose writes are all valid up to `step`, where one write breaks a constraint."""
    batch = Batch(
        purge_instances=["a"],
        upsert_instances=[row("b"), row("a", "Completed")],
        append_history=[("b", 0, "{}"), ("b", 1, "{}")],
        replace_history={"a": [h.orchestrator_started(utc_now())]},
        add_messages=[message("b"), message("a")],
        delete_messages=[1],
        add_activities=[work("b", 0)],
        delete_activities=[1],
        entity_states={"@counter@y": "2"},
        entity_deletes=["@counter@x"],
    )
    if step == 0:
        batch.append_history.append(("b", 0, "{}"))  # the same sequence number twice
    elif step == 1:
        batch.upsert_instances.append(row("c", status=None))
    elif step == 2:
        batch.add_activities.append(ActivityRow(0, "b", "e1", 1, None, None, 0, None))
    elif step == 3:
        batch.entity_states["@counter@z"] = {"not": "text"}  # type: ignore[assignment]
    return batch


@pytest.mark.parametrize("step", range(4))
def test_a_batch_that_fails_halfway_leaves_the_hub_unchanged(store: TaskHubStore, step: int):
    before = snapshot(store)
    with pytest.raises((sqlite3.Error, sqlite3.ProgrammingError)):
        store.commit(failing_batch(step))
    assert snapshot(store) == before
    # The ids the failed batch would have taken are handed out to the next one.
    good = Batch(add_messages=[message("a", "next")], add_activities=[work("a", 1)])
    store.commit(good)
    assert [m.id for m in store.messages()] == [1, 2]
    assert good.add_messages[0].id == 2
    assert good.add_activities[0].id == 2


def test_a_committed_batch_writes_everything(store: TaskHubStore):
    batch = failing_batch(-1)
    store.commit(batch)
    assert store.instance("b").status == "Running"
    assert store.instance("a").status == "Completed"
    assert len(store.history("b")) == 2
    assert [e["EventType"] for e in store.history("a")] == [h.EventType.ORCHESTRATOR_STARTED]
    assert [(m.id, m.instance_id) for m in store.messages()] == [(2, "b"), (3, "a")]
    assert [(m.id, m.instance_id) for m in batch.add_messages] == [(2, "b"), (3, "a")]
    assert [(a.id, a.instance_id) for a in store.activities()] == [(2, "b")]
    assert store.entity_state("@counter@x") is None
    assert store.entity_state("@counter@y")[0] == "2"


def test_messages_consumed_before_saving_are_never_written(store: TaskHubStore):
    kept, dropped = message("a", "kept"), message("a", "dropped")
    dropped.id = -1
    batch = Batch(add_messages=[kept, dropped])
    batch.consume_messages([1, -1])
    store.commit(batch)
    assert [m.event["Name"] for m in store.messages()] == ["kept"]


def test_a_second_owner_of_a_hub_is_refused(store: TaskHubStore):
    with pytest.raises(HubLockedError, match="in use by another devhost process"):
        TaskHubStore(store.path)
    store.close()
    again = TaskHubStore(store.path)
    assert again.instance("a") is not None
    again.close()


def test_ids_continue_after_reopening(store: TaskHubStore):
    store.close()
    reopened = TaskHubStore(store.path)
    batch = Batch(add_messages=[message("a")], add_activities=[work("a", 1)])
    reopened.commit(batch)
    assert batch.add_messages[0].id == 2
    assert batch.add_activities[0].id == 2
    reopened.close()
