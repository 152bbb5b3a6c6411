"""The platform's built-in authentication as the tests use it: the settings that make the app
trust the platform's verified principal header, and that header for a user with roles."""

from __future__ import annotations

import base64
import json

TENANT = "11111111-2222-3333-4444-555555555555"

AUTH_SETTINGS = {
    "AUTH_ENABLED": "true",
    "AUTH_TRUST_PLATFORM_PRINCIPAL": "true",
    "AUTH_TENANT_ID": TENANT,
    "AUTH_AUDIENCE": "api://coordinator",
}
"""App settings under which the app trusts `X-MS-CLIENT-PRINCIPAL` from TENANT."""


def principal(name: str, *roles: str) -> str:
    """The `X-MS-CLIENT-PRINCIPAL` value of user `name` (object id `oid-<name>`) with `roles`."""
    claims = [
        {"typ": "oid", "val": f"oid-{name}"},
        {"typ": "tid", "val": TENANT},
        {"typ": "name", "val": name},
        *({"typ": "roles", "val": role} for role in roles),
    ]
    payload = {"auth_typ": "aad", "claims": claims, "name_typ": "name", "role_typ": "roles"}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def as_user(name: str, *roles: str) -> dict[str, str]:
    """The platform's verified principal header of user `name` with `roles`."""
    return {"X-MS-CLIENT-PRINCIPAL": principal(name, *roles)}
