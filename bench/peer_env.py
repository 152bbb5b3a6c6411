"""The peers' venv: `bench/.venv-peers`, made on first use with the pinned peers (and
matplotlib for the chart), and remade when `bench/peers/requirements.txt` changes."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parent
VENV = BENCH / ".venv-peers"
REQUIREMENTS = BENCH / "peers" / "requirements.txt"
STAMP = VENV / ".requirements-sha256"
INSTALL_TIMEOUT_SECONDS = 900


class PeerEnvError(Exception):
    """The peers' venv could not be made; the message says which step failed and why."""


def python() -> Path:
    """The peers' venv interpreter."""
    return VENV / "bin" / "python"


def _digest() -> str:
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def _run(step: str, command: list[str]) -> None:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=INSTALL_TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        raise PeerEnvError(f"{step} took over {INSTALL_TIMEOUT_SECONDS} s") from exc
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        raise PeerEnvError(f"{step} failed (exit {done.returncode}): {tail}")


def ensure() -> Path:
    """The peers' venv python, installing the pinned requirements when they are missing or
    changed; raises PeerEnvError saying why when that fails."""
    if python().exists() and STAMP.exists() and STAMP.read_text().strip() == _digest():
        return python()
    print(f"Installing the peers into {VENV.relative_to(BENCH.parent)} ...", flush=True)
    if not python().exists():
        _run("python -m venv", [sys.executable, "-m", "venv", str(VENV)])
    _run(
        "pip install",
        [str(python()), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
    )
    STAMP.write_text(_digest())
    return python()


def installed_versions() -> dict[str, str]:
    """Installed versions of the pinned packages in the peers' venv."""
    names = [
        line.split("==")[0]
        for line in REQUIREMENTS.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    script = (
        "import json, sys\nfrom importlib.metadata import version\n"
        "print(json.dumps({n: version(n) for n in sys.argv[1:]}))"
    )
    done = subprocess.run(
        [str(python()), "-c", script, *names], capture_output=True, text=True, timeout=60
    )
    if done.returncode != 0:
        return {}
    versions: dict[str, str] = json.loads(done.stdout)
    return versions
