"""Cosmos DB (the article's layout: AgentCoordination / AgentLogs, /agent_id, 30-day TTL,
its indexing policy, autoscale, continuous backup), Azure OpenAI deployments, the Durable
Task Scheduler, Key Vault and the Durable task hub's storage."""

from __future__ import annotations

from infra_model import bicep, config, decorator, parameter, the_resource

from core.agent_logs import cosmos_config as store_config

COSMOS = "infra/modules/cosmos.bicep"
MAIN = "infra/main.bicep"

SEED_INDEXED_PATHS = ["/timestamp/?", "/workflow_id/?", "/query_type/?"]


def agent_logs() -> dict:
    return config(
        the_resource(COSMOS, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers")
    )


def test_database_and_container_names():
    assert parameter(COSMOS, "databaseName")["default"] == "AgentCoordination"
    assert parameter(COSMOS, "containerName")["default"] == "AgentLogs"
    database = config(the_resource(COSMOS, "Microsoft.DocumentDB/databaseAccounts/sqlDatabases"))
    assert database["name"] == "databaseName"
    assert database["properties"]["resource"]["id"] == "databaseName"
    container = agent_logs()
    assert container["name"] == "containerName"
    assert container["properties"]["resource"]["id"] == "containerName"


def test_partition_key_is_agent_id():
    assert agent_logs()["properties"]["resource"]["partitionKey"] == {
        "paths": ["/agent_id"],
        "kind": "Hash",
    }


def test_default_ttl_is_thirty_days_and_shared_with_the_app_setting():
    resource = agent_logs()["properties"]["resource"]
    assert resource["defaultTtl"] == {
        "operator": {
            "type": "multiply",
            "operands": {"operand_1": "logTtlDays", "operand_2": 86400},
        }
    }
    assert parameter(COSMOS, "logTtlDays")["default"] == 30
    assert parameter(MAIN, "agentLogTtlDays")["default"] == 30
    assert 30 * 86400 == 2592000  # the article's defaultTtl
    modules = bicep(MAIN)["modules"]
    assert config(modules["cosmos"])["params"]["logTtlDays"] == "agentLogTtlDays"
    assert config(modules["api"])["params"]["agentLogTtlDays"] == "agentLogTtlDays"


def test_indexing_policy_keeps_the_article_paths_and_excludes_the_rest():
    policy = agent_logs()["properties"]["resource"]["indexingPolicy"]
    assert policy["indexingMode"] == "consistent"
    included = [p["path"] for p in policy["includedPaths"]]
    assert included[:3] == SEED_INDEXED_PATHS
    # Cosmos DB rejects a policy whose root path is in neither list (the article's was).
    assert policy["excludedPaths"] == [{"path": "/*"}]


def test_indexing_policy_matches_the_one_the_store_creates_locally():
    expected = store_config.INDEXING_POLICY
    policy = agent_logs()["properties"]["resource"]["indexingPolicy"]
    assert [p["path"] for p in policy["includedPaths"]] == [
        p["path"] for p in expected["includedPaths"]
    ]
    assert policy["excludedPaths"] == expected["excludedPaths"]
    assert policy["indexingMode"] == expected["indexingMode"]
    assert store_config.PARTITION_KEY_PATH == "/agent_id"


def test_throughput_is_autoscale():
    options = agent_logs()["properties"]["options"]
    assert options == {"autoscaleSettings": {"maxThroughput": "autoscaleMaxThroughput"}}
    assert decorator(parameter(COSMOS, "autoscaleMaxThroughput"), "min_value") == 1000


def test_backup_is_continuous():
    props = config(the_resource(COSMOS, "Microsoft.DocumentDB/databaseAccounts"))["properties"]
    assert props["backupPolicy"] == {
        "type": "Continuous",
        "continuousModeProperties": {"tier": "backupTier"},
    }
    assert decorator(parameter(COSMOS, "backupTier"), "allowed") == [
        "Continuous7Days",
        "Continuous30Days",
    ]
    assert props["consistencyPolicy"] == {"defaultConsistencyLevel": "Session"}
    assert props["enableMultipleWriteLocations"] is False


def test_openai_has_a_chat_and_an_embedding_deployment():
    path = "infra/modules/openai.bicep"
    account = config(the_resource(path, "Microsoft.CognitiveServices/accounts"))
    assert account["kind"] == "OpenAI"
    doc = bicep(path)
    deployments = [
        res
        for res in doc["resources"].values()
        if res["type"] == "Microsoft.CognitiveServices/accounts/deployments"
    ]
    assert len(deployments) == 2
    chat = doc["variables"]["chat"]["value"]["function"]["parameters"]["arg_1"]
    embedding = doc["variables"]["embedding"]["value"]["function"]["parameters"]["arg_1"]
    assert chat["model"] == "chatModel"
    assert chat["version"] == "chatModelVersion"
    assert parameter(path, "chatModel")["default"] == "gpt-5.4"
    assert parameter(path, "chatModelVersion")["default"] == "2026-03-05"
    openai_params = config(bicep(MAIN)["modules"]["openAi"])["params"]
    assert openai_params["chatModel"] == "openAiChatModel"
    assert openai_params["chatModelVersion"] == "openAiChatModelVersion"
    assert embedding["name"] == "text-embedding-3-small"
    # Deployment names are what AZURE_OPENAI_*_DEPLOYMENT carry.
    params = config(bicep(MAIN)["modules"]["api"])["params"]
    assert params["openAiChatDeployment"]["operator"]["operands"]["operand_1"] == "openAi"
    assert params["openAiEmbeddingDeployment"]["operator"]["operands"]["operand_1"] == "openAi"


def test_durable_task_scheduler_has_a_task_hub_and_an_open_allowlist():
    path = "infra/modules/durable-task-scheduler.bicep"
    scheduler = config(the_resource(path, "Microsoft.DurableTask/schedulers"))
    assert scheduler["properties"]["ipAllowlist"] == "ipAllowlist"
    # An empty allowlist denies every client.
    assert parameter(path, "ipAllowlist")["default"] == ["0.0.0.0/0"]
    hub = config(the_resource(path, "Microsoft.DurableTask/schedulers/taskHubs"))
    assert hub["name"] == "taskHubName"


def test_storage_keeps_deleted_blobs_recoverable():
    service = config(
        the_resource(
            "infra/modules/storage.bicep", "Microsoft.Storage/storageAccounts/blobServices"
        )
    )
    assert service["properties"]["deleteRetentionPolicy"]["enabled"] is True
    assert service["properties"]["containerDeleteRetentionPolicy"]["enabled"] is True
