"""Proofs that a value was issued by this app and not by whoever can reach the Durable APIs.

The real host hands its Durable system key out in management URLs, so anyone holding one can
raise events or start orchestrators with any input. Values that grant something (an approval
decided by the app's role-checked endpoint, the input of an internal orchestrator written by
the coordinator) therefore carry an HMAC-SHA256 proof over their fields, made with a key that
lives only in settings (`WORKFLOW_SIGNING_KEY`, a Key Vault reference in Azure) and never in
history, logs or answers. Orchestrations verify proofs in an activity, never in replayed code.

Without the setting, a random key is created once in `WORKFLOW_SIGNING_KEY_FILE` (mode 0600),
so local runs keep their proofs valid across restarts; every replica of a deployed app must
share the setting instead.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.settings import get_settings

MIN_KEY_BYTES = 32


class SigningKeyError(Exception):
    """Raised when the configured signing key is unusable."""


def canonical(fields: Mapping[str, Any]) -> bytes:
    """`fields` as canonical JSON (sorted keys, no spaces, UTF-8): equal values, equal bytes."""
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def digest(fields: Mapping[str, Any]) -> str:
    """The SHA-256 hex digest of `fields`' canonical JSON."""
    return hashlib.sha256(canonical(fields)).hexdigest()


def sign(purpose: str, fields: Mapping[str, Any]) -> str:
    """The proof (hex HMAC-SHA256) that this app issued `fields` for `purpose`.

    `purpose` separates kinds of proof, so a proof made for one use never verifies as another.
    """
    message = purpose.encode() + b"\n" + canonical(fields)
    return hmac.new(signing_key(), message, hashlib.sha256).hexdigest()


def verify(purpose: str, fields: Mapping[str, Any], proof: str | None) -> bool:
    """Whether `proof` is this app's proof of `fields` for `purpose` (constant-time)."""
    if not proof:
        return False
    return hmac.compare_digest(sign(purpose, fields), proof)


@lru_cache(maxsize=1)
def signing_key() -> bytes:
    """The process's signing key: `WORKFLOW_SIGNING_KEY`, or the key file's (made if missing)."""
    settings = get_settings()
    if settings.WORKFLOW_SIGNING_KEY:
        key = settings.WORKFLOW_SIGNING_KEY.encode()
        if len(key) < MIN_KEY_BYTES:
            raise SigningKeyError(
                f"WORKFLOW_SIGNING_KEY: must be at least {MIN_KEY_BYTES} bytes, got {len(key)}"
            )
        return key
    return _key_file(Path(settings.WORKFLOW_SIGNING_KEY_FILE))


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(MIN_KEY_BYTES))
        try:
            # A hard link never replaces: when processes race, the first key wins for all.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    key = path.read_text().strip().encode()
    if len(key) < MIN_KEY_BYTES:
        raise SigningKeyError(f"WORKFLOW_SIGNING_KEY_FILE: {path} holds a key that is too short")
    return key
