"""A blueprint registered by the app: its functions must be found like the app's own."""

import azure.durable_functions as df

bp = df.Blueprint()


@bp.orchestration_trigger(context_name="context")
def from_blueprint(context: df.DurableOrchestrationContext):
    return (yield context.call_activity("bp_activity", "x"))


@bp.activity_trigger(input_name="value")
def bp_activity(value: str) -> str:
    return f"blueprint {value}"
