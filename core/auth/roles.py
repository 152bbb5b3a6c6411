"""App roles of the coordinator, as declared in the Entra ID app registration's
`appRoles` and carried in the token's `roles` claim. Renaming one locks its holders out."""

from __future__ import annotations

ADMIN = "Coordinator.Admin"
"""Operates the whole system: `/admin/*`, purge, terminate, rewind."""

APPROVER = "Coordinator.Approver"
"""Approves or denies plans that need approval."""

OPERATOR = "Coordinator.Operator"
"""Starts workflows and reads their status, history and agent status."""

ALL_ROLES = frozenset({ADMIN, APPROVER, OPERATOR})
"""Every role the app knows; the local development principal holds them all."""
