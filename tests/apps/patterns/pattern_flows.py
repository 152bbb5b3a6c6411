"""Orchestrations and activities of the four first patterns, a monitor and failure cases."""

import time
from datetime import timedelta

import azure.durable_functions as df

bp = df.Blueprint()
_failed_once: set[str] = set()


@bp.orchestration_trigger(context_name="context")
def chaining(context: df.DurableOrchestrationContext):
    first = yield context.call_activity("say_hello", "Tokyo")
    second = yield context.call_activity("say_hello", "Seattle")
    third = yield context.call_activity("say_hello", "London")
    return [first, second, third]


@bp.orchestration_trigger(context_name="context")
def fan_out_fan_in(context: df.DurableOrchestrationContext):
    data = context.get_input()
    count = data["count"] if isinstance(data, dict) else data or 5
    squares = yield context.task_all([context.call_activity("square", n) for n in range(count)])
    total = yield context.call_activity("sum_all", squares)
    return total


@bp.orchestration_trigger(context_name="context")
def approval(context: df.DurableOrchestrationContext):
    seconds = (context.get_input() or {}).get("timeout_seconds", 30)
    deadline = context.current_utc_datetime + timedelta(seconds=seconds)
    timer = context.create_timer(deadline)
    decision = context.wait_for_external_event("Approval")
    winner = yield context.task_any([decision, timer])
    if winner == decision:
        timer.cancel()
        return {"approved": bool(decision.result), "by": "event"}
    return {"approved": False, "by": "timeout"}


@bp.orchestration_trigger(context_name="context")
def monitor(context: df.DurableOrchestrationContext):
    state = context.get_input() or {"round": 0, "rounds": 3}
    reading = yield context.call_activity("check_sensor", state["round"])
    if state["round"] + 1 >= state["rounds"]:
        return {"rounds": state["round"] + 1, "last": reading}
    yield context.create_timer(context.current_utc_datetime + timedelta(milliseconds=100))
    context.continue_as_new({"round": state["round"] + 1, "rounds": state["rounds"]})
    return None


@bp.orchestration_trigger(context_name="context")
def waiter(context: df.DurableOrchestrationContext):
    context.set_custom_status("waiting")
    value = yield context.wait_for_external_event("Go")
    return {"got": value}


@bp.orchestration_trigger(context_name="context")
def flaky_flow(context: df.DurableOrchestrationContext):
    result = yield context.call_activity("flaky", context.instance_id)
    return result


@bp.orchestration_trigger(context_name="context")
def slow_steps(context: df.DurableOrchestrationContext):
    done = []
    for step in range(context.get_input() or 3):
        done.append((yield context.call_activity("nap", step)))
    return done


@bp.orchestration_trigger(context_name="context")
def ticked(context: df.DurableOrchestrationContext):
    return "tick"


@bp.activity_trigger(input_name="city")
def say_hello(city: str) -> str:
    return f"Hello {city}!"


@bp.activity_trigger(input_name="n")
def square(n: int) -> int:
    return n * n


@bp.activity_trigger(input_name="values")
def sum_all(values: list) -> int:
    return sum(values)


@bp.activity_trigger(input_name="reading")
def check_sensor(reading: int) -> dict:
    return {"reading": reading, "ok": True}


@bp.activity_trigger(input_name="step")
def nap(step: int) -> int:
    time.sleep(0.6)
    return step


@bp.activity_trigger(input_name="key")
def flaky(key: str) -> str:
    if key not in _failed_once:
        _failed_once.add(key)
        raise RuntimeError(f"first attempt for {key} fails")
    return "recovered"
