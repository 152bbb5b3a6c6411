"""A v2 app whose orchestrators exercise every engine feature the tests check."""

import os
from datetime import timedelta
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func
from features_bp import bp
from payloads import Point

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.register_functions(bp)

# Mutable knobs the tests turn to change behaviour between episodes.
knobs: dict[str, object] = {"variant": "a", "fail_times": 0}
calls: dict[str, int] = {}


def _count(name: str) -> int:
    calls[name] = calls.get(name, 0) + 1
    return calls[name]


@app.orchestration_trigger(context_name="context")
def fan_out(context: df.DurableOrchestrationContext):
    count = context.get_input()
    tasks = [context.call_activity("double", i) for i in range(count)]
    results = yield context.task_all(tasks)
    return sum(results)


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext):
    value = 0
    for _ in range(context.get_input()):
        value = yield context.call_activity("increment", value)
    return value


@app.orchestration_trigger(context_name="context")
def doubling_chain(context: df.DurableOrchestrationContext):
    value = 1
    for _ in range(context.get_input()):
        value = yield context.call_activity("double", value)
    return value


@app.orchestration_trigger(context_name="context")
def doubling_parent(context: df.DurableOrchestrationContext):
    child_id = f"{context.instance_id}-child"
    return (yield context.call_sub_orchestrator("doubling_chain", 5, child_id))


@app.activity_trigger(input_name="value")
def process_id(value: int) -> int:
    return os.getpid()


@app.activity_trigger(input_name="marker")
def ends_its_process_once(marker: str) -> str:
    path = Path(marker)
    if not path.exists():
        path.touch()
        os._exit(3)
    return "ran again"


@app.orchestration_trigger(context_name="context")
def where_activities_run(context: df.DurableOrchestrationContext):
    marker = context.get_input()
    pids = yield context.task_all([context.call_activity("process_id", i) for i in range(4)])
    again = (yield context.call_activity("ends_its_process_once", marker)) if marker else None
    point = yield context.call_activity("move_point", Point(1, 2))
    return {"pids": pids, "again": again, "point": [point.x, point.y]}


@app.activity_trigger(input_name="value")
def double(value: int) -> int:
    return value * 2


@app.activity_trigger(input_name="value")
async def increment(value: int) -> int:
    return value + 1


@app.activity_trigger(input_name="message")
def flaky(message: str) -> str:
    attempt = _count("flaky")
    if attempt <= int(knobs["fail_times"]):  # type: ignore[call-overload]
        raise ValueError(f"attempt {attempt} failed")
    return f"{message} after {attempt}"


@app.activity_trigger(input_name="message")
def always_fails(message: str) -> str:
    raise RuntimeError(f"boom: {message}")


@app.orchestration_trigger(context_name="context")
def with_retry(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=3)
    return (yield context.call_activity_with_retry("flaky", options, "ok"))


@app.orchestration_trigger(context_name="context")
def catches_failure(context: df.DurableOrchestrationContext):
    try:
        yield context.call_activity("always_fails", "x")
    except Exception as exc:
        return str(exc)
    return "no error"


@app.orchestration_trigger(context_name="context")
def uncaught_failure(context: df.DurableOrchestrationContext):
    yield context.call_activity("double", 1)
    raise KeyError("missing-thing")


@app.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext):
    deadline = context.current_utc_datetime + timedelta(seconds=context.get_input())
    timer = context.create_timer(deadline)
    event = context.wait_for_external_event("Approval")
    winner = yield context.task_any([event, timer])
    if winner == event:
        timer.cancel()
        return {"approved": event.result}
    return {"approved": None, "timed_out": True}


@app.orchestration_trigger(context_name="context")
def two_events(context: df.DurableOrchestrationContext):
    first = yield context.wait_for_external_event("first")
    second = yield context.wait_for_external_event("second")
    return [first, second]


@app.orchestration_trigger(context_name="context")
def parent(context: df.DurableOrchestrationContext):
    child_id = f"{context.instance_id}-child"
    explicit = yield context.call_sub_orchestrator("chain", 3, child_id)
    implicit = yield context.call_sub_orchestrator("fan_out", 4)
    return [explicit, implicit]


@app.orchestration_trigger(context_name="context")
def parent_of_failure(context: df.DurableOrchestrationContext):
    try:
        yield context.call_sub_orchestrator("uncaught_failure")
    except Exception as exc:
        return str(exc)
    return "no error"


