"""`${NAME}` references to app settings in catalogue values (URLs, headers, env)."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping

from core.catalogue.model import SETTING_REFERENCE


def setting_names(value: str) -> Iterator[str]:
    """The setting names `value` refers to, in order."""
    for match in SETTING_REFERENCE.finditer(value):
        yield match.group(1)


def expand(value: str, environ: Mapping[str, str] | None = None) -> str:
    """`value` with each `${NAME}` replaced by the setting's value (read when called, so a
    Key Vault reference resolved by the platform is never stored in the catalogue)."""
    source = os.environ if environ is None else environ
    return SETTING_REFERENCE.sub(lambda match: source[match.group(1)], value)
