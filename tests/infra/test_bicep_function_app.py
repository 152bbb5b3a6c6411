"""The Functions app is a container app of kind 'functionapp' with health probes on
/api/health, replicas per environment that never drop to zero, and every setting the code
reads (core/settings.py) either set by the Bicep or listed here as deliberately unset."""

from __future__ import annotations

import ast
import json
import re

from infra_model import (
    INFRA,
    ROOT,
    bicep,
    config,
    decorator,
    parameter,
    the_resource,
    variable,
)

APP = "infra/modules/function-app.bicep"
MAIN = "infra/main.bicep"

# Settings the code reads that the Bicep deliberately leaves unset in Azure, with the reason.
INTENTIONALLY_UNSET = {
    "AZURE_OPENAI_API_KEY": "key fallback; Azure OpenAI has local auth disabled and the app uses Entra ID",
    "COSMOS_KEY": "key fallback; Cosmos DB has local auth disabled and the app uses Entra ID",
    "AGENT_LOG_SQLITE_PATH": "local-only store; in Azure COSMOS_ENDPOINT selects Cosmos DB",
    "OFFLINE_MODEL_LATENCY_MS": "only shapes the offline model; in Azure AZURE_OPENAI_ENDPOINT is set",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "alternative exporter; in Azure telemetry goes to Application Insights",
    "AUTH_JWKS_URL": "the default, Entra ID's key URL of AUTH_TENANT_ID, is right in Azure",
    "WORKFLOW_SIGNING_KEY_FILE": "local-only fallback; in Azure WORKFLOW_SIGNING_KEY comes from Key Vault",
    "AGENTS_FILE": "the catalogue ships in the image at its default path, agents.yaml",
    "OPENAI_BASE_URL": "in Azure AZURE_OPENAI_ENDPOINT selects Azure OpenAI; another endpoint is added through extraAppSettings",
    "OPENAI_API_KEY": "only with OPENAI_BASE_URL, as a Key Vault reference through extraAppSettings",
    "OPENAI_MODEL": "only with OPENAI_BASE_URL",
    "EVENT_STREAM_SECONDS": "the default, 25 s, is well under the platform's 230 s HTTP limit; a change goes through extraAppSettings",
    "A2A_REQUEST_TIMEOUT_SECONDS": "the default fits a remote A2A agent in Azure; a change goes through extraAppSettings",
    "A2A_POLL_SECONDS": "the default fits a remote A2A agent in Azure; a change goes through extraAppSettings",
    "A2A_TASK_TIMEOUT_SECONDS": "the default fits a remote A2A agent in Azure; a change goes through extraAppSettings",
    "THREAD_HISTORY_TOKENS": "the default, 1,500 tokens (and a tenth of each request's budget), bounds a thread's summary; a change goes through extraAppSettings",
}

# Settings of the Functions host (not in core/settings.py) the app needs in Azure.
HOST_SETTINGS = {
    "FUNCTIONS_WORKER_RUNTIME",
    "PYTHON_ENABLE_INIT_INDEXING",
    "AzureWebJobsStorage__accountName",
    "AzureWebJobsStorage__credential",
    "AzureWebJobsStorage__clientId",
    "APPLICATIONINSIGHTS_CONNECTION_STRING",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    "AZURE_CLIENT_ID",
    "DURABLE_TASK_HUB_NAME",
    "AzureFunctionsJobHost__extensions__durableTask__hubName",
}


