"""The principal the platform's built-in authentication (Easy Auth) forwards in the
`X-MS-CLIENT-PRINCIPAL` header: base64 JSON of the claims it validated.

Only trustworthy when the platform strips the header from client requests, which it does
only while its authentication is on; hence AUTH_TRUST_PLATFORM_PRINCIPAL.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from core.auth.errors import AuthenticationError
from core.auth.principal import Principal

PLATFORM_PRINCIPAL_HEADER = "X-MS-CLIENT-PRINCIPAL"
MAX_HEADER_CHARS = 64_000
_OID = ("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid")
_TENANT = ("http://schemas.microsoft.com/identity/claims/tenantid", "tid")
_NAME = ("name",)
_UPN = ("preferred_username", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn")
_ROLE = ("roles", "http://schemas.microsoft.com/ws/2008/06/identity/claims/role")
_APP = ("azp", "appid")


def _decode(encoded: str) -> dict[str, Any]:
    if len(encoded) > MAX_HEADER_CHARS:
        raise AuthenticationError("The platform principal is too large.")
    try:
        data = json.loads(base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True))
    except (binascii.Error, ValueError) as exc:
        raise AuthenticationError("The platform principal is malformed.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        raise AuthenticationError("The platform principal has no claims.")
    return data


def platform_principal(encoded: str, tenant_id: str | None) -> Principal:
    """The principal of an `X-MS-CLIENT-PRINCIPAL` value. Only Entra ID (`aad`) principals
    are accepted and, when `tenant_id` is set, only from that tenant."""
    data = _decode(encoded)
    if data.get("auth_typ") != "aad":
        raise AuthenticationError("The platform principal is not from Entra ID.")
    claims: dict[str, list[str]] = {}
    for claim in data["claims"]:
        if isinstance(claim, dict) and all(isinstance(claim.get(k), str) for k in ("typ", "val")):
            claims.setdefault(claim["typ"], []).append(claim["val"])

    def first(types: tuple[str, ...]) -> str | None:
        return next((claims[t][0] for t in types if t in claims), None)

    oid = first(_OID)
    tenant = first(_TENANT)
    if oid is None:
        raise AuthenticationError("The platform principal has no object id.")
    if tenant_id is not None and (tenant or "").lower() != tenant_id.lower():
        raise AuthenticationError("The platform principal is from another tenant.")
    role_types = {*_ROLE, data.get("role_typ")}
    name_type = data.get("name_typ")
    return Principal(
        oid=oid,
        name=first((name_type,) if isinstance(name_type, str) else ()) or first(_NAME),
        upn=first(_UPN),
        roles=frozenset(v for t, vals in claims.items() if t in role_types for v in vals),
        tenant_id=tenant,
        app_id=first(_APP),
        authenticated=True,
        source="platform",
    )
