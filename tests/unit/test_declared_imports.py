"""Every third-party package the code imports directly is declared in the requirements file
of the environment that runs that code, so no lock refresh or upstream release can drop it."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from packaging.utils import NormalizedName, canonicalize_name

from tests.requirement_files import ENVIRONMENTS, ROOT, Environment, declared

# Import names that differ from their distribution's, for the bench peers' packages, which
# are not installed in the venv that runs the tests.
PEER_IMPORT_NAMES = {"grpc": "grpcio", "agent_framework": "agent-framework-core"}
NOT_SOURCE = {"node_modules", "__pycache__", "artifacts"}


def python_files() -> Iterator[Path]:
    """The project's Python files (no venvs, caches or installed packages)."""
    for folder, subfolders, files in os.walk(ROOT):
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d not in NOT_SOURCE]
        yield from (Path(folder, name) for name in files if name.endswith(".py"))


def imported_modules(path: Path) -> set[str]:
    """The absolute module names a file imports, anywhere in it."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from opentelemetry import trace` imports a submodule of a namespace package.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@cache
def module_owners() -> dict[str, NormalizedName]:
    """Each installed module's dotted name and the distribution that ships it."""
    owners: dict[str, NormalizedName] = {}
    for dist in importlib.metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        for file in dist.files or ():
            if file.suffix not in (".py", ".so", ".pyd"):
                continue
            parts = [*file.parts[:-1], file.name.split(".")[0]]
            if parts[-1] == "__init__":
                parts.pop()
            if parts and all(part.isidentifier() for part in parts):
                owners.setdefault(".".join(parts), name)
    return owners


def distribution_of(module: str) -> NormalizedName:
    """The distribution that provides `module` (its deepest installed package: namespace
    packages such as `azure` are shared by many)."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        owner = module_owners().get(".".join(parts[:end]))
        if owner:
            return owner
    return canonicalize_name(PEER_IMPORT_NAMES.get(parts[0], parts[0]))


def environment_of(path: Path) -> Environment | None:
    """The environment that runs `path`: the one naming its nearest folder or the file."""
    relative = path.relative_to(ROOT).as_posix()
    matches = [
        (len(run), env)
        for env in ENVIRONMENTS
        for run in env.runs
        if relative == run or relative.startswith(f"{run}/")
    ]
    return max(matches, key=lambda match: match[0])[1] if matches else None


def local_names(files: list[Path]) -> set[str]:
    """Names the project's own files provide at the top level: modules and folders whose
    folder is not a package (the repository's root, and test apps, which run with their folder
    on the path)."""
    names: set[str] = set()
    for path in files:
        for item in (path, *path.parents):
            if item == ROOT:
                break
            if not (item.parent / "__init__.py").exists():
                names.add(item.stem)
    return names


def test_every_python_file_runs_in_a_known_environment() -> None:
    homeless = [str(p.relative_to(ROOT)) for p in python_files() if environment_of(p) is None]
    assert homeless == [], (
        "add their folder to an Environment's `runs` in tests/requirement_files.py"
    )


def test_every_directly_imported_package_is_declared() -> None:
    files = list(python_files())
    local = local_names(files)
    wanted = {env: declared(env.requirements) for env in ENVIRONMENTS}
    undeclared: set[str] = set()
    for path in files:
        env = environment_of(path)
        assert env is not None, path
        for module in imported_modules(path):
            top = module.split(".")[0]
            dist = distribution_of(module)
            if top not in sys.stdlib_module_names and top not in local and dist not in wanted[env]:
                undeclared.add(
                    f"{path.relative_to(ROOT)} imports {dist}: add it to {env.requirements}"
                )
    assert sorted(undeclared) == [], "\n".join(sorted(undeclared))
