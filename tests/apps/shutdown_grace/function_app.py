"""An app whose activity takes as long as it is told, the first time it runs for an instance:
the graceful-shutdown tests stop the host while such activities run."""

import json
import time
from pathlib import Path

import azure.durable_functions as df

app = df.DFApp()


@app.orchestration_trigger(context_name="context")
def nap_once(context: df.DurableOrchestrationContext):
    result = yield context.call_activity("nap", {**context.get_input(), "id": context.instance_id})
    return result


@app.activity_trigger(input_name="request")
def nap(request: dict) -> str:
    """Sleeps `seconds` on its first run for an instance, appending a line to `log` at the
    start of each run (so a test can count the runs)."""
    log = Path(request["log"]) / f"{request['id']}.log"
    first = not log.exists()
    with log.open("a") as runs:
        runs.write(json.dumps({"started": time.time()}) + "\n")
    if first:
        time.sleep(request["seconds"])
    return f"slept {request['seconds'] if first else 0}"
