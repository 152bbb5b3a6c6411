"""The SQLite task hub: one batch is one transaction, and one process owns a hub."""

import contextlib
import copy
import json
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_hub_in_a_new_folder_is_created_and_its_lock_names_the_owner(tmp_path: Path):
    path = tmp_path / "new" / "nested" / "hub.sqlite3"
    hub = TaskHubStore(path, synchronous="FULL")
    try:
        assert Path(f"{path}.lock").read_text() == str(os.getpid())
        assert hub.db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert hub.db.execute("PRAGMA synchronous").fetchone() == (2,)
        with pytest.raises(HubLockedError) as refused:
            TaskHubStore(path)
        assert refused.value.path == path
        assert str(path) in str(refused.value)
    finally:
        hub.close()


def test_the_default_durability_is_normal(store: TaskHubStore):
    assert store.db.execute("PRAGMA synchronous").fetchone() == (1,)


def test_reads_return_what_was_committed_in_order(store: TaskHubStore):
    later = [message("a", "second"), message("b", "third")]
    store.commit(
        Batch(
            upsert_instances=[row("b", "Completed"), row("c", "Suspended")],
            append_history=[("a", 2, json.dumps({"n": 2})), ("a", 1, json.dumps({"n": 1}))],
            add_messages=later,
            add_activities=[work("b", 5)],
            entity_states={"@counter@x": None},
            updated_at=7.5,
        )
    )
    assert store.instance("a") == row("a")
    assert store.instance("missing") is None
    assert [e.get("n") for e in store.history("a")] == [None, 1, 2]
    assert [(m.id, m.instance_id, m.event["Name"]) for m in store.messages()] == [
        (1, "a", "go"),
        (2, "a", "second"),
        (3, "b", "third"),
    ]
    assert store.messages()[1] == later[0]
    assert store.activities() == [
        ActivityRow(1, "a", "e1", 0, "double", "1", 0, None),
        ActivityRow(2, "b", "e1", 5, "double", "1", 0, None),
    ]
    assert [r.instance_id for r in store.active_instances()] == ["a", "c"]
    assert store.entity_state("@counter@x") == (None, 7.5)
    assert store.entity_state("@counter@nobody") is None


def test_instances_are_listed_oldest_first_up_to_the_limit(store: TaskHubStore):
    rows = [row(name) for name in ("d", "b", "c")]
    for created, r in zip((3.0, 1.0, 1.0), rows, strict=True):
        r.created_at = created
    store.commit(Batch(upsert_instances=rows))
    everything = store.instances_where("1 = 1", [], None)
    assert [r.instance_id for r in everything] == ["a", "b", "c", "d"]
    assert [r.instance_id for r in store.instances_where("name = ?", ["chain"], 2)] == ["a", "b"]


def test_each_redelivery_of_an_activity_is_counted(store: TaskHubStore):
    store.commit(Batch(add_activities=[work("a", 1)]))
    store.mark_dequeued([1])
    store.mark_dequeued([1, 2])
    assert [a.dequeue_count for a in store.activities()] == [2, 1]


def test_purging_an_instance_removes_its_rows_but_not_other_instances(store: TaskHubStore):
    store.commit(
        Batch(
            upsert_instances=[row("b")],
            append_history=[("b", 0, "{}")],
            add_messages=[message("b")],
            add_activities=[work("b", 0)],
        )
    )
    store.commit(Batch(purge_instances=["a"]))
    assert store.instance("a") is None
    assert store.history("a") == []
    assert [m.instance_id for m in store.messages()] == ["b"]
    assert [a.instance_id for a in store.activities()] == ["b"]
    assert store.instance("b") is not None
    assert store.entity_state("@counter@x") is not None


def test_replacing_a_history_keeps_only_the_new_events(store: TaskHubStore):
    events = [h.orchestrator_started(utc_now()), h.event_raised(utc_now(), "x", None)]
    store.commit(Batch(replace_history={"a": events}))
    assert store.history("a") == events


@pytest.mark.parametrize(
    "field",
    [
        "upsert_instances",
        "append_history",
        "replace_history",
        "add_messages",
        "delete_messages",
        "add_activities",
        "delete_activities",
        "purge_instances",
        "entity_states",
        "entity_deletes",
    ],
)
def test_a_batch_with_any_write_is_not_empty_and_merges_it(field: str):
    writes = failing_batch(-1)
    one = Batch(**{field: getattr(writes, field)})
    assert not one.is_empty()
    merged = Batch()
    merged.merge(one)
    assert getattr(merged, field) == getattr(writes, field)
    assert not merged.is_empty()


def test_an_empty_batch_writes_nothing():
    assert Batch().is_empty()
    assert Batch(updated_at=5.0).is_empty()


def test_merged_batches_commit_like_the_two_batches_one_after_the_other(tmp_path: Path):
    first = failing_batch(-1)
    second = Batch(
        upsert_instances=[row("b", "Completed")],
        append_history=[("b", 2, "{}")],
        add_messages=[message("b", "more")],
        add_activities=[work("b", 3)],
        entity_states={"@counter@w": "9"},
        entity_deletes=["@counter@y"],
    )
    second.consume_messages([-5])
    merged = copy.deepcopy(first)
    merged.merge(copy.deepcopy(second))
    assert merged.dropped_messages == {-5}
    hubs = []
    for name in ("apart", "merged"):
        hub = TaskHubStore(tmp_path / f"{name}.sqlite3")
        hub.commit(Batch(upsert_instances=[row("a")], add_messages=[message("a")]))
        hub.commit(Batch(add_activities=[work("a", 0)], entity_states={"@counter@x": "1"}))
        hubs.append(hub)
    hubs[0].commit(first)
    hubs[0].commit(second)
    hubs[1].commit(merged)
    assert snapshot(hubs[0]) == snapshot(hubs[1])
    for hub in hubs:
        hub.close()


@settings(deadline=None)
@given(st.lists(st.integers(-50, 50)))
def test_consumed_saved_messages_are_deleted_and_unsaved_ones_dropped(ids: list[int]):
    batch = Batch()
    batch.consume_messages(ids)
    assert batch.delete_messages == [i for i in ids if i > 0]
    assert batch.dropped_messages == {i for i in ids if i < 0}


def test_ids_keep_counting_across_commits_and_batches(store: TaskHubStore):
    batches = [
        Batch(
            add_messages=[message("a"), message("a")], add_activities=[work("a", 1), work("a", 2)]
        )
        for _ in range(3)
    ]
    for batch in batches:
        store.commit(batch)
    assert [m.id for b in batches for m in b.add_messages] == [2, 3, 4, 5, 6, 7]
    assert [a.id for b in batches for a in b.add_activities] == [2, 3, 4, 5, 6, 7]
    assert [m.id for m in store.messages()] == [1, 2, 3, 4, 5, 6, 7]
    assert [(a.id, a.task_id) for a in store.activities()][1:3] == [(2, 1), (3, 2)]


def test_a_redelivery_count_survives_later_commits_and_a_restart(store: TaskHubStore):
    store.mark_dequeued([1])
    store.commit(Batch(add_messages=[message("a")]))
    store.close()
    reopened = TaskHubStore(store.path)
    assert [a.dequeue_count for a in reopened.activities()] == [1]
    reopened.close()
