"""`GET /api/openapi.json` and `GET /api/docs`: the API's OpenAPI document and a
self-contained page that renders it (no external scripts, styles or fonts)."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func

from triggers.api.openapi import openapi_document
from triggers.shared import routes
from triggers.shared.endpoint import api_endpoint, json_response

bp = df.Blueprint()

STATIC = Path(__file__).parent / "static"


def _csp_hash(source: str) -> str:
    digest = hashlib.sha256(source.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


@lru_cache(maxsize=1)
def docs_page() -> tuple[str, str]:
    """The page's HTML, with its style and script inlined, and the Content-Security-Policy
    that allows exactly those two and requests to this origin."""
    style = (STATIC / "docs.css").read_text(encoding="utf-8")
    script = (STATIC / "docs.js").read_text(encoding="utf-8")
    html = (
        (STATIC / "docs.html")
        .read_text(encoding="utf-8")
        .replace("/*STYLE*/", style)
        .replace("/*SCRIPT*/", script)
    )
    policy = (
        "default-src 'none'; connect-src 'self'; img-src 'self' data:; "
        f"style-src {_csp_hash(style)}; script-src {_csp_hash(script)}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return html, policy


@bp.route(route=routes.OPENAPI, methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@api_endpoint
async def openapi(req: func.HttpRequest) -> func.HttpResponse:
    """The OpenAPI 3.1 document."""
    return json_response(openapi_document())


@bp.route(route=routes.DOCS, methods=["GET"], auth_level=func.AuthLevel.ANONYMOUS)
@api_endpoint
async def docs(req: func.HttpRequest) -> func.HttpResponse:
    """The API documentation page."""
    html, policy = docs_page()
    return func.HttpResponse(
        html,
        mimetype="text/html",
        charset="utf-8",
        headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff"},
    )
