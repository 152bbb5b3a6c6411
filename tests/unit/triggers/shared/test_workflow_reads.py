"""When a stream reads an instance's history again: only when the instance may have changed
since the read it kept."""

from datetime import UTC, datetime, timedelta

from triggers.shared.workflow_events import Source
from triggers.shared.workflow_reads import SETTLED_SECONDS, Read

UPDATED = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)
RUNNING = (UPDATED.isoformat(), "Running")
SOURCE = Source("customer-support", "agent_run", [])


def read(stamp: tuple[str, str], after_update: float) -> Read:
    return Read(stamp, UPDATED, UPDATED + timedelta(seconds=after_update), SOURCE)


def test_a_read_made_well_after_the_last_update_holds_while_the_instance_shows_it():
    assert read(RUNNING, SETTLED_SECONDS).holds(RUNNING)


def test_a_read_made_within_the_update_time_s_precision_is_made_again():
    # The time has whole seconds: a second update in that second could have followed the read.
    assert not read(RUNNING, SETTLED_SECONDS - 0.5).holds(RUNNING)


def test_a_new_update_time_or_runtime_status_means_a_new_read():
    later = ((UPDATED + timedelta(seconds=1)).isoformat(), "Running")
    assert not read(RUNNING, 10).holds(later)
    assert not read(RUNNING, 10).holds((UPDATED.isoformat(), "Completed"))


def test_an_ended_instance_read_after_it_ended_is_never_read_again():
    ended = (UPDATED.isoformat(), "Completed")
    assert read(ended, 0).holds(ended)


def test_an_instance_without_an_update_time_is_always_read():
    assert not Read(("", "Running"), None, UPDATED, SOURCE).holds(("", "Running"))
