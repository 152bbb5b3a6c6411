"""Open the agent-log container: read it, create it with the expected layout if missing,
and refuse one partitioned by another key."""

from __future__ import annotations

from azure.cosmos import PartitionKey
from azure.cosmos.aio import ContainerProxy, CosmosClient
from azure.cosmos.exceptions import CosmosResourceNotFoundError

from core.agent_logs.cosmos_config import INDEXING_POLICY, PARTITION_KEY_PATH, CosmosConfig
from core.agent_logs.errors import AgentLogStoreConfigError


async def open_container(client: CosmosClient, config: CosmosConfig) -> ContainerProxy:
    """The configured container, created with partition key, TTL and indexing when missing.

    It reads first and creates only on 404: Entra ID data-plane roles may read container
    metadata but not create containers, so in Azure the Bicep creates it and this only
    reads. Raises AgentLogStoreConfigError when it is not partitioned by `/agent_id`.
    """
    database = client.get_database_client(config.database)
    container = database.get_container_client(config.container)
    try:
        properties = await container.read()
    except CosmosResourceNotFoundError:
        database = await client.create_database_if_not_exists(config.database)
        container = await database.create_container_if_not_exists(
            id=config.container,
            partition_key=PartitionKey(path=PARTITION_KEY_PATH),
            default_ttl=config.default_ttl_seconds,
            indexing_policy=INDEXING_POLICY,
        )
        properties = await container.read()
    paths = properties.get("partitionKey", {}).get("paths")
    if paths != [PARTITION_KEY_PATH]:
        raise AgentLogStoreConfigError(
            f"Container '{config.container}' is partitioned by {paths}, "
            f"expected ['{PARTITION_KEY_PATH}']"
        )
    return container
