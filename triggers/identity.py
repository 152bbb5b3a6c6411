"""Who is calling: the seam where `core.auth` will put verified identities and roles."""

from __future__ import annotations

import azure.functions as func

from core.settings import get_settings

PRINCIPAL_HEADER = "x-ms-client-principal-name"


def caller_identity(req: func.HttpRequest, claimed: str | None = None) -> str | None:
    """The caller's name: the platform's principal header when the settings trust it
    (AUTH_TRUST_PLATFORM_PRINCIPAL, i.e. App Service / Container Apps authentication sits in
    front), else the name the body `claimed`, else None.

    Today nothing is verified beyond the function key; role checks will replace this.
    """
    if get_settings().AUTH_TRUST_PLATFORM_PRINCIPAL:
        principal = (req.headers.get(PRINCIPAL_HEADER) or "").strip()
        if principal:
            return principal
    return claimed
