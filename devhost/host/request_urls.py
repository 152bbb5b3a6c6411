"""The full URL of a request, remembered for the URLs asked for again and again (a client
polling one status URL): aiohttp builds it anew from the scheme, host and path on every read."""

from __future__ import annotations

from aiohttp import web

REMEMBERED = 1024
"""How many distinct (scheme, host, path) URLs are kept; all are dropped when full."""
MAX_REMEMBERED_URL = 512
"""URLs whose host and path are longer are built every time, so that a few huge URLs cannot
fill the memory."""


class RequestUrls:
    """`str(request.url)` of requests, kept by scheme, `Host` and raw path and query."""

    def __init__(self) -> None:
        self._urls: dict[tuple[str, str, str], str] = {}

    def of(self, request: web.Request) -> str:
        """The request's full URL, as `str(request.url)` gives it."""
        path, host = request.raw_path, request.host
        if len(path) + len(host) > MAX_REMEMBERED_URL:
            return str(request.url)
        key = (request.scheme, host, path)
        url = self._urls.get(key)
        if url is None:
            if len(self._urls) >= REMEMBERED:
                self._urls.clear()
            url = self._urls[key] = str(request.url)
        return url
