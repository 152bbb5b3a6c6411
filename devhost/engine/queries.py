"""Instance queries: status snapshots and paged, filtered listings."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

from devhost.engine.errors import InvalidContinuationTokenError
from devhost.engine.store import InstanceRow, TaskHubStore
from devhost.engine.types import InstancePage, InstanceQuery, InstanceState, RuntimeStatus


def to_state(
    row: InstanceRow, show_input: bool = True, history: list[dict[str, Any]] | None = None
) -> InstanceState:
    """An instance row as the public snapshot type."""
    return InstanceState(
        instance_id=row.instance_id,
        name=row.name,
        runtime_status=RuntimeStatus(row.status),
        created_time=datetime.fromtimestamp(row.created_at, UTC),
        last_updated_time=datetime.fromtimestamp(row.updated_at, UTC),
        input=row.input if show_input else None,
        output=row.output,
        custom_status=row.custom_status,
        version=row.version,
        parent_instance_id=row.parent_instance_id,
        history=history,
    )


def _encode_token(row: InstanceRow) -> str:
    return base64.urlsafe_b64encode(json.dumps([row.created_at, row.instance_id]).encode()).decode()


def _decode_token(token: str) -> tuple[float, str]:
    try:
        created, instance_id = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError, RecursionError):
        raise InvalidContinuationTokenError() from None
    if not isinstance(created, int | float) or not isinstance(instance_id, str):
        raise InvalidContinuationTokenError()
    return float(created), instance_id


def filter_clause(
    created_from: datetime | None,
    created_to: datetime | None,
    statuses: frozenset[RuntimeStatus] | None,
    prefix: str | None = None,
) -> tuple[str, list[Any]]:
    """The SQL condition and parameters for the common instance filters."""
    clauses = ["1 = 1"]
    params: list[Any] = []
    if created_from is not None:
        clauses.append("created_at >= ?")
        params.append(created_from.timestamp())
    if created_to is not None:
        clauses.append("created_at <= ?")
        params.append(created_to.timestamp())
    if statuses:
        clauses.append(f"status IN ({', '.join('?' for _ in statuses)})")
        params.extend(s.value for s in statuses)
    if prefix:
        clauses.append("substr(instance_id, 1, ?) = ?")
        params.extend([len(prefix), prefix])
    return " AND ".join(clauses), params


def build_page(store: TaskHubStore, query: InstanceQuery) -> InstancePage:
    """One page of instances matching `query`, oldest first, with the next page's token."""
    where, params = filter_clause(
        query.created_from, query.created_to, query.runtime_status, query.instance_id_prefix
    )
    if query.continuation_token:
        created, instance_id = _decode_token(query.continuation_token)
        where += " AND (created_at > ? OR (created_at = ? AND instance_id > ?))"
        params.extend([created, created, instance_id])
    limit = query.top + 1 if query.top else None
    rows = store.instances_where(where, params, limit)
    token = None
    if query.top and len(rows) > query.top:
        rows = rows[: query.top]
        token = _encode_token(rows[-1])
    return InstancePage([to_state(r) for r in rows], token)
