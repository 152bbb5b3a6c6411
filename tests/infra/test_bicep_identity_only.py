"""No keys anywhere: every service the app uses has local (key) auth switched off, nothing
reads a key or a connection string, and the app's connections are identity-based. Also the
article's mistakes stay fixed: no public access next to a private endpoint, no access
policies, no CORS wildcard."""

from __future__ import annotations

import re

import pytest
from infra_model import (
    ROOT,
    all_resources,
    bicep,
    bicep_files,
    bicep_text,
    config,
    the_resource,
    variable,
    walk,
)

APP = "infra/modules/function-app.bicep"

# Functions that read secrets out of a resource, and shapes of secrets in strings.
SECRET_READERS = re.compile(
    r"\blist(Keys|ConnectionStrings|AccountSas|ServiceSas|Secrets|Credentials?)\s*\(", re.I
)
SECRET_SHAPES = re.compile(
    r"AccountKey=|SharedAccessKey=|SharedAccessSignature=|\bsharedKey\s*:|primaryMasterKey|[?&]sig=",
    re.I,
)


@pytest.mark.parametrize("path", [str(p.relative_to(ROOT)) for p in bicep_files()])
def test_no_bicep_file_reads_or_carries_a_key(path):
    text = bicep_text(path)
    code = "\n".join(line.split("//")[0] for line in text.splitlines())
    assert not SECRET_READERS.search(code), f"{path} reads a key"
    assert not SECRET_SHAPES.search(code), f"{path} carries a key-shaped value"
    assert "@secure()" not in code, f"{path} takes a secret parameter"


def test_storage_disables_shared_keys_and_public_blobs():
    props = config(
        the_resource("infra/modules/storage.bicep", "Microsoft.Storage/storageAccounts")
    )["properties"]
    assert props["allowSharedKeyAccess"] is False
    assert props["allowBlobPublicAccess"] is False
    assert props["defaultToOAuthAuthentication"] is True
    assert props["minimumTlsVersion"] == "TLS1_2"
    assert props["supportsHttpsTrafficOnly"] is True


def test_cosmos_disables_keys():
    props = config(
        the_resource("infra/modules/cosmos.bicep", "Microsoft.DocumentDB/databaseAccounts")
    )["properties"]
    assert props["disableLocalAuth"] is True
    assert props["disableKeyBasedMetadataWriteAccess"] is True


def test_openai_disables_keys_and_has_a_subdomain_for_entra_id():
    props = config(
        the_resource("infra/modules/openai.bicep", "Microsoft.CognitiveServices/accounts")
    )["properties"]
    assert props["disableLocalAuth"] is True
    assert props["customSubDomainName"] == "name"


def test_monitoring_disables_local_auth():
    insights = config(
        the_resource("infra/modules/monitoring.bicep", "Microsoft.Insights/components")
    )
    assert insights["properties"]["DisableLocalAuth"] is True
    workspace = config(
        the_resource("infra/modules/monitoring.bicep", "Microsoft.OperationalInsights/workspaces")
    )
    assert workspace["properties"]["features"]["disableLocalAuth"] is True


def test_container_apps_environment_sends_logs_without_the_workspace_key():
    env = config(
        the_resource(
            "infra/modules/container-apps-environment.bicep", "Microsoft.App/managedEnvironments"
        )
    )
    assert env["properties"]["appLogsConfiguration"] == {"destination": "azure-monitor"}
    diagnostics = config(
        the_resource(
            "infra/modules/container-apps-environment.bicep",
            "Microsoft.Insights/diagnosticSettings",
        )
    )
    assert diagnostics["properties"]["workspaceId"] == "logAnalyticsId"


def test_registry_has_no_admin_user_or_anonymous_pull():
    props = config(
        the_resource("infra/modules/registry.bicep", "Microsoft.ContainerRegistry/registries")
    )["properties"]
    assert props["adminUserEnabled"] is False
    # Anonymous pull is off unless switched on; the 2023-07-01 API has no property for it.
    assert "anonymousPullEnabled" not in props


def test_key_vault_uses_rbac_soft_delete_and_purge_protection():
    props = config(the_resource("infra/modules/keyvault.bicep", "Microsoft.KeyVault/vaults"))[
        "properties"
    ]
    assert props["enableRbacAuthorization"] is True
    assert props["enableSoftDelete"] is True
    assert props["enablePurgeProtection"] is True
    assert "accessPolicies" not in props
    assert props["enabledForTemplateDeployment"] is False


