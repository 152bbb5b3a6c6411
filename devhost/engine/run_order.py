"""Which work goes first when the host is busy: the oldest run's.

A run is a root orchestration with everything it started. Serving runs in the order they
began lets the first of a burst finish in their own time instead of every run of the burst
finishing together at the end; the last finishes no later than before.
"""

from __future__ import annotations

from devhost.engine.store import InstanceRow, MessageRow


def run_began(
    instance_id: str, live: dict[str, InstanceRow], inbox: dict[str, list[MessageRow]]
) -> float:
    """When the run `instance_id` belongs to began: its root orchestration's creation time.
    An entity, or an instance no longer running, ranks by its oldest waiting message."""
    row = live.get(instance_id)
    if row is None:
        waiting = inbox.get(instance_id)
        return (
            min((m.visible_at for m in waiting), default=float("inf")) if waiting else float("inf")
        )
    while row.parent_instance_id:
        parent = live.get(row.parent_instance_id)
        if parent is None:
            break
        row = parent
    return row.created_at
