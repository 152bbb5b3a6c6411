"""The agent-log store being unreachable never loses the answer: steps are still carried out,
the workflow completes, and its status says the record could not be written."""

import json

from core.models import CoordinatorInput, CoordinatorRequest, CoordinatorResult
from core.settings import get_settings
from devhost.engine.engine import Engine
from devhost.engine.inputs import client_input
from devhost.engine.types import RuntimeStatus


async def test_unreachable_cosmos_store_still_completes_and_reports_it(
    engine: Engine, app_settings
):
    app_settings.setenv("COSMOS_ENDPOINT", "http://127.0.0.1:9/")
    app_settings.setenv(
        "COSMOS_KEY",
        "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==",
    )
    get_settings.cache_clear()
    payload = CoordinatorInput(request=CoordinatorRequest(query="Check order ORD-2025-00012"))
    iid = await engine.start_new("coordinator", None, client_input(payload.model_dump(mode="json")))
    state = await engine.wait_for_completion(iid, 90)
    assert state.runtime_status == RuntimeStatus.COMPLETED
    assert CoordinatorResult.model_validate_json(state.output).status == "completed"
    status = json.loads(state.custom_status)
    assert "record_error" in status
    assert "record_workflow" in status["record_error"]
