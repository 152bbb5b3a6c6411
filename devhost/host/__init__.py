"""The devhost HTTP surface: HTTP triggers, the Durable HTTP API, keys, timers."""
