"""Structured JSON logs: one JSON object per record, with the workflow id and agent id of
the work being done (set for the duration of each activity's span)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from core.auth.redaction import scrub_text

_fields: ContextVar[dict[str, str]] = ContextVar("log_fields", default={})  # noqa: B039 - never mutated


@contextmanager
def log_context(**fields: str | None) -> Iterator[None]:
    """Add `fields` (e.g. workflow_id, agent_id) to every record logged inside the block."""
    token = _fields.set({**_fields.get(), **{k: v for k, v in fields.items() if v}})
    try:
        yield
    finally:
        _fields.reset(token)


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON: time, level, logger, message (secrets scrubbed),
    the context fields and, when there is one, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub_text(record.getMessage()),
            **_fields.get(),
        }
        if record.exc_info:
            data["exception"] = scrub_text(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False, default=str)


def configure_json_logging(root: logging.Logger | None = None) -> None:
    """Format the records of `root` (the root logger) as JSON: on its handlers, or on a new
    stderr handler when it has none. Idempotent."""
    logger = root or logging.getLogger()
    if not logger.handlers:
        logger.addHandler(logging.StreamHandler())
    for handler in logger.handlers:
        if not isinstance(handler.formatter, JsonFormatter):
            handler.setFormatter(JsonFormatter())
