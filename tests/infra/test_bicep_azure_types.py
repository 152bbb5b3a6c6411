"""Every property the Bicep sets exists, and is writable, in Azure's published type of that
resource at that API version (tests/infra/azure_types.json, extracted from
Azure/bicep-types-az by scripts/azure_types.py), so a deployment is not refused for a property
the API does not know."""

from __future__ import annotations

import json
from typing import Any

import pytest
from infra_model import ROOT, config, parsed_bicep

TYPES = json.loads((ROOT / "tests" / "infra" / "azure_types.json").read_text())
REGENERATE = "run scripts/azure_types.py (see its docstring) after changing an API version"
# Keys of a resource body that Bicep itself reads and does not send as properties.
BICEP_KEYS = {"parent", "scope", "dependsOn"}
# pycep's shapes of expressions (calls, operators, conditions, interpolations, loops): values
# only known at deployment time, which are not checked.
EXPRESSIONS = [
    {"operator"},
    {"function"},
    {"operands", "type"},
    {"operand_1", "operand_2"},
    {"parameters", "type"},
    {"condition", "true_value", "false_value"},
    {"property_name", "type"},
    {"item_to_test"},
    {"bool_value"},
    {"detail", "type"},
]


def is_expression(value: dict[str, Any]) -> bool:
    keys = set(value)
    return (
        keys in EXPRESSIONS
        or "loop_type" in keys
        or any(k.startswith("base_string") for k in keys)
        or any(k.startswith("arg_") for k in keys)
    )


def property_name(key: str) -> str | None:
    """The property a pycep key names (quotes removed); None for a computed key."""
    name = key.strip("'")
    return None if "${" in name else name


class Checker:
    """Finds properties a resource body sets that its published type does not have."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.nodes = schema["nodes"]
        self.problems: list[str] = []

    def check(self, value: Any, index: int, where: str) -> None:
        node = self.nodes[index]
        if isinstance(value, list) and "array" in node:
            for i, item in enumerate(value):
                self.check(item, node["array"], f"{where}[{i}]")
        elif isinstance(value, dict) and not is_expression(value):
            if "union" in node:
                self.check_union(value, node["union"], where)
            elif "object" in node:
                self.check_object(value, node, where)

    def check_union(self, value: dict[str, Any], members: list[int], where: str) -> None:
        objects = [m for m in members if "object" in self.nodes[m]]
        for member in objects:
            trial = Checker({"nodes": self.nodes})
            trial.check(value, member, where)
            if not trial.problems:
                return
        if objects:
            self.check(value, objects[0], where)

    def properties(self, value: dict[str, Any], node: dict[str, Any]) -> dict[str, list[Any]]:
        known = dict(node["object"])
        variants = node.get("variants")
        if variants:
            chosen = value.get(node["discriminator"])
            picked = [variants[chosen]] if chosen in variants else list(variants.values())
            for variant in picked:
                known.update(self.nodes[variant]["object"])
        return known

    def check_object(self, value: dict[str, Any], node: dict[str, Any], where: str) -> None:
        known = {k.lower(): v for k, v in self.properties(value, node).items()}
        for key, item in value.items():
            name = property_name(key)
            if name is None:
                continue
            if name.lower() not in known:
                if node.get("extra") is not None:
                    self.check(item, node["extra"], f"{where}.{name}")
                else:
                    self.problems.append(f"{where}.{name} is not a property of this type")
                continue
            index, read_only = known[name.lower()]
            if read_only:
                self.problems.append(f"{where}.{name} is read-only")
            self.check(item, index, f"{where}.{name}")


def declarations() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, doc in sorted(parsed_bicep().items()):
        for name, resource in doc.get("resources", {}).items():
            found.append((path, name, resource))
    return found


@pytest.mark.parametrize(
    ("path", "name", "resource"), declarations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_resource_properties_exist_in_the_published_type(path, name, resource):
    key = f"{resource['type']}@{resource['api_version']}"
    schemas = {k.lower(): v for k, v in TYPES["resource_types"].items()}
    assert key.lower() in schemas, f"{key} has no published type in azure_types.json: {REGENERATE}"
    body = {k: v for k, v in config(resource).items() if k not in BICEP_KEYS}
    checker = Checker(schemas[key.lower()])
    if resource.get("existing"):
        body = {"name": body.get("name")}
    checker.check(body, schemas[key.lower()]["root"], f"{path}:{name}")
    assert checker.problems == []


def test_the_checker_refuses_what_the_2023_07_01_registry_does_not_know():
    schema = TYPES["resource_types"]["Microsoft.ContainerRegistry/registries@2023-07-01"]
    checker = Checker(schema)
    body = {
        "name": "name",
        "location": "location",
        "sku": {"name": "Basic"},
        "properties": {"adminUserEnabled": False, "anonymousPullEnabled": False},
    }
    checker.check(body, schema["root"], "registry")
    assert checker.problems == [
        "registry.properties.anonymousPullEnabled is not a property of this type"
    ]
    checker = Checker(schema)
    checker.check({"properties": {"loginServer": "x"}}, schema["root"], "registry")
    assert checker.problems == ["registry.properties.loginServer is read-only"]


def test_every_declared_type_comes_from_the_recorded_source():
    assert len(TYPES["bicep_types_az_commit"]) == 40
    for key, schema in TYPES["resource_types"].items():
        namespace, version = key.split("/")[0].lower(), key.rsplit("@", 1)[1]
        assert schema["source"].endswith(f"/{namespace}/{version}/types.json"), key