def settings_fields() -> list[str]:
    """The field names of core.settings.Settings, read from the source so the test follows
    the file as it grows."""
    tree = ast.parse((ROOT / "core" / "settings.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Settings":
            return [
                stmt.target.id
                for stmt in node.body
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
            ]
    raise AssertionError("class Settings not found in core/settings.py")


def env_names(var: str) -> list[str]:
    return [item["name"] for item in variable(APP, var)]


def bicep_settings() -> set[str]:
    """Every setting the Bicep gives the app (values and Key Vault references)."""
    return {
        n for var in ("hostSettings", "appSettings", "signingKeySettings") for n in env_names(var)
    }


def test_app_is_a_native_functions_container_app():
    app = config(the_resource(APP, "Microsoft.App/containerApps"))
    assert app["kind"] == "functionapp"
    assert app["properties"]["managedEnvironmentId"] == "environmentId"
    assert app["properties"]["workloadProfileName"] == "Consumption"
    assert app["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": {"'${identityId}'": {}},
    }
    (container,) = app["properties"]["template"]["containers"]
    assert container["env"] == {
        "function": {
            "type": "concat",
            "parameters": {
                "arg_1": "hostSettings",
                "arg_2": "durableTaskSchedulerSettings",
                "arg_3": "appSettings",
                "arg_4": "signingKeySettings",
                "arg_5": "secretSettings",
                "arg_6": "extraAppSettings",
            },
        }
    }


def test_the_signing_key_is_a_key_vault_reference_read_with_the_app_identity():
    app = config(the_resource(APP, "Microsoft.App/containerApps"))
    secrets = app["properties"]["configuration"]["secrets"]["function"]["parameters"]
    assert secrets["arg_2"] == "secretReferences"
    (secret,) = secrets["arg_1"]
    assert secret == {
        "name": "workflow-signing-key",
        "keyVaultUrl": "workflowSigningKeySecretUri",
        "identity": "identityId",
    }
    assert variable(APP, "signingKeySettings") == [
        {"name": "WORKFLOW_SIGNING_KEY", "secretRef": "workflow-signing-key"}
    ]


def test_each_key_vault_secret_setting_is_a_reference_read_with_the_app_identity():
    references = variable(APP, "secretReferences")
    settings = variable(APP, "secretSettings")
    for loop in (references, settings):
        assert loop["loop_type"]["detail"]["array_name"] == "keyVaultSecretSettings"
    assert references["config"]["identity"] == "identityId"
    assert "value" not in references["config"]
    assert "value" not in settings["config"]
    # The setting and its secret agree on the secret's name.
    assert settings["config"]["secretRef"] == references["config"]["name"]


def test_ingress_is_https_only_on_the_host_port():
    ingress = config(the_resource(APP, "Microsoft.App/containerApps"))["properties"][
        "configuration"
    ]["ingress"]
    assert ingress["targetPort"] == 80
    assert ingress["allowInsecure"] is False
    assert ingress["external"] is True


def test_health_probes_hit_api_health_within_container_apps_limits():
    probes = variable(APP, "healthProbes")
    assert sorted(p["type"] for p in probes) == ["Liveness", "Readiness", "Startup"]
    # Liveness only asks whether the app answers, so an outage of a dependency takes
    # replicas out of rotation (readiness) without restarting them.
    paths = {"Liveness": "/api/health/live", "Readiness": "/api/health", "Startup": "/api/health"}
    for probe in probes:
        assert probe["httpGet"] == {"path": paths[probe["type"]], "port": 80, "scheme": "HTTP"}
        # Container Apps accepts 1-10 failures, 1-240 s periods and 0-60 s initial delays.
        assert 1 <= probe["failureThreshold"] <= 10
        assert 1 <= probe["periodSeconds"] <= 240
        assert 1 <= probe["timeoutSeconds"] <= probe["periodSeconds"]
        assert 0 <= probe.get("initialDelaySeconds", 0) <= 60
    app = config(the_resource(APP, "Microsoft.App/containerApps"))
    (container,) = app["properties"]["template"]["containers"]
    assert container["probes"] == {
        "operator": {
            "type": "conditional",
            "operands": {
                "condition": "probesEnabled",
                "true_value": "healthProbes",
                "false_value": [],
            },
        }
    }
    # Probes are only off while the placeholder image (which has no /api/health) runs.
    assert variable(APP, "probesEnabled") == {
        "operator": {
            "type": "not",
            "operands": {
                "bool_value": {
                    "function": {"type": "empty", "parameters": {"item_to_test": "image"}}
                }
            },
        }
    }


def test_replicas_never_drop_to_zero_and_follow_the_environment_profile():
    # Durable Functions on Container Apps scales from zero only with the MSSQL backend.
    assert decorator(parameter(APP, "minReplicas"), "min_value") == 1
    profiles = json.loads((INFRA / "environment-profiles.json").read_text())
    assert set(profiles) == {"dev", "test", "prod"}
    for name, profile in profiles.items():
        assert 1 <= profile["minReplicas"] <= profile["maxReplicas"], name
    assert profiles["prod"]["minReplicas"] >= 2
    params = config(bicep(MAIN)["modules"]["api"])["params"]
    assert params["minReplicas"] == {
        "operator": {
            "type": "property_accessor",
            "operands": {"operand_1": "profile", "operand_2": "minReplicas"},
        }
    }
    assert params["maxReplicas"] == {
        "operator": {
            "type": "property_accessor",
            "operands": {"operand_1": "profile", "operand_2": "maxReplicas"},
        }
    }


def test_no_custom_scale_rules():
    # For kind 'functionapp' the platform derives the scale rules from the triggers.
    scale = config(the_resource(APP, "Microsoft.App/containerApps"))["properties"]["template"][
        "scale"
    ]
    assert scale == {"minReplicas": "minReplicas", "maxReplicas": "maxReplicas"}


def test_every_setting_the_code_reads_is_set_or_deliberately_unset():
    fields = settings_fields()
    assert len(fields) >= 30
    set_by_bicep = bicep_settings()
    unexplained = [f for f in fields if f not in set_by_bicep and f not in INTENTIONALLY_UNSET]
    assert not unexplained, f"settings neither set by the Bicep nor listed as unset: {unexplained}"
    both = [f for f in fields if f in set_by_bicep and f in INTENTIONALLY_UNSET]
    assert not both, f"settings listed as unset but set by the Bicep: {both}"
    stale = set(INTENTIONALLY_UNSET) - set(fields)
    assert not stale, f"unset list names settings core/settings.py no longer has: {stale}"


def test_every_setting_host_json_refers_to_is_set():
    host_json = ROOT / "host.json"
    if not host_json.exists():
        return
    referenced = set(re.findall(r"%([A-Za-z0-9_]+)%", host_json.read_text()))
    set_by_bicep = bicep_settings()
    assert referenced <= set_by_bicep, referenced - set_by_bicep


def test_local_settings_example_has_an_azure_counterpart():
    example = ROOT / "local.settings.example.json"
    if not example.exists():
        return
    values = json.loads(example.read_text())["Values"]
    set_by_bicep = bicep_settings()
    # Locally the host storage is a connection string to Azurite; in Azure the same
    # connection is the identity-based AzureWebJobsStorage__* settings.
    local_only = {"AzureWebJobsStorage"}
    missing = set(values) - set_by_bicep - set(INTENTIONALLY_UNSET) - local_only
    assert not missing, f"local settings with no Azure counterpart: {missing}"


def test_functions_host_settings_are_set():
    names = env_names("hostSettings")
    assert set(names) >= HOST_SETTINGS
    assert len(names) == len(set(names))
    worker = next(
        i for i in variable(APP, "hostSettings") if i["name"] == "FUNCTIONS_WORKER_RUNTIME"
    )
    assert worker["value"] == "python"


def test_no_setting_is_set_twice():
    names = env_names("hostSettings") + env_names("appSettings")
    dts = variable(APP, "durableTaskSchedulerSettings")["operator"]["operands"]["true_value"]
    names += [i["name"] for i in dts]
    assert len(names) == len(set(names))


def test_settings_carry_the_values_of_the_provisioned_services():
    values = {i["name"]: i["value"] for i in variable(APP, "appSettings")}
    assert values["AZURE_OPENAI_ENDPOINT"] == "openAiEndpoint"
    assert values["COSMOS_ENDPOINT"] == "cosmosEndpoint"
    assert values["AUTH_ENABLED"] == {
        "operator": {
            "type": "conditional",
            "operands": {"condition": "authEnabled", "true_value": "true", "false_value": "false"},
        }
    }
    # Nothing authenticates callers in front of the app, so the header is never trusted.
    assert values["AUTH_TRUST_PLATFORM_PRINCIPAL"] == "false"
    params = config(bicep(MAIN)["modules"]["api"])["params"]
    assert params["authEnabled"] is True
    assert params["authTenantId"]["function"]["type"] == "tenant"
    assert params["cosmosEndpoint"] == {
        "operator": {
            "type": "property_accessor",
            "operands": {
                "operand_1": "cosmos",
                "operand_2": {
                    "operator": {
                        "type": "property_accessor",
                        "operands": {"operand_1": "outputs", "operand_2": "endpoint"},
                    }
                },
            },
        }
    }


def test_workflow_defaults_match_the_code_defaults():
    defaults = variable(APP, "workflowDefaults")
    tree = ast.parse((ROOT / "core" / "settings.py").read_text())
    code_defaults: dict[str, object] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.value, ast.Call)
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            code_defaults[node.target.id] = node.value.args[0].value
    pairs = {
        "openAiTimeoutSeconds": "AZURE_OPENAI_TIMEOUT_SECONDS",
        "openAiMaxRetries": "AZURE_OPENAI_MAX_RETRIES",
        "mcpToolTimeoutSeconds": "MCP_TOOL_TIMEOUT_SECONDS",
        "defaultBudgetTokens": "DEFAULT_BUDGET_TOKENS",
        "maxAgentSteps": "MAX_AGENT_STEPS",
        "approvalTimeoutSeconds": "APPROVAL_TIMEOUT_SECONDS",
        "orchestrateWaitSeconds": "ORCHESTRATE_WAIT_SECONDS",
        "maxQueryChars": "MAX_QUERY_CHARS",
        "batchSweepSchedule": "BATCH_SWEEP_SCHEDULE",
        "batchSweepMaxParallel": "BATCH_SWEEP_MAX_PARALLEL",
    }
    for bicep_key, setting in pairs.items():
        if setting in code_defaults:
            assert defaults[bicep_key] == code_defaults[setting], setting


def test_durable_task_scheduler_switch_overrides_the_host_json_backend():
    dts = variable(APP, "durableTaskSchedulerSettings")
    assert dts["operator"]["operands"]["condition"] == "useDurableTaskScheduler"
    assert dts["operator"]["operands"]["false_value"] == []
    values = {i["name"]: i["value"] for i in dts["operator"]["operands"]["true_value"]}
    assert (
        values["AzureFunctionsJobHost__extensions__durableTask__storageProvider__type"]
        == "azureManaged"
    )
    assert (
        values[
            "AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName"
        ]
        == "DURABLE_TASK_SCHEDULER_CONNECTION_STRING"
    )
    main = bicep(MAIN)
    scheduler = main["modules"]["scheduler"]
    assert scheduler["config"]["condition"] == "useDurableTaskScheduler"


def test_image_survives_reprovisioning_and_starts_as_a_functions_placeholder():
    main = bicep(MAIN)
    assert (
        main["variables"]["placeholderImage"]["value"]
        == "mcr.microsoft.com/azure-functions/python:4-python3.11"
    )
    current = main["modules"]["currentImage"]
    assert current["detail"]["path"] == "modules/current-image.bicep"
    params = config(main["modules"]["api"])["params"]
    assert params["image"]["operator"]["operands"]["false_value"] == "knownImage"
    tags = params["tags"]["function"]["parameters"]["arg_2"]
    assert tags == {"'azd-service-name'": "api"}
