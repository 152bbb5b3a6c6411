"""The peers' venvs, one per group of peers whose pins can live together, made on first use
from the group's lock file (`make lock` compiles it, with hashes, from the group's
requirements) and remade when that lock changes:

- `bench/.venv-peers`: DBOS and durabletask (the durable-execution peers) and matplotlib for
  the chart, from `bench/peers/requirements.txt`;
- `bench/.venv-langgraph`: LangGraph and its SQLite checkpointer;
- `bench/.venv-agent-framework`: Microsoft Agent Framework's core package.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).parent
PEERS = BENCH / "peers"
INSTALL_TIMEOUT_SECONDS = 900


class PeerEnvError(Exception):
    """A peers' venv could not be made; the message says which step failed and why."""


@dataclass(frozen=True)
class PeerEnv:
    """One venv of peers: where it lives and the pinned requirements it is made from (through
    the lock file beside them)."""

    name: str
    venv: Path
    requirements: Path

    @property
    def python(self) -> Path:
        """The venv's interpreter."""
        return self.venv / "bin" / "python"

    @property
    def lock(self) -> Path:
        """The lock file the venv is installed from."""
        return self.requirements.with_suffix(".lock")

    @property
    def stamp(self) -> Path:
        return self.venv / ".requirements-sha256"

    def _digest(self) -> str:
        return hashlib.sha256(self.lock.read_bytes()).hexdigest()

    def ensure(self) -> Path:
        """The venv's python, installing the lock when the venv is missing or the lock
        changed; raises PeerEnvError saying why when that fails."""
        fresh = self.stamp.exists() and self.stamp.read_text().strip() == self._digest()
        if fresh and self.python.exists():
            return self.python
        print(f"Installing {self.name} into {self.venv.relative_to(BENCH.parent)} ...", flush=True)
        if not self.python.exists():
            _run("python -m venv", [sys.executable, "-m", "venv", str(self.venv)])
        _run(
            f"pip install ({self.name})",
            [
                str(self.python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--require-hashes",
                "-r",
                str(self.lock),
            ],
        )
        self.stamp.write_text(self._digest())
        return self.python

    def installed_versions(self) -> dict[str, str]:
        """Installed versions of the pinned packages in this venv ({} when there is none)."""
        if not self.python.exists():
            return {}
        names = [
            line.split("==")[0].strip()
            for line in self.requirements.read_text().splitlines()
            if "==" in line and not line.lstrip().startswith("#")
        ]
        script = (
            "import json, sys\nfrom importlib.metadata import version\n"
            "print(json.dumps({n: version(n) for n in sys.argv[1:]}))"
        )
        done = subprocess.run(
            [str(self.python), "-c", script, *names], capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            return {}
        versions: dict[str, str] = json.loads(done.stdout)
        return versions


DURABLE = PeerEnv("durable-execution peers", BENCH / ".venv-peers", PEERS / "requirements.txt")
LANGGRAPH = PeerEnv("LangGraph", BENCH / ".venv-langgraph", PEERS / "requirements-langgraph.txt")
AGENT_FRAMEWORK = PeerEnv(
    "Agent Framework", BENCH / ".venv-agent-framework", PEERS / "requirements-agent-framework.txt"
)
ENVS = (DURABLE, LANGGRAPH, AGENT_FRAMEWORK)


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


def installed_versions() -> dict[str, str]:
    """Installed versions of every peers' venv's pinned packages."""
    versions: dict[str, str] = {}
    for env in ENVS:
        versions.update(env.installed_versions())
    return versions
