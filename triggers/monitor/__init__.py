"""The Durable monitor: its page at `/api/monitor` and its JSON API under
`/api/monitor/api/`, to list instances, read one with its history and its
sub-orchestrations' histories, and act on it (approve or deny, raise an event, terminate,
suspend, resume, rewind, restart, purge); to list every approval waiting for a decision and
approve or deny them one by one or in bulk.

Everything goes through the Durable client binding and the extension's HTTP API behind it,
so the monitor works the same against devhost and against the app in Azure. Every route
asks `common.check_admin` first.
"""

import azure.durable_functions as df

from triggers.monitor import actions, approval, approvals, events, instance, listing, page

blueprints: list[df.Blueprint] = [
    listing.bp,
    instance.bp,
    approval.bp,
    approvals.bp,
    events.bp,
    actions.bp,
    page.bp,
]
