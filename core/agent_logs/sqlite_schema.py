"""The SQLite schema of the embedded agent-log store and the pragmas it runs with."""

from __future__ import annotations

# WAL lets devhost, the CLI and tests read while the app writes; NORMAL sync is durable
# across app crashes (not power loss), the usual WAL trade-off.
PRAGMAS = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
"""

# Columns hold what queries filter, sort or sum on; `doc` holds the whole record as JSON.
# Audit rows are append-only, enforced by triggers, and retention never touches them.
SCHEMA = """
CREATE TABLE IF NOT EXISTS agent_logs (
    agent_id TEXT NOT NULL,
    id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    step TEXT NOT NULL,
    outcome TEXT NOT NULL,
    latency_ms REAL NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL,
    timestamp TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (agent_id, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS agent_logs_by_workflow ON agent_logs (workflow_id, timestamp);
CREATE INDEX IF NOT EXISTS agent_logs_by_agent ON agent_logs (agent_id, timestamp);
CREATE INDEX IF NOT EXISTS agent_logs_by_time ON agent_logs (timestamp);

CREATE TABLE IF NOT EXISTS thread_turns (
    thread_id TEXT NOT NULL,
    workflow_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    written_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (thread_id, workflow_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS thread_turns_by_time ON thread_turns (written_at);

CREATE TABLE IF NOT EXISTS audit_log (
    id TEXT PRIMARY KEY,
    timestamp TEXT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (timestamp);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""
