"""The project's Python environments as data: which code runs in each, the requirements file
that declares what it needs, and the lock file (`make lock`) that pins all of it with hashes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PEERS = "bench/peers"


@dataclass(frozen=True)
class Environment:
    """One virtualenv: its requirements file, its lock, and the code it runs (paths relative
    to the repository root, folders or files)."""

    name: str
    requirements: str
    runs: tuple[str, ...] = ()

    @property
    def lock(self) -> str:
        """The lock file beside the requirements file (`requirements-dev.txt` ->
        `requirements-dev.lock`)."""
        return str(Path(self.requirements).with_suffix(".lock"))


RUNTIME = Environment(
    "runtime (the image)",
    "requirements.txt",
    ("function_app.py", "triggers", "orchestrations", "activities", "agents", "core"),
)
DEV = Environment("dev (.venv)", "requirements-dev.txt", ("devhost", "tests", "bench", "scripts"))
ENVIRONMENTS = (
    RUNTIME,
    DEV,
    Environment("infra (.venv-infra)", "requirements-infra.txt"),
    Environment(
        "durable-execution peers (bench/.venv-peers)",
        f"{PEERS}/requirements.txt",
        (f"{PEERS}/dbos_peer.py", f"{PEERS}/durabletask_peer.py", "bench/chart.py"),
    ),
    Environment(
        "LangGraph peer (bench/.venv-langgraph)",
        f"{PEERS}/requirements-langgraph.txt",
        (f"{PEERS}/langgraph_peer.py",),
    ),
    Environment(
        "Agent Framework peer (bench/.venv-agent-framework)",
        f"{PEERS}/requirements-agent-framework.txt",
        (f"{PEERS}/agent_framework_peer.py",),
    ),
)


@dataclass(frozen=True)
class Pin:
    """One package of a lock file: its exact version and the hashes pip checks."""

    name: NormalizedName
    version: str
    hashes: tuple[str, ...]


def _lines(path: Path) -> list[str]:
    """The file's logical lines: continuations joined, comments and blanks dropped."""
    text = path.read_text().replace("\\\n", " ")
    lines = (re.sub(r"(^|\s)#.*", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def declared(requirements: str) -> dict[NormalizedName, Requirement]:
    """What a requirements file asks for, following its `-r` includes, by canonical name."""
    path = ROOT / requirements
    found: dict[NormalizedName, Requirement] = {}
    for line in _lines(path):
        if line.startswith(("-r ", "--requirement ")):
            included = (path.parent / line.split(maxsplit=1)[1]).relative_to(ROOT)
            found.update(declared(str(included)))
        elif not line.startswith("-"):
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def locked(lock: str) -> dict[NormalizedName, Pin]:
    """The pins of a lock file, by canonical name."""
    pins: dict[NormalizedName, Pin] = {}
    for line in _lines(ROOT / lock):
        spec, *hashes = re.split(r"\s+--hash=", line)
        requirement = Requirement(spec)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"{lock}: {line!r} is not an exact pin"
        name = canonicalize_name(requirement.name)
        pins[name] = Pin(name, specifier.version, tuple(hashes))
    return pins
