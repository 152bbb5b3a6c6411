"""Durable patterns app for devhost tests: the function app is a list of blueprints."""

import azure.durable_functions as df
import azure.functions as func
import pattern_entities
import pattern_flows
import pattern_starters

app = df.DFApp(http_auth_level=func.AuthLevel.ANONYMOUS)
app.register_functions(pattern_flows.bp)
app.register_functions(pattern_starters.bp)
app.register_functions(pattern_entities.bp)
