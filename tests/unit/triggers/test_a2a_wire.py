"""The A2A wire formats: 1.0 ProtoJSON, 0.3 HTTP+JSON (`content`, wrapped data) and 0.3
JSON-RPC (`kind`), rendering the agent's objects and parsing requests with errors that name
the field."""

from __future__ import annotations

import pytest

from triggers.a2a.errors import InvalidParamsError, PushNotificationNotSupportedError
from triggers.a2a.model import (
    Artifact,
    ArtifactUpdate,
    Message,
    Part,
    StatusUpdate,
    Task,
    TaskState,
    TaskStatus,
)
from triggers.a2a.wire_proto import V03_REST_WIRE, V1_WIRE, parse_state, state_name
from triggers.a2a.wire_v03 import V03_JSONRPC_WIRE

MESSAGE = Message(
    message_id="m1",
    role="agent",
    parts=[Part(text="hello"), Part(data={"planDigest": "d"}, media_type="application/json")],
    context_id="c1",
    task_id="t1",
)
TASK = Task(
    id="t1",
    context_id="c1",
    status=TaskStatus(
        state=TaskState.INPUT_REQUIRED, message=MESSAGE, timestamp="2026-01-31T12:00:00.000Z"
    ),
    artifacts=[Artifact(artifact_id="t1:answer", name="answer", parts=[Part(text="42")])],
)


def test_state_names_follow_the_proto_enum() -> None:
    assert state_name(TaskState.INPUT_REQUIRED) == "TASK_STATE_INPUT_REQUIRED"
    assert parse_state("TASK_STATE_CANCELED", "status") is TaskState.CANCELED
    assert parse_state("working", "status") is TaskState.WORKING
    with pytest.raises(InvalidParamsError, match="status"):
        parse_state("TASK_STATE_SLEEPING", "status")


def test_v1_renders_proto_json() -> None:
    task = V1_WIRE.task(TASK)
    assert task["status"]["state"] == "TASK_STATE_INPUT_REQUIRED"
    message = task["status"]["message"]
    assert message["role"] == "ROLE_AGENT"
    assert message["parts"] == [
        {"text": "hello"},
        {"data": {"planDigest": "d"}, "mediaType": "application/json"},
    ]
    assert "history" not in task
    assert task["artifacts"][0]["parts"] == [{"text": "42"}]
    assert V1_WIRE.send_result(TASK) == {"task": task}
    update = V1_WIRE.event(
        StatusUpdate(task_id="t1", context_id="c1", status=TASK.status, final=True)
    )
    assert "final" not in update["statusUpdate"]
    artifact = V1_WIRE.event(
        ArtifactUpdate(task_id="t1", context_id="c1", artifact=TASK.artifacts[0])
    )
    assert artifact["artifactUpdate"]["lastChunk"] is True


def test_v03_rest_renders_the_0_3_proto() -> None:
    message = V03_REST_WIRE.task(TASK)["status"]["message"]
    assert message["content"] == [{"text": "hello"}, {"data": {"data": {"planDigest": "d"}}}]
    assert "parts" not in message
    update = V03_REST_WIRE.event(
        StatusUpdate(task_id="t1", context_id="c1", status=TASK.status, final=True)
    )
    assert update["statusUpdate"]["final"] is True


def test_v03_json_rpc_renders_kinds_and_lower_case() -> None:
    task = V03_JSONRPC_WIRE.task(TASK)
    assert task["kind"] == "task"
    assert task["status"]["state"] == "input-required"
    assert task["status"]["message"]["role"] == "agent"
    assert [p["kind"] for p in task["status"]["message"]["parts"]] == ["text", "data"]
    assert V03_JSONRPC_WIRE.send_result(TASK) == task
    update = V03_JSONRPC_WIRE.event(
        StatusUpdate(task_id="t1", context_id="c1", status=TASK.status, final=True)
    )
    assert (update["kind"], update["final"]) == ("status-update", True)


@pytest.mark.parametrize(
    ("wire", "raw"),
    [
        (
            V1_WIRE,
            {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "q"}, {"data": {"a": 1}}]},
        ),
        (
            V03_REST_WIRE,
            {
                "messageId": "m",
                "role": "ROLE_USER",
                "content": [{"text": "q"}, {"data": {"data": {"a": 1}}}],
            },
        ),
        (
            V03_JSONRPC_WIRE,
            {
                "messageId": "m",
                "role": "user",
                "parts": [{"kind": "text", "text": "q"}, {"kind": "data", "data": {"a": 1}}],
            },
        ),
    ],
)
def test_each_wire_parses_a_user_message(wire: object, raw: dict[str, object]) -> None:
    params = wire.parse_send({"message": raw})  # type: ignore[attr-defined]
    assert params.message.role == "user"
    assert [p.kind for p in params.message.parts] == ["text", "data"]
    assert params.message.parts[1].data == {"a": 1}
    assert params.return_immediately is False


def test_send_configuration_of_each_version() -> None:
    message = {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "q"}]}
    now = V1_WIRE.parse_send(
        {"message": message, "configuration": {"returnImmediately": True, "historyLength": 0}}
    )
    assert (now.return_immediately, now.history_length) == (True, 0)
    legacy = {"messageId": "m", "role": "user", "parts": [{"kind": "text", "text": "q"}]}
    assert V03_JSONRPC_WIRE.parse_send(
        {"message": legacy, "configuration": {"blocking": False}}
    ).return_immediately
    assert not V03_JSONRPC_WIRE.parse_send({"message": legacy}).return_immediately
    with pytest.raises(PushNotificationNotSupportedError):
        V1_WIRE.parse_send(
            {"message": message, "configuration": {"taskPushNotificationConfig": {"url": "x"}}}
        )


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (None, "message"),
        ({"role": "ROLE_USER", "parts": [{"text": "q"}]}, "message.messageId"),
        ({"messageId": "m", "role": "user", "parts": [{"text": "q"}]}, "message.role"),
        ({"messageId": "m", "role": "ROLE_USER", "parts": []}, "message.parts"),
        (
            {"messageId": "m", "role": "ROLE_USER", "parts": [{"text": "q", "data": {}}]},
            "message.parts[0]",
        ),
        ({"messageId": "m", "role": "ROLE_USER", "parts": [{"text": 3}]}, "message.parts[0].text"),
    ],
)
def test_v1_parse_errors_name_the_field(raw: object, field: str) -> None:
    with pytest.raises(InvalidParamsError) as caught:
        V1_WIRE.parse_send({"message": raw})
    assert caught.value.field == field


def test_list_parameters_from_a_query_string() -> None:
    params = V1_WIRE.parse_list(
        {
            "pageSize": "5",
            "status": "TASK_STATE_WORKING",
            "includeArtifacts": "true",
            "statusTimestampAfter": "2026-01-01T00:00:00Z",
        }
    )
    assert (params.page_size, params.state, params.include_artifacts) == (
        5,
        TaskState.WORKING,
        True,
    )
    assert params.status_after is not None
    assert V1_WIRE.parse_list({"status": "TASK_STATE_UNSPECIFIED"}).state is None
    with pytest.raises(InvalidParamsError, match="pageSize"):
        V1_WIRE.parse_list({"pageSize": "500"})
    with pytest.raises(InvalidParamsError, match="statusTimestampAfter"):
        V1_WIRE.parse_list({"statusTimestampAfter": "yesterday"})
