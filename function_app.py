"""The durable multi-agent coordinator: a Durable Functions app made of blueprints."""

import azure.durable_functions as df
import azure.functions as func

import activities
import orchestrations
import triggers
from core.catalogue import get_catalogue
from core.settings import get_settings
from core.telemetry import configure_json_logging, configure_telemetry

configure_telemetry()
# A bad agent catalogue stops the host here, with a message naming the file, agent and field.
get_catalogue()
if get_settings().LOG_FORMAT == "json":
    configure_json_logging()
app = df.DFApp(http_auth_level=func.AuthLevel.FUNCTION)
for blueprint in [*triggers.blueprints, *orchestrations.blueprints, *activities.blueprints]:
    app.register_functions(blueprint)
