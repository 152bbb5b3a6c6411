"""Masking secrets before anything is logged, put in custom status or written to history.

A value is masked when its key names a secret (key, secret, token, password, authorization,
credential, connection string, signature, cookie) and the value is text; numbers stay, so
`tokens_used: 1200` is kept. Text anywhere is also scrubbed of bearer tokens, JWTs, the
secret parts of connection strings and SAS URLs, and the values of secret-named keys written
as `name: value` or `name=value` (`password: hunter2`, `"api_key": "abc"`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

REDACTED = "[REDACTED]"

_SECRET_KEY = re.compile(
    r"key|secret|token|passw|pwd|authorization|credential|connectionstring|connstr|signature"
    r"|cookie|sasurl"
)
# Identifiers that contain "key" but are not secret; kept for debugging and correlation.
_NOT_SECRET_KEYS = frozenset({"idempotencykey", "partitionkey", "rowkey"})
_SECRET_TEXT = (
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9\-._~+/]+=*"), "Bearer " + REDACTED),
    (
        re.compile(r"(?i)\b(authorization[\"']?\s*[:=]\s*[\"']?)basic\s+[A-Za-z0-9+/]+=*"),
        r"\1Basic " + REDACTED,
    ),
    (re.compile(r"\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    (
        re.compile(
            r"(?i)\b(AccountKey|SharedAccessKey|SharedAccessSignature|InstrumentationKey"
            r"|Password|Pwd|sig|code|client_secret|api[-_]?key)=([^;&\s\"']+)"
        ),
        r"\1=" + REDACTED,
    ),
)
# `name: value` or `name=value` in free text (also JSON's `"name": "value"`); a quoted value
# is masked whole. An authorization scheme ("Bearer", "Basic") is kept: the patterns above mask
# the credential after it.
_KEY_VALUE = re.compile(
    r"(?P<name>[A-Za-z_][\w.-]*)(?P<sep>[\"']?\s*[:=]\s*)"
    r"(?!(?i:bearer|basic)\s)(?P<value>\[REDACTED\]|\"[^\"]*\"|'[^']*'|[^\s;&,\"'}\])]+)"
)


def is_secret_key(name: str) -> bool:
    """Whether a field called `name` holds a secret."""
    normal = re.sub(r"[-_\s.]", "", name.lower())
    return normal not in _NOT_SECRET_KEYS and bool(_SECRET_KEY.search(normal))


def _mask_secret_value(found: re.Match[str]) -> str:
    name, value = found["name"], found["value"]
    if not is_secret_key(name) or value == REDACTED or _is_token_count(name, value):
        return found[0]
    quote = value[0] if value[0] in "\"'" else ""
    return f"{name}{found['sep']}{quote}{REDACTED}{quote}"


def _is_token_count(name: str, value: str) -> bool:
    # `max_tokens=800`, `tokens_used: 1200`: counts of model tokens, not credentials.
    return value.isdigit() and "tokens" in name.lower()


def scrub_text(text: str) -> str:
    """`text` with bearer tokens, JWTs, connection-string secrets and the values of
    secret-named `name: value` / `name=value` pairs masked."""
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return _KEY_VALUE.sub(_mask_secret_value, text)


def _redact(obj: Any, secret: bool) -> Any:
    if isinstance(obj, BaseModel):
        obj = obj.model_dump(mode="json")
    if isinstance(obj, Mapping):
        return {
            key: _redact(value, secret or is_secret_key(str(key))) for key, value in obj.items()
        }
    if isinstance(obj, list | tuple | set | frozenset):
        return [_redact(item, secret) for item in obj]
    if isinstance(obj, str | bytes) and secret:
        return REDACTED
    if isinstance(obj, str):
        return scrub_text(obj)
    return obj


def redact(obj: Any) -> Any:
    """A JSON-like copy of `obj` with secrets masked; `obj` is not changed. Pydantic models
    are dumped first; tuples and sets become lists; numbers, booleans and other objects are
    kept as they are."""
    return _redact(obj, False)
