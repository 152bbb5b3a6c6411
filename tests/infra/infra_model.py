"""Offline view of the deployment files for tests/infra.

The Bicep files are parsed by pycep-parser and the YAML files by PyYAML, both installed in
`.venv-infra` (checkov pins packages that clash with the app's venv), so each parse runs
there in a subprocess and comes back as JSON. pycep renders an identifier and a string
literal alike (`name` and `'name'` both become "name"); `is_reference` tells them apart by
the declarations of the file.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
INFRA_VENV = ROOT / ".venv-infra"
INFRA_PYTHON = INFRA_VENV / "bin" / "python"
CHECKOV = INFRA_VENV / "bin" / "checkov"

_PARSE_SCRIPT = """
import json, sys
from pathlib import Path
import yaml
from pycep import BicepParser
parser = BicepParser()
out = {}
for name in sys.argv[1:]:
    path = Path(name)
    if path.suffix == ".bicep":
        out[name] = parser.parse(file_path=path)
    else:
        out[name] = yaml.safe_load(path.read_text())
print(json.dumps(out, default=str))
"""


class InfraToolsMissingError(RuntimeError):
    """Raised when .venv-infra has not been created."""

    def __init__(self) -> None:
        super().__init__(f"{INFRA_PYTHON} not found: run `make infra-venv` first")


def require_infra_venv() -> None:
    """Fail loudly (not skip) when the infra tools are missing: these checks are the only
    validation the deployment gets before it reaches Azure."""
    if not INFRA_PYTHON.exists() or not CHECKOV.exists():
        raise InfraToolsMissingError()


def bicep_files() -> list[Path]:
    """Every .bicep file of the repository's infra directory."""
    return sorted(INFRA.rglob("*.bicep"))


def _parse(paths: tuple[str, ...]) -> dict[str, Any]:
    require_infra_venv()
    done = subprocess.run(
        [str(INFRA_PYTHON), "-c", _PARSE_SCRIPT, *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"parsing {paths} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@cache
def parsed_bicep() -> dict[str, dict[str, Any]]:
    """Each .bicep file (path relative to the repository root) as pycep's JSON."""
    names = tuple(str(p.relative_to(ROOT)) for p in bicep_files())
    return _parse(names)


def bicep(relative: str) -> dict[str, Any]:
    """One parsed Bicep file, e.g. `bicep("infra/modules/cosmos.bicep")`."""
    return parsed_bicep()[relative]


@cache
def parsed_yaml(relative: str) -> Any:
    """A YAML file of the repository, parsed by PyYAML in .venv-infra."""
    return _parse((relative,))[relative]


def bicep_text(relative: str) -> str:
    """The raw text of a Bicep file (comments included, which pycep drops)."""
    return (ROOT / relative).read_text()


def resources_of_type(doc: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """The resources of one type in a parsed file, by symbolic name."""
    return {
        name: res
        for name, res in doc.get("resources", {}).items()
        if res["type"].lower() == resource_type.lower()
    }


def all_resources(resource_type: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(file, symbolic name, resource) for every non-`existing` resource of a type."""
    found = []
    for path, doc in parsed_bicep().items():
        for name, res in resources_of_type(doc, resource_type).items():
            if not res.get("existing"):
                found.append((path, name, res))
    return found


def the_resource(relative: str, resource_type: str) -> dict[str, Any]:
    """The single resource of a type declared in a file."""
    matches = [
        res
        for res in resources_of_type(bicep(relative), resource_type).values()
        if not res.get("existing")
    ]
    assert len(matches) == 1, f"expected one {resource_type} in {relative}, found {len(matches)}"
    return matches[0]


def config(res: dict[str, Any]) -> dict[str, Any]:
    """The body of a resource or module, unwrapping a loop (`[for ...]`) or a condition."""
    body: dict[str, Any] = res["config"]
    while "config" in body and ("loop_type" in body or "condition" in body):
        body = body["config"]
    return body


def condition(res: dict[str, Any]) -> Any:
    """The `if (...)` condition of a resource or module, or None."""
    body = res["config"]
    return body.get("condition") if "config" in body else None


def variable(relative: str, name: str) -> Any:
    """The value of a `var` in a parsed file."""
    return bicep(relative)["variables"][name]["value"]


def parameter(relative: str, name: str) -> dict[str, Any]:
    """A `param` declaration: type, default and decorators."""
    return bicep(relative)["parameters"][name]


def decorator(declaration: dict[str, Any], kind: str) -> Any:
    """The argument of one decorator (`description`, `min_value`, ...) or None."""
    for item in declaration.get("decorators", []):
        if item["type"] == kind:
            return item["argument"]
    return None


def is_reference(relative: str, value: Any) -> bool:
    """Whether a pycep string is an identifier declared in the file rather than a literal."""
    if not isinstance(value, str):
        return False
    doc = bicep(relative)
    declared = (
        set(doc.get("parameters", {}))
        | set(doc.get("variables", {}))
        | set(doc.get("resources", {}))
        | set(doc.get("modules", {}))
    )
    return value in declared


def walk(node: Any) -> Iterator[Any]:
    """Every dict, list and scalar below a parsed node, depth first."""
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def function_calls(node: Any, function: str) -> list[dict[str, Any]]:
    """The parameters of every call to `function` (pycep's snake_case name) below a node."""
    return [
        item["function"]["parameters"]
        for item in walk(node)
        if isinstance(item, dict)
        and isinstance(item.get("function"), dict)
        and item["function"].get("type") == function
    ]


def accessor_path(node: Any) -> list[str]:
    """`a.b.c` as ["a", "b", "c"] from pycep's nested property_accessor operators."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict) and "operator" in node:
        operator = node["operator"]
        if operator["type"] == "property_accessor":
            operands = operator["operands"]
            return accessor_path(operands["operand_1"]) + accessor_path(operands["operand_2"])
    raise AssertionError(f"not a property path: {node!r}")


def checkov(*args: str) -> list[dict[str, Any]]:
    """Run checkov with JSON output and return one report per framework."""
    require_infra_venv()
    done = subprocess.run(
        [str(CHECKOV), "--skip-download", "--output", "json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise AssertionError(f"checkov exited {done.returncode}:\n{done.stderr[-4000:]}")
    reports = json.loads(done.stdout)
    return reports if isinstance(reports, list) else [reports]
