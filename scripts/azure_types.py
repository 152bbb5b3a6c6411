"""Write tests/infra/azure_types.json: the property schema of every resource type and API
version the Bicep declares, taken from Azure's published Bicep types (Azure/bicep-types-az,
generated from the Azure REST API specifications).

    git clone --depth 1 https://github.com/Azure/bicep-types-az /tmp/bicep-types-az
    .venv/bin/python scripts/azure_types.py /tmp/bicep-types-az

Run it again after changing a resource's API version; tests/infra/test_bicep_azure_types.py
reads only the JSON it writes, offline.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
OUTPUT = REPO / "tests" / "infra" / "azure_types.json"
DECLARATION = re.compile(r"'((?:Microsoft|microsoft)\.[A-Za-z]+/[^'@]+)@([0-9a-z-]+)'")
READ_ONLY = 2


def declared_types() -> set[tuple[str, str]]:
    """(resource type, API version) of every resource the Bicep files declare."""
    found = set()
    for path in (REPO / "infra").rglob("*.bicep"):
        found.update(DECLARATION.findall(path.read_text()))
    return found


def _git(types_repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(types_repo), *args], check=True, capture_output=True, text=True
    ).stdout


def _index(ref: dict[str, str]) -> int:
    return int(ref["$ref"].removeprefix("#/"))


class _Compactor:
    """The part of one types.json a resource's body reaches, renumbered from 0."""

    def __init__(self, table: list[dict[str, Any]]) -> None:
        self.table = table
        self.order: dict[int, int] = {}
        self.nodes: list[Any] = []

    def node(self, index: int) -> int:
        if index in self.order:
            return self.order[index]
        self.order[index] = len(self.nodes)
        self.nodes.append(None)
        self.nodes[self.order[index]] = self._compact(self.table[index])
        return self.order[index]

    def _properties(self, properties: dict[str, Any]) -> dict[str, list[int | bool]]:
        return {
            name: [self.node(_index(p["type"])), bool(p.get("flags", 0) & READ_ONLY)]
            for name, p in properties.items()
        }

    def _compact(self, item: dict[str, Any]) -> dict[str, Any]:
        kind = item["$type"]
        if kind == "ObjectType":
            extra = item.get("additionalProperties")
            return {
                "object": self._properties(item.get("properties", {})),
                "extra": self.node(_index(extra)) if extra else None,
            }
        if kind == "DiscriminatedObjectType":
            return {
                "object": self._properties(item.get("baseProperties", {})),
                "discriminator": item["discriminator"],
                "variants": {k: self.node(_index(v)) for k, v in item["elements"].items()},
            }
        if kind == "ArrayType":
            return {"array": self.node(_index(item["itemType"]))}
        if kind == "UnionType":
            return {"union": [self.node(_index(e)) for e in item["elements"]]}
        return {"value": kind}


def extract(types_repo: Path, wanted: set[tuple[str, str]]) -> dict[str, Any]:
    """The compact schema of each wanted (type, API version), keyed `type@version`."""
    files = _git(types_repo, "ls-tree", "-r", "--name-only", "HEAD", "generated").splitlines()
    result: dict[str, Any] = {}
    for resource_type, version in sorted(wanted):
        namespace = resource_type.split("/")[0].lower()
        suffix = f"/{namespace}/{version}/types.json"
        key = f"{resource_type}@{version}"
        for name in (f for f in files if f.lower().endswith(suffix)):
            table = json.loads(_git(types_repo, "show", f"HEAD:{name}"))
            match = next(
                (
                    t
                    for t in table
                    if t["$type"] == "ResourceType" and t["name"].lower() == key.lower()
                ),
                None,
            )
            if match is None:
                continue
            compactor = _Compactor(table)
            root = compactor.node(_index(match["body"]))
            result[key] = {"source": name, "root": root, "nodes": compactor.nodes}
            break
        else:
            raise SystemExit(f"{key}: no published type found in {types_repo}")
    return result


def main() -> int:
    """Write the schemas for the Bicep's current declarations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("types_repo", type=Path, help="a clone of Azure/bicep-types-az")
    args = parser.parse_args()
    commit = _git(args.types_repo, "rev-parse", "HEAD").strip()
    schemas = extract(args.types_repo, declared_types())
    document = {"bicep_types_az_commit": commit, "resource_types": schemas}
    OUTPUT.write_text(json.dumps(document, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"{len(schemas)} resource types from bicep-types-az {commit[:12]} -> {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
