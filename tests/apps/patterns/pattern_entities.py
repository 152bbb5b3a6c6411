"""A counter entity."""

import azure.durable_functions as df

bp = df.Blueprint()


@bp.entity_trigger(context_name="context")
def counter(context: df.DurableEntityContext):
    value = context.get_state(lambda: 0)
    operation = context.operation_name
    if operation == "add":
        value += context.get_input()
    elif operation == "reset":
        value = 0
    context.set_state(value)
    context.set_result(value)
