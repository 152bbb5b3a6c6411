"""Oversized request headers: refused with 431 and a JSON body, as the real host's web server
(Kestrel) refuses them, and never written to the log, since the oversized header is often a
credential (an `Authorization` bearer token).

Kestrel allows 32 KB of request headers in all. aiohttp's HTTP parser is set to take header
lines up to PARSER_LINE_LIMIT so that such requests reach `header_size_limit`; a request past
even that is refused by the parser (400), and `RedactParserErrors` logs it as one line that
names the error but not the content.
"""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from devhost.host.cors import Handler
from devhost.host.formatting import error_body

MAX_HEADER_BYTES = 32 * 1024
PARSER_LINE_LIMIT = 64 * 1024
PARSER_LOGGER = "aiohttp.server"


@web.middleware
async def header_size_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """431 when the request's headers together exceed MAX_HEADER_BYTES."""
    size = sum(len(name) + len(value) for name, value in request.raw_headers)
    if size > MAX_HEADER_BYTES:
        message = f"The request headers total {size} bytes; at most {MAX_HEADER_BYTES} are allowed."
        return web.json_response(error_body(message), status=431)
    return await handler(request)


class RedactParserErrors(logging.Filter):
    """Rewrites the log record of a request the HTTP parser refused so that it carries the
    error's type and status only, not the offending text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, without the request's content."""
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg = "Refused a malformed HTTP request (%s, status %s)"
            record.args = (type(error).__name__, error.code)
            record.exc_info = None
            record.exc_text = None
        return True


def redact_parser_errors() -> None:
    """Install RedactParserErrors on aiohttp's server logger (once)."""
    logger = logging.getLogger(PARSER_LOGGER)
    if not any(isinstance(f, RedactParserErrors) for f in logger.filters):
        logger.addFilter(RedactParserErrors())
