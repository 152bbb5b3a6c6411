"""The app refuses to start on a bad agent catalogue, under devhost and when the Functions
worker imports function_app.py, with a message naming the file, the agent and the field."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.services import free_port

REPO = Path(__file__).resolve().parents[2]
BAD_TRANSPORT = """\
agents:
  - id: weather
    description: Weather forecasts.
    instructions: Answer with the forecast.
    mcp: {transport: grpc, url: http://127.0.0.1:1}
"""


def bad_catalogue(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "bad-agents.yaml"
    path.write_text(BAD_TRANSPORT, encoding="utf-8")
    return {**os.environ, "AGENTS_FILE": str(path)}


def test_devhost_start_refuses_a_bad_catalogue(tmp_path):
    command = [sys.executable, "-m", "devhost", "start", "--app-dir", str(REPO)]
    command += ["--port", str(free_port()), "--hub-dir", str(tmp_path / "hub")]
    done = subprocess.run(
        command, cwd=REPO, env=bad_catalogue(tmp_path), capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 1
    assert "devhost: cannot start: function_app.py failed to load: " in done.stderr
    assert (
        f"{tmp_path / 'bad-agents.yaml'}: agent 'weather', field 'mcp.transport': unknown transport"
        in done.stderr
    )


def test_function_app_import_fails_on_a_bad_catalogue(tmp_path):
    # The Functions worker indexes the app by importing function_app.py.
    done = subprocess.run(
        [sys.executable, "-c", "import function_app"],
        cwd=REPO,
        env=bad_catalogue(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "CatalogueError" in done.stderr
    assert "agent 'weather', field 'mcp.transport'" in done.stderr
