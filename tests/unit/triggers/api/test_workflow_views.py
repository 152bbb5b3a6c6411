"""How a coordinator instance's status becomes the API's view, finished or not."""

import json

from azure.durable_functions.models.DurableOrchestrationStatus import DurableOrchestrationStatus

from core.models import CoordinatorResult, QueryType
from tests.unit.triggers.fake_durable_client import instance
from triggers.api.orchestrate import finished_response
from triggers.shared.api_models import OrchestrateResponse, StatusLinks
from triggers.shared.workflows import workflow_status

RESULT = CoordinatorResult(
    workflow_id="wf",
    query="hi",
    query_type=QueryType.GENERAL,
    status="completed",
    answer="done",
).model_dump(mode="json")


def status(runtime_status: str, output=None, custom=None) -> DurableOrchestrationStatus:
    return DurableOrchestrationStatus.from_json(
        {**instance("coordinator", runtime_status, custom), "instanceId": "wf", "output": output}
    )


def answer() -> OrchestrateResponse:
    return OrchestrateResponse(
        workflow_id="wf",
        status="Completed",
        workflow_url="http://localhost/api/coordinator/workflows/wf",
        status_urls=StatusLinks(
            id="wf",
            statusQueryGetUri="http://localhost/api/instances/wf",
            sendEventPostUri="http://localhost/api/instances/wf/raiseEvent/{eventName}",
            terminatePostUri="http://localhost/api/instances/wf/terminate?reason={text}",
            purgeHistoryDeleteUri="http://localhost/api/instances/wf",
        ),
    )


def test_running_workflow_shows_progress_and_no_result():
    view = workflow_status(status("Running", custom={"phase": "running_agents", "agents_done": 1}))
    assert view.runtime_status == "Running"
    assert view.progress is not None
    assert (view.progress.phase, view.progress.agents_done) == ("running_agents", 1)
    assert view.result is None
    assert view.error is None
    assert view.created_time == "2026-01-31T12:00:00+00:00"


def test_completed_workflow_shows_its_result():
    view = workflow_status(status("Completed", RESULT, {"phase": "completed"}))
    assert view.result is not None
    assert view.result.answer == "done"


def test_failed_workflow_shows_its_error():
    view = workflow_status(status("Failed", "Orchestrator function 'coordinator' failed: boom"))
    assert view.result is None
    assert view.error is not None
    assert "boom" in view.error


def test_orchestrate_answers_200_with_the_result_or_the_error():
    completed = finished_response(status("Completed", RESULT), answer())
    assert completed.status_code == 200
    assert json.loads(completed.get_body())["result"]["answer"] == "done"
    failed = finished_response(status("Terminated", "stopped by ops"), answer())
    body = json.loads(failed.get_body())
    assert (failed.status_code, body["result"], body["error"]) == (200, None, "stopped by ops")
