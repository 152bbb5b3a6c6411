"""The Durable client an HTTP trigger gets reads its binding as the SDK does, however many
times devhost hands it the same text."""

from dataclasses import replace

import azure.durable_functions as df

from devhost.host.client_speedups import install, sdk_from_json
from devhost.host.durable_client import WebhookSettings, client_binding_json

SETTINGS = WebhookSettings(
    origin="http://localhost:7071",
    hub_name="TestHubName",
    connection_name="Storage",
    system_key="key",
    rpc_base_url="http://127.0.0.1:40000/durabletask/",
)


def test_a_client_reads_the_same_bindings_as_the_sdk_and_links_stay_its_own():
    install()
    text = client_binding_json(SETTINGS)
    own = sdk_from_json(text)
    for _ in range(3):
        client = df.DurableOrchestrationClient(text)
        bindings = client._orchestration_bindings
        assert vars(bindings.client_data) == vars(own.client_data)
        assert bindings.task_hub_name == own.task_hub_name
        assert bindings.rpc_base_url == own.rpc_base_url
        assert bindings.management_urls == own.management_urls
        assert bindings.creation_urls == own.creation_urls
        payload = client.get_client_response_links(None, "run-1")
        payload["statusQueryGetUri"] = "changed by the caller"
    fresh = df.DurableOrchestrationClient(text).get_client_response_links(None, "run-2")
    assert fresh["statusQueryGetUri"].startswith(f"{SETTINGS.base_url}/instances/run-2?")


def test_another_hub_reads_its_own_bindings():
    install()
    other = replace(SETTINGS, hub_name="OtherHub")
    hubs = [
        df.DurableOrchestrationClient(client_binding_json(s))._orchestration_bindings.task_hub_name
        for s in (SETTINGS, other, SETTINGS)
    ]
    assert hubs == ["TestHubName", "OtherHub", "TestHubName"]
