"""Peer systems measured in the same run, each in its group's venv (see `bench.peer_env`)."""
