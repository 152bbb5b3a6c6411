"""Every .bicep file parses, and the files follow the project's infra conventions:
main.bicep at subscription scope composing modules, a description on every parameter,
names from abbreviations + one resource token, the azd-env-name tag, UPPER_SNAKE outputs."""

from __future__ import annotations

import json
import re

import pytest
from infra_model import (
    INFRA,
    ROOT,
    bicep,
    bicep_files,
    config,
    decorator,
    parsed_bicep,
    resources_of_type,
)

MAIN = "infra/main.bicep"


def test_every_bicep_file_parses():
    files = bicep_files()
    assert len(files) >= 10
    parsed = parsed_bicep()
    assert sorted(parsed) == sorted(str(p.relative_to(ROOT)) for p in files)
    for name, doc in parsed.items():
        assert doc.get("resources") or doc.get("modules"), f"{name} declares nothing"


def test_main_is_subscription_scoped_and_only_composes_modules():
    doc = bicep(MAIN)
    assert doc["globals"]["scope"]["value"] == "subscription"
    # The only resource of its own is the resource group; everything else is a module.
    assert [r["type"] for r in doc["resources"].values()] == ["Microsoft.Resources/resourceGroups"]
    paths = {m["detail"]["path"] for m in doc["modules"].values()}
    assert all(p.startswith("modules/") for p in paths)
    for path in paths:
        assert (INFRA / path).exists(), path
    assert len((INFRA / "main.bicep").read_text().splitlines()) < 500


def test_every_module_file_is_used_by_main():
    used = {m["detail"]["path"] for m in bicep(MAIN)["modules"].values()}
    on_disk = {str(p.relative_to(INFRA)) for p in (INFRA / "modules").glob("*.bicep")}
    assert on_disk == used


@pytest.mark.parametrize("path", [str(p.relative_to(ROOT)) for p in bicep_files()])
def test_every_parameter_has_a_description(path):
    for name, declaration in bicep(path).get("parameters", {}).items():
        text = decorator(declaration, "description")
        assert isinstance(text, str), f"{path}: param {name} has no @description"
        assert len(text) > 10, f"{path}: param {name} description is too short"


def test_main_takes_the_azd_parameters():
    params = bicep(MAIN)["parameters"]
    for name in ("environmentName", "location", "principalId"):
        assert name in params
    assert params["environmentName"]["default"] is None  # required
    assert decorator(params["location"], "metadata") == {"azd": {"type": "location"}}


def test_parameter_file_maps_azd_variables_onto_declared_parameters():
    mapping = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    declared = bicep(MAIN)["parameters"]
    assert set(mapping) <= set(declared)
    assert mapping["environmentName"]["value"] == "${AZURE_ENV_NAME}"
    assert mapping["location"]["value"] == "${AZURE_LOCATION}"
    assert mapping["principalId"]["value"] == "${AZURE_PRINCIPAL_ID}"
    assert mapping["apiImageName"]["value"] == "${SERVICE_API_IMAGE_NAME=}"
    assert mapping["apiExists"]["value"] == "${SERVICE_API_RESOURCE_EXISTS=false}"
    assert mapping["useDurableTaskScheduler"]["value"].startswith("${USE_DURABLE_TASK_SCHEDULER=")
    assert mapping["vnetEnabled"]["value"].startswith("${VNET_ENABLED=")
    # Nothing in the file may carry a secret value or widen CORS.
    text = json.dumps(mapping)
    assert "*" not in text
    assert "key" not in text.lower()


def test_resource_token_and_names_come_from_abbreviations():
    main = (INFRA / "main.bicep").read_text()
    assert (
        "var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))"
        in main
    )
    assert "var abbrs = loadJsonContent('abbreviations.json')" in main
    abbrs = json.loads((INFRA / "abbreviations.json").read_text())
    names = re.findall(r"\$\{abbrs\.(\w+)\}", main)
    assert len(set(names)) >= 14
    assert set(names) <= set(abbrs)
    for module in bicep(MAIN)["modules"].values():
        for key in ("name", "actionGroupName", "logAnalyticsName", "applicationInsightsName"):
            value = config(module)["params"].get(key)
            if isinstance(value, str) and value.startswith("${abbrs."):
                assert "${resourceToken}" in value, value


def test_every_module_and_resource_group_gets_the_azd_tags():
    doc = bicep(MAIN)
    assert "'azd-env-name'" in doc["variables"]["tags"]["value"]
    assert doc["variables"]["tags"]["value"]["'azd-env-name'"] == "environmentName"
    rg = next(iter(resources_of_type(doc, "Microsoft.Resources/resourceGroups").values()))
    assert config(rg)["tags"] == "tags"
    for name, module in doc["modules"].items():
        params = config(module)["params"]
        if name in ("rbac", "currentImage"):
            continue  # role assignments and an `existing` read take no tags
        assert "tags" in params, f"module {name} gets no tags"


@pytest.mark.parametrize("path", [str(p.relative_to(ROOT)) for p in bicep_files()])
def test_every_taggable_resource_is_tagged(path):
    untaggable = {
        "Microsoft.Authorization/roleAssignments",
        "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases",
        "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers",
        "Microsoft.CognitiveServices/accounts/deployments",
        "Microsoft.Storage/storageAccounts/blobServices",
        "Microsoft.Insights/diagnosticSettings",
        "Microsoft.DurableTask/schedulers/taskHubs",
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    }
    for name, res in bicep(path).get("resources", {}).items():
        if res.get("existing") or res["type"] in untaggable:
            continue
        assert "tags" in config(res), f"{path}: {name} ({res['type']}) has no tags"


def test_outputs_are_upper_snake_for_azd():
    outputs = bicep(MAIN)["outputs"]
    for name in outputs:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), name
    for required in (
        "AZURE_LOCATION",
        "AZURE_TENANT_ID",
        "AZURE_RESOURCE_GROUP",
        "AZURE_CONTAINER_REGISTRY_ENDPOINT",
        "SERVICE_API_NAME",
        "SERVICE_API_URI",
        "SERVICE_API_PROBES_ENABLED",
    ):
        assert required in outputs
