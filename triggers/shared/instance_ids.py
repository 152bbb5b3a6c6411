"""The one instance-id pattern of the app's endpoints, and ids put safely into URLs.

An instance id the app accepts from a caller matches `INSTANCE_ID_PATTERN`: 1 to 256
characters, an ASCII letter or digit first, then ASCII letters, digits, `.`, `_`, `:` and `-`.
Every id the app creates fits it (uuids, `{workflow}:{agent}`, `{workflow}:approval`,
`batch_sweep:{slot}:{target}`); dot segments, slashes, percent signs, spaces, control and
non-ASCII characters never do. An id is percent-encoded wherever it goes into a URL, including
the URLs the Durable SDK's client builds from the ids it is given.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from triggers.shared.errors import BadRequestError

INSTANCE_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,255}")
"""What an instance id may look like (matched against the whole id)."""

PATTERN_TEXT = "1-256 ASCII letters, digits, '.', '_', ':' or '-', starting with a letter or digit"


def is_valid_instance_id(value: Any) -> bool:
    """True for a string that matches INSTANCE_ID_PATTERN."""
    return isinstance(value, str) and INSTANCE_ID_PATTERN.fullmatch(value) is not None


def checked_instance_id(value: Any, field: str = "id") -> str:
    """`value` if it is a valid instance id; BadRequestError naming `field` otherwise."""
    if not is_valid_instance_id(value):
        shown = repr(value)[:80] if isinstance(value, str) else type(value).__name__
        raise BadRequestError.about(field, f"{shown} is not an instance id ({PATTERN_TEXT})")
    return str(value)


def url_segment(instance_id: str) -> str:
    """`instance_id` percent-encoded as one URL path segment: every character but unreserved
    ones and `:` (which RFC 3986 allows in a segment, and which the app's child ids use)."""
    return quote(instance_id, safe=":")
