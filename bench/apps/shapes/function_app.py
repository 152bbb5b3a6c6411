"""Workflow shapes the engine benchmark measures, with trivial activity bodies."""

import time

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)

STEP_STAMPS: list[float] = []
"""When each chain step ran (`time.perf_counter()`); the benchmark reads and clears it."""


@app.activity_trigger(input_name="value")
async def noop(value: int) -> int:
    return value


@app.activity_trigger(input_name="value")
async def chain_step(value: int) -> int:
    STEP_STAMPS.append(time.perf_counter())
    return value + 1


@app.orchestration_trigger(context_name="context")
def agent_fan_out(context: df.DurableOrchestrationContext):
    plan = yield context.call_activity("noop", 1)
    answers = yield context.task_all([context.call_activity("noop", plan + i) for i in range(3)])
    return (yield context.call_activity("noop", sum(answers)))


@app.orchestration_trigger(context_name="context")
def hello_sequence5(context: df.DurableOrchestrationContext):
    results = []
    for i in range(5):
        results.append((yield context.call_activity("noop", i)))
    return results


@app.orchestration_trigger(context_name="context")
def chain(context: df.DurableOrchestrationContext):
    value = 0
    for _ in range(context.get_input()):
        value = yield context.call_activity("chain_step", value)
    return value


@app.orchestration_trigger(context_name="context")
def wide_fan_out(context: df.DurableOrchestrationContext):
    results = yield context.task_all(
        [context.call_activity("noop", i) for i in range(context.get_input())]
    )
    return len(results)
