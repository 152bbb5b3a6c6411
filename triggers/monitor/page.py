"""`GET /api/monitor`: the Durable monitor's page, plain HTML, CSS and JavaScript shipped in
`triggers/monitor/static/` and served as one document with its styles and scripts inlined,
so it needs no other route, no CDN and no key on asset URLs. A Content-Security-Policy
allows exactly those inlined blocks (by hash) and calls to this origin only."""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path

import azure.durable_functions as df
import azure.functions as func

from core.auth import AuthError, auth_error_response
from triggers.monitor.common import MONITOR_AUTH_LEVEL, check_admin
from triggers.shared.http_streams import streamed

bp = df.Blueprint()

STATIC = Path(__file__).parent / "static"
STYLES = ("monitor.css",)
SCRIPTS = (
    "api.js",
    "timeline.js",
    "history.js",
    "approvals.js",
    "list.js",
    "live.js",
    "instance.js",
    "app.js",
)
"""In load order: helpers first, the router (which starts the page) last."""


def _source_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@functools.lru_cache(maxsize=1)
def monitor_document() -> tuple[str, str]:
    """The page's HTML with its CSS and JavaScript inlined, and the CSP that allows them."""
    style = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in STYLES)
    script = "\n".join((STATIC / name).read_text(encoding="utf-8") for name in SCRIPTS)
    if "</script" in script.lower() or "</style" in style.lower():
        raise ValueError("an inlined monitor asset closes its own element")
    template = (STATIC / "index.html").read_text(encoding="utf-8")
    html = template.replace("<!-- styles -->", f"<style>\n{style}</style>").replace(
        "<!-- scripts -->", f"<script>\n{script}</script>"
    )
    policy = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_source_hash(chr(10) + script)}",
            f"style-src {_source_hash(chr(10) + style)}",
            "connect-src 'self'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )
    return html, policy


@bp.route(route="monitor", methods=["GET"], auth_level=MONITOR_AUTH_LEVEL)
@streamed
def monitor_page(req: func.HttpRequest) -> func.HttpResponse:
    """The monitor page for admins; 401/403 (JSON) for anyone else."""
    try:
        check_admin(req)
    except AuthError as exc:
        return auth_error_response(exc)
    html, policy = monitor_document()
    return func.HttpResponse(
        html,
        mimetype="text/html",
        charset="utf-8",
        headers={
            "Content-Security-Policy": policy,
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        },
    )
