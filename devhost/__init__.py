"""devhost: a local Azure Functions + Durable Functions host for Python v2-model apps."""