@app.orchestration_trigger(context_name="context")
def counter_loop(context: df.DurableOrchestrationContext):
    state = context.get_input() or {"n": 0, "seen": []}
    if state["n"] >= 3:
        return state
    got = yield context.wait_for_external_event("tick")
    state = {"n": state["n"] + 1, "seen": [*state["seen"], got]}
    context.continue_as_new(state)
    return None


@app.orchestration_trigger(context_name="context")
def status_and_ids(context: df.DurableOrchestrationContext):
    context.set_custom_status({"phase": "started"})
    first = context.new_uuid()
    yield context.call_activity("double", 1)
    second = context.new_uuid()
    context.set_custom_status({"phase": "done"})
    return {"uuids": [first, second], "time": context.current_utc_datetime.isoformat()}


@app.orchestration_trigger(context_name="context")
def changing(context: df.DurableOrchestrationContext):
    name = "double" if knobs["variant"] == "a" else "increment"
    yield context.call_activity(name, 1)
    yield context.wait_for_external_event("go")
    return "finished"


@app.orchestration_trigger(context_name="context")
def waits_forever(context: df.DurableOrchestrationContext):
    yield context.call_activity("double", 2)
    result = yield context.wait_for_external_event("never")
    return result


@app.orchestration_trigger(context_name="context")
def custom_types(context: df.DurableOrchestrationContext):
    point = yield context.call_activity("move_point", Point(1, 2))
    return {"x": point.x, "y": point.y, "type": type(point).__name__}


@app.activity_trigger(input_name="point")
def move_point(point: Point) -> Point:
    return Point(point.x + 10, point.y + 20)


@app.orchestration_trigger(context_name="context", orchestration="RenamedOrchestrator")
def renamed_impl(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("Double", 21))


@app.orchestration_trigger(context_name="context")
def use_counter(context: df.DurableOrchestrationContext):
    entity = df.EntityId("counter", "shared")
    context.signal_entity(entity, "add", 5)
    value = yield context.call_entity(entity, "add", 10)
    try:
        yield context.call_entity(entity, "explode")
    except Exception as exc:
        return {"value": value, "error": str(exc)}
    return {"value": value}


@app.entity_trigger(context_name="context")
def counter(context: df.DurableEntityContext) -> None:
    current = context.get_state(lambda: 0)
    operation = context.operation_name
    if operation == "add":
        current += context.get_input()
        context.set_state(current)
        context.set_result(current)
    elif operation == "get":
        context.set_result(current)
    elif operation == "explode":
        raise ValueError("entity exploded")
    elif operation == "delete":
        context.destruct_on_exit()


@app.activity_trigger(input_name="name")
def remember(name: str) -> int:
    return _count(f"remember:{name}")


@app.orchestration_trigger(context_name="context")
def globals_persist(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("remember", "g")
    second = yield context.call_activity("remember", "g")
    return [first, second]


@app.orchestration_trigger(context_name="context")
def version_echo(context: df.DurableOrchestrationContext):
    return context.version
    yield  # a generator, as orchestrators are


@app.orchestration_trigger(context_name="context")
def flaky_child(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("flaky", "child"))


@app.orchestration_trigger(context_name="context")
def parent_with_retry(context: df.DurableOrchestrationContext):
    options = df.RetryOptions(first_retry_interval_in_milliseconds=50, max_number_of_attempts=3)
    return (yield context.call_sub_orchestrator_with_retry("flaky_child", options, None))


@app.activity_trigger(input_name="value")
def with_context(value: str, context: func.Context) -> str:
    return f"{value} in {context.function_name} ({len(context.invocation_id)})"


@app.orchestration_trigger(context_name="context")
def asks_with_context(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("with_context", "hi"))


@app.orchestration_trigger(context_name="context")
def twin_children(context: df.DurableOrchestrationContext):
    child_id = f"{context.instance_id}-twin"
    children = [context.call_sub_orchestrator("version_echo", None, child_id) for _ in range(2)]
    return (yield context.task_all(children))


@app.orchestration_trigger(context_name="context")
def context_view(context: df.DurableOrchestrationContext):
    seen = {"parent": context.parent_instance_id, "replaying": context.is_replaying}
    yield context.call_activity("double", 1)
    return {**seen, "replaying_after": context.is_replaying}


@app.orchestration_trigger(context_name="context")
def fails_at_once(context: df.DurableOrchestrationContext):
    raise ValueError("no start")
    yield  # a generator, as orchestrators are
