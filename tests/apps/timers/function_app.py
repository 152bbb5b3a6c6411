"""Timer triggers for devhost tests; each run is appended to the file named by TIMERS_LOG."""

import json
import os
import time
from pathlib import Path

import azure.functions as func

app = func.FunctionApp()


def record(name: str, timer: func.TimerRequest, started: float) -> None:
    line = {"name": name, "past_due": timer.past_due, "start": started, "end": time.time()}
    with Path(os.environ["TIMERS_LOG"]).open("a") as handle:
        handle.write(json.dumps(line) + "\n")


@app.timer_trigger(
    schedule="*/1 * * * * *", arg_name="timer", run_on_startup=True, use_monitor=False
)
def every_second(timer: func.TimerRequest) -> None:
    record("every_second", timer, time.time())


@app.timer_trigger(schedule="00:00:01", arg_name="timer", use_monitor=False)
def every_interval(timer: func.TimerRequest) -> None:
    record("every_interval", timer, time.time())


@app.timer_trigger(schedule="*/1 * * * * *", arg_name="timer", use_monitor=False)
async def slow(timer: func.TimerRequest) -> None:
    import asyncio

    started = time.time()
    await asyncio.sleep(1.5)
    record("slow", timer, started)


@app.timer_trigger(schedule="%MONITORED_SCHEDULE%", arg_name="timer", use_monitor=True)
def monitored(timer: func.TimerRequest) -> None:
    record("monitored", timer, time.time())
