"""Runs one system's measurement script in its own process group, bounded by a timeout."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from typing import Any

from bench.harness import parse_result

ROOT = Path(__file__).resolve().parent.parent


def run_system(
    name: str, command: list[str], timeout: float, log_dir: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run `command` from the repository root and return the result it printed; on a crash,
    a timeout or no result, a dict with `error` saying which. Its stderr goes to
    `log_dir/<name>.log`."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=env,
            start_new_session=True,
        )
        try:
            stdout, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {"system": name, "error": f"stopped after the {timeout:.0f} s time limit"}
    result = parse_result(stdout)
    if result is None:
        tail = " | ".join(log_path.read_text().strip().splitlines()[-3:])
        return {
            "system": name,
            "error": f"exited {process.returncode} without a result: {tail}",
        }
    return result
