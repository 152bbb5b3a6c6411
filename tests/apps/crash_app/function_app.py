"""A v2 app for crash tests: a 100-activity fan-out and a 50-step chain whose activities log
every execution, so duplicates caused by crashes can be counted."""

import asyncio
import os
import time

import azure.durable_functions as df
import azure.functions as func

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)


def _log(line: str) -> None:
    with open(os.environ["CRASH_LOG"], "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


@app.activity_trigger(input_name="item")
def square(item: dict) -> int:
    time.sleep(0.1)
    _log(f"{item['instance']}:square:{item['value']}")
    return item["value"] ** 2


@app.activity_trigger(input_name="item")
async def step(item: dict) -> int:
    await asyncio.sleep(0.1)
    _log(f"{item['instance']}:step:{item['value']}")
    return item["value"] + 1


@app.orchestration_trigger(context_name="context")
def fan_out_100(context: df.DurableOrchestrationContext):
    tasks = [
        context.call_activity("square", {"instance": context.instance_id, "value": i})
        for i in range(100)
    ]
    return sum((yield context.task_all(tasks)))


@app.orchestration_trigger(context_name="context")
def chain_50(context: df.DurableOrchestrationContext):
    value = 0
    for _ in range(50):
        value = yield context.call_activity("step", {"instance": context.instance_id, "value": value})
    return value
