"""Peer systems measured in the same run, each in the peers' venv (see `bench.peer_env`)."""