def test_app_has_no_secrets_and_pulls_with_its_identity():
    app = config(the_resource(APP, "Microsoft.App/containerApps"))
    configuration = app["properties"]["configuration"]
    assert "secrets" not in configuration
    (registry,) = configuration["registries"]
    assert registry == {"server": "registryLoginServer", "identity": "identityId"}
    assert app["identity"]["type"] == "UserAssigned"
    for container in app["properties"]["template"]["containers"]:
        for node in walk(container):
            assert not (isinstance(node, dict) and "secretRef" in node)


def _env_entries() -> dict[str, object]:
    entries = {}
    for var in ("hostSettings", "appSettings"):
        for item in variable(APP, var):
            entries[item["name"]] = item["value"]
    dts = variable(APP, "durableTaskSchedulerSettings")["operator"]["operands"]["true_value"]
    for item in dts:
        entries[item["name"]] = item["value"]
    return entries


def test_no_app_setting_carries_a_key():
    for name, value in _env_entries().items():
        assert not re.search(r"KEY|SECRET|PASSWORD|CONNECTION_STRING$", name) or name in {
            # Not secrets: the App Insights connection string holds the ingestion endpoint and
            # the instrumentation key, an identifier (local auth is disabled, so it cannot
            # be used to send telemetry without a token).
            "APPLICATIONINSIGHTS_CONNECTION_STRING",
            # Endpoint + Authentication=ManagedIdentity + ClientID; checked below.
            "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
        }, name
        assert not SECRET_SHAPES.search(str(value)), name


def test_host_storage_and_durable_backends_connect_with_the_identity():
    env = _env_entries()
    assert env["AzureWebJobsStorage__accountName"] == "storageAccountName"
    assert env["AzureWebJobsStorage__credential"] == "managedidentity"
    assert env["AzureWebJobsStorage__clientId"] == "identityClientId"
    assert "AzureWebJobsStorage" not in env  # no connection-string form
    assert env["AZURE_CLIENT_ID"] == "identityClientId"
    assert env["DURABLE_TASK_SCHEDULER_CONNECTION_STRING"] == (
        "Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}"
    )
    assert (
        env["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]
        == "ClientId=${identityClientId};Authorization=AAD"
    )


@pytest.mark.parametrize(
    ("path", "resource_type"),
    [
        ("infra/modules/storage.bicep", "Microsoft.Storage/storageAccounts"),
        ("infra/modules/cosmos.bicep", "Microsoft.DocumentDB/databaseAccounts"),
        ("infra/modules/openai.bicep", "Microsoft.CognitiveServices/accounts"),
        ("infra/modules/keyvault.bicep", "Microsoft.KeyVault/vaults"),
    ],
)
def test_services_behind_private_endpoints_turn_public_access_off(path, resource_type):
    # The article put a private endpoint in front of Cosmos DB and left public access on.
    props = config(the_resource(path, resource_type))["properties"]
    assert props["publicNetworkAccess"] == {
        "operator": {
            "type": "conditional",
            "operands": {
                "condition": "privateOnly",
                "true_value": "Disabled",
                "false_value": "Enabled",
            },
        }
    }
    main = bicep_text("infra/main.bicep")
    module = path.rsplit("/", 1)[1]
    block = main[main.index(f"'modules/{module}'") :]
    block = block[: block.index("\n}\n")]
    assert "privateOnly: vnetEnabled" in block


def test_private_endpoints_cover_every_data_plane_the_app_uses():
    endpoints = variable("infra/modules/private-endpoints.bicep", "endpoints")
    assert sorted((e["name"], e["groupId"]) for e in endpoints) == [
        ("blob", "blob"),
        ("cosmos", "Sql"),
        ("openai", "account"),
        ("queue", "queue"),
        ("table", "table"),
        ("vault", "vault"),
    ]
    zone_links = all_resources("Microsoft.Network/privateDnsZones/virtualNetworkLinks")
    assert len(zone_links) == 1


def test_no_cors_wildcard_or_credentials_anywhere():
    # The article allowed origin "*" together with credentials. Here the app answers CORS
    # from CORS_ALLOWED_ORIGINS (an explicit list) and the ingress adds no policy of its own.
    for path in (str(p.relative_to(ROOT)) for p in bicep_files()):
        for node in walk(bicep(path)):
            if isinstance(node, dict) and "corsPolicy" in node:
                policy = node["corsPolicy"]
                assert "*" not in policy.get("allowedOrigins", [])
                assert policy.get("allowCredentials") is not True
    app = config(the_resource(APP, "Microsoft.App/containerApps"))
    assert "corsPolicy" not in app["properties"]["configuration"]["ingress"]
    cors = next(i for i in variable(APP, "appSettings") if i["name"] == "CORS_ALLOWED_ORIGINS")
    assert cors["value"] == {
        "function": {
            "type": "join",
            "parameters": {"input_array": "corsAllowedOrigins", "delimiter": ","},
        }
    }
