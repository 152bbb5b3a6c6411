"""`retention_timer`: keep history and logs for a bounded time by default. On its schedule it
purges the history of finished workflows older than HISTORY_RETENTION_DAYS and, where the
log store does not expire records itself (SQLite; Cosmos DB has a TTL), agent-log records
and conversation-thread turns last written more than AGENT_LOG_TTL_DAYS ago. Audit records
are never purged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import azure.durable_functions as df
import azure.functions as func

from core.agent_logs import get_agent_log_store
from core.settings import get_settings
from triggers.shared.instances import FINISHED

bp = df.Blueprint()
log = logging.getLogger(__name__)
HISTORY_START = datetime(2000, 1, 1, tzinfo=UTC)


async def apply_retention(client: df.DurableOrchestrationClient, now: datetime) -> tuple[int, int]:
    """Purge what is past its retention at `now`; returns (instances purged, log records
    deleted)."""
    settings = get_settings()
    history_cutoff = now - timedelta(days=settings.HISTORY_RETENTION_DAYS)
    purged = await client.purge_instance_history_by(
        created_time_from=HISTORY_START,
        created_time_to=history_cutoff,
        runtime_status=list(FINISHED),
    )
    deleted = await get_agent_log_store().purge_older_than(
        now - timedelta(days=settings.AGENT_LOG_TTL_DAYS)
    )
    return purged.instances_deleted, deleted


@bp.timer_trigger(schedule="%RETENTION_SCHEDULE%", arg_name="timer", run_on_startup=False)
@bp.durable_client_input(client_name="client")
async def retention_timer(timer: func.TimerRequest, client: df.DurableOrchestrationClient) -> None:
    """Apply the retention settings once."""
    instances, records = await apply_retention(client, datetime.now(UTC))
    log.info("Retention: purged %d finished instances and %d log records", instances, records)
