"""The timer triggers: the scheduled sweep and the agent-log retention."""

import azure.durable_functions as df

from triggers.timers import retention, sweep

blueprints: list[df.Blueprint] = [sweep.bp, retention.bp]
