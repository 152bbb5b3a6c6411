"""The A2A protocol version of a request: the `A2A-Version` header (or query parameter),
`Major.Minor` with any patch ignored; none at all means 0.3, as the spec requires."""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.auth.headers import header_value
from triggers.a2a.errors import VersionNotSupportedError

V1 = "1.0"
V03 = "0.3"
SUPPORTED = (V1, V03)
VERSION_HEADER = "A2A-Version"

_VERSION = re.compile(r"^\s*(\d+)(?:\.(\d+))?(?:\.\d+)?\s*$")


def requested_version(headers: Mapping[str, str], query: Mapping[str, str]) -> str:
    """`1.0` or `0.3`; VersionNotSupportedError for any other version."""
    given = header_value(headers, VERSION_HEADER) or query.get(VERSION_HEADER) or ""
    if not given.strip():
        return V03
    match = _VERSION.match(given)
    major, minor = (int(match.group(1)), int(match.group(2) or 0)) if match else (-1, -1)
    if major == 1:
        return V1
    if (major, minor) == (0, 3):
        return V03
    raise VersionNotSupportedError(
        f"A2A version '{given.strip()}' is not supported; supported versions: "
        f"{', '.join(SUPPORTED)}",
        supportedVersions=",".join(SUPPORTED),
    )


def require(version: str, expected: str, operation: str) -> None:
    """VersionNotSupportedError unless the request's `version` is the one `operation` speaks."""
    if version != expected:
        raise VersionNotSupportedError(
            f"{operation} is an A2A {expected} operation but the request is A2A {version}; "
            f"send the header {VERSION_HEADER}: {expected}",
            supportedVersions=expected,
        )
