"""tests/services.py fails loudly, never skips, when the local server cannot start."""

from __future__ import annotations

import pytest

from tests import services
from tests.services import ServiceStartError, start_cosmosdb_server, start_node_server


def test_missing_node_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.shutil, "which", lambda name: None)

    with pytest.raises(ServiceStartError, match="node is not on PATH"):
        start_cosmosdb_server()


def test_a_missing_package_is_an_error() -> None:
    with pytest.raises(ServiceStartError, match=r"run `make node`"):
        start_node_server("no-such-server", [], port=1, ready_text="ready")


def test_a_server_that_exits_reports_its_output() -> None:
    busy = start_cosmosdb_server()
    try:
        with pytest.raises(ServiceStartError, match="exited"):
            start_cosmosdb_server(port=busy.port, timeout=10)
    finally:
        busy.stop()
