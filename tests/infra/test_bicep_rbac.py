"""Least-privilege role assignments: the app's identity gets exactly one data-plane role per
service, scoped to that one resource, with names guid(scope.id, principalId, roleId) and
the role's name next to its id."""

from __future__ import annotations

import re

from infra_model import ROOT, bicep, bicep_files, bicep_text, condition, config

RBAC = "infra/modules/rbac.bicep"

# Built-in role definition ids and their names.
ROLES = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
    "974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
    "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
    "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd": "Cognitive Services OpenAI User",
    "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
    "0ad04412-c4d5-4796-b79c-f76d14c8d402": "Durable Task Data Contributor",
    "00000000-0000-0000-0000-000000000002": "Cosmos DB Built-in Data Contributor",
}

# Broad roles that must never be granted.
FORBIDDEN = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "00000000-0000-0000-0000-000000000001": "Cosmos DB Built-in Data Reader",  # unused by the app
}

# What the app's identity must hold: role -> the `existing` resource it is scoped to.
APP_ROLES = {
    "storageBlobDataOwner": "storage",
    "storageQueueDataContributor": "storage",
    "storageTableDataContributor": "storage",
    "cognitiveServicesOpenAiUser": "openAi",
    "keyVaultSecretsUser": "vault",
    "acrPull": "registry",
    "monitoringMetricsPublisher": "applicationInsights",
    "durableTaskDataContributor": "taskHub",
}


def role_assignments() -> dict[str, dict]:
    doc = bicep(RBAC)
    return {
        name: res
        for name, res in doc["resources"].items()
        if res["type"] == "Microsoft.Authorization/roleAssignments"
    }


def guid_parts(res: dict) -> tuple[list[str], str, str]:
    params = config(res)["name"]["function"]["parameters"]
    base = params["base_string"]["operator"]["operands"]
    return (
        [base["operand_1"], base["operand_2"]],
        params["extra_string_1"],
        params["extra_string_2"],
    )


def test_each_role_id_is_named_in_a_comment():
    text = bicep_text(RBAC)
    for role_id, role_name in ROLES.items():
        line = next(line for line in text.splitlines() if f"'{role_id}'" in line)
        assert line.rstrip().endswith(f"// {role_name}"), line


def test_no_broad_roles_anywhere():
    for path in bicep_files():
        text = path.read_text()
        for role_id, role_name in FORBIDDEN.items():
            assert role_id not in text, f"{path.relative_to(ROOT)} grants {role_name}"


def test_app_identity_holds_one_role_per_data_plane_on_that_resource():
    found = {}
    for name, res in role_assignments().items():
        body = config(res)
        if body["properties"]["principalId"] != "appPrincipalId":
            continue
        role = body["properties"]["roleDefinitionId"]["function"]["parameters"]["resource_name_1"]
        found[role] = body["scope"]
        assert body["properties"]["principalType"] == "ServicePrincipal", name
    assert found == APP_ROLES


def test_role_assignment_names_are_guid_of_scope_principal_role():
    for name, res in role_assignments().items():
        body = config(res)
        scope_path, principal, role = guid_parts(res)
        assert scope_path == [body["scope"], "id"], name
        assert principal == body["properties"]["principalId"], name
        assert (
            role
            == body["properties"]["roleDefinitionId"]["function"]["parameters"]["resource_name_1"]
        ), name


def test_cosmos_data_plane_role_is_the_built_in_data_contributor():
    doc = bicep(RBAC)
    assignments = {
        name: config(res)
        for name, res in doc["resources"].items()
        if res["type"] == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments"
    }
    app = assignments["appCosmos"]
    assert app["parent"] == "cosmos"
    assert app["properties"]["principalId"] == "appPrincipalId"
    assert (
        app["properties"]["roleDefinitionId"]
        == "${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}"
    )
    assert (
        doc["variables"]["cosmosDataContributor"]["value"] == "00000000-0000-0000-0000-000000000002"
    )
    assert app["properties"]["scope"]["operator"]["operands"] == {
        "operand_1": "cosmos",
        "operand_2": "id",
    }
    for name, body in assignments.items():
        params = body["name"]["function"]["parameters"]
        assert params["extra_string_1"] == body["properties"]["principalId"], name


def test_developer_and_scheduler_assignments_are_conditional():
    resources = bicep(RBAC)["resources"]
    assert condition(resources["appTaskHub"]) == "useDurableTaskScheduler"
    assert condition(resources["userOpenAi"]) == "withUser"
    assert condition(resources["userCosmos"]) == "withUser"
    for name, res in resources.items():
        if name.startswith("user"):
            assert condition(res) is not None, (
                f"{name} is granted even without a developer principal"
            )
    main = bicep("infra/main.bicep")
    params = config(main["modules"]["rbac"])["params"]
    assert (
        params["userPrincipalId"]["operator"]["operands"]["condition"] == "grantPrincipalDataAccess"
    )


def test_app_waits_for_its_role_assignments():
    api = config(bicep("infra/main.bicep")["modules"]["api"])
    assert api["dependsOn"] == ["rbac"]


def test_role_ids_are_built_in_definitions_at_subscription_scope():
    text = bicep_text(RBAC)
    assert len(
        re.findall(r"subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions'", text)
    ) == len(role_assignments())
