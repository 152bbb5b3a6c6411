"""`batch_sweep_timer`: start the batch sweep on the BATCH_SWEEP_SCHEDULE, once per
schedule slot however often the timer fires for it."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import azure.durable_functions as df
import azure.functions as func

from orchestrations import names
from triggers.shared.instances import find_instance
from triggers.shared.starting import start_orchestration
from triggers.shared.workflow_input import sweep_input

bp = df.Blueprint()
log = logging.getLogger(__name__)


def schedule_slot(moment: datetime) -> str:
    """The schedule slot of `moment`: its UTC time to the minute, e.g. `2026-01-31T12:30Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def sweep_instance_id(slot: str) -> str:
    """The sweep's instance id for a slot: a second run for the same slot finds it."""
    return f"{names.BATCH_SWEEP}:{slot}"


async def start_sweep(client: df.DurableOrchestrationClient, moment: datetime) -> str | None:
    """Start the sweep of `moment`'s slot and return its instance id; None when that slot's
    sweep already exists."""
    slot = schedule_slot(moment)
    instance_id = sweep_instance_id(slot)
    if await find_instance(client, instance_id) is not None:
        log.info("Batch sweep %s already exists; not starting it again", instance_id)
        return None
    sweep = sweep_input({"slot": slot}, None)
    await start_orchestration(
        client, names.BATCH_SWEEP, sweep.model_dump(mode="json"), instance_id
    )
    log.info("Started batch sweep %s", instance_id)
    return instance_id


@bp.timer_trigger(schedule="%BATCH_SWEEP_SCHEDULE%", arg_name="timer", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def batch_sweep_timer(
    timer: func.TimerRequest, client: df.DurableOrchestrationClient
) -> None:
    """Start this slot's batch sweep (a late run still sweeps its own slot once)."""
    if timer.past_due:
        log.info("Batch sweep timer is past due; sweeping the current slot")
    await start_sweep(client, datetime.now(UTC))
