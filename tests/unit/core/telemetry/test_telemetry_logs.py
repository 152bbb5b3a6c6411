"""Structured JSON logs carry the workflow and agent of the work being done, scrubbed."""

import json
import logging

from core.telemetry import JsonFormatter, activity_span, configure_json_logging, log_context


def record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("activities.tools", level, __file__, 1, message, None, None)


def test_records_carry_the_context_fields_and_scrub_secrets():
    formatter = JsonFormatter()
    with log_context(workflow_id="wf-1", agent_id="smart-city"):
        line = formatter.format(record("calling with Authorization: Bearer abc.def.ghi"))
    data = json.loads(line)
    assert data["workflow_id"] == "wf-1"
    assert data["agent_id"] == "smart-city"
    assert data["level"] == "INFO"
    assert data["logger"] == "activities.tools"
    assert "abc.def.ghi" not in data["message"]
    outside = json.loads(formatter.format(record("after")))
    assert "workflow_id" not in outside


def test_an_activity_span_sets_the_log_context():
    formatter = JsonFormatter()
    with activity_span("llm_step", "wf-7", "enterprise"):
        data = json.loads(formatter.format(record("step")))
    assert (data["workflow_id"], data["agent_id"]) == ("wf-7", "enterprise")


def test_configuring_twice_keeps_one_json_formatter_per_handler():
    logger = logging.getLogger("tests.json-logs")
    logger.handlers.clear()
    configure_json_logging(logger)
    configure_json_logging(logger)
    assert len(logger.handlers) == 1
    assert isinstance(logger.handlers[0].formatter, JsonFormatter)
    logger.handlers.clear()
