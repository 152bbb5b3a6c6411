"""The durable orchestration engine: a SQLite task hub driving the real Durable Functions SDK."""
