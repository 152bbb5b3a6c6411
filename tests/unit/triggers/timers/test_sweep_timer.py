"""The batch sweep timer starts one sweep per schedule slot."""

from datetime import UTC, datetime, timedelta, timezone

from core.models import SweepInput
from tests.unit.triggers.fake_durable_client import FakeDurableClient, instance
from triggers.timers.sweep import schedule_slot, start_sweep, sweep_instance_id

MOMENT = datetime(2026, 1, 31, 12, 30, 0, 250_000, tzinfo=UTC)


def test_slot_is_the_utc_minute_whatever_the_zone():
    tokyo = MOMENT.astimezone(timezone(timedelta(hours=9)))
    assert schedule_slot(tokyo) == schedule_slot(MOMENT) == "2026-01-31T12:30Z"
    assert schedule_slot(MOMENT + timedelta(seconds=59)) == "2026-01-31T12:30Z"
    assert sweep_instance_id("2026-01-31T12:30Z") == "batch_sweep:2026-01-31T12:30Z"


async def test_timer_starts_the_slots_sweep_with_the_settings_parallelism(settings_env):
    settings_env(BATCH_SWEEP_MAX_PARALLEL="4")
    client = FakeDurableClient()
    started = await start_sweep(client, MOMENT)
    assert started == "batch_sweep:2026-01-31T12:30Z"
    name, instance_id, payload = client.started[0]
    assert (name, instance_id) == ("batch_sweep", started)
    assert SweepInput.model_validate(payload) == SweepInput(
        slot="2026-01-31T12:30Z", max_parallel=4
    )


async def test_second_run_for_the_same_slot_starts_nothing(settings_env):
    client = FakeDurableClient(
        {"batch_sweep:2026-01-31T12:30Z": instance("batch_sweep", "Completed")}
    )
    assert await start_sweep(client, MOMENT + timedelta(seconds=20)) is None
    assert client.started == []
