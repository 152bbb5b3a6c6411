"""Argument types shared by the tools of every domain."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

IdempotencyKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=r"^[!-~]+$",
        description="Key of this write: a repeated call with the same key returns the first "
        "result and changes nothing again. Printable ASCII, no spaces.",
    ),
]
Limit = Annotated[int, Field(ge=1, le=100, description="Most records to return.")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
